"""The GCP and Azure provider-specific rules on what the real collectors write.

Each collector runs against its recorded fixtures (tests/fixtures/gcp,
tests/fixtures/azure: the same runs as test_gcp_collector.py and
test_azure_collector.py), and each rule of policies/technical/gcp.rego and
azure.rego is asked, in the embedded engine with strict built-in errors,
which resources it finds there. So the field names the rules read are the
ones the collectors write: a renamed field turns a planted finding into
none, or a compliant resource into a finding, and these tests fail.

    found(records, "gcp", "sql_backups_enabled")
        -> {("//cloudsql.googleapis.com/projects/acme-prod/instances/ehr-db",
             "hipaa-164-308-a-7-ii-a")}
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import regopy
from azure_replay import CLIENT_ID, CLIENT_SECRET, TENANT, AzureReplay, token_exchanges
from gcp_replay import FIXTURES as GCP_FIXTURES
from gcp_replay import NOW, GcpReplay, run_collector
from tls_cert import certificate_files

from hipaa_cac.collectors.azure import AzureCollector
from hipaa_cac.collectors.base import CollectContext, Observation, Record

POLICIES = Path(__file__).resolve().parent.parent / "policies" / "technical"
AZURE_FIXTURES = Path(__file__).parent / "fixtures" / "azure"

P = "acme-prod"
ORG = "123456789012"
PROJECT = f"//cloudresourcemanager.googleapis.com/projects/{P}"
ORGPOLICY = f"//orgpolicy.googleapis.com/projects/{P}/policies/"

PROD = "/subscriptions/0b1f6471-1bf0-4dda-aec3-111122223333"
SANDBOX = "/subscriptions/7d2c9a10-4e5f-4a6b-9c8d-444455556666"
SCANS = f"{PROD}/resourceGroups/phi/providers/Microsoft.Storage/storageAccounts/phiscans"
SQL = f"{PROD}/resourceGroups/%s/providers/Microsoft.Sql/servers/%s"
KV = f"{PROD}/resourceGroups/security/providers/Microsoft.KeyVault/vaults/phi-kv"
PRICINGS = "/providers/Microsoft.Security/pricings/"
DETECTION = ("hipaa-164-308-a-1-ii-d", "hipaa-164-308-a-6-ii")


def findings(records: list[Record], module: str, rule: str) -> list[dict[str, str]]:
    """The rule's findings in this evidence (embedded engine, strict), as of NOW."""
    rego = regopy.Interpreter()
    rego.strict_built_in_errors = True
    rego.add_module(module, (POLICIES / f"{module}.rego").read_text())
    evidence: dict[str, list[dict[str, Any]]] = {}
    for r in records:
        if isinstance(r, Observation):
            evidence.setdefault(r.kind, []).append({"subject": r.subject, "data": r.data})
    now_ns = int(NOW.timestamp()) * 1_000_000_000
    rego.set_input(json.loads(json.dumps({"evidence": evidence, "now_ns": now_ns})))
    output = rego.query(f"x := data.hipaa.technical.{module}.{rule}")
    assert output.ok(), str(output)
    result: list[dict[str, str]] = json.loads(str(output))["bindings"]["x"]
    return result


def found(records: list[Record], module: str, rule: str) -> set[tuple[str, str]]:
    """(resource, control) of each finding."""
    return {(f["resource"], f["control"]) for f in findings(records, module, rule)}


def messages(records: list[Record], module: str, rule: str) -> list[str]:
    return sorted(f["message"] for f in findings(records, module, rule))


@pytest.fixture(scope="module")
def gcp(tmp_path_factory: pytest.TempPathFactory) -> list[Record]:
    with GcpReplay(GCP_FIXTURES / "project.json") as server:
        run = run_collector(server, tmp_path_factory.mktemp("gcp"), {"projects": [P]})
    return run.records


@pytest.fixture(scope="module")
def azure() -> list[Record]:
    fixtures = [AZURE_FIXTURES / n for n in ("subscriptions.json", "prod.json", "sandbox.json")]
    tls = certificate_files()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("AZURE_CLIENT_SECRET", CLIENT_SECRET)
        with AzureReplay({"exchanges": token_exchanges(1)}, *fixtures, tls=tls) as server:
            config = {
                "tenant_id": TENANT,
                "client_id": CLIENT_ID,
                "authority_host": server.url,
                "management_endpoint": server.url,
                "ca_bundle": str(tls.ca),
                "max_retries": 1,
            }
            context = CollectContext(
                root=Path("/"), now=datetime(2026, 11, 20, tzinfo=UTC), fingerprint=lambda v: "fp:0"
            )
            return list(AzureCollector().collect(config, context))


# GCP: acme-prod


def test_gcp_keys_and_credentials(gcp: list[Record]) -> None:
    # scans rotates every 90 days; signing is asymmetric: exempt.
    assert found(gcp, "gcp", "kms_key_rotation") == set()
    # etl's 600-day key (its 19-day key is disabled); old-export has none.
    etl = f"//iam.googleapis.com/projects/{P}/serviceAccounts/etl@{P}.iam.gserviceaccount.com"
    assert found(gcp, "gcp", "service_account_keys_rotated") == {(etl, "hipaa-164-308-a-5-ii-d")}
    assert messages(gcp, "gcp", "service_account_keys_rotated") == [
        "user-managed service account key ending f9012345 is older than 90 days (or its "
        "creation time was not shown); rotate it or use keyless credentials"
    ]


