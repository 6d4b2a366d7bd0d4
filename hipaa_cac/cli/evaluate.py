"""`hipaa-cac evaluate`: decide every control, record the run, report."""

from __future__ import annotations

import os
import sys
from contextlib import nullcontext
from pathlib import Path

import click
from rich.progress import Progress

from hipaa_cac.baseline import DEFAULT_BASELINE_FILE, compare, load_baseline
from hipaa_cac.canonical import write_atomic
from hipaa_cac.cli.options import repo_option
from hipaa_cac.durations import parse_timestamp, utc_now
from hipaa_cac.engines import ENGINES, make_engine
from hipaa_cac.errors import InputError
from hipaa_cac.evaluator import evaluate as run_evaluation
from hipaa_cac.evaluator import work_units
from hipaa_cac.evaluator.scope import scope_of
from hipaa_cac.evidence import EvidenceStore
from hipaa_cac.inputs import load_inputs
from hipaa_cac.ledger import open_ledger
from hipaa_cac.ledger.record import run_entries
from hipaa_cac.reports import FORMATS, render
from hipaa_cac.waivers import load_waivers

PROGRESS_THRESHOLD = 2000  # items; below this a run is too quick for a bar


@click.command()
@repo_option
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to FILE (atomically) instead of standard output.",
)
@click.option("--engine", type=click.Choice(ENGINES), help="Rego engine (default: from config).")
@click.option("--opa-url", help="OPA server for --engine opa (default: from config).")
@click.option("--at", "at", help="Evaluate as of this time (RFC 3339); default: now.")
@click.option("--dry-run", is_flag=True, help="Do not record the run in the ledger.")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Processes for large inputs (embedded engine; default: CPU count).",
)
@click.option(
    "--baseline",
    metavar="FILE|GIT-REF",
    help="Fail only on what is new since this earlier --format json result: a file, "
    "or a git ref at which --baseline-file is committed (docs/ci.md).",
)
@click.option(
    "--baseline-file",
    default=DEFAULT_BASELINE_FILE,
    show_default=True,
    metavar="PATH",
    help="With a git ref --baseline: the result file at that ref, relative to --repo.",
)
def evaluate(
    repo: Path,
    fmt: str,
    output: Path | None,
    engine: str | None,
    opa_url: str | None,
    at: str | None,
    dry_run: bool,
    workers: int | None,
    baseline: str | None,
    baseline_file: str,
) -> None:
    """Evaluate every control against the current evidence.

    Exit 0 when every control passes (or is not applicable / waived), 1 when
    any control fails or cannot be decided, 2 on bad input. With --baseline,
    1 only for findings not in the baseline or controls that got worse.
    """
    try:
        now = parse_timestamp(at) if at else utc_now()
    except ValueError as exc:
        raise InputError(f"--at: {exc}") from None
    # Read before evaluating: a bad baseline must not leave a run in the ledger.
    accepted = load_baseline(baseline, repo, baseline_file) if baseline else None
    inputs = load_inputs(repo)
    config = inputs.config
    waivers = load_waivers(config, inputs.catalog)  # a bad waiver, too, stops before the ledger
    rego = make_engine(engine or config.engine, opa_url or config.opa_url)
    rego.load(inputs.library)
    evidence = EvidenceStore(config.evidence, display_root=repo).current()

    total = work_units(inputs.library, evidence)
    show_bar = sys.stderr.isatty() and total >= PROGRESS_THRESHOLD
    with Progress(transient=True) if show_bar else nullcontext() as progress:
        advance = lambda n: None  # noqa: E731
        if isinstance(progress, Progress):
            task = progress.add_task("evaluating", total=total)
            advance = lambda n: progress.update(task, advance=n)  # noqa: E731
        if workers is None:
            workers = (os.cpu_count() or 1) if rego.name == "embedded" else 1
        scope = scope_of([source.collector for source in config.sources], evidence)
        result = run_evaluation(
            inputs.catalog, inputs.library, rego, evidence, now, advance, workers, waivers, scope
        )

    if not dry_run:
        with open_ledger(config.ledger) as ledger:
            run_id, _ = ledger.append_run(run_entries(result))
        click.echo(f"recorded {run_id} in {config.ledger}", err=True)

    text = render(result, fmt, color=output is None and sys.stdout.isatty(), catalog=inputs.catalog)
    if output is not None:
        write_atomic(output, text)
    else:
        click.echo(text, nl=False)
    if accepted is None:
        sys.exit(0 if result.passed else 1)
    comparison = compare(accepted, result)
    for line in comparison.lines():
        click.echo(line, err=True)
    sys.exit(0 if comparison.passed else 1)
