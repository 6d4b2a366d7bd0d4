"""`hipaa-cac run`: collect what is due, evaluate, record, notify; once, or
every --interval with --watch (docs/continuous.md)."""

from __future__ import annotations

import sys
import time
from datetime import timedelta
from pathlib import Path

import click

from hipaa_cac.cli.diff import text
from hipaa_cac.cli.options import repo_option
from hipaa_cac.continuous.cycle import CycleResult, run_cycle
from hipaa_cac.durations import parse_duration, parse_timestamp
from hipaa_cac.engines import ENGINES
from hipaa_cac.errors import InputError


@click.command("run")
@repo_option
@click.option("--force", is_flag=True, help="Collect every source, due or not.")
@click.option("--watch", is_flag=True, help="Run again every --interval until interrupted.")
@click.option("--interval", default="1h", show_default=True, help="With --watch: e.g. 15m, 6h.")
@click.option("--at", "at", help="Run as of this time (RFC 3339), for reproducible runs.")
@click.option("--engine", type=click.Choice(ENGINES), help="Rego engine (default: from config).")
@click.option("--opa-url", help="OPA server for --engine opa (default: from config).")
def run(
    repo: Path,
    force: bool,
    watch: bool,
    interval: str,
    at: str | None,
    engine: str | None,
    opa_url: str | None,
) -> None:
    """Collect stale evidence, evaluate, record the run and send notices.

    Exit (without --watch) 0 when every control passes, 1 when any does not
    or a notice could not be delivered, 2 on bad input.
    """
    try:
        every = parse_duration(interval)
        pinned = parse_timestamp(at) if at else None
    except ValueError as exc:
        raise InputError(f"--interval/--at: {exc}") from None
    if watch and pinned is not None:
        raise InputError("--at pins one run's time: it cannot be combined with --watch")
    while True:
        result = run_cycle(
            repo,
            pinned,
            force=force,
            interval=every if watch else timedelta(0),
            engine=engine,
            opa_url=opa_url,
        )
        _report(result)
        if not watch:
            undelivered = any(not d.ok for d in result.deliveries)
            sys.exit(0 if result.evaluation.passed and not undelivered else 1)
        time.sleep(every.total_seconds())


def _report(result: CycleResult) -> None:
    for c in result.collected:
        click.echo(f"collected {c.source} ({c.reason}): {c.items} items", err=True)
        for kind, why in sorted(c.incomplete.items()):
            click.echo(f"  {kind} {why}", err=True)
    counts = ", ".join(f"{v} {k}" for k, v in sorted(result.evaluation.counts.items()) if v)
    click.echo(f"{result.run_id} as of {result.evaluation.as_of}: {counts}")
    click.echo(text(result.drift), nl=False)
    update = result.evaluation.risk_update
    if update is not None:
        click.echo(f"risk assessment update required: {update.summary()}")
        for change in update.changes:
            click.echo(f"  {change.describe()}")
    for d in result.deliveries:
        state = "delivered" if d.ok else f"NOT delivered: {d.error}"
        click.echo(f"notify {d.target}: {state}", err=True)
