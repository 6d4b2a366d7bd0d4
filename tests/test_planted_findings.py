"""Issue #3's acceptance test: plant PHI logging in a Python and a JS app, PHI
in a log sample, secrets in a repository's history and tree, an expired BAA
and overdue training; collect and evaluate through the CLI; assert the exact
findings, and that no planted value appears anywhere hipaa-cac writes."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from git_repos import commit, git, new_repo

AT_COLLECT = "2026-11-20T06:00:00Z"
AT_EVALUATE = "2026-11-20T12:00:00Z"

# Planted values, built at run time so this file holds no scanner bait.
SSN = "219-09-" + "9999"
DOB = "1984-07-" + "12"
EMAIL = "jane.roe" + "@example.com"
PHONE = "(415) 555-" + "0134"
AWS_KEY = "AKIA" + "QX7ZR2M4TB6WN3PL"
PRIVATE_KEY_BODY = "MIIEpAIBAAKCAQEA" + "3Tz2mr7SZiAMfQyuvBjM2WYq5hZ7xGn0bHk1iYgV9ZKQkQ"
PLANTED = (SSN, DOB, EMAIL, PHONE, AWS_KEY, PRIVATE_KEY_BODY, "Jane Roe")

PY_APP = """\
import logging

log = logging.getLogger(__name__)


def register(patient, request):
    log.info("registering %s", patient.ssn)
    log.info("patient id %s", patient.id)
    log.debug("payload: %s", request.get_json())
    return patient.id
"""
JS_APP = """\
const logger = require("pino")();

function intake(req, res) {
  logger.info({ dob: req.body.dob }, "intake");
  console.log("status ok");
  res.end();
}
module.exports = intake;
"""
PROD_CONFIG = "logging:\n  level: debug\n"


@pytest.fixture
def planted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HIPAA_CAC_SALT", "acceptance")
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    app = new_repo(
        tmp_path / "app",
        {
            "svc/patients.py": PY_APP,
            "web/intake.js": JS_APP,
            "config/production.yaml": PROD_CONFIG,
            "deploy/ci.env": f"AWS_ACCESS_KEY_ID={AWS_KEY}\n",
        },
        remote="git@github.com:acme/patient-api.git",
    )
    commit(app, {"deploy/ci.env": None}, "remove ci credentials", date="2026-11-02T09:00:00Z")
    key = f"-----BEGIN RSA PRIVATE KEY-----\n{PRIVATE_KEY_BODY}\n-----END RSA PRIVATE KEY-----\n"
    commit(app, {"certs/tls.key": key}, "tls", date="2026-11-03T09:00:00Z")

    policy = tmp_path / "policy"
    (policy / "logs").mkdir(parents=True)
    (policy / "logs" / "api.log").write_text(
        "2026-11-19T08:00:01Z INFO GET /health 200\n"
        f'2026-11-19T08:00:04Z INFO {{"ssn": "{SSN}", "email": "{EMAIL}"}}\n'
        f'2026-11-19T08:00:05Z INFO patient_name="Jane Roe" dob={DOB} phone={PHONE}\n'
    )
    (policy / "attestations" / "baa").mkdir(parents=True)
    (policy / "attestations" / "baa" / "logvendor.yaml").write_text(
        textwrap.dedent(
            """\
            type: baa
            attested_by: security@acme.example
            attested_on: 2026-01-10
            party: LogVendor Inc.
            role: subprocessor
            services: [log aggregation]
            signed_on: 2024-10-01
            expires_on: 2026-10-01
            document_sha256: sha256:"""
        )
        + "ab" * 32
        + "\n"
    )
    (policy / "attestations" / "training.yaml").write_text(
        textwrap.dedent(
            """\
            type: training
            attested_by: hr@acme.example
            attested_on: 2026-11-01
            entries:
              - {person_id: p-1, course: HIPAA Security 2026, completed_on: 2026-03-01}
              - {person_id: p-2, course: HIPAA Security 2025, completed_on: 2025-05-01}
            """
        )
    )
    (policy / "hipaa-cac.yaml").write_text(
        textwrap.dedent(
            """\
            version: 1
            organization: Acme
            controls: [builtin]
            policies: [builtin]
            sources:
              - {id: attestations, collector: attestations}
              - id: app
                collector: git
                config: {path: ../app, github: {repository: acme/patient-api}}
              - {id: logs, collector: logfiles, config: {paths: ["logs/*.log"]}}
            """
        )
    )
    return policy


def findings(document: dict, control: str) -> list[str]:
    (result,) = [c for c in document["controls"] if c["id"] == control]
    return sorted(f["resource"] for f in result["findings"])


def test_planted_findings_are_found_exactly_and_never_leak(cli, planted: Path) -> None:
    collected = cli("collect", "--repo", planted, "--at", AT_COLLECT)
    assert collected.exit_code == 0, collected.output
    out = planted / "result.json"
    evaluated = cli(
        "evaluate", "--repo", planted, "--at", AT_EVALUATE, "--format", "json", "--output", out
    )
    assert evaluated.exit_code == 1
    document = json.loads(out.read_text())
    repo = "git:github.com/acme/patient-api"

    phi = [
        f"{repo}/config/production.yaml:2#log_level",
        f"{repo}/svc/patients.py:7#ssn",
        f"{repo}/svc/patients.py:9#request_body",
        f"{repo}/web/intake.js:4#date_of_birth",
        "logs:logs/api.log:2#email",
        "logs:logs/api.log:2#ssn",
        "logs:logs/api.log:3#date",
        "logs:logs/api.log:3#name",
        "logs:logs/api.log:3#phone",
    ]
    for control in ("hipaa-164-312-b", "hipaa-164-502-b", "hipaa-164-514"):
        assert findings(document, control) == phi, control
    app = planted.parent / "app"
    head, first = (git(app, "rev-parse", ref).strip()[:12] for ref in ("HEAD", "HEAD~2"))
    assert findings(document, "hipaa-164-312-d") == [
        repo,  # certs/tls.key is tracked at all
        f"{repo}/certs/tls.key:1#Private Key@{head}",  # in the tree, since HEAD
        f"{repo}/deploy/ci.env:1#AWS Access Key@{first}",  # deleted, still in history
    ]
    assert findings(document, "hipaa-164-308-b-1") == ["attestation:baa/logvendor"]
    assert findings(document, "hipaa-164-308-a-5-i") == ["attestation:training/p-2"]

    # Reports in every format, and the ledger, hold none of the planted values.
    reports = [out.read_text(), collected.output, evaluated.output]
    for fmt in ("markdown", "table"):
        shown = cli("evaluate", "--repo", planted, "--at", AT_EVALUATE, "--format", fmt)
        reports.append(shown.output)
    written = [f.read_bytes() for f in (planted / "evidence").rglob("*") if f.is_file()]
    ledger = (planted / ".hipaa-cac" / "ledger.sqlite").read_bytes()
    assert len(written) > 10 and ledger
    for value in PLANTED:
        assert not [r for r in reports if value in r], value
        assert not [w for w in written if value.encode() in w], value
        assert value.encode() not in ledger, value
