"""Decide one control's status from rule outcomes and evidence. Pure: no I/O.

Precedence, first match wins (fail closed: anything unknown stops a `pass`):

  not_applicable   an addressable spec documented as not reasonable and appropriate
  pass             an addressable spec documented with an alternative measure
  error            a rule it lists could not be evaluated
  fail             a rule found something
  insufficient_evidence   needed evidence never collected, errored, partial, or a rule skipped
  stale            needed evidence older than the control allows
  attestation_missing / attestation_expired
  pass
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import partial

from hipaa_cac.controls import Control, EvidenceNeed
from hipaa_cac.durations import parse_duration, parse_timestamp
from hipaa_cac.evaluator.result import ControlResult, EvidenceUse, Finding, RuleUse, Status
from hipaa_cac.evaluator.rules import RuleOutcome
from hipaa_cac.evaluator.scope import ALL_IN_SCOPE, Scope
from hipaa_cac.evidence import EvidenceItem, EvidenceSet

OUT_OF_SCOPE = "out_of_scope"  # an EvidenceUse status: the kind's cloud is not in use
DECISION_KIND = "attestation.addressable_decision"
DECISION_MAX_AGE = "365d"
DECISIONS = ("implemented", "alternative_measure", "not_reasonable_and_appropriate")


def decide(
    control: Control,
    outcomes: Mapping[str, RuleOutcome],
    evidence: EvidenceSet,
    now: datetime,
    scope: Scope = ALL_IN_SCOPE,
) -> ControlResult:
    missing: list[str] = []
    stale: list[str] = []
    uses = tuple(
        _evidence_use(need, evidence, now, missing, stale, scope) for need in control.evidence
    )
    if uses and control.attestation is None and all(u.status == OUT_OF_SCOPE for u in uses):
        # Nothing in use can show this control: that is not a pass.
        missing.append(
            "none of its evidence comes from a cloud in use: "
            + ", ".join(sorted({u.kind for u in uses}))
        )
    findings: list[Finding] = []
    errors: list[str] = []
    rule_uses = []
    for ref in control.checks:
        outcome = outcomes.get(ref)
        if outcome is None:
            errors.append(f"rule {ref} is not in the policy library")
            rule_uses.append(RuleUse(ref, 0, error="not in the policy library"))
            continue
        if outcome.out_of_scope:
            rule_uses.append(RuleUse(ref, 0, skipped=f"out of scope: {outcome.out_of_scope}"))
            continue
        mine = [f for f in outcome.findings if f.control == control.id]
        findings.extend(mine)
        rule_uses.append(RuleUse(ref, len(mine), outcome.error, outcome.skipped))
        if outcome.error:
            errors.append(outcome.error)
        if outcome.skipped:
            missing.append(f"rule {ref} did not run: {outcome.skipped}")

    attested: list[dict[str, str]] = []
    unattested: list[str] = []
    expired: list[str] = []
    if control.attestation is not None:
        a = control.attestation
        _attestation_coverage(evidence, a.kind, missing)
        _check_attestation(
            _attesting(evidence.items(a.kind), control.id),
            a.kind,
            a.max_age,
            now,
            f"{a.kind}: {a.statement}",
            attested,
            unattested,
            expired,
        )

    decision: EvidenceItem | None = None
    if control.addressable:
        decisions_unreadable = _attestation_coverage(evidence, DECISION_KIND, missing)
        decision = _check_attestation(
            [i for i in evidence.items(DECISION_KIND) if i.subject == control.id],
            DECISION_KIND,
            DECISION_MAX_AGE,
            now,
            f"{DECISION_KIND} for {control.id}: implemented, alternative measure, or not "
            "reasonable and appropriate, with rationale",
            attested,
            unattested,
            expired,
        )
        if decision is not None and decision.data.get("decision") not in DECISIONS:
            unattested.append(
                f"{DECISION_KIND} for {control.id} has no valid 'decision' "
                f"(one of {', '.join(DECISIONS)})"
            )
            decision = None
        if decisions_unreadable:
            # A broken decision file may be this control's, so no decision counts.
            decision = None

    result = partial(
        ControlResult,
        control=control.id,
        version=control.version,
        citation=control.citation,
        title=control.title,
        requirement=control.requirement,
        content_hash=control.content_hash,
        findings=tuple(sorted(findings, key=_finding_order)),
        missing=tuple(dict.fromkeys([*missing, *stale, *unattested, *expired])),
        evidence=uses,
        rules=tuple(rule_uses),
        attestations=tuple(attested),
    )

    chosen = decision.data["decision"] if decision is not None and not expired else None
    if decision is not None and chosen in ("alternative_measure", "not_reasonable_and_appropriate"):
        status = (
            Status.NOT_APPLICABLE if chosen == "not_reasonable_and_appropriate" else Status.PASS
        )
        rationale = decision.data.get("rationale", "(no rationale given)")
        return result(
            status=status, reason=f"documented as {chosen.replace('_', ' ')}: {rationale}"
        )

    status, reason = _status(errors, findings, missing, stale, unattested, expired)
    return result(status=status, reason=reason)


def _status(
    errors: list[str],
    findings: list[Finding],
    missing: list[str],
    stale: list[str],
    unattested: list[str],
    expired: list[str],
) -> tuple[Status, str]:
    if errors:
        return Status.ERROR, f"a rule could not be evaluated: {errors[0]}"
    if findings:
        return Status.FAIL, f"{len(findings)} finding(s)"
    if missing:
        return Status.INSUFFICIENT_EVIDENCE, missing[0]
    if stale:
        return Status.STALE, stale[0]
    if unattested:
        return Status.ATTESTATION_MISSING, f"needs {unattested[0].split(':')[0]}"
    if expired:
        return Status.ATTESTATION_EXPIRED, expired[0]
    return Status.PASS, "all evidence current and complete; no findings"


def _evidence_use(
    need: EvidenceNeed,
    evidence: EvidenceSet,
    now: datetime,
    missing: list[str],
    stale: list[str],
    scope: Scope,
) -> EvidenceUse:
    kind, max_age = need.kind, need.max_age
    coverage = evidence.coverage(kind)
    if coverage is None and scope.excludes(kind):
        return EvidenceUse(kind, OUT_OF_SCOPE, max_age, None, 0)
    if coverage is None:
        missing.append(f"evidence {kind} was never collected")
        return EvidenceUse(kind, "missing", max_age, None, 0)
    items = evidence.items(kind)
    sources = tuple(c.reference() for c in coverage.collections)
    if coverage.status != "complete":
        missing.append(f"evidence {kind} is {coverage.status}: {'; '.join(coverage.errors)}")
        return EvidenceUse(
            kind, coverage.status, max_age, coverage.collected_at, len(items), sources
        )
    oldest = min([coverage.collected_at, *(i.collected_at for i in items)])
    if now - parse_timestamp(oldest) > parse_duration(max_age):
        stale.append(f"evidence {kind} collected {oldest} is older than {max_age}")
        return EvidenceUse(kind, "stale", max_age, oldest, len(items), sources)
    return EvidenceUse(kind, "complete", max_age, oldest, len(items), sources)


def _attestation_coverage(evidence: EvidenceSet, kind: str, missing: list[str]) -> bool:
    """Attestation files that could not be read (an invalid BAA, a duplicate
    decision) make the kind partial: whatever they said cannot count, and the
    control cannot pass until they are fixed. True when that is the case."""
    coverage = evidence.coverage(kind)
    if coverage is None or coverage.status == "complete":
        return False
    missing.append(f"attestations {kind} are {coverage.status}: {'; '.join(coverage.errors)}")
    return True


def _check_attestation(
    items: list[EvidenceItem],
    kind: str,
    max_age: str,
    now: datetime,
    need: str,
    attested: list[dict[str, str]],
    unattested: list[str],
    expired: list[str],
) -> EvidenceItem | None:
    if not items:
        unattested.append(need)
        return None
    newest = max(items, key=lambda i: i.collected_at)
    attested.append(
        {
            "kind": kind,
            "subject": newest.subject,
            "sha256": newest.sha256,
            "attested_at": newest.collected_at,
        }
    )
    if now - parse_timestamp(newest.collected_at) > parse_duration(max_age):
        expired.append(f"{kind} attested {newest.collected_at} is older than {max_age}")
    return newest


def _attesting(items: list[EvidenceItem], control_id: str) -> list[EvidenceItem]:
    """Attestations that speak for this control: those that list it in
    `data.controls`, or that list no controls (and so cover every control
    asking for their kind, e.g. one sanctions policy)."""
    return [i for i in items if control_id in i.data.get("controls", [control_id])]


def _finding_order(finding: Finding) -> tuple[str, str, str]:
    return (finding.resource, finding.rule, finding.message)
