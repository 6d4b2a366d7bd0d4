"""Retention: old, unreferenced runs go; what the ledger refers to and each
source's current run stay, however old."""

from __future__ import annotations

import os
import time
from pathlib import Path

from click.testing import Result

from hipaa_cac.evidence import EvidenceStore
from hipaa_cac.evidence.objects import ObjectStore
from hipaa_cac.evidence.prune import apply_prune, plan_prune
from hipaa_cac.evidence.writer import write_collection
from hipaa_cac.ledger import open_ledger
from hipaa_cac.ledger.entry import NewEntry
from tests.test_evidence_store import item, run

CUTOFF = "2026-06-01T00:00:00Z"


def age_objects(evidence: Path) -> None:
    """Objects written just now are protected as in-flight; make them old."""
    old = time.time() - 2 * 3600
    for file in (evidence / "objects").glob("*/*.json"):
        os.utime(file, (old, old))


def test_prune_keeps_referenced_current_and_recent(tmp_path: Path) -> None:
    evidence = tmp_path / "evidence"
    referenced_item = item("git:audited", {"v": 1})
    audited = write_collection(evidence, run("2026-01-01T00:00:00Z", referenced_item))
    expendable_item = item("git:old", {"v": 2})
    expendable = write_collection(evidence, run("2026-02-01T00:00:00Z", expendable_item))
    recent = write_collection(evidence, run("2026-07-01T00:00:00Z", item("git:r", {"v": 3})))
    other_source_current = write_collection(
        evidence, run("2025-01-01T00:00:00Z", item("git:o", {"v": 4}), scope="other")
    )
    age_objects(evidence)

    plan = plan_prune(EvidenceStore(evidence), {referenced_item.sha256}, CUTOFF)
    assert plan.runs == (expendable,)
    assert plan.objects == (ObjectStore(evidence).path_for(expendable_item.sha256),)
    assert plan.kept_runs == 3

    apply_prune(plan)
    remaining = {p for p, _ in EvidenceStore(evidence).collection_files()}
    assert remaining == {audited, recent, other_source_current}


def test_fresh_objects_of_a_run_in_progress_are_not_collected(tmp_path: Path) -> None:
    evidence = tmp_path / "evidence"
    in_flight = item("git:new", {"v": 1})
    ObjectStore(evidence).put(in_flight)  # its index is not written yet
    assert plan_prune(EvidenceStore(evidence), set(), CUTOFF).objects == ()


def test_prune_command_reads_references_from_the_ledger(cli, example_repo: Path) -> None:
    evidence = example_repo / "evidence"
    kept_item, gone_item = item("git:a", {"v": 1}), item("git:b", {"v": 2})
    kept = write_collection(evidence, run("2020-01-01T00:00:00Z", kept_item))
    gone = write_collection(evidence, run("2020-01-02T00:00:00Z", gone_item))
    write_collection(evidence, run("2020-01-03T00:00:00Z", item("git:c", {"v": 3})))
    age_objects(evidence)
    with open_ledger(example_repo / ".hipaa-cac" / "ledger.sqlite") as ledger:
        ledger.append_run([NewEntry("control_status", {"findings": [{"e": kept_item.sha256}]})])

    dry: Result = cli("evidence", "prune", "--repo", example_repo, "--dry-run")
    assert dry.exit_code == 0 and "would delete 1 runs and 1 objects" in dry.output
    assert gone.exists()
    done: Result = cli("evidence", "prune", "--repo", example_repo, "--retention", "30d")
    assert done.exit_code == 0 and "deleted 1 runs and 1 objects" in done.output
    assert kept.exists() and not gone.exists()
    # The example's hand-written snapshot files are outside runs/ and stay.
    assert (evidence / "2026-11-20-okta.json").exists()
