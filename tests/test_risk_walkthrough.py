"""Issue #7's acceptance walk-through, on an SQLite and on a PostgreSQL ledger:

baseline -> an RDS database (in the emulated AWS account) and a Datadog
dependency (in the app repository) are added -> `hipaa-cac run` raises a
risk-assessment update naming both, and a BAA failure for Datadog -> a risk
analysis (`risk ack`) and a Datadog BAA are recorded -> the controls pass
again. Every step is checked in `ledger log`, `diff`, `status --since` and
in the notices a local webhook receiver got.

Real components throughout: moto in server mode, a git repository, the
collectors, the embedded engine, the ledger backends, an HTTP receiver.
"""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
from git_repos import commit, new_repo
from http_replay import ReplayServer
from moto_server import MOTO_ACCOUNT, MotoServer

RISK_ANALYSIS = "hipaa-164-308-a-1-ii-a"
RISK_MANAGEMENT = "hipaa-164-308-a-1-ii-b"
BAA_CONTROLS = ("hipaa-164-308-b-1", "hipaa-164-314-a-1", "hipaa-164-502-e", "hipaa-164-504-e")
WATCHED = (RISK_ANALYSIS, RISK_MANAGEMENT, *BAA_CONTROLS)
OFFICIAL = "security-official@acme.example"
RDS_ARN = f"arn:aws:rds:us-east-1:{MOTO_ACCOUNT}:db:visits"
# Each step a day apart: the AWS and git sources (max age 1d) are due every time.
DAYS = ("2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19")

BAA = """type: baa
attested_by: security-official@acme.example
attested_on: {on}
party: {party}
vendor: {vendor}
role: subprocessor
services: [{service}]
signed_on: {on}
evergreen: true
document_sha256: sha256:{digest}
"""

PLAN = """type: risk_management_plan
attested_by: security-official@acme.example
attested_on: 2026-11-01
statement: Every risk above the threshold has a treatment with an owner and a due date.
approved_on: 2026-11-01
"""

# 164.504(e) also asks that the BAAs carry the required terms: a policy says so.
BAA_TERMS = """type: policies_procedures
attested_by: security-official@acme.example
attested_on: 2026-11-01
title: Business associate agreement terms
version: "2"
last_reviewed_on: 2026-11-01
next_review_on: 2027-11-01
controls: [hipaa-164-504-e]
"""


def _config(ledger: str, app: Path, hook: str) -> str:
    return f"""version: 1
organization: Acme Telehealth
controls: [builtin]
policies: [builtin]
ledger: {ledger}
sources:
  - {{id: aws, collector: aws, config: {{regions: [us-east-1], services: [s3, rds]}}}}
  - {{id: attestations, collector: attestations, config: {{path: attestations}}}}
  - {{id: api, collector: git, config: {{path: {app}}}}}
notify:
  - {{type: webhook, url: "{hook}"}}
"""


def _attest(repo: Path, kind: str, name: str, text: str) -> None:
    path = repo / "attestations" / kind / f"{name}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def _statuses(cli, repo: Path) -> dict[str, dict]:
    out = repo / "result.json"
    cli("evaluate", "--repo", repo, "--dry-run", "--format", "json", "--output", out, "--at",
        f"{DAYS[-1]}T23:00:00Z")  # fmt: skip
    return {c["id"]: c for c in json.loads(out.read_text())["controls"]}


def _run(cli, repo: Path, day: str):
    return cli("run", "--repo", repo, "--at", f"{day}T09:00:00Z")


@pytest.fixture(params=["sqlite", "postgresql"])
def ledger_location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return ".hipaa-cac/ledger.sqlite"
    return str(request.getfixturevalue("postgres_url"))


