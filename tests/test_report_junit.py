"""`--format junit`: the bundled example as JUnit XML, checked against a JUnit schema,
plus the cases the example does not plant.

tests/schemas/junit-10.xsd is the JUnit schema of Jenkins' xunit plugin (MIT,
Gregory Boissinot), byte for byte as pytest ships it for its own junitxml tests:
testing/example_scripts/junit-10.xsd in the PyPI sdist pytest-9.2.0.tar.gz
(sha256 a1a816f58d1bf95ebabf371994df0b9246dee66ea9572fbec4f9296f1b2c0ff6).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

from hipaa_cac.evaluator import ControlResult, Evaluation, Finding, Status
from hipaa_cac.reports import junit
from tests.conftest import AS_OF

XSD = Path(__file__).parent / "schemas" / "junit-10.xsd"


def evaluate_junit(cli, repo: Path, name: str = "result.xml") -> tuple[int, bytes]:
    out = repo / name
    result = cli(
        "evaluate", "--repo", repo, "--at", AS_OF, "--format", "junit", "--output", out, "--dry-run"
    )
    return result.exit_code, out.read_bytes()


def cases(suite: ET.Element) -> dict[str, ET.Element]:
    return {case.attrib["name"].split(" ")[0]: case for case in suite.iter("testcase")}


def test_example_counts_every_control_and_nothing_unproven_is_green(cli, example_repo):
    code, text = evaluate_junit(cli, example_repo)
    assert code == 1
    suite = ET.fromstring(text)
    assert suite.tag == "testsuite"
    assert dict(suite.attrib) == {
        "name": "hipaa-cac",
        "tests": "80",
        "failures": "75",  # 23 fail, 46 attestation missing, 3 expired, 1 insufficient, 2 stale
        "errors": "0",
        "skipped": "1",  # not applicable
    }
    by_id = cases(suite)
    assert len(by_id) == 80
    kinds = Counter(f"{child.tag}:{child.attrib['type']}" for c in by_id.values() for child in c)
    assert kinds == {
        "failure:fail": 23,
        "failure:attestation_missing": 46,
        "failure:attestation_expired": 3,
        "failure:insufficient_evidence": 1,
        "failure:stale": 2,
        "skipped:not_applicable": 1,
    }
    assert len(by_id["hipaa-164-312-e-2-ii"]) == 0  # pass: a plain testcase
    properties = {p.attrib["name"]: p.attrib["value"] for p in suite.iter("property")}
    assert properties["as_of"] == AS_OF
    assert properties["passed"] == "false"
    assert properties["policy_hash"].startswith("sha256:")
    assert properties["catalog_hash"].startswith("sha256:")


def test_a_failing_control_lists_its_findings(cli, example_repo):
    _, text = evaluate_junit(cli, example_repo)
    case = cases(ET.fromstring(text))["hipaa-164-312-a-2-iv"]
    assert case.attrib == {
        "classname": "45 CFR 164.312",
        "name": "hipaa-164-312-a-2-iv Encryption and decryption",
    }
    [failure] = case
    assert failure.tag == "failure"
    assert failure.attrib == {"message": "2 finding(s)", "type": "fail"}
    assert failure.text == (
        "medium: arn:aws:ec2:us-east-1:123456789012:ebs-encryption-by-default: EBS encryption "
        "by default is not shown to be on in us-east-1; enable it "
        "(ec2 enable-ebs-encryption-by-default) in every region\n"
        "high: arn:aws:s3:::northwind-exports: S3 bucket does not encrypt at rest "
        "(or it was not shown); turn on default encryption"
    )
    undecided = cases(ET.fromstring(text))["hipaa-164-308-a-5-ii-b"]
    [failure] = undecided
    assert failure.attrib["type"] == "insufficient_evidence"
    assert "GITHUB_TOKEN" in failure.attrib["message"]
    assert failure.text is not None
    assert failure.text.startswith("missing: evidence git.hosted_settings is error")


def test_example_output_matches_the_junit_schema(cli, example_repo):
    import xmlschema  # a dev dependency: the schema check needs an XSD validator

    _, text = evaluate_junit(cli, example_repo)
    xmlschema.XMLSchema(XSD).validate(text.decode("utf-8"))


def test_same_inputs_give_byte_identical_junit(cli, example_repo):
    _, first = evaluate_junit(cli, example_repo, "a.xml")
    _, second = evaluate_junit(cli, example_repo, "b.xml")
    assert first == second
    assert first.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="hipaa-cac"')


# Cases the example does not plant, on a hand-made evaluation.


def control(control_id: str, status: Status, *findings: Finding, **extra: Any) -> ControlResult:
    fields: dict[str, Any] = {
        "control": control_id,
        "version": "1.0.0",
        "citation": "45 CFR 164.308(a)(1)(ii)(D)",
        "title": "Review & <report>",
        "requirement": "required",
        "content_hash": "sha256:00",
        "status": status,
        "reason": "a reason",
        "findings": findings,
        **extra,
    }
    return ControlResult(**fields)


def evaluation(*results: ControlResult) -> Evaluation:
    return Evaluation(
        as_of=AS_OF,
        engine="embedded",
        tool_version="0.1.0",
        catalog_hash="sha256:aa",
        policy_hash="sha256:bb",
        collections=(),
        results=results,
    )


def test_error_waiver_and_awkward_text():
    odd = Finding(
        control="hipaa-b",
        resource='okta:x/users/"a&b"',
        message="bad\x07 <value> & more",
        severity="high",
        rule="data.hipaa.x.y",
    )
    text = junit.render(
        evaluation(
            control("hipaa-b", Status.ERROR, odd, reason="a rule could not be evaluated:\nboom"),
            control("hipaa-a", Status.WAIVED, reason="waiver W-1"),
            control("hipaa-c", Status.STALE, reason="evidence x is older than 1d"),
        )
    )
    suite = ET.fromstring(text)
    assert suite.attrib["tests"] == "3"
    assert suite.attrib["failures"] == "1"
    assert suite.attrib["errors"] == "1"
    assert suite.attrib["skipped"] == "1"
    by_id = cases(suite)
    assert [c.attrib["name"] for c in suite.iter("testcase")] == [
        "hipaa-a Review & <report>",
        "hipaa-b Review & <report>",
        "hipaa-c Review & <report>",
    ]
    [skipped] = by_id["hipaa-a"]
    assert skipped.tag == "skipped"
    assert skipped.attrib == {"message": "waiver W-1", "type": "waived"}
    [error] = by_id["hipaa-b"]
    assert error.tag == "error"
    assert error.attrib["message"] == "a rule could not be evaluated:\nboom"
    assert error.text == 'high: okta:x/users/"a&b": bad\ufffd <value> & more'
    [stale] = by_id["hipaa-c"]
    assert stale.tag == "failure" and stale.attrib["type"] == "stale"
    assert by_id["hipaa-c"].attrib["classname"] == "45 CFR 164.308"


def test_citation_section():
    assert junit.citation_section("45 CFR 164.312(a)(2)(iv)") == "45 CFR 164.312"
    assert junit.citation_section("45 CFR 164.514") == "45 CFR 164.514"
    assert junit.citation_section("Internal policy 7") == "Internal policy 7"


def test_waived_findings_name_their_waiver():
    finding = Finding(
        control="hipaa-a",
        resource="arn:aws:s3:::legacy-1",
        message="unencrypted",
        severity="high",
        rule="data.hipaa.x.y",
    )
    waived = Finding(**{**finding.__dict__, "resource": "arn:aws:s3:::legacy-2", "waiver": "W-7"})
    text = junit.render(
        evaluation(
            control("hipaa-a", Status.FAIL, finding, waived, reason="1 finding(s); 1 more waived"),
            control("hipaa-b", Status.WAIVED, waived, reason="1 finding(s) waived by W-7"),
        )
    )
    suite = ET.fromstring(text)
    assert (suite.attrib["failures"], suite.attrib["skipped"]) == ("1", "1")
    by_id = cases(suite)
    [failure] = by_id["hipaa-a"]
    assert failure.text == (
        "high: arn:aws:s3:::legacy-1: unencrypted\n"
        "high: arn:aws:s3:::legacy-2: unencrypted (waived by W-7)"
    )
    [skipped] = by_id["hipaa-b"]
    assert skipped.attrib == {"message": "1 finding(s) waived by W-7", "type": "waived"}
