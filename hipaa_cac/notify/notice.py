"""What a continuous run tells people: control status changes and risk-analysis triggers.

`hipaa-cac run` builds one `RunNotice` per run; every target (webhook, Slack,
GitHub issue) renders it its own way. As the versioned JSON a webhook receives
(`notice_payload`, keys sorted, lists in a fixed order):

    {"schema": "hipaa-cac/notice/v1",
     "organization": "Acme Telehealth", "run_id": "run-000012",
     "as_of": "2026-11-20T12:00:00Z", "ledger": "postgresql://ci:***@db.internal/compliance",
     "passed": false, "counts": {"fail": 1, "pass": 41},
     "changes": [{"control": "164.312(b)", "title": "Audit controls",
                  "citation": "45 CFR 164.312(b)", "before": "pass", "after": "fail",
                  "regression": true}],
     "new_findings": 2, "resolved_findings": 0,
     "risk_update": {"inventory_sha256": "sha256:…", "covered_sha256": "sha256:…",
                     "risk_analysis": "attestations/risk-analysis-2026.yaml",
                     "changes": [{"category": "data_store", "id": "aws:s3:::phi-exports",
                                  "change": "added", "detected_at": ["infra/s3.tf:12"]}]}}

A notice carries ids, statuses, counts and locations, never a finding's message
or an evidence value: those may describe PHI, and a notice leaves the
organization (Slack, a webhook receiver, an issue tracker).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# The notice carries the same records the rest of the pipeline uses: a status
# change from drift.py, inventory changes and the risk update from inventory/.
from hipaa_cac.drift import StatusChange
from hipaa_cac.inventory.model import InventoryChange
from hipaa_cac.inventory.risk_coverage import RiskUpdate

__all__ = ["InventoryChange", "RiskUpdate", "RunNotice", "StatusChange", "notice_payload"]

SCHEMA = "hipaa-cac/notice/v1"


@dataclass(frozen=True)
class RunNotice:
    """Everything a target may say about one run.

    organization       from hipaa-cac.yaml
    run_id             the ledger's run id: "run-000012"
    as_of              evaluation time, RFC 3339 UTC
    ledger             where the run is recorded, password already masked
    counts             controls per status: {"pass": 41, "fail": 1}
    passed             the CI gate: every control passing
    changes            controls whose status changed since the previous run
    new_findings       findings this run has that the previous did not
    resolved_findings  findings the previous run had that this one does not
    risk_update        set when the inventory differs from the risk analysis's
    """

    organization: str
    run_id: str
    as_of: str
    ledger: str
    counts: dict[str, int]
    passed: bool
    changes: tuple[StatusChange, ...] = ()
    new_findings: int = 0
    resolved_findings: int = 0
    risk_update: RiskUpdate | None = None

    @property
    def worth_sending(self) -> bool:
        """Anything changed (a status, a finding) or the risk analysis needs review.

        A run that only confirms the last one says nothing: scheduled runs
        would otherwise page people every hour with no news.
        """
        return bool(self.changes or self.new_findings or self.resolved_findings or self.risk_update)

    @property
    def regressions(self) -> tuple[StatusChange, ...]:
        """Changes from passing to not passing, by control id."""
        return tuple(change for change in sorted_changes(self.changes) if change.regression)


def sorted_changes(changes: tuple[StatusChange, ...]) -> tuple[StatusChange, ...]:
    """Stable order for every renderer: by control id (then the rest, for ties)."""
    return tuple(
        sorted(changes, key=lambda c: (c.control, c.title, c.citation, c.before or "", c.after))
    )


def sorted_inventory(changes: tuple[InventoryChange, ...]) -> tuple[InventoryChange, ...]:
    """Stable order: category, then id, then added before removed."""
    return tuple(sorted(changes, key=lambda c: (c.category, c.id, c.change, c.detected_at)))


def notice_payload(notice: RunNotice) -> dict[str, Any]:
    """The versioned JSON form (see the module docstring); dump it with sort_keys."""
    risk = notice.risk_update
    return {
        "schema": SCHEMA,
        "organization": notice.organization,
        "run_id": notice.run_id,
        "as_of": notice.as_of,
        "ledger": notice.ledger,
        "passed": notice.passed,
        "counts": dict(sorted(notice.counts.items())),
        "changes": [
            {
                "control": change.control,
                "title": change.title,
                "citation": change.citation,
                "before": change.before,
                "after": change.after,
                "regression": change.regression,
            }
            for change in sorted_changes(notice.changes)
        ],
        "new_findings": notice.new_findings,
        "resolved_findings": notice.resolved_findings,
        "risk_update": None
        if risk is None
        else {
            "inventory_sha256": risk.inventory_sha256,
            "covered_sha256": risk.covered_sha256,
            "risk_analysis": risk.risk_analysis,
            "changes": [
                {
                    "category": item.category,
                    "id": item.id,
                    "change": item.change,
                    "detected_at": list(item.detected_at),
                }
                for item in sorted_inventory(risk.changes)
            ],
        },
    }
