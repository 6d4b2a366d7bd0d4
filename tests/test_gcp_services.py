"""The GCP collector's KMS, IAM, logging and organization policy evidence,
from the same recorded project as test_gcp_collector.py (tests/fixtures/gcp/project.json).
"""

from __future__ import annotations

from typing import Any

import pytest
from gcp_replay import FIXTURES, GcpReplay, Run, run_collector

from hipaa_cac.collectors.base import Gap, Observation

P = "acme-prod"
KEY = f"projects/{P}/locations/us-east1/keyRings/phi/cryptoKeys/scans"


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    config = {"projects": [P], "services": ["iam", "kms", "logging", "orgpolicy"]}
    with GcpReplay(FIXTURES / "project.json") as server:
        result = run_collector(server, tmp_path_factory.mktemp("gcp"), config)
        assert server.unmatched == []
    assert [r for r in result.records if isinstance(r, Gap)] == []
    return result


def items(run: Run, kind: str) -> dict[str, dict[str, Any]]:
    return {r.subject: r.data for r in run.records if isinstance(r, Observation) and r.kind == kind}


def test_kms_keys(run: Run) -> None:
    kms = items(run, "gcp.kms.key")
    assert kms[f"//cloudkms.googleapis.com/{KEY}"] == {
        "name": "scans",
        "key_ring": "phi",
        "location": "us-east1",
        "project_id": P,
        "purpose": "ENCRYPT_DECRYPT",
        "primary_state": "ENABLED",
        "protection_level": "SOFTWARE",
        "rotation_period_days": 90,
        "next_rotation_time": "2026-11-30T00:00:00+00:00",
    }
    signing = kms[f"//cloudkms.googleapis.com/{KEY.replace('scans', 'signing')}"]
    assert (signing["rotation_period_days"], signing["primary_state"]) == (None, None)


def test_service_account_keys(run: Run) -> None:
    etl = f"//iam.googleapis.com/projects/{P}/serviceAccounts/etl@{P}.iam.gserviceaccount.com"
    accounts = items(run, "gcp.iam.service_account")
    assert [(k["age_days"], k["expires"], k["disabled"]) for k in accounts[etl]["keys"]] == [
        (19, "2027-11-01T08:00:00+00:00", True),
        (600, None, False),  # 9999-12-31: never expires
    ]
    assert [a["disabled"] for a in accounts.values()] == [False, True]  # both pages


def test_audit_configs_sinks_and_log_buckets(run: Run) -> None:
    assert items(run, "gcp.logging.audit_config") == {
        f"//cloudresourcemanager.googleapis.com/projects/{P}": {
            "project_id": P,
            "services": {"allServices": ["ADMIN_READ"], "storage.googleapis.com": ["DATA_READ"]},
            "exempted_members": 1,  # counted, never named
        }
    }
    sinks = items(run, "gcp.logging.sink")
    assert [
        (s["destination_type"], s["filter_present"], s["disabled"]) for s in sinks.values()
    ] == [
        ("storage", True, False),
        ("bigquery", False, True),
    ]
    buckets = items(run, "gcp.logging.bucket")
    assert [(b["bucket_id"], b["retention_days"], b["locked"]) for b in buckets.values()] == [
        ("_Default", 30, False),
        ("_Required", 400, True),
    ]


def test_effective_org_policies(run: Run) -> None:
    policies = {d["constraint"]: d for d in items(run, "gcp.orgpolicy.policy").values()}
    assert {c: d["enforced"] for c, d in policies.items()} == {
        "iam.allowedPolicyMemberDomains": None,  # a list constraint
        "sql.restrictPublicIp": False,
        "storage.publicAccessPrevention": False,
        "storage.uniformBucketLevelAccess": True,
    }
    assert policies["iam.allowedPolicyMemberDomains"]["allowed_values"] == ["C03k9x2ab"]
