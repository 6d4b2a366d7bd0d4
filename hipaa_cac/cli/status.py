"""`hipaa-cac status`: the control statuses of the latest recorded run."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from hipaa_cac.cli.options import repo_option
from hipaa_cac.config import load_config
from hipaa_cac.errors import InputError
from hipaa_cac.ledger import open_ledger
from hipaa_cac.ledger.record import CONTROL_STATUS, RUN


@click.command()
@repo_option
def status(repo: Path) -> None:
    """Show each control's status from the latest run in the ledger."""
    config = load_config(repo)
    with open_ledger(config.ledger, create=False) as ledger:
        runs = ledger.runs()
        if not runs:
            raise InputError(
                "the ledger has no runs yet: run 'hipaa-cac evaluate' first", str(config.ledger)
            )
        entries = list(ledger.entries(run_id=runs[-1], types=[RUN, CONTROL_STATUS]))
    run = entries[0]
    click.echo(f"{run.run_id} recorded {run.recorded_at}, as of {run.payload['as_of']}")
    failing = 0
    for entry in entries[1:]:
        p = entry.payload
        failing += p["status"] not in ("pass", "not_applicable", "waived")
        click.echo(f"{p['status']:<22} {p['control']:<26} {p['citation']}")
    click.echo(f"{len(entries) - 1} controls, {failing} not passing")
    sys.exit(1 if failing else 0)
