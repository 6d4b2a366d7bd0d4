"""A rule that answers something other than a set of well-formed findings is
an error for its controls, never a silent "no findings"."""

from __future__ import annotations

from pathlib import Path

import pytest

from hipaa_cac.canonical import content_hash
from hipaa_cac.engines.embedded import EmbeddedEngine
from hipaa_cac.evaluator.rules import run_rules
from hipaa_cac.evidence import Collection, EvidenceItem, EvidenceSet, KindStatus
from hipaa_cac.policy import load_library

AT = "2026-11-20T06:00:00Z"
HEADER = """package hipaa.t

import rego.v1

# METADATA
# title: t
# custom:
#   controls: [hipaa-164-312-a-1]
#   evidence: [aws.s3.bucket]
#   severity: high
"""


def evidence() -> EvidenceSet:
    body = {
        "kind": "aws.s3.bucket",
        "subject": "arn:aws:s3:::b",
        "collected_at": AT,
        "max_age": "1d",
        "source": {"collector": "t", "version": "0", "scope": "s"},
        "data": {},
    }
    item = EvidenceItem(**body, sha256=content_hash(body))
    return EvidenceSet(
        (
            Collection(
                "t",
                "sha256:" + "0" * 64,
                "t",
                "0",
                "s",
                AT,
                AT,
                {"aws.s3.bucket": KindStatus("complete")},
                (item,),
            ),
        )
    )


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("r := false", "must be a set of findings"),
        ('r := "no findings"', "must be a set of findings"),
        ('r contains "text" if { true }', "must be an object"),
        (
            'r contains {"control": "hipaa-164-312-b", "resource": "x", "message": "m", '
            '"severity": "high"} if { true }',
            "does not list",
        ),
    ],
)
def test_malformed_rule_answers_are_errors(tmp_path: Path, body: str, error: str):
    (tmp_path / "t.rego").write_text(HEADER + body + "\n")
    library = load_library([tmp_path])
    engine = EmbeddedEngine()
    engine.load(library)
    now = {"now": "2026-11-20T12:00:00Z", "now_ns": 1795176000000000000}
    outcome = run_rules(list(library.rules.values()), engine, evidence(), now)["data.hipaa.t.r"]
    assert outcome.findings == ()
    assert outcome.error is not None and error in outcome.error


def test_progress_advances_per_item_and_rule(tmp_path: Path):
    (tmp_path / "t.rego").write_text(HEADER + "r contains x if { x := 1; false }\n")
    library = load_library([tmp_path])
    engine = EmbeddedEngine()
    engine.load(library)
    seen: list[int] = []
    run_rules(list(library.rules.values()), engine, evidence(), {}, seen.append)
    assert sum(seen) == 1
