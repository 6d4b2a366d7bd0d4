"""`hipaa-cac risk ack` and `hipaa-cac inventory`: the architecture inventory
and the record that the risk analysis covers it (docs/risk.md)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from hipaa_cac.attestations.schema import validate_document
from hipaa_cac.attestations.write import ordered, render
from hipaa_cac.canonical import pretty_json, write_atomic
from hipaa_cac.cli.attest import attestation_dir
from hipaa_cac.cli.options import repo_option
from hipaa_cac.config import load_config
from hipaa_cac.durations import parse_timestamp, utc_now
from hipaa_cac.errors import InputError
from hipaa_cac.evidence import EvidenceSet, EvidenceStore
from hipaa_cac.inventory import Inventory, derive_inventory
from hipaa_cac.inventory.risk_coverage import RISK_ANALYSIS, newest_analysis, risk_update
from hipaa_cac.risk.ack import acknowledgement


def _at(at: str | None) -> datetime:
    try:
        return parse_timestamp(at) if at else utc_now()
    except ValueError as exc:
        raise InputError(f"--at: {exc}") from None


def _current(repo: Path) -> tuple[EvidenceSet, Inventory]:
    config = load_config(repo)
    evidence = EvidenceStore(config.evidence, display_root=repo).current()
    return evidence, derive_inventory(evidence)


@click.command("ack")
@repo_option
@click.option("--by", "attested_by", help="Who reviewed it (default: the git author on commit).")
@click.option("--note", help="What the review concluded, added to the statement.")
@click.option("--scope", help="What the analysis covers (default: the previous analysis's).")
@click.option("--method", help="How it was done (default: the previous analysis's).")
@click.option("--at", "at", help="Date the review as of this time (RFC 3339); default: now.")
@click.option("--force", is_flag=True, help="Replace a risk analysis file written today.")
def ack(
    repo: Path,
    attested_by: str | None,
    note: str | None,
    scope: str | None,
    method: str | None,
    at: str | None,
    force: bool,
) -> None:
    """Record that the risk analysis was reviewed for the current architecture.

    Writes a risk analysis attestation listing the inventory it now covers;
    collect the attestations source (or 'hipaa-cac run') to record it.
    """
    now = _at(at)
    evidence, inventory = _current(repo)
    previous = newest_analysis(evidence.items(RISK_ANALYSIS))
    update = risk_update(inventory, evidence)
    if previous is not None and update is None:
        click.echo(f"risk analysis {previous.subject} already covers inventory {inventory.sha256}")
        return
    for change in update.changes if update is not None else ():
        click.echo(f"  {change.describe()}")
    record = acknowledgement(
        inventory, update, previous, now.date(), attested_by, note, scope, method
    )
    path = repo / attestation_dir(repo) / "risk_analysis" / record.file_name
    shown = path.relative_to(repo).as_posix()
    if path.exists() and not force:
        raise InputError("already exists: pass --force to replace it", shown)
    if "scope" not in record.document or "method" not in record.document:
        raise InputError("no earlier risk analysis to take them from: pass --scope and --method")
    validate_document(record.document, shown, lambda _path: None, now)
    write_atomic(path, render(ordered("risk_analysis", record.document)))
    click.echo(f"wrote {shown}: covers inventory {inventory.sha256}")
    click.echo("next: commit it, then 'hipaa-cac collect attestations' or 'hipaa-cac run'")


@click.command("inventory")
@repo_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
def inventory(repo: Path, fmt: str) -> None:
    """Show the architecture inventory the current evidence shows."""
    _, current = _current(repo)
    if fmt == "json":
        click.echo(pretty_json(current.to_payload()), nl=False)
        return
    for entry in current.entries:
        phi = {True: "may handle PHI", False: "no PHI", None: ""}[entry.may_handle_phi]
        where = f"{entry.detections} place(s)" if entry.detections else ""
        click.echo(f"{entry.category:<18} {entry.id:<60} {entry.type:<15} {phi:<15} {where}")
    click.echo(f"inventory {current.sha256}", err=True)
