"""A changed architecture makes the risk analysis, and the plan built on it,
`stale` until a risk analysis covers the new inventory. Pure: no I/O.

Only statuses that `stale` outranks in decide.py's precedence change
(pass, attestation_missing, attestation_expired): an error, a failure or
missing evidence still says more.
"""

from __future__ import annotations

from dataclasses import replace

from hipaa_cac.evaluator.result import ControlResult, Status
from hipaa_cac.inventory.risk_coverage import STALE_CONTROLS, RiskUpdate

_OUTRANKED = (Status.PASS, Status.ATTESTATION_MISSING, Status.ATTESTATION_EXPIRED)


def mark_risk_stale(result: ControlResult, update: RiskUpdate | None) -> ControlResult:
    if update is None or result.control not in STALE_CONTROLS:
        return result
    needs = [update.problem] if update.problem else []
    needs += [f"risk analysis does not cover: {change.describe()}" for change in update.changes]
    missing = tuple(dict.fromkeys([*needs, *result.missing]))
    if result.status not in _OUTRANKED:
        return replace(result, missing=missing)
    return replace(result, status=Status.STALE, reason=update.summary(), missing=missing)
