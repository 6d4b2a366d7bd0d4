"""`hipaa-cac status [--since DATE]`: the control statuses of the latest run,
or what changed since the run that was current at DATE."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from hipaa_cac.cli.diff import text
from hipaa_cac.cli.options import repo_option
from hipaa_cac.config import load_config
from hipaa_cac.drift import PASSING, RunSnapshot, compare_runs, evaluation_runs
from hipaa_cac.durations import format_timestamp, parse_timestamp
from hipaa_cac.errors import InputError
from hipaa_cac.ledger import open_ledger
from hipaa_cac.ledger.record import RUN


@click.command()
@repo_option
@click.option(
    "--since",
    metavar="DATE",
    help="Show what changed since the run current at DATE (YYYY-MM-DD or RFC 3339).",
)
def status(repo: Path, since: str | None) -> None:
    """Show each control's status from the latest run in the ledger.

    Exit 1 when any control is not passing.
    """
    config = load_config(repo)
    with open_ledger(config.ledger, create=False) as ledger:
        runs = evaluation_runs(ledger)
        if not runs:
            raise InputError(
                "the ledger has no runs yet: run 'hipaa-cac evaluate' first", str(config.ledger)
            )
        latest = RunSnapshot.read(ledger, runs[-1])
        earlier = None
        if since is not None:
            cutoff = _cutoff(since)
            then = [e.run_id for e in ledger.entries(types=[RUN]) if e.payload["as_of"] <= cutoff]
            earlier = RunSnapshot.read(ledger, then[-1]) if then else None
    click.echo(f"{latest.run_id} recorded {latest.recorded_at}, as of {latest.as_of}")
    if since is not None and earlier is None:
        click.echo(f"since {since}: no run was recorded as of then; everything below is new")
    elif since is not None:
        click.echo(f"since {since}: " + text(compare_runs(earlier, latest)), nl=False)
    failing = 0
    for control, p in sorted(latest.statuses.items()):
        failing += p["status"] not in PASSING
        if since is None or earlier is None:
            click.echo(f"{p['status']:<22} {control:<26} {p['citation']}")
    click.echo(f"{len(latest.statuses)} controls, {failing} not passing")
    sys.exit(1 if failing else 0)


def _cutoff(since: str) -> str:
    """The end of DATE (a day counts whole), as an RFC 3339 string that compares by text."""
    try:
        if len(since) == 10:
            return format_timestamp(parse_timestamp(f"{since}T23:59:59Z"))
        return format_timestamp(parse_timestamp(since))
    except ValueError as exc:
        raise InputError(f"--since: {exc}") from None
