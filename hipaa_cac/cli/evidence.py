"""`hipaa-cac evidence prune`: apply the retention to evidence nothing refers to."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from hipaa_cac.cli.options import repo_option
from hipaa_cac.config import load_config
from hipaa_cac.durations import format_timestamp, parse_duration, utc_now
from hipaa_cac.errors import InputError
from hipaa_cac.evidence import EvidenceStore
from hipaa_cac.evidence.prune import apply_prune, plan_prune
from hipaa_cac.ledger import LedgerUrl, ledger_exists, open_ledger


@click.group()
def evidence() -> None:
    """Manage the evidence store."""


@evidence.command()
@repo_option
@click.option("--retention", help="Override retention.evidence from hipaa-cac.yaml (e.g. 400d).")
@click.option("--dry-run", is_flag=True, help="Only say what would be deleted.")
def prune(repo: Path, retention: str | None, dry_run: bool) -> None:
    """Delete old evidence runs that no ledger entry refers to, and orphaned objects.

    The current run of each source and everything the ledger refers to are
    always kept (HIPAA documentation is retained six years).
    """
    config = load_config(repo)
    keep_for = retention or config.evidence_retention
    try:
        cutoff = format_timestamp(utc_now() - parse_duration(keep_for))
    except ValueError as exc:
        raise InputError(f"--retention: {exc}") from None
    store = EvidenceStore(config.evidence, display_root=repo)
    plan = plan_prune(store, ledger_hashes(config.ledger), cutoff)
    verb = "would delete" if dry_run else "deleted"
    if not dry_run:
        apply_prune(plan)
    click.echo(
        f"{verb} {len(plan.runs)} runs and {len(plan.objects)} objects older than {keep_for}; "
        f"kept {plan.kept_runs} runs"
    )


def ledger_hashes(location: Path | LedgerUrl) -> set[str]:
    """Every `sha256:` value any ledger entry holds: collections, items, attestations."""
    if not ledger_exists(location):  # unreachable raises: never "nothing is referenced"
        return set()
    found: set[str] = set()
    with open_ledger(location, create=False) as ledger:
        for entry in ledger.entries():
            _collect_hashes(entry.payload, found)
    return found


def _collect_hashes(value: Any, found: set[str]) -> None:
    if isinstance(value, str) and value.startswith("sha256:"):
        found.add(value)
    elif isinstance(value, dict):
        for v in value.values():
            _collect_hashes(v, found)
    elif isinstance(value, list):
        for v in value:
            _collect_hashes(v, found)
