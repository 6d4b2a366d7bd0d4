"""Fail closed: every way evidence can be short stops a `pass`, and says why."""

from __future__ import annotations

from datetime import UTC, datetime

from hipaa_cac.canonical import content_hash
from hipaa_cac.controls import Attestation, Control, EvidenceNeed
from hipaa_cac.evaluator import Finding, Status
from hipaa_cac.evaluator.decide import decide
from hipaa_cac.evaluator.rules import RuleOutcome
from hipaa_cac.evidence import Collection, EvidenceItem, EvidenceSet, KindStatus
from hipaa_cac.policy import Rule

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
RULE = "data.hipaa.t.rule"
KIND = "aws.s3.bucket"


def control(requirement: str = "required", attestation: Attestation | None = None) -> Control:
    return Control(
        id="hipaa-164-312-a-1",
        version="1.0.0",
        citation="45 CFR 164.312(a)(1)",
        title="Access control",
        safeguard="technical",
        type="standard",
        requirement=requirement,
        owner="platform_team",
        rationale="why it matters",
        evidence=(EvidenceNeed(KIND, "1d"),),
        checks=(RULE,),
        attestation=attestation,
        standard=None,
        source="controls/x.yaml",
        content_hash="sha256:" + "0" * 64,
    )


def item(kind: str, subject: str, at: str, data: dict | None = None) -> EvidenceItem:
    body = {
        "kind": kind,
        "subject": subject,
        "source": {"collector": "c", "version": "1", "scope": "s"},
        "collected_at": at,
        "max_age": "1d",
        "data": data or {},
    }
    return EvidenceItem(**body, sha256=content_hash(body))


def evidence(
    status: str = "complete", at: str = "2026-11-20T06:00:00Z", extra: tuple[EvidenceItem, ...] = ()
) -> EvidenceSet:
    kinds = {KIND: KindStatus(status, None if status == "complete" else "AccessDenied")}
    kinds |= {i.kind: KindStatus("complete") for i in extra}
    items = (item(KIND, "arn:aws:s3:::b", at), *extra)
    return EvidenceSet(
        (Collection("e.json", "sha256:" + "1" * 64, "c", "1", "s", at, at, kinds, items),)
    )


def outcome(findings: int = 0, error: str | None = None, skipped: str | None = None) -> dict:
    rule = Rule(RULE, "t", ("hipaa-164-312-a-1",), (KIND,), "high", "p.rego", 1)
    found = tuple(
        Finding("hipaa-164-312-a-1", f"arn:aws:s3:::b{n}", "bad", "high", RULE)
        for n in range(findings)
    )
    return {RULE: RuleOutcome(rule, found, error, skipped)}


def test_complete_fresh_evidence_without_findings_passes():
    assert decide(control(), outcome(), evidence(), NOW).status is Status.PASS


def test_findings_fail():
    result = decide(control(), outcome(findings=2), evidence(), NOW)
    assert result.status is Status.FAIL and len(result.findings) == 2


def test_never_collected_is_insufficient_and_says_which_kind():
    empty = EvidenceSet(())
    result = decide(control(), outcome(), empty, NOW)
    assert result.status is Status.INSUFFICIENT_EVIDENCE
    assert f"evidence {KIND} was never collected" in result.missing


def test_errored_or_partial_collection_is_insufficient():
    for status in ("error", "partial"):
        result = decide(control(), outcome(), evidence(status), NOW)
        assert result.status is Status.INSUFFICIENT_EVIDENCE
        assert any("AccessDenied" in m for m in result.missing)


def test_partial_evidence_with_findings_still_fails():
    assert decide(control(), outcome(findings=1), evidence("partial"), NOW).status is Status.FAIL


def test_old_evidence_is_stale():
    result = decide(control(), outcome(), evidence(at="2026-11-18T06:00:00Z"), NOW)
    assert result.status is Status.STALE
    assert "older than 1d" in result.reason


def test_rule_error_and_skipped_rule_never_pass():
    assert decide(control(), outcome(error="boom"), evidence(), NOW).status is Status.ERROR
    skipped = decide(control(), outcome(skipped="evidence x never collected"), evidence(), NOW)
    assert skipped.status is Status.INSUFFICIENT_EVIDENCE
    assert decide(control(), {}, evidence(), NOW).status is Status.ERROR  # rule not in library


