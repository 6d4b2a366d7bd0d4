"""`hipaa-cac diff [A] [B]`: what changed between two recorded runs."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from hipaa_cac.canonical import pretty_json
from hipaa_cac.cli.options import repo_option
from hipaa_cac.config import load_config
from hipaa_cac.drift import Drift, RunSnapshot, compare_runs, evaluation_runs
from hipaa_cac.errors import InputError
from hipaa_cac.ledger import open_ledger


@click.command()
@repo_option
@click.argument("run_a", required=False)
@click.argument("run_b", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def diff(repo: Path, run_a: str | None, run_b: str | None, fmt: str) -> None:
    """Compare run A with run B (default: the last two runs; with one run id,
    that run with the latest). Exit 0 when nothing regressed, 1 when a control
    got worse or a finding is new."""
    config = load_config(repo)
    with open_ledger(config.ledger, create=False) as ledger:
        runs = evaluation_runs(ledger)
        if not runs:
            raise InputError("the ledger has no runs yet", str(config.ledger))
        if run_a is None:
            pair = (runs[-2] if len(runs) > 1 else None, runs[-1])
        else:
            pair = (run_a, run_b or runs[-1])
        before = RunSnapshot.read(ledger, pair[0]) if pair[0] is not None else None
        after = RunSnapshot.read(ledger, pair[1])
    drift = compare_runs(before, after)
    click.echo(pretty_json(drift_document(drift)) if fmt == "json" else text(drift), nl=False)
    regressed = any(c.regression for c in drift.status_changes) or drift.new_findings
    sys.exit(1 if regressed else 0)


def drift_document(drift: Drift) -> dict[str, Any]:
    return {
        "schema": "hipaa-cac/diff/v1",
        "before": drift.before,
        "after": drift.after,
        "status_changes": [
            {"control": c.control, "citation": c.citation, "before": c.before, "after": c.after}
            for c in drift.status_changes
        ],
        "new_findings": [k._asdict() for k in drift.new_findings],
        "resolved_findings": [k._asdict() for k in drift.resolved_findings],
        "inventory_changes": [c.to_dict() for c in drift.inventory],
    }


def text(drift: Drift) -> str:
    lines = [f"{drift.before or '(no earlier run)'} -> {drift.after}"]
    if drift.before is None:
        return "\n".join([*lines, "first recorded run: nothing to compare with", ""])
    if drift.empty:
        return "\n".join([*lines, "no changes", ""])
    for c in drift.status_changes:
        lines.append(f"  {c.control:<26} {c.before or '(new)':<22} -> {c.after}")
    for label, keys in (("new", drift.new_findings), ("resolved", drift.resolved_findings)):
        for k in keys:
            lines.append(f"  {label} finding  {k.control}  {k.resource}  ({k.rule})")
    for change in drift.inventory:
        lines.append(f"  inventory  {change.describe()}")
    lines.append(
        f"{len(drift.status_changes)} status change(s), {len(drift.new_findings)} new and "
        f"{len(drift.resolved_findings)} resolved finding(s), "
        f"{len(drift.inventory)} inventory change(s)"
    )
    return "\n".join([*lines, ""])