def test_architecture_change_to_risk_update_to_recorded_analysis(
    cli, aws: MotoServer, tmp_path: Path, ledger_location: str
):
    boto3.client("s3").create_bucket(Bucket="acme-uploads")
    app = new_repo(tmp_path / "api", {"requirements.txt": "flask==3.0.3\nboto3==1.35.0\n"})
    repo = tmp_path / "policy"
    repo.mkdir()
    hook_exchanges = [
        {"request": {"method": "POST", "path": "/hook"}, "response": {"status": 200}}
    ] * 4
    with ReplayServer({"exchanges": hook_exchanges}) as receiver:
        (repo / "hipaa-cac.yaml").write_text(_config(ledger_location, app, receiver.url + "/hook"))
        _attest(repo, "risk_management_plan", "2026", PLAN)
        _attest(repo, "policies_procedures", "baa-terms", BAA_TERMS)
        aws_baa = BAA.format(
            on="2026-11-01", party="Amazon Web Services", vendor="aws", service="hosting",
            digest="ab" * 32,
        )  # fmt: skip
        _attest(repo, "baa", "aws", aws_baa)

        # 1. Baseline: the first run has no risk analysis yet; `risk ack` records one.
        first = _run(cli, repo, DAYS[0])
        assert "run-000001" in first.output, first.output
        ack = cli("risk", "ack", "--repo", repo, "--by", OFFICIAL,
                  "--scope", "AWS, API", "--method", "NIST SP 800-30r1", "--at",
                  f"{DAYS[0]}T10:00:00Z")  # fmt: skip
        assert ack.exit_code == 0, ack.output
        baseline = _run(cli, repo, DAYS[1])
        assert "risk assessment update required" not in baseline.output, baseline.output
        statuses = _statuses(cli, repo)
        assert {c: statuses[c]["status"] for c in WATCHED} == dict.fromkeys(WATCHED, "pass")

        # 2. The architecture changes: a database, and Datadog in the app.
        boto3.client("rds").create_db_instance(
            DBInstanceIdentifier="visits",
            Engine="postgres",
            DBInstanceClass="db.t3.micro",
            AllocatedStorage=20,
            MasterUsername="admin_user",
            MasterUserPassword="not-a-real-password",  # pragma: allowlist secret
            StorageEncrypted=True,
        )
        commit(
            app,
            {"requirements.txt": "flask==3.0.3\nboto3==1.35.0\nddtrace==2.14.0\n"},
            "add APM",
        )
        changed = _run(cli, repo, DAYS[2])
        assert "risk assessment update required" in changed.output, changed.output
        assert f"added data store visits (at {RDS_ARN})" in changed.output
        assert "added third party Datadog" in changed.output
        statuses = _statuses(cli, repo)
        for control in (RISK_ANALYSIS, RISK_MANAGEMENT):
            assert statuses[control]["status"] == "stale"
            assert any(RDS_ARN in m for m in statuses[control]["missing"])
            assert any(
                "vendor:datadog" not in m and "Datadog" in m for m in statuses[control]["missing"]
            )
        for control in BAA_CONTROLS:
            assert statuses[control]["status"] == "fail"
            (finding,) = statuses[control]["findings"]
            assert finding["resource"] == "vendor:datadog"
            assert "requirements.txt:3" in finding["message"]
            assert "has no BAA on file" in finding["message"]

        # 3. The review is recorded, and so is a BAA with Datadog.
        note = "RDS and Datadog assessed"
        ack = cli("risk", "ack", "--repo", repo, "--by", OFFICIAL, "--note", note,
                  "--at", f"{DAYS[2]}T12:00:00Z")  # fmt: skip
        assert ack.exit_code == 0, ack.output
        assert "added third party Datadog" in ack.output
        dd_baa = BAA.format(
            on="2026-11-18", party="Datadog, Inc.", vendor="datadog", service="APM",
            digest="cd" * 32,
        )  # fmt: skip
        _attest(repo, "baa", "datadog", dd_baa)
        resolved = _run(cli, repo, DAYS[3])
        assert "risk assessment update required" not in resolved.output, resolved.output
        statuses = _statuses(cli, repo)
        assert {c: statuses[c]["status"] for c in WATCHED} == dict.fromkeys(WATCHED, "pass")
        received = [json.loads(r.body) for r in receiver.requests]

    # Every step is in the ledger, and diff / status --since tell the story.
    log = cli("ledger", "log", "--repo", repo)
    lines = [line for line in log.output.splitlines() if line.startswith("run-")]
    assert len(lines) == 4, log.output
    # Evaluation runs; each notice's delivery record is a small run of its own between them.
    runs = [line.split()[0] for line in lines]
    assert runs == ["run-000001", "run-000003", "run-000005", "run-000007"]
    # The first run has no risk analysis at all: that control is attestation_missing.
    flagged = ["risk assessment update required" in line for line in lines]
    assert flagged == [False, False, True, False]
    entries = cli("ledger", "log", "--repo", repo, "--run", runs[2])
    assert "risk_assessment_update_required" in entries.output
    assert f"added data store visits (at {RDS_ARN})" in entries.output
    assert "added third party Datadog" in entries.output

    diff = cli("diff", "--repo", repo, "--format", "json", runs[1], runs[2])
    assert diff.exit_code == 1  # controls regressed
    drift = json.loads(diff.output)
    changed_controls = {c["control"]: (c["before"], c["after"]) for c in drift["status_changes"]}
    assert changed_controls[RISK_ANALYSIS] == ("pass", "stale")
    assert all(changed_controls[c] == ("pass", "fail") for c in BAA_CONTROLS)
    assert {f["resource"] for f in drift["new_findings"]} >= {"vendor:datadog"}
    added = {(c["category"], c["id"]) for c in drift["inventory_changes"]}
    assert added == {("data_store", RDS_ARN), ("third_party", "vendor:datadog")}

    back = cli("diff", "--repo", repo, "--format", "json")  # the last two runs
    assert back.exit_code == 0
    assert {(c["before"], c["after"]) for c in json.loads(back.output)["status_changes"]} >= {
        ("fail", "pass"),
        ("stale", "pass"),
    }
    since = cli("status", "--repo", repo, "--since", DAYS[1])
    assert f"{runs[1]} -> {runs[3]}" in since.output
    assert cli("ledger", "verify", "--repo", repo).exit_code == 0

    # The webhook heard of each change once; the risk update only when it was new.
    records = [
        cli("ledger", "log", "--repo", repo, "--run", f"run-{n:06d}").output for n in (2, 4, 6, 8)
    ]
    said = [
        line
        for text in (first.output, baseline.output, changed.output, resolved.output, *records)
        for line in text.splitlines()
        if "deliver" in line or "notify" in line
    ]
    assert not [line for line in said if "NOT delivered" in line], said
    assert [n["run_id"] for n in received] == runs, [len(said), len(received)]
    deliveries = cli("ledger", "log", "--repo", repo, "--run", "run-000006")
    assert "notification" in deliveries.output and f"for {runs[2]}" in deliveries.output
    assert [n["risk_update"] is not None for n in received] == [False, False, True, False]
    changes = {c["id"] for c in received[2]["risk_update"]["changes"]}
    assert changes == {RDS_ARN, "vendor:datadog"}
    assert all(n["organization"] == "Acme Telehealth" for n in received)
