"""`hipaa-cac collect [SOURCE …]`: run the configured collectors into evidence/."""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import nullcontext
from datetime import datetime
from pathlib import Path

import click
from rich.progress import Progress, SpinnerColumn, TextColumn

from hipaa_cac.cli.options import repo_option
from hipaa_cac.collectors.base import CollectContext
from hipaa_cac.collectors.registry import available, load_collector
from hipaa_cac.collectors.runner import run_source
from hipaa_cac.collectors.sources import ready_sources
from hipaa_cac.config import load_config
from hipaa_cac.durations import format_timestamp, parse_timestamp, utc_now
from hipaa_cac.errors import InputError
from hipaa_cac.evidence.writer import write_collection
from hipaa_cac.fingerprint import fingerprinter, repo_salt
from hipaa_cac.paths import display_path


@click.command()
@repo_option
@click.argument("sources", nargs=-1)
@click.option(
    "--at", "at", help="Record the run as of this time (RFC 3339), for reproducible runs."
)
@click.option("--strict", is_flag=True, help="Exit 1 when any kind is partial or errored.")
@click.option("--list", "list_only", is_flag=True, help="List installed collectors and exit.")
def collect(
    repo: Path, sources: tuple[str, ...], at: str | None, strict: bool, list_only: bool
) -> None:
    """Run the configured evidence sources (all, or those named).

    A source that fails is recorded as an evidence error (controls needing its
    evidence cannot pass) and the others still run. Exit 0 when every run was
    recorded, 1 with --strict if any kind is incomplete, 2 on bad input.
    """

    def finished() -> str:
        return format_timestamp(pinned or utc_now())

    if list_only:
        for name in available():
            try:
                c = load_collector(name)
            except InputError as exc:  # list the others; say what is wrong with this one
                click.echo(f"{name:<16} {'broken':<10} {exc.message}")
                continue
            click.echo(f"{name:<16} {c.version:<10} {', '.join(c.kinds)}")
        return
    try:
        pinned = parse_timestamp(at) if at else None
    except ValueError as exc:
        raise InputError(f"--at: {exc}") from None
    config = load_config(repo)
    ready = ready_sources(config, sources)
    if not ready:
        raise InputError("no sources configured: add a 'sources' list to hipaa-cac.yaml")
    fingerprint = fingerprinter(repo_salt(repo))
    incomplete = 0
    show_bar = sys.stderr.isatty()
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TextColumn("{task.completed}"))
    with Progress(*columns, transient=True) if show_bar else nullcontext(None) as bar:
        for entry in ready:
            now: datetime = pinned or utc_now()
            context = CollectContext(root=repo, now=now, fingerprint=fingerprint)
            advance = _counter(bar, entry.source.id)
            run = run_source(entry.source, entry.collector, context, finished, advance)
            path = write_collection(config.evidence, run)
            bad = {k: s for k, s in run.kinds.items() if s.status != "complete"}
            incomplete += bool(bad)
            shown = display_path(path, config.evidence, repo)
            click.echo(f"{entry.source.id}: {len(run.items)} items -> {shown}", err=True)
            for kind, status in bad.items():
                click.echo(f"  {kind} {status.status}: {status.error}", err=True)
    sys.exit(1 if strict and incomplete else 0)


def _counter(bar: Progress | None, label: str) -> Callable[[int], None]:
    if bar is None:
        return lambda n: None
    task = bar.add_task(label, total=None)
    return lambda n: bar.update(task, advance=n)
