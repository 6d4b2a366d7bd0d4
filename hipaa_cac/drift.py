"""Drift between two recorded runs, read back from the ledger. Pure once the
entries are read: `hipaa-cac diff`, `status --since` and notifications use it.

    before = RunSnapshot.read(ledger, "run-000004")
    after = RunSnapshot.read(ledger, "run-000005")
    drift = compare_runs(before, after)
    drift.status_changes   # (StatusChange("hipaa-164-308-b-1", "…", "pass", "fail"), …)
    drift.new_findings     # findings (control, resource, rule) not in the earlier run
    drift.resolved_findings
    drift.inventory        # InventoryChange("added", "data_store", "arn:aws:rds:…"), …

Findings are identified by (control, resource, rule), as the baseline does:
their messages may count days and change every run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hipaa_cac.baseline import FindingKey
from hipaa_cac.errors import InputError
from hipaa_cac.inventory import Inventory, InventoryChange, changes_between
from hipaa_cac.ledger import Ledger
from hipaa_cac.ledger.record import CONTROL_STATUS, INVENTORY, RISK_UPDATE, RUN

# What does not fail a CI gate (Status.passing), as the strings the ledger holds.
PASSING = frozenset({"pass", "not_applicable", "waived"})


def evaluation_runs(ledger: Ledger) -> list[str]:
    """Runs that evaluated (they have a `run` entry), in order; not `notification` records."""
    return [e.run_id for e in ledger.entries(types=[RUN])]


@dataclass(frozen=True)
class RunSnapshot:
    """One recorded run: its `run` payload, control statuses, findings, inventory."""

    run_id: str
    as_of: str
    recorded_at: str
    statuses: dict[str, dict[str, Any]]  # control id -> control_status payload
    inventory: Inventory | None  # None: recorded before the ledger kept inventories
    risk_update: dict[str, Any] | None  # the run's risk_assessment_update_required payload

    @classmethod
    def read(cls, ledger: Ledger, run_id: str) -> RunSnapshot:
        entries = list(ledger.entries(run_id=run_id))
        runs = [e for e in entries if e.type == RUN]
        if not runs:
            what = "records notices, not an evaluation" if entries else "is not in the ledger"
            raise InputError(f"run {run_id!r} {what} (see 'hipaa-cac ledger log')")
        inventories = [e.payload for e in entries if e.type == INVENTORY]
        updates = [e.payload for e in entries if e.type == RISK_UPDATE]
        return cls(
            run_id=run_id,
            as_of=str(runs[0].payload["as_of"]),
            recorded_at=runs[0].recorded_at,
            statuses={
                str(e.payload["control"]): e.payload for e in entries if e.type == CONTROL_STATUS
            },
            inventory=Inventory.from_payload(inventories[0]) if inventories else None,
            risk_update=updates[0] if updates else None,
        )

    def findings(self) -> dict[FindingKey, dict[str, Any]]:
        """Counted findings (not waived) by identity."""
        found: dict[FindingKey, dict[str, Any]] = {}
        for control, status in self.statuses.items():
            for f in status.get("findings", []):
                if f.get("waiver") is None:
                    found[FindingKey(control, str(f["resource"]), str(f["rule"]))] = f
        return found

    @property
    def counts(self) -> dict[str, int]:
        counted: dict[str, int] = {}
        for status in self.statuses.values():
            counted[status["status"]] = counted.get(status["status"], 0) + 1
        return dict(sorted(counted.items()))


@dataclass(frozen=True)
class StatusChange:
    """A control whose status differs from the earlier run's.

    control   control id: "hipaa-164-312-b"
    title     the control's title: "Audit controls"
    citation  "45 CFR 164.312(b)"
    before    the earlier run's status; None on the first run that evaluated it
    after     this run's status: "fail"
    """

    control: str
    title: str
    citation: str
    before: str | None
    after: str

    @property
    def regression(self) -> bool:
        """It passed (pass, not_applicable, waived) and now does not. A first
        evaluation (before None) is never one: nothing was lost."""
        return self.before in PASSING and self.after not in PASSING


@dataclass(frozen=True)
class Drift:
    before: str | None  # run id; None when `after` is the first run
    after: str
    status_changes: tuple[StatusChange, ...]
    new_findings: tuple[FindingKey, ...]
    resolved_findings: tuple[FindingKey, ...]
    inventory: tuple[InventoryChange, ...]

    @property
    def empty(self) -> bool:
        return not (
            self.status_changes or self.new_findings or self.resolved_findings or self.inventory
        )


def compare_runs(before: RunSnapshot | None, after: RunSnapshot) -> Drift:
    old = before.statuses if before is not None else {}
    changes = tuple(
        StatusChange(
            control,
            str(now.get("title", "")),
            str(now.get("citation", "")),
            old[control]["status"] if control in old else None,
            str(now["status"]),
        )
        for control, now in sorted(after.statuses.items())
        if control not in old or old[control]["status"] != now["status"]
    )
    was = before.findings() if before is not None else {}
    now_found = after.findings()
    inventory: tuple[InventoryChange, ...] = ()
    if after.inventory is not None:
        covered = before.inventory.keys if before and before.inventory else None
        # No earlier inventory (first run, or recorded before inventories were
        # kept) is "unknown", not "empty": listing everything as added would be noise.
        if covered is not None:
            inventory = changes_between(covered, after.inventory)
    return Drift(
        before=before.run_id if before is not None else None,
        after=after.run_id,
        status_changes=changes,
        new_findings=tuple(sorted(k for k in now_found if k not in was)),
        resolved_findings=tuple(sorted(k for k in was if k not in now_found)),
        inventory=inventory,
    )
