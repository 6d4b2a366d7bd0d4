"""Waivers end to end: files in waivers/ of a copy of the example, evaluated
through the CLI as of AS_OF, then read back from reports and the ledger."""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from hipaa_cac.ledger import open_ledger
from hipaa_cac.ledger.record import CONTROL_STATUS, RUN
from tests.conftest import AS_OF

ENCRYPTION = "hipaa-164-312-a-2-iv"  # fails on two resources, nothing missing
ACCESS = "hipaa-164-312-a-1"  # fails on an RDS instance, the S3 account and the exports bucket
INTEGRITY = "hipaa-164-312-c-2"  # fails on CloudTrail and unsigned commits
BRANCHES = "hipaa-164-308-a-5-ii-b"  # insufficient_evidence: no GitHub token
CHANGES = "hipaa-164-312-c-1"  # three findings, and the GitHub settings evidence is an error
EXPORTS = "arn:aws:s3:::northwind-exports"


def write_waiver(repo: Path, name: str, **fields: Any) -> Path:
    waiver = {
        "id": name,
        "control": ENCRYPTION,
        "scope": "*",
        "reason": "Exports are de-identified; encryption migration tracked.",
        "approver": "dana@northwind.example",
        "created": "2026-09-01",
        "expires": "2027-03-01",
        **fields,
    }
    lines = [f"{k}: {json.dumps(v)}" for k, v in waiver.items() if v is not None]
    path = repo / "waivers" / f"{name}.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def evaluate(cli, repo: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    out = repo / "result.json"
    result = cli(
        "evaluate", "--repo", repo, "--at", AS_OF, "--format", "json", "--output", out, *extra
    )
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(out.read_text())


def by_id(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["id"]: c for c in document["controls"]}


def schema_errors(document: dict[str, Any]) -> list[str]:
    text = resources.files("hipaa_cac.schemas").joinpath("evaluation-result.schema.json")
    validator = Draft202012Validator(json.loads(text.read_text()))
    return [e.message for e in validator.iter_errors(document)]


def test_a_waiver_covering_every_finding_waives_the_control(cli, example_repo):
    write_waiver(
        example_repo,
        "W-2026-001",
        scope=[EXPORTS, "arn:aws:ec2:*:ebs-encryption-by-default"],
        ticket="SEC-142",
    )
    _, document = evaluate(cli, example_repo, "--dry-run")
    control = by_id(document)[ENCRYPTION]
    assert control["status"] == "waived"
    assert control["reason"] == "2 finding(s) waived by W-2026-001"
    # Kept for auditors, each naming its waiver.
    assert [f["waiver"] for f in control["findings"]] == ["W-2026-001", "W-2026-001"]
    assert [w["id"] for w in control["waivers"]] == ["W-2026-001"]
    assert document["summary"]["counts"]["waived"] == 1
    assert document["summary"]["waived_findings"] == 2
    assert schema_errors(document) == []


def test_a_waiver_covering_some_findings_leaves_the_rest_counted(cli, example_repo):
    _, before = evaluate(cli, example_repo, "--dry-run")
    write_waiver(example_repo, "W-2026-002", control=ACCESS, scope="arn:aws:s3:::northwind-*")
    _, after = evaluate(cli, example_repo, "--dry-run")
    control = by_id(after)[ACCESS]
    assert control["status"] == "fail"
    assert control["reason"] == "2 finding(s); 1 more waived by W-2026-002"
    waived = {f["resource"]: f["waiver"] for f in control["findings"]}
    assert waived == {
        "arn:aws:rds:us-east-1:123456789012:db:telehealth": None,
        "arn:aws:s3::123456789012:account": None,  # the glob needs ':::northwind-'
        EXPORTS: "W-2026-002",
    }
    assert after["summary"]["findings"] == before["summary"]["findings"] - 1
    assert after["summary"]["waived_findings"] == 1
    # Nothing else moved.
    others = {k: v for k, v in by_id(after).items() if k != ACCESS}
    assert others == {k: v for k, v in by_id(before).items() if k != ACCESS}