def test_gcp_audit_logs_and_retention(gcp: list[Record]) -> None:
    # storage has DATA_READ only, cloudsql nothing, allServices ADMIN_READ only.
    assert found(gcp, "gcp", "data_access_audit_logs") == {(PROJECT, "hipaa-164-312-b")}
    assert messages(gcp, "gcp", "data_access_audit_logs") == [
        f"Data Access audit logs (DATA_READ and DATA_WRITE) are not on for {service} in the "
        "project audit config (or this was not shown); enable them for the service or allServices"
        for service in ("cloudsql.googleapis.com", "storage.googleapis.com")
    ]
    # _Default keeps 30 days and _Required does not count, but the enabled
    # sink to Cloud Storage archives (the BigQuery one is disabled).
    assert found(gcp, "gcp", "logs_retained") == set()


def test_gcp_org_policies_sql_and_buckets(gcp: list[Record]) -> None:
    assert found(gcp, "gcp", "storage_public_access_prevention") == {
        (f"{ORGPOLICY}storage.publicAccessPrevention", "hipaa-164-312-a-1")
    }
    assert found(gcp, "gcp", "iam_member_domains_restricted") == set()  # C03k9x2ab only
    assert found(gcp, "gcp", "sql_backups_enabled") == {
        (f"//cloudsql.googleapis.com/projects/{P}/instances/ehr-db", "hipaa-164-308-a-7-ii-a")
    }
    assert found(gcp, "gcp", "uniform_bucket_level_access") == {
        ("//storage.googleapis.com/projects/_/buckets/web-assets", "hipaa-164-312-a-1")
    }


def test_gcp_organization_policies_of_the_organization(tmp_path: Path) -> None:
    with GcpReplay(GCP_FIXTURES / "org_policies.json") as server:
        run = run_collector(server, tmp_path, {"organization": ORG, "services": ["orgpolicy"]})
    scope = f"//orgpolicy.googleapis.com/organizations/{ORG}/policies/"
    assert found(run.records, "gcp", "storage_public_access_prevention") == {
        (f"{scope}storage.publicAccessPrevention", "hipaa-164-312-a-1")
    }
    assert found(run.records, "gcp", "iam_member_domains_restricted") == set()


# Azure: prod (planted) and sandbox (denied and throttled)


def test_azure_storage_accounts(azure: list[Record]) -> None:
    # phiscans: HTTP allowed, TLS1_0, public blob access; claimsarchive is clean.
    assert found(azure, "azure", "storage_https_only") == {(SCANS, "hipaa-164-312-e-1")}
    assert found(azure, "azure", "storage_tls_minimum") == {(SCANS, "hipaa-164-312-e-2-ii")}
    assert found(azure, "azure", "storage_blob_public_access_disabled") == {
        (SCANS, "hipaa-164-312-a-1")
    }


def test_azure_sql_servers(azure: list[Record]) -> None:
    claims, records = SQL % ("claims", "claims-sql"), SQL % ("records", "records-sql")
    # claims-sql does not audit; records-sql keeps 90 days (Log Analytics too).
    assert found(azure, "azure", "sql_server_auditing") == {
        (claims, "hipaa-164-312-b"),
        (records, "hipaa-164-312-b"),
    }
    assert found(azure, "azure", "sql_tls_minimum") == {(claims, "hipaa-164-312-e-2-ii")}


def test_azure_key_vault(azure: list[Record]) -> None:
    assert found(azure, "azure", "key_vault_recoverable") == {(KV, "hipaa-164-312-c-1")}
    assert messages(azure, "azure", "key_vault_recoverable") == [
        "Key Vault has purge protection off (or this was not shown); enable purge protection"
    ]
    # cmk rotates after P90D; legacy shows no rotation policy.
    assert found(azure, "azure", "key_rotation") == {(f"{KV}/keys/legacy", "hipaa-164-312-a-2-iv")}


def test_azure_activity_log_and_defender(azure: list[Record]) -> None:
    # The sandbox's diagnostic settings were denied: null, never a pass.
    activity = "/providers/microsoft.insights/eventtypes/management"
    assert found(azure, "azure", "activity_log_exported") == {
        (f"{SANDBOX}{activity}", "hipaa-164-312-b")
    }
    # Prod: SqlServers is Free. The sandbox's plans were throttled away (a
    # gap, so the evaluator does not even run the rule on a partial context);
    # asked anyway, the rule finds every required plan missing there.
    plans = {f"{PROD}{PRICINGS}SqlServers"}
    plans |= {
        f"{SANDBOX}{PRICINGS}{n}" for n in ("SqlServers", "StorageAccounts", "VirtualMachines")
    }
    assert found(azure, "azure", "defender_plans_enabled") == {
        (plan, control) for plan in plans for control in DETECTION
    }