def test_attestation_missing_then_expired_then_current():
    needs = Attestation("attestation.sanctions_policy", "a sanctions policy exists", "365d")
    assert (
        decide(control(attestation=needs), outcome(), evidence(), NOW).status
        is Status.ATTESTATION_MISSING
    )
    old = item(
        "attestation.sanctions_policy", "attestation:sanctions_policy/v1", "2025-01-01T00:00:00Z"
    )
    assert (
        decide(control(attestation=needs), outcome(), evidence(extra=(old,)), NOW).status
        is Status.ATTESTATION_EXPIRED
    )
    new = item(
        "attestation.sanctions_policy", "attestation:sanctions_policy/v2", "2026-06-01T00:00:00Z"
    )
    assert (
        decide(control(attestation=needs), outcome(), evidence(extra=(old, new)), NOW).status
        is Status.PASS
    )


def test_attestation_scoped_to_other_controls_does_not_count():
    needs = Attestation("attestation.policies_procedures", "procedures exist", "365d")
    other = item(
        "attestation.policies_procedures",
        "attestation:policies_procedures/x",
        "2026-06-01T00:00:00Z",
        {"controls": ["hipaa-164-308-a-1-i"]},
    )
    assert (
        decide(control(attestation=needs), outcome(), evidence(extra=(other,)), NOW).status
        is Status.ATTESTATION_MISSING
    )


def decision(choice: str, at: str = "2026-06-01T00:00:00Z") -> EvidenceItem:
    return item(
        "attestation.addressable_decision",
        "hipaa-164-312-a-1",
        at,
        {"decision": choice, "rationale": "documented"},
    )


def test_addressable_needs_a_documented_decision():
    bare = decide(control("addressable"), outcome(), evidence(), NOW)
    assert bare.status is Status.ATTESTATION_MISSING
    implemented = decide(
        control("addressable"), outcome(), evidence(extra=(decision("implemented"),)), NOW
    )
    assert implemented.status is Status.PASS
    failing = decide(
        control("addressable"), outcome(findings=1), evidence(extra=(decision("implemented"),)), NOW
    )
    assert failing.status is Status.FAIL
    not_applicable = decide(
        control("addressable"),
        outcome(findings=1),
        evidence(extra=(decision("not_reasonable_and_appropriate"),)),
        NOW,
    )
    assert not_applicable.status is Status.NOT_APPLICABLE
    expired = decide(
        control("addressable"),
        outcome(),
        evidence(extra=(decision("not_reasonable_and_appropriate", "2025-01-01T00:00:00Z"),)),
        NOW,
    )
    assert expired.status is Status.ATTESTATION_EXPIRED
    nonsense = decide(control("addressable"), outcome(), evidence(extra=(decision("maybe"),)), NOW)
    assert nonsense.status is Status.ATTESTATION_MISSING


def with_broken_attestations(extra: EvidenceItem, kind: str) -> EvidenceSet:
    """The evidence plus an attestation run in which one file could not be read."""
    good = evidence(extra=(extra,))
    at = "2026-11-20T06:00:00Z"
    problem = KindStatus("partial", "attestations/x.yaml:3: signed_on is in the future")
    attestations = Collection(
        "a.json", "sha256:" + "2" * 64, "attestations", "1", "a", at, at, {kind: problem}, (extra,)
    )
    return EvidenceSet((good.collections[0], attestations))


def test_an_unreadable_attestation_file_stops_a_pass():
    needs = Attestation("attestation.sanctions_policy", "a sanctions policy", "365d")
    policy = item(
        "attestation.sanctions_policy", "attestation:sanctions_policy/v3", "2026-06-01T00:00:00Z"
    )
    result = decide(
        control(attestation=needs),
        outcome(),
        with_broken_attestations(policy, "attestation.sanctions_policy"),
        NOW,
    )
    assert result.status is Status.INSUFFICIENT_EVIDENCE
    assert "signed_on is in the future" in result.reason

    # A broken decision file may be this control's: no decision counts, not even "n/a".
    chosen = decision("not_reasonable_and_appropriate")
    result = decide(
        control("addressable"),
        outcome(findings=1),
        with_broken_attestations(chosen, "attestation.addressable_decision"),
        NOW,
    )
    assert result.status is Status.FAIL