def test_an_expired_waiver_stops_applying_and_says_so(cli, example_repo):
    # Until 00:00 UTC on `expires` the waiver applies...
    write_waiver(
        example_repo, "W-2025-009", control=INTEGRITY, created="2025-12-01", expires="2026-11-21"
    )
    _, document = evaluate(cli, example_repo, "--dry-run")
    assert by_id(document)[INTEGRITY]["status"] == "waived"
    # ...from then on it does not, and the result says so.
    write_waiver(
        example_repo, "W-2025-009", control=INTEGRITY, created="2025-12-01", expires="2026-11-20"
    )
    _, document = evaluate(cli, example_repo, "--dry-run")
    control = by_id(document)[INTEGRITY]
    assert control["status"] == "fail"
    assert control["reason"] == "2 finding(s); no longer waived: W-2025-009 (expired 2026-11-20)"
    assert [w["id"] for w in control["expired_waivers"]] == ["W-2025-009"]
    assert control["waivers"] == []
    assert all(f["waiver"] is None for f in control["findings"])
    assert schema_errors(document) == []


def test_a_waiver_not_yet_created_does_not_apply(cli, example_repo):
    _, before = evaluate(cli, example_repo, "--dry-run")
    write_waiver(example_repo, "W-2026-050", created="2026-11-21", expires="2027-05-01")
    _, after = evaluate(cli, example_repo, "--dry-run")
    assert by_id(after)[ENCRYPTION] == by_id(before)[ENCRYPTION]
    assert [w["id"] for w in after["waivers"]] == ["W-2026-050"]  # loaded, hashed, not used


def test_a_waiver_never_waives_not_knowing(cli, example_repo):
    _, before = evaluate(cli, example_repo, "--dry-run")
    write_waiver(example_repo, "W-2026-003", control=BRANCHES)
    write_waiver(example_repo, "W-2026-004", control=CHANGES)
    _, after = evaluate(cli, example_repo, "--dry-run")
    assert by_id(before)[BRANCHES]["status"] == "insufficient_evidence"
    assert by_id(after)[BRANCHES] == by_id(before)[BRANCHES]
    # Every finding waived, but the control could not pass without them: it
    # gets the status it would have had (not `waived`, and not `fail`).
    changes = by_id(after)[CHANGES]
    assert by_id(before)[CHANGES]["status"] == "fail"
    assert by_id(before)[CHANGES]["missing"]
    assert changes["status"] == "insufficient_evidence"
    assert changes["reason"].endswith("(3 finding(s) waived by W-2026-004)")
    assert [f["waiver"] for f in changes["findings"]] == ["W-2026-004"] * 3
    assert changes["missing"] == by_id(before)[CHANGES]["missing"]


def test_ledger_records_waiver_ids_and_file_hashes(cli, example_repo):
    first = write_waiver(example_repo, "W-2026-001")
    write_waiver(example_repo, "W-2026-002", control=ACCESS, scope=EXPORTS)
    unused = write_waiver(example_repo, "W-2026-009", control=BRANCHES)
    evaluate(cli, example_repo)
    hashes = {
        p.stem: "sha256:" + hashlib.sha256(p.read_bytes()).hexdigest()
        for p in (first, unused, example_repo / "waivers" / "W-2026-002.yaml")
    }
    with open_ledger(example_repo / ".hipaa-cac" / "ledger.sqlite", create=False) as ledger:
        [run] = ledger.entries(types=[RUN])
        statuses = {e.payload["control"]: e.payload for e in ledger.entries(types=[CONTROL_STATUS])}
    assert run.payload["waivers"] == [
        {"id": k, "file": f"waivers/{k}.yaml", "sha256": v, "expires": "2027-03-01"}
        for k, v in sorted(hashes.items())
    ]
    assert statuses[ENCRYPTION]["status"] == "waived"
    assert [(w["id"], w["sha256"]) for w in statuses[ENCRYPTION]["waivers"]] == [
        ("W-2026-001", hashes["W-2026-001"])
    ]
    assert [(w["id"], w["sha256"]) for w in statuses[ACCESS]["waivers"]] == [
        ("W-2026-002", hashes["W-2026-002"])
    ]
    assert statuses[BRANCHES]["waivers"] == []
    assert cli("ledger", "verify", "--repo", example_repo).exit_code == 0


def test_reports_name_the_waivers_and_are_deterministic(cli, example_repo):
    write_waiver(example_repo, "W-2026-001")
    write_waiver(example_repo, "W-2026-002", control=ACCESS, scope=EXPORTS)
    args = ("evaluate", "--repo", example_repo, "--at", AS_OF, "--dry-run", "--format")
    outputs = {}
    for fmt in ("table", "markdown", "json", "sarif", "junit"):
        first, second = cli(*args, fmt), cli(*args, fmt)
        assert first.stdout == second.stdout, fmt
        outputs[fmt] = first.stdout
    for fmt in ("table", "markdown"):
        assert "waived by W-2026-001" in outputs[fmt]
        assert f"{EXPORTS}" in outputs[fmt] and "(waived by W-2026-002)" in outputs[fmt]
    sarif = json.loads(outputs["sarif"])["runs"][0]["results"]
    [exports] = [
        r for r in sarif if r["ruleId"] == ACCESS and r["properties"]["resource"] == EXPORTS
    ]
    assert exports["suppressions"] == [
        {
            "kind": "external",
            "status": "accepted",
            "justification": "waived by W-2026-002 until 2027-03-01 (waivers/W-2026-002.yaml)",
        }
    ]
    unwaived = [r for r in sarif if r["ruleId"] == ACCESS and r is not exports]
    assert unwaived and all("suppressions" not in r for r in unwaived)
    assert 'message="2 finding(s) waived by W-2026-001" type="waived"' in outputs["junit"]


