"""The bundled example, end to end through the CLI: statuses, findings, JSON
schema, determinism, ledger."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

from jsonschema import Draft202012Validator

from tests.conftest import AS_OF

# What make demo collects (the AWS run is recorded by record_aws.py against moto).
DEMO_SOURCES = ("attestations", "telehealth-api", "api-logs")


def evaluate_json(cli, repo: Path, *extra: str) -> tuple[int, dict]:
    out = repo / "result.json"
    result = cli(
        "evaluate", "--repo", repo, "--at", AS_OF, "--format", "json", "--output", out, *extra
    )
    return result.exit_code, json.loads(out.read_text())


def by_id(document: dict) -> dict[str, dict]:
    return {c["id"]: c for c in document["controls"]}


def test_example_shows_the_planted_mix(cli, example_repo):
    code, document = evaluate_json(cli, example_repo)
    assert code == 1
    controls = by_id(document)
    status = {cid: c["status"] for cid, c in controls.items()}
    # Machine-decided failures planted in the snapshot.
    assert status["hipaa-164-312-a-1"] == "fail"  # exports bucket public access block off
    assert status["hipaa-164-312-a-2-iv"] == "fail"  # exports bucket unencrypted (RDS denied)
    assert status["hipaa-164-312-c-2"] == "fail"  # CloudTrail log validation off
    assert status["hipaa-164-312-d"] == "fail"  # shared CI account without MFA
    assert status["hipaa-164-308-b-1"] == "fail"  # expired BAA with the log vendor
    assert status["hipaa-164-308-a-5-i"] == "fail"  # overdue training
    # Passing, decided by evidence.
    assert status["hipaa-164-312-e-2-ii"] == "pass"  # TLS 1.2 listener, decision documented
    # One day of RDS backups and no AWS Backup plan.
    assert status["hipaa-164-308-a-7-ii-a"] == "fail"
    # Without a GitHub token branch protection is not shown: never a pass.
    assert status["hipaa-164-308-a-5-ii-b"] == "insufficient_evidence"
    # Addressable decisions.
    assert status["hipaa-164-310-a-2-ii"] == "not_applicable"
    assert status["hipaa-164-310-a-2-iii"] == "pass"
    # Attestations: sanctions policy attested this year; contingency plan is 445 days old.
    assert status["hipaa-164-308-a-1-ii-c"] == "pass"
    assert status["hipaa-164-308-a-7-i"] == "attestation_expired"

    exports = "arn:aws:s3:::northwind-exports"
    encryption = controls["hipaa-164-312-a-2-iv"]["findings"]
    assert sorted(f["resource"] for f in encryption) == [
        "arn:aws:ec2:us-east-1:123456789012:ebs-encryption-by-default",
        exports,
    ]
    assert all(f["evidence_sha256"].startswith("sha256:") for f in encryption)
    authentication = controls["hipaa-164-312-d"]["findings"]
    assert sorted(f["resource"] for f in authentication) == [
        "arn:aws:iam::123456789012:root",  # a new account's root user has no MFA
        "git:github.com/northwind/telehealth-api/app/notify.py:3#Slack Token@45515ebc1381",
        "git:github.com/northwind/telehealth-api/deploy/aws.env:1#AWS Access Key@0421c7f53638",
        "okta:northwind.okta.com/users/00u1c",  # the shared CI account without MFA
    ]


def test_example_shows_phi_in_logs_and_committed_secrets(cli, example_repo):
    _, document = evaluate_json(cli, example_repo)
    controls = by_id(document)
    repo = "git:github.com/northwind/telehealth-api"
    audit = {f["resource"] for f in controls["hipaa-164-312-b"]["findings"]}
    assert {
        f"{repo}/app/visits.py:15#request_body",  # log.info(request.get_json())
        f"{repo}/app/visits.py:17#name",
        f"{repo}/app/visits.py:17#date_of_birth",
        f"{repo}/app/billing.py:9#health_plan_id",
        f"{repo}/web/intake.js:9#request_body",
        f"{repo}/web/intake.js:11#ssn",
        f"{repo}/web/intake.js:12#diagnosis",
        f"{repo}/config/production.yaml:5#log_level",
        f"{repo}/config/production.yaml:6#request_body",
        "logs:log-samples/api-2026-11-19.log:5#ssn",
        "logs:log-samples/api-2026-11-19.log:5#email",
        "logs:log-samples/api-2026-11-19.log:6#phone",
    } <= audit
    # Fine lines stay quiet: an internal id, the health check, development config.
    assert not [r for r in audit if r.startswith(f"{repo}/app/visits.py:20")]
    assert not [r for r in audit if "development.yaml" in r or "intake.js:17" in r]
    located = {f["resource"]: f["location"] for f in controls["hipaa-164-312-b"]["findings"]}
    assert located[f"{repo}/web/intake.js:11#ssn"] == {
        "path": "web/intake.js",
        "line": 11,
        "repository": repo,
    }
    assert located["arn:aws:s3:::northwind-exports"] is None  # a cloud resource has no file
    assert controls["hipaa-164-502-b"]["status"] == "fail"
    assert controls["hipaa-164-514"]["status"] == "fail"
    password = {f["resource"]: f["message"] for f in controls["hipaa-164-308-a-5-ii-d"]["findings"]}
    removed = f"{repo}/deploy/aws.env:1#AWS Access Key@0421c7f53638"
    assert "0421c7f53638" in password[removed] and "rotate" in password[removed]
    # Without a GitHub token, branch protection is not shown: never a pass.
    assert controls["hipaa-164-308-a-5-ii-b"]["status"] == "insufficient_evidence"
    assert "GITHUB_TOKEN" in controls["hipaa-164-308-a-5-ii-b"]["reason"]


def test_json_output_matches_its_schema(cli, example_repo):
    _, document = evaluate_json(cli, example_repo)
    schema = json.loads(
        resources.files("hipaa_cac.schemas").joinpath("evaluation-result.schema.json").read_text()
    )
    errors = list(Draft202012Validator(schema).iter_errors(document))
    assert errors == []
    assert document["summary"]["controls"] == 80
    assert sum(document["summary"]["counts"].values()) == 80


def test_same_inputs_give_byte_identical_output(cli, example_repo):
    first = example_repo / "a.json"
    second = example_repo / "b.json"
    for out in (first, second):
        cli("evaluate", "--repo", example_repo, "--at", AS_OF, "--format", "json", "--output", out)
    assert first.read_bytes() == second.read_bytes()
    for fmt in ("markdown", "table"):
        a = cli("evaluate", "--repo", example_repo, "--at", AS_OF, "--format", fmt, "--dry-run")
        b = cli("evaluate", "--repo", example_repo, "--at", AS_OF, "--format", fmt, "--dry-run")
        assert a.stdout == b.stdout


def test_without_as_of_everything_machine_decided_is_stale(cli, example_repo):
    # The snapshot is from 2026-11-20; a year later nothing collected can pass.
    _, document = evaluate_json(cli, example_repo, "--at", "2027-11-20T12:00:00Z")
    machine_decided = [c for c in document["controls"] if c["evidence"]]
    assert machine_decided
    assert all(c["status"] != "pass" for c in machine_decided)
    assert by_id(document)["hipaa-164-312-e-2-ii"]["status"] in ("stale", "attestation_expired")


def test_runs_are_recorded_and_the_ledger_verifies(cli, example_repo):
    cli("evaluate", "--repo", example_repo, "--at", AS_OF, "--format", "json")
    cli("evaluate", "--repo", example_repo, "--at", AS_OF, "--format", "json")
    verify = cli("ledger", "verify", "--repo", example_repo)
    assert verify.exit_code == 0, verify.output
    # 2 x (run, inventory, risk_assessment_update_required, 80 control statuses)
    assert "166 entries, 2 runs" in verify.output
    log = cli("ledger", "log", "--repo", example_repo)
    assert "run-000001" in log.output and "run-000002" in log.output
    status = cli("status", "--repo", example_repo)
    assert status.exit_code == 1
    assert "hipaa-164-312-d" in status.output


def test_dry_run_leaves_the_ledger_alone(cli, example_repo):
    cli("evaluate", "--repo", example_repo, "--at", AS_OF, "--dry-run")
    assert not (example_repo / ".hipaa-cac" / "ledger.sqlite").exists()


def test_committed_evidence_is_what_the_collectors_write(cli, example_repo, monkeypatch):
    """make demo re-collects the example; the result must be the committed
    files, byte for byte (a collector change that alters evidence shows here)."""
    committed = {
        p.relative_to(example_repo): p.read_bytes()
        for p in (example_repo / "evidence").rglob("*")
        if p.is_file()
    }
    subprocess.run([sys.executable, example_repo / "seed_api_repo.py"], check=True)
    monkeypatch.setenv("HIPAA_CAC_SALT", "northwind-demo")
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    result = cli("collect", "--repo", example_repo, "--at", "2026-11-20T06:00:00Z", *DEMO_SOURCES)
    assert result.exit_code == 0, result.output
    recollected = {
        p.relative_to(example_repo): p.read_bytes()
        for p in (example_repo / "evidence").rglob("*")
        if p.is_file()
    }
    assert sorted(recollected) == sorted(committed)
    assert recollected == committed
