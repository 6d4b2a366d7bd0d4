"""Clouds not in use are not asked for (evaluator/scope.py); everything else
stays fail closed."""

from __future__ import annotations

from dataclasses import replace

from test_decide import KIND, NOW, RULE, control, evidence, item

from hipaa_cac.controls import EvidenceNeed
from hipaa_cac.evaluator import Status
from hipaa_cac.evaluator.decide import decide
from hipaa_cac.evaluator.rules import RuleOutcome
from hipaa_cac.evaluator.scope import Scope, scope_of
from hipaa_cac.evidence import EvidenceSet
from hipaa_cac.policy import Rule

GCP_ONLY = Scope(frozenset({"gcp"}))
NEUTRAL = "cloud.object_storage"


def test_scope_comes_from_configured_sources_and_collected_evidence() -> None:
    aws_evidence = evidence()  # holds aws.s3.bucket
    assert scope_of([], aws_evidence) == Scope(None)  # no sources: nothing out of scope
    assert scope_of(["gcp", "git"], EvidenceSet(())) == GCP_ONLY
    assert scope_of(["gcp"], aws_evidence).providers == frozenset({"gcp", "aws"})
    assert GCP_ONLY.excludes("aws.s3.bucket")
    assert not GCP_ONLY.excludes(NEUTRAL) and not GCP_ONLY.excludes("idp.user")


def _mixed_control():
    return replace(
        control(), evidence=(EvidenceNeed(KIND, "1d"), EvidenceNeed(NEUTRAL, "1d")), checks=(RULE,)
    )


def _outcome(out_of_scope: str | None) -> dict[str, RuleOutcome]:
    rule = Rule(RULE, "t", ("hipaa-164-312-a-1",), (KIND,), "high", "p.rego", 1)
    return {RULE: RuleOutcome(rule, (), out_of_scope=out_of_scope)}


def _only_neutral() -> EvidenceSet:
    neutral = item(NEUTRAL, "//storage.googleapis.com/projects/_/buckets/b", "2026-11-20T06:00:00Z")
    base = evidence(extra=(neutral,))
    collection = base.collections[0]
    kinds = {NEUTRAL: collection.kinds[NEUTRAL]}
    return EvidenceSet((replace(collection, kinds=kinds, items=(neutral,)),))


def test_a_gcp_team_is_not_asked_for_aws_evidence() -> None:
    result = decide(_mixed_control(), _outcome("aws is not in use"), _only_neutral(), NOW, GCP_ONLY)
    assert result.status is Status.PASS, result.missing
    assert [u.status for u in result.evidence] == ["out_of_scope", "complete"]
    assert result.rules[0].skipped == "out of scope: aws is not in use"
    # With every cloud in scope the same evidence is missing AWS, and cannot pass.
    everything = decide(_mixed_control(), _outcome(None), _only_neutral(), NOW)
    assert everything.status is Status.INSUFFICIENT_EVIDENCE
    assert everything.missing == ("evidence aws.s3.bucket was never collected",)


def test_a_control_shown_only_by_clouds_not_in_use_is_never_a_pass() -> None:
    result = decide(control(), _outcome("aws is not in use"), EvidenceSet(()), NOW, GCP_ONLY)
    assert result.status is Status.INSUFFICIENT_EVIDENCE
    assert result.missing == ("none of its evidence comes from a cloud in use: aws.s3.bucket",)