BAD = [
    ({"control": "hipaa-999"}, 2, "control: unknown control 'hipaa-999'"),
    ({"expires": "2027-02-30"}, 7, "expires: '2027-02-30' is not a real calendar date"),
    ({"expires": "2027-3-1"}, 7, "expires: '2027-3-1' does not match"),
    ({"approver": None}, 1, "'approver' is a required property"),
    ({"expires": "2027-09-02"}, 7, "more than one year after created (2026-09-01)"),
    ({"expires": "2026-09-01"}, 7, "expires: 2026-09-01 is not after created (2026-09-01)"),
    ({"scope": []}, 3, "scope"),
    ({"owner": "x"}, 1, "'owner' was unexpected"),
]


@pytest.mark.parametrize(("fields", "line", "message"), BAD)
def test_a_bad_waiver_is_exit_2_at_file_and_line(cli, example_repo, fields, line, message):
    write_waiver(example_repo, "W-2026-001", **fields)
    for command in ("validate", "evaluate"):
        result = cli(command, "--repo", example_repo)
        assert result.exit_code == 2, result.output
        assert f"error: waivers/W-2026-001.yaml:{line}: " in result.stderr
        assert message in result.stderr
    # Nothing half-done: no run was recorded.
    assert not (example_repo / ".hipaa-cac" / "ledger.sqlite").exists()


def test_a_list_of_waivers_in_one_file_is_an_error(cli, example_repo):
    path = write_waiver(example_repo, "W-2026-001")
    path.write_text("- " + path.read_text().replace("\n", "\n  "), encoding="utf-8")
    result = cli("validate", "--repo", example_repo)
    assert result.exit_code == 2
    assert result.stderr == (
        "error: waivers/W-2026-001.yaml:1: expected one waiver (id, control, scope, ...) per file\n"
    )


def test_a_duplicate_id_is_exit_2_at_the_second_file(cli, example_repo):
    write_waiver(example_repo, "W-2026-001")
    copy = example_repo / "waivers" / "W-2026-001-copy.yaml"
    copy.write_text((example_repo / "waivers" / "W-2026-001.yaml").read_text())
    result = cli("validate", "--repo", example_repo)
    assert result.exit_code == 2
    assert result.stderr == (
        "error: waivers/W-2026-001.yaml:1: id: waiver id W-2026-001 is used twice "
        "(also in waivers/W-2026-001-copy.yaml)\n"
    )


def test_config_can_allow_longer_waivers_and_move_the_folder(cli, example_repo):
    config = example_repo / "hipaa-cac.yaml"
    config.write_text(
        config.read_text() + "waivers: {path: risk/accepted, max_duration: 104w}\n",
        encoding="utf-8",
    )
    result = cli("validate", "--repo", example_repo)
    assert result.exit_code == 2
    assert "risk/accepted: waiver directory does not exist" in result.stderr
    (example_repo / "risk" / "accepted").mkdir(parents=True)
    long = write_waiver(example_repo, "W-2026-001", expires="2028-06-01")
    long.rename(example_repo / "risk" / "accepted" / long.name)
    result = cli("validate", "--repo", example_repo)
    assert result.exit_code == 0, result.output
    assert "1 waivers" in result.stdout
    _, document = evaluate(cli, example_repo, "--dry-run")
    assert by_id(document)[ENCRYPTION]["waivers"][0]["file"] == "risk/accepted/W-2026-001.yaml"


def test_init_creates_an_empty_waivers_folder_that_validates(cli, tmp_path):
    repo = tmp_path / "new"
    assert cli("init", repo).exit_code == 0
    assert (repo / "waivers" / "README.md").is_file()
    assert list((repo / "waivers").iterdir()) == [repo / "waivers" / "README.md"]
    result = cli("validate", "--repo", repo)
    assert result.exit_code == 0, result.output
    assert "0 waivers" in result.stdout
