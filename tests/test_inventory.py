"""The architecture inventory (derive, hash, status), whether the risk analysis
covers it, and which sources `hipaa-cac run` finds due."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from hipaa_cac.collectors.registry import load_collector
from hipaa_cac.collectors.sources import ReadySource
from hipaa_cac.config import SourceConfig
from hipaa_cac.continuous.due import due_sources
from hipaa_cac.controls import load_catalog
from hipaa_cac.evidence import Collection, EvidenceItem, EvidenceSet, EvidenceStore, KindStatus
from hipaa_cac.inventory import derive_inventory, keys_hash
from hipaa_cac.inventory.as_evidence import with_inventory
from hipaa_cac.inventory.risk_coverage import risk_update
from hipaa_cac.paths import builtin_dir

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "telehealth"
AT = "2026-11-20T06:00:00Z"


def item(kind: str, subject: str, data: dict[str, Any]) -> EvidenceItem:
    raw = EvidenceItem(kind, subject, {"collector": "t", "scope": "s"}, AT, "1d", data, "")
    return replace(raw, sha256=raw.computed_hash())


def collection(
    collector: str, items: list[EvidenceItem], status: str = "complete", scope: str = "s"
) -> Collection:
    kinds = {i.kind: KindStatus(status, None if status == "complete" else "boom") for i in items}
    return Collection(
        f"{collector}.json", "sha256:x", collector, "1", scope, AT, AT, kinds, tuple(items)
    )


def evidence(*collections: Collection) -> EvidenceSet:
    return EvidenceSet(tuple(collections))


DD = {
    "vendor": "datadog",
    "vendor_name": "Datadog",
    "category": "monitoring",
    "may_handle_phi": True,
}
OKTA_SDK = {"vendor": "okta", "vendor_name": "Okta", "category": "identity", "may_handle_phi": True}


def test_the_example_inventory_names_its_stores_accounts_idp_and_vendors() -> None:
    inventory = derive_inventory(EvidenceStore(EXAMPLE / "evidence").current())
    assert inventory.keys == {
        "data_store": [
            "arn:aws:rds:us-east-1:123456789012:db:telehealth",
            "arn:aws:s3:::northwind-access-logs",
            "arn:aws:s3:::northwind-exports",
            "arn:aws:s3:::northwind-patient-uploads",
        ],
        "environment": ["aws:123456789012:us-east-1", "aws:account:123456789012"],
        "identity_provider": ["okta:northwind.okta.com"],
        "third_party": ["vendor:aws", "vendor:okta"],
    }
    aws = next(e for e in inventory.entries if e.id == "vendor:aws")
    assert aws.may_handle_phi is True and aws.detections == 5


def test_the_hash_is_the_architecture_not_where_things_were_seen() -> None:
    one = [item("git.third_party", "git:local/api/a.py:1#datadog", DD)]
    two = [*one, item("git.third_party", "git:local/api/b.py:7#datadog", DD)]
    first = derive_inventory(evidence(collection("git", one)))
    second = derive_inventory(evidence(collection("git", two)))
    assert first.sha256 == second.sha256
    assert second.entries[0].detected_at == (
        "git:local/api/a.py:1#datadog",
        "git:local/api/b.py:7#datadog",
    )
    bucket = item("aws.s3.bucket", "arn:aws:s3:::new", {"name": "new", "account_id": "1"})
    third = derive_inventory(evidence(collection("git", two), collection("aws", [bucket])))
    assert third.sha256 != second.sha256


def test_a_vendor_in_the_code_may_handle_phi_even_when_its_idp_use_does_not() -> None:
    user = item("idp.user", "okta:acme.okta.com/users/1", {})
    sdk = item("git.third_party", "git:local/app/login.js:3#okta", OKTA_SDK)
    alone = derive_inventory(evidence(collection("okta", [user])))
    assert [e.may_handle_phi for e in alone.third_parties()] == [False]
    both = derive_inventory(evidence(collection("okta", [user]), collection("git", [sdk])))
    assert [e.may_handle_phi for e in both.third_parties()] == [True]


def test_a_signed_declaration_wins_over_detection() -> None:
    stripe = {**DD, "vendor": "stripe", "vendor_name": "Stripe"}
    declared = {"vendor": "stripe", "name": "Stripe", "may_handle_phi": False, "rationale": "x"}
    inventory = derive_inventory(
        evidence(
            collection("git", [item("git.third_party", "git:local/a.py:1#stripe", stripe)]),
            collection(
                "attestations",
                [item("attestation.subprocessor", "attestation:subprocessor/stripe", declared)],
            ),
        )
    )
    (entry,) = inventory.third_parties()
    assert entry.may_handle_phi is False
    assert set(entry.detected_at) == {"git:local/a.py:1#stripe", "attestation:subprocessor/stripe"}


def test_a_broken_source_makes_the_derived_kind_no_better_than_it() -> None:
    sdk = item("git.third_party", "git:local/a.py:1#datadog", DD)
    good = evidence(collection("git", [sdk]))
    broken = evidence(collection("git", [sdk], status="partial"))
    fine = with_inventory(good, derive_inventory(good)).coverage("inventory.third_party")
    assert fine is not None and fine.status == "complete"
    coverage = with_inventory(broken, derive_inventory(broken)).coverage("inventory.third_party")
    assert coverage is not None and coverage.status == "partial"
    assert "git.third_party" in coverage.errors[0]
    nothing = evidence(collection("attestations", [item("attestation.baa", "a", {})]))
    assert (
        with_inventory(nothing, derive_inventory(nothing)).coverage("inventory.data_store") is None
    )


def _analysis(inventory: dict[str, list[str]] | None, sha: str | None = None) -> EvidenceItem:
    data: dict[str, Any] = {"performed_on": "2026-11-01"}
    if inventory is not None:
        data["inventory"] = inventory
        data["inventory_sha256"] = sha or keys_hash(inventory)
    return item("attestation.risk_analysis", "attestation:risk_analysis/2026", data)


def test_risk_update_lists_exactly_what_changed() -> None:
    bucket = item("aws.s3.bucket", "arn:aws:s3:::scans", {"name": "scans", "account_id": "1"})
    sdk = item("git.third_party", "git:local/api/requirements.txt:3#datadog", DD)
    base = [collection("aws", [bucket])]
    covered = derive_inventory(evidence(*base)).keys
    analysis = collection("attestations", [_analysis(covered)])
    assert risk_update(derive_inventory(evidence(*base)), evidence(*base, analysis)) is None

    now = evidence(*base, analysis, collection("git", [sdk]))
    update = risk_update(derive_inventory(now), now)
    assert update is not None and update.problem is None
    assert [(c.change, c.category, c.id) for c in update.changes] == [
        ("added", "third_party", "vendor:datadog")
    ]
    assert update.changes[0].detected_at == ("git:local/api/requirements.txt:3#datadog",)
    assert update.covered_sha256 == keys_hash(covered)

    gone = evidence(collection("aws", []), analysis)
    removed = risk_update(derive_inventory(gone), gone)
    assert removed is not None
    assert ("removed", "data_store", "arn:aws:s3:::scans") in [
        (c.change, c.category, c.id) for c in removed.changes
    ]


def test_an_analysis_that_does_not_say_what_it_covered_covers_nothing() -> None:
    bucket = item("aws.s3.bucket", "arn:aws:s3:::scans", {"name": "scans", "account_id": "1"})
    legacy = evidence(collection("aws", [bucket]), collection("a", [_analysis(None)]))
    update = risk_update(derive_inventory(legacy), legacy)
    assert update is not None and "does not record the inventory" in (update.problem or "")
    assert {c.change for c in update.changes} == {"added"}

    covered = derive_inventory(evidence(collection("aws", [bucket]))).keys
    forged = _analysis(covered, sha="sha256:" + "0" * 64)
    tampered = evidence(collection("aws", [bucket]), collection("a", [forged]))
    update = risk_update(derive_inventory(tampered), tampered)
    assert update is not None and "is not the hash of the inventory it lists" in (
        update.problem or ""
    )
    assert update.changes == ()  # the list itself matches: only the recorded hash is wrong


def _ready(source_id: str, collector: str) -> ReadySource:
    return ReadySource(SourceConfig(source_id, collector, {}, None), load_collector(collector))


@pytest.mark.parametrize(
    ("hours", "status", "due"),
    [(6, "complete", False), (12, "complete", True), (1, "partial", True)],
)
def test_a_source_is_due_by_age_or_when_its_last_run_was_incomplete(
    hours: int, status: str, due: bool
) -> None:
    catalog = load_catalog([builtin_dir("controls")])
    last = collection("aws", [item("aws.s3.bucket", "arn:aws:s3:::b", {})], status, scope="prod")
    now = datetime(2026, 11, 20, 6, tzinfo=UTC) + timedelta(hours=hours)
    found = due_sources([_ready("prod", "aws")], evidence(last), catalog, now)
    assert bool(found) is due
    if due and status == "complete":
        assert "older than 12h (max age 24h)" in found[0].reason


def test_local_sources_are_always_due_and_never_collected_ones_too() -> None:
    catalog = load_catalog([builtin_dir("controls")])
    now = datetime(2026, 11, 20, 7, tzinfo=UTC)
    last = collection("attestations", [item("attestation.baa", "x", {})], scope="attestations")
    ready = [_ready("attestations", "attestations"), _ready("prod", "aws")]
    found = {d.source.source.id: d.reason for d in due_sources(ready, evidence(last), catalog, now)}
    assert found == {"attestations": "reads local files", "prod": "never collected"}
    assert len(due_sources(ready, evidence(last), catalog, now, force=True)) == 2
