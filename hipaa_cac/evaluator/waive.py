"""Apply waivers to a decided control. Pure: no I/O.

Only a `fail` is ever waived. A finding whose resource an active waiver's
scope covers is marked with the waiver's id and stops counting; it stays in
the result, so auditors see what was accepted:

    fail, 3 findings, W-2026-001 covers arn:aws:s3:::legacy-a and legacy-b
      -> fail  "1 finding(s); 2 more waived by W-2026-001"
    fail, 2 findings, W-2026-001 covers both
      -> waived  "2 finding(s) waived by W-2026-001"

insufficient_evidence, stale, error and the attestation statuses are never
waived (fail closed: nobody can accept a risk nobody can see), and neither
is a control whose findings are all waived but which would not pass without
them: it gets the status it would have had with no findings at all
(insufficient_evidence when evidence is partial, and so on).

A waiver applies from 00:00 UTC on `created` until 00:00 UTC on `expires`.
An expired waiver that would have covered a finding is listed in
`expired_waivers` and named in the reason; one not yet created is ignored.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime

from hipaa_cac.evaluator.result import ControlResult, Finding, Status
from hipaa_cac.waivers import Waiver


def waive(
    result: ControlResult,
    waivers: Sequence[Waiver],
    now: datetime,
    without_findings: Callable[[], ControlResult],
) -> ControlResult:
    """`without_findings` decides the same control as if its rules had found
    nothing: what an all-waived control would be (called only then)."""
    mine = sorted((w for w in waivers if w.control == result.control), key=lambda w: w.id)
    if result.status is not Status.FAIL or not mine:
        return result
    active = [w for w in mine if w.active(now)]
    findings: list[Finding] = []
    used: dict[str, Waiver] = {}
    for finding in result.findings:
        cover = next((w for w in active if w.covers(finding.resource)), None)
        if cover is not None:
            used[cover.id] = cover
            finding = replace(finding, waiver=cover.id)
        findings.append(finding)
    counted = [f for f in findings if f.waiver is None]
    lapsed = [w for w in mine if w.expired(now) and any(w.covers(f.resource) for f in counted)]
    if not used and not lapsed:
        return result

    applied = [used[key] for key in sorted(used)]
    waived = len(findings) - len(counted)
    by = ", ".join(w.id for w in applied)
    if counted:
        status, reason = Status.FAIL, f"{len(counted)} finding(s)"
        if used:
            reason += f"; {waived} more waived by {by}"
    else:
        alone = without_findings()
        if alone.status is Status.PASS:
            status, reason = Status.WAIVED, f"{waived} finding(s) waived by {by}"
        else:
            status, reason = alone.status, f"{alone.reason} ({waived} finding(s) waived by {by})"
    if lapsed:
        ended = ", ".join(f"{w.id} (expired {w.expires.isoformat()})" for w in lapsed)
        reason += f"; no longer waived: {ended}"
    return replace(
        result,
        status=status,
        reason=reason,
        findings=tuple(findings),
        waivers=tuple(w.reference() for w in applied),
        expired_waivers=tuple(w.reference() for w in lapsed),
    )
