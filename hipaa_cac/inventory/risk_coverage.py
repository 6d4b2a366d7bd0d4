"""Does the current risk analysis cover the current architecture? Pure: no I/O.

The newest `attestation.risk_analysis` records the inventory it covered
(`hipaa-cac risk ack` writes it):

    inventory_sha256: sha256:…
    inventory:
      data_store: [arn:aws:s3:::scans]
      third_party: [vendor:aws]
      environment: [aws:account:123456789012, aws:123456789012:us-east-1]
      identity_provider: [okta:acme.okta.com]

When today's inventory differs, a RiskUpdate lists exactly what changed; the
run records it as a `risk_assessment_update_required` event and the risk
analysis and risk management controls turn `stale` until a risk analysis
covering the new inventory is recorded. A risk analysis that does not say
what it covered covers nothing (fail closed): every entry is a change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hipaa_cac.evidence import EvidenceItem, EvidenceSet
from hipaa_cac.inventory.model import (
    CATEGORIES,
    Inventory,
    InventoryChange,
    changes_between,
    keys_hash,
)

RISK_ANALYSIS = "attestation.risk_analysis"
# The controls a changed architecture makes stale: the analysis and the plan built on it.
STALE_CONTROLS = ("hipaa-164-308-a-1-ii-a", "hipaa-164-308-a-1-ii-b")
EVENT = "risk_assessment_update_required"


@dataclass(frozen=True)
class RiskUpdate:
    """A risk-analysis update the architecture calls for.

    inventory_sha256  the current inventory
    covered_sha256    the inventory the risk analysis covered (None: it does not say)
    risk_analysis     the risk analysis attestation's subject
    changes           what the current inventory adds and removes
    problem           why coverage is unknown, when it is (no or inconsistent record)
    """

    inventory_sha256: str
    covered_sha256: str | None
    risk_analysis: str
    changes: tuple[InventoryChange, ...]
    problem: str | None = None

    def to_payload(self) -> dict[str, Any]:
        return {
            "inventory_sha256": self.inventory_sha256,
            "covered_sha256": self.covered_sha256,
            "risk_analysis": self.risk_analysis,
            "changes": [c.to_dict() for c in self.changes],
            "problem": self.problem,
        }

    def summary(self) -> str:
        if self.problem is not None:
            return (
                f"{self.problem}: review it against the current architecture "
                f"({len(self.changes)} parts) and run 'hipaa-cac risk ack'"
            )
        added = sum(c.change == "added" for c in self.changes)
        removed = len(self.changes) - added
        return (
            f"the architecture changed since risk analysis {self.risk_analysis} "
            f"({added} added, {removed} removed): review it and run 'hipaa-cac risk ack'"
        )


def risk_update(inventory: Inventory, evidence: EvidenceSet) -> RiskUpdate | None:
    """None when the newest risk analysis covers `inventory`, or when there is
    no risk analysis at all (its control already says `attestation_missing`)."""
    analyses = evidence.items(RISK_ANALYSIS)
    if not analyses:
        return None
    newest = newest_analysis(analyses)
    assert newest is not None
    covered, recorded_hash, problem = _covered(newest)
    changes = changes_between(covered, inventory)
    if not changes and problem is None:
        return None
    return RiskUpdate(inventory.sha256, recorded_hash, newest.subject, changes, problem)


def newest_analysis(items: list[EvidenceItem]) -> EvidenceItem | None:
    """The risk analysis in force: the latest performed (then attested, then by subject)."""
    if not items:
        return None
    return max(
        items, key=lambda i: (str(i.data.get("performed_on") or ""), i.collected_at, i.subject)
    )


def _covered(item: EvidenceItem) -> tuple[dict[str, list[str]], str | None, str | None]:
    listed = item.data.get("inventory")
    recorded = item.data.get("inventory_sha256")
    recorded_hash = _prefixed(recorded) if isinstance(recorded, str) else None
    if not isinstance(listed, dict):
        return (
            {},
            recorded_hash,
            f"risk analysis {item.subject} does not record the inventory it covers",
        )
    covered = {c: [str(i) for i in listed.get(c) or []] for c in CATEGORIES}
    actual = keys_hash(covered)
    if recorded_hash is not None and recorded_hash != actual:
        return (
            covered,
            recorded_hash,
            f"risk analysis {item.subject}: inventory_sha256 {recorded_hash} is not the hash "
            f"of the inventory it lists ({actual})",
        )
    return covered, actual, None


def _prefixed(value: str) -> str:
    return value if value.startswith("sha256:") else f"sha256:{value.lower()}"
