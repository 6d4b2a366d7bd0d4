"""`hipaa-cac ledger verify|log`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from hipaa_cac.cli.options import repo_option
from hipaa_cac.config import load_config
from hipaa_cac.inventory import InventoryChange
from hipaa_cac.ledger import open_ledger
from hipaa_cac.ledger.record import INVENTORY, NOTIFICATION, RISK_UPDATE, RUN


@click.group()
def ledger() -> None:
    """Inspect and verify the control-status ledger."""


@ledger.command()
@repo_option
@click.option("--expect-head", help="Hash the head must have (detects entries cut from the end).")
def verify(repo: Path, expect_head: str | None) -> None:
    """Recompute the hash chain; exit 1 naming the first bad entry."""
    config = load_config(repo)
    with open_ledger(config.ledger, create=False) as book:
        result = book.verify(expect_head=expect_head)
    if not result.ok:
        click.echo(f"ledger {config.ledger} is NOT intact: {result.problem}", err=True)
        sys.exit(1)
    click.echo(
        f"ledger intact: {result.entries} entries, {result.runs} runs, head {result.head_hash}"
    )


@ledger.command()
@repo_option
@click.option("--run", "run_id", help="Show every entry of this run.")
def log(repo: Path, run_id: str | None) -> None:
    """List the recorded runs (or one run's entries)."""
    config = load_config(repo)
    with open_ledger(config.ledger, create=False) as book:
        if run_id is not None:
            for entry in book.entries(run_id=run_id):
                what, state = _summary(entry.type, entry.payload)
                click.echo(f"{entry.seq:>7} {entry.type:<15} {what:<26} {state:<22} {entry.hash}")
                if entry.type == NOTIFICATION:
                    for d in entry.payload["deliveries"]:
                        state = "delivered" if d["ok"] else f"NOT delivered: {d['error']}"
                        click.echo(f"{'':>24}{d['target']}: {state}")
                if entry.type == RISK_UPDATE:
                    for change in entry.payload["changes"]:
                        click.echo(f"{'':>24}{InventoryChange.from_dict(change).describe()}")
            return
        updates = {e.run_id for e in book.entries(types=[RISK_UPDATE])}
        for entry in book.entries(types=[RUN]):
            p = entry.payload
            counts = ", ".join(f"{n} {s}" for s, n in sorted(p["counts"].items()) if n)
            flag = "  risk assessment update required" if entry.run_id in updates else ""
            click.echo(
                f"{entry.run_id}  recorded {entry.recorded_at}  as of {p['as_of']}  "
                f"{p['engine']:<8} {counts}{flag}"
            )


def _summary(type_: str, payload: dict[str, Any]) -> tuple[str, str]:
    """The two columns `log --run` shows for an entry."""
    if type_ == INVENTORY:
        return f"{len(payload['entries'])} entries", payload["sha256"]
    if type_ == NOTIFICATION:
        delivered = sum(d["ok"] for d in payload["deliveries"])
        return f"for {payload['run']}", f"{delivered}/{len(payload['deliveries'])} delivered"
    if type_ == RISK_UPDATE:
        return f"{len(payload['changes'])} change(s)", f"not covered by {payload['risk_analysis']}"
    return str(payload.get("control", "")), str(payload.get("status", ""))
