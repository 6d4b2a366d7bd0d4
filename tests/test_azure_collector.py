"""The Azure collector against recorded ARM and Entra answers, over HTTPS.

The SDKs' real code runs: azure-identity's ClientSecretCredential signs in at
the replay server (OpenID configuration, client-credentials grant), the
azure-mgmt-* clients follow nextLink pages and azure-core's RetryPolicy
waits out a 429's Retry-After. Only the far end is recorded
(tests/fixtures/azure, made to the ARM API reference's shapes):

- subscriptions.json  two subscriptions, on two pages
- prod.json           the planted one: a public, provider-keyed, unlogged
                      account next to a private, customer-keyed, logged one
                      (accounts on two pages); SQL open to 0.0.0.0-255.255.255.255
                      with TDE off on one database; NSG rules open 22/3389/5432
                      and more to the internet; one 429 then success
- sandbox.json        storage and activity-log settings denied (403), Defender
                      throttled past the retries
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from azure_replay import (
    ACCESS_TOKEN,
    CLIENT_ID,
    CLIENT_SECRET,
    TENANT,
    AzureReplay,
    token_exchanges,
)
from http_replay import ReplayServer
from jsonschema import Draft202012Validator
from tls_cert import certificate_files

from hipaa_cac.collectors.azure import AzureCollector
from hipaa_cac.collectors.base import CollectContext, Collector, Gap, Observation, Record

FIXTURES = Path(__file__).parent / "fixtures" / "azure"
PROD = "0b1f6471-1bf0-4dda-aec3-111122223333"
SANDBOX = "7d2c9a10-4e5f-4a6b-9c8d-444455556666"
STORAGE = f"/subscriptions/{PROD}/resourceGroups/%s/providers/Microsoft.Storage/storageAccounts"
SCANS = STORAGE % "phi" + "/phiscans"
ARCHIVE = STORAGE % "claims" + "/claimsarchive"
SQL = f"/subscriptions/{PROD}/resourceGroups/%s/providers/Microsoft.Sql/servers"
CLAIMS_SQL = SQL % "claims" + "/claims-sql"
RECORDS_SQL = SQL % "records" + "/records-sql"
NSG = f"/subscriptions/{PROD}/resourceGroups/network/providers/Microsoft.Network"
NSG += "/networkSecurityGroups/web-nsg"
KV = f"/subscriptions/{PROD}/resourceGroups/security/providers/Microsoft.KeyVault/vaults/phi-kv"
PLANTED_KEY = "PLANTEDaccountKEYdoNotLeak0123456789abcdefABCDEF=="


@pytest.fixture(autouse=True)
def secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_CLIENT_SECRET", CLIENT_SECRET)


def config(server: ReplayServer, **extra: Any) -> dict[str, Any]:
    return {
        "tenant_id": TENANT,
        "client_id": CLIENT_ID,
        "authority_host": server.url,
        "management_endpoint": server.url,
        "ca_bundle": str(certificate_files().ca),
        "max_retries": 1,
        **extra,
    }


def collect(conf: dict[str, Any]) -> list[Record]:
    context = CollectContext(
        root=Path("/"), now=datetime(2026, 11, 20, tzinfo=UTC), fingerprint=lambda v: "fp:0"
    )
    return list(AzureCollector().collect(conf, context))


def replay(*names: str, tokens: int = 1) -> AzureReplay:
    fixtures = [FIXTURES / name for name in names]
    return AzureReplay({"exchanges": token_exchanges(tokens)}, *fixtures, tls=certificate_files())


def data(records: list[Record], kind: str, subject: str) -> dict[str, Any]:
    found = [
        r for r in records if isinstance(r, Observation) and (r.kind, r.subject) == (kind, subject)
    ]
    assert len(found) == 1, (kind, subject, len(found))
    return found[0].data


def subjects(records: list[Record], kind: str) -> list[str]:
    return [r.subject for r in records if isinstance(r, Observation) and r.kind == kind]


def gaps(records: list[Record]) -> list[tuple[str, str]]:
    return [(r.kind, r.error) for r in records if isinstance(r, Gap)]


def test_is_a_collector_with_a_strict_schema() -> None:
    assert isinstance(AzureCollector(), Collector)
    schema = Draft202012Validator(AzureCollector.config_schema)
    assert schema.is_valid({"subscriptions": [PROD], "services": ["storage", "sql"]})
    assert not schema.is_valid({"subscription": [PROD]})  # unknown key
    assert not schema.is_valid({"services": ["s3"]})
    assert not schema.is_valid({"client_id": CLIENT_ID})  # needs tenant_id
    assert not schema.is_valid({"management_endpoint": "http://127.0.0.1:1"})


@pytest.fixture(scope="module")
def run() -> tuple[list[Record], ReplayServer, float]:
    """One whole run, shared by the tests that read it (it waits out a Retry-After)."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("AZURE_CLIENT_SECRET", CLIENT_SECRET)
        with replay("subscriptions.json", "prod.json", "sandbox.json") as server:
            started = time.monotonic()
            records = collect(config(server))
            elapsed = time.monotonic() - started
    return records, server, elapsed


def test_every_recorded_answer_is_asked_for_once(
    run: tuple[list[Record], ReplayServer, float],
) -> None:
    records, server, _ = run
    assert server.unmatched == [] and server.unused() == []
    token = parse_qs(server.requests[1].body.decode())
    assert token["grant_type"] == ["client_credentials"] and token["client_id"] == [CLIENT_ID]
    assert all(r.headers["authorization"] == f"Bearer {ACCESS_TOKEN}" for r in server.requests[2:])
    # Pages were followed by nextLink: subscriptions and storage accounts came in two.
    assert subjects(records, "azure.subscription") == [
        f"/subscriptions/{PROD}",
        f"/subscriptions/{SANDBOX}",
    ]
    assert sorted(subjects(records, "azure.storage.account")) == [ARCHIVE, SCANS]


def test_planted_storage(run: tuple[list[Record], ReplayServer, float]) -> None:
    records = run[0]
    assert data(records, "azure.storage.account", SCANS) == {
        "name": "phiscans",
        "subscription_id": PROD,
        "resource_group": "phi",
        "location": "eastus",
        "allow_blob_public_access": True,
        "minimum_tls_version": "TLS1_0",
        "https_only": False,
        "encryption": {
            "key_source": "Microsoft.Storage",
            "require_infrastructure_encryption": False,
            "key_vault_key": None,
        },
        "network_default_action": "Allow",
        "public_network_access": "Enabled",
        "blob_diagnostics": [
            {"name": "metrics-only", "categories": [], "destinations": ["log_analytics"]}
        ],
    }
    containers = f"{SCANS}/blobServices/default/containers"
    assert subjects(records, "azure.storage.container") == [
        f"{ARCHIVE}/blobServices/default/containers/archive",
        f"{containers}/intake",
        f"{containers}/reports",
        f"{containers}/scans",
    ]
    assert data(records, "azure.storage.container", f"{containers}/scans") == {
        "name": "scans",
        "storage_account": SCANS,
        "public_access": "Container",
        "data_plane_public_access": None,
        "public_access_effective": "Container",
    }
    scans = data(records, "cloud.object_storage", f"{containers}/scans")
    assert scans == {
        "provider": "azure",
        "service": "blob",
        "account": PROD,
        "location": "eastus",
        "source_kind": "azure.storage.container",
        "public": True,
        "public_via": ("container access level Container with allowBlobPublicAccess true",),
        "encrypted_at_rest": True,
        "encryption": "provider_managed",
        "kms_key": None,
        "access_logged": False,
        "access_logged_via": (),
    }
    assert data(records, "cloud.object_storage", f"{containers}/intake")["public"] is True
    assert data(records, "cloud.object_storage", f"{containers}/reports")["public"] is False
    archive = data(
        records, "cloud.object_storage", f"{ARCHIVE}/blobServices/default/containers/archive"
    )
    assert {
        k: archive[k]
        for k in ("public", "encryption", "kms_key", "access_logged", "access_logged_via")
    } == {
        "public": False,
        "encryption": "customer_managed",
        "kms_key": "https://phi-kv.vault.azure.net/keys/cmk",
        "access_logged": True,
        "access_logged_via": ("diagnostic setting to-law",),
    }


def test_planted_sql(run: tuple[list[Record], ReplayServer, float]) -> None:
    records = run[0]
    server = data(records, "azure.sql.server", CLAIMS_SQL)
    assert server["firewall_rules"] == [
        {"name": "AllowAllWindowsAzureIps", "start_ip": "0.0.0.0", "end_ip": "0.0.0.0"},
        {"name": "everyone", "start_ip": "0.0.0.0", "end_ip": "255.255.255.255"},
    ]
    assert (server["allows_all_ips"], server["allows_azure_services"]) == (True, True)
    assert server["auditing"] == {
        "state": "Disabled",
        "retention_days": 0,
        "azure_monitor_target": False,
    }
    assert server["encryption_protector"] == {"server_key_type": "ServiceManaged", "uri": None}
    # master is a system database: not listed.
    assert subjects(records, "azure.sql.database") == [
        f"{CLAIMS_SQL}/databases/billing",
        f"{CLAIMS_SQL}/databases/claims",
        f"{RECORDS_SQL}/databases/records",
    ]
    assert (
        data(records, "azure.sql.database", f"{CLAIMS_SQL}/databases/claims")["tde_state"]
        == "Disabled"
    )
    assert data(records, "cloud.database", f"{CLAIMS_SQL}/databases/claims") == {
        "provider": "azure",
        "service": "azure_sql",
        "account": PROD,
        "location": "eastus",
        "source_kind": "azure.sql.database",
        "engine": "sqlserver",
        "encrypted_at_rest": False,
        "encryption": "none",
        "kms_key": None,
        "tls_required": True,
        "min_tls_version": "1.0",
        "publicly_accessible": True,
        "public_via": (
            "public network access, firewall rule AllowAllWindowsAzureIps 0.0.0.0-0.0.0.0",
            "public network access, firewall rule everyone 0.0.0.0-255.255.255.255",
        ),
        "backups_enabled": None,
    }
    records_db = data(records, "cloud.database", f"{RECORDS_SQL}/databases/records")
    assert (records_db["publicly_accessible"], records_db["encryption"], records_db["kms_key"]) == (
        False,
        "customer_managed",
        "https://phi-kv.vault.azure.net/keys/cmk/0a1b2c3d4e5f",
    )


def test_429_is_waited_out_then_read(run: tuple[list[Record], ReplayServer, float]) -> None:
    records, server, elapsed = run
    auditing = [r for r in server.requests if r.path == f"{RECORDS_SQL}/auditingSettings/default"]
    assert len(auditing) == 2  # 429 with Retry-After: 1, then the answer
    assert data(records, "azure.sql.server", RECORDS_SQL)["auditing"] == {
        "state": "Enabled",
        "retention_days": 90,
        "azure_monitor_target": True,
    }
    assert elapsed >= 1.0  # the Retry-After second was waited


def test_planted_network(run: tuple[list[Record], ReplayServer, float]) -> None:
    records = run[0]
    nsg = data(records, "azure.network.nsg", NSG)
    assert nsg["open_inbound"] == [
        {
            "rule": "ssh-anywhere",
            "priority": 100,
            "protocol": "tcp",
            "ports": [[22, 22]],
            "sources": ["*"],
        },
        {
            "rule": "rdp-internet",
            "priority": 110,
            "protocol": "tcp",
            "ports": [[3389, 3389]],
            "sources": ["Internet"],
        },
        {
            "rule": "postgres-open",
            "priority": 120,
            "protocol": "tcp",
            "ports": [[5432, 5432]],
            "sources": ["0.0.0.0/0"],
        },
        {
            "rule": "app-ports",
            "priority": 130,
            "protocol": "all",
            "ports": [[8000, 8100], [9000, 9000]],
            "sources": ["::/0"],
        },
    ]
    assert (nsg["subnets"], nsg["network_interfaces"]) == (1, 0)
    rules = f"{NSG}/securityRules"
    assert subjects(records, "cloud.network_rule") == [
        f"{rules}/ssh-anywhere",
        f"{rules}/rdp-internet",
        f"{rules}/postgres-open",
        f"{rules}/app-ports",
    ]
    assert data(records, "cloud.network_rule", f"{rules}/postgres-open") == {
        "provider": "azure",
        "service": "nsg",
        "account": PROD,
        "location": "eastus",
        "source_kind": "azure.network.nsg",
        "protocol": "tcp",
        "ports": ((5432, 5432),),
        "sources": ("0.0.0.0/0",),
        "applies_to": NSG,
    }


def test_keys_logs_and_defender(run: tuple[list[Record], ReplayServer, float]) -> None:
    records = run[0]
    vault = data(records, "azure.keyvault.vault", KV)
    assert (vault["soft_delete_enabled"], vault["purge_protection_enabled"]) == (True, False)
    assert data(records, "azure.keyvault.key", f"{KV}/keys/cmk")["rotation_policy"] == {
        "auto_rotate": True,
        "rotate_after": "P90D",
        "expiry_time": "P1Y",
    }
    legacy = data(records, "azure.keyvault.key", f"{KV}/keys/legacy")
    assert (legacy["rotation_policy"], legacy["expires"]) == (None, "2027-01-01T00:00:00Z")
    activity = f"/subscriptions/{PROD}/providers/microsoft.insights/eventtypes/management"
    assert data(records, "azure.monitor.activity_log", activity) == {
        "subscription_id": PROD,
        "diagnostic_settings": [
            {
                "name": "activity-to-law",
                "categories": ["Administrative", "Security"],
                "destinations": ["log_analytics"],
            }
        ],
        "log_profiles": [
            {
                "name": "default",
                "retention_enabled": True,
                "retention_days": 30,
                "categories": ["Action", "Delete", "Write"],
            }
        ],
    }
    plans = f"/subscriptions/{PROD}/providers/Microsoft.Security/pricings"
    assert {
        s.rsplit("/", 1)[1]: data(records, "azure.defender.plan", s)["tier"]
        for s in subjects(records, "azure.defender.plan")
    } == {
        "KeyVaults": "Free",
        "SqlServers": "Free",
        "StorageAccounts": "Standard",
        "VirtualMachines": "Standard",
    }
    assert data(records, "azure.defender.plan", f"{plans}/VirtualMachines")["sub_plan"] == "P2"


def test_denied_and_throttled_subscription_leaves_the_rest(
    run: tuple[list[Record], ReplayServer, float],
) -> None:
    records = run[0]
    where = f"/subscriptions/{SANDBOX}"
    storage = (
        f"AuthorizationFailed on Microsoft.Storage/storageAccounts/read for {where}: grant "
        "Microsoft.Storage/storageAccounts/read (it is in hipaa_cac/collectors/azure/role.json)"
    )
    activity = (
        f"AuthorizationFailed on Microsoft.Insights/DiagnosticSettings/Read for {where}: grant "
        "Microsoft.Insights/DiagnosticSettings/Read (it is in hipaa_cac/collectors/azure/role.json)"
    )
    assert sorted(gaps(records)) == sorted(
        [
            (
                "azure.defender.plan",
                f"TooManyRequests on Microsoft.Security/pricings/read for {where}: "
                "still throttled after retries",
            ),
            ("azure.monitor.activity_log", activity),
            ("azure.storage.account", storage),
            ("azure.storage.container", storage),
            ("cloud.object_storage", storage),
        ]
    )
    # The sandbox's other answers are still evidence, the unreadable part null.
    activity_log = data(
        records,
        "azure.monitor.activity_log",
        f"{where}/providers/microsoft.insights/eventtypes/management",
    )
    assert activity_log["diagnostic_settings"] is None and activity_log["log_profiles"] == []
    assert not [s for s in subjects(records, "azure.storage.account") if s.startswith(where)]


def test_nothing_secret_reaches_the_evidence(run: tuple[list[Record], ReplayServer, float]) -> None:
    text = json.dumps([r.__dict__ for r in run[0]])
    for leaked in (
        CLIENT_SECRET,
        ACCESS_TOKEN,
        PLANTED_KEY,
        "AccountKey",
        "sqladmin",
        "object id",
        "9e1d0000",
    ):
        assert leaked not in text, leaked
    assert PLANTED_KEY in (FIXTURES / "prod.json").read_text()  # it was there to leak


def test_configured_subscriptions_only_and_a_missing_one_is_a_gap() -> None:
    missing = "11111111-2222-4333-8444-555555555555"
    with replay("subscriptions.json") as server:
        records = collect(config(server, subscriptions=[PROD, missing], services=[]))
    assert subjects(records, "azure.subscription") == [f"/subscriptions/{PROD}"]
    message = (
        f"subscription {missing} is not visible to the credential: assign the role in "
        f"hipaa_cac/collectors/azure/role.json at /subscriptions/{missing}"
    )
    assert set(gaps(records)) == {(kind, message) for kind in AzureCollector.kinds}


def test_a_refused_sign_in_is_one_gap_per_kind_without_the_secret() -> None:
    refused = {
        "request": {"method": "POST", "path": f"/{TENANT}/oauth2/v2.0/token"},
        "response": {
            "status": 401,
            "body": {
                "error": "invalid_client",
                "error_description": (
                    f"AADSTS7000215: Invalid client secret provided. {CLIENT_SECRET[:6]}"
                ),
                "error_codes": [7000215],
            },
        },
    }
    with AzureReplay(
        {"exchanges": [*token_exchanges(0), refused]}, tls=certificate_files()
    ) as server:
        records = collect(config(server))
    assert [r for r in records if isinstance(r, Observation)] == []
    assert {kind for kind, _ in gaps(records)} == set(AzureCollector.kinds)
    assert {error for _, error in gaps(records)} == {
        "the Azure credential could not get a token: ClientAuthenticationError (AADSTS7000215)"
    }


def test_no_secret_in_the_environment_is_a_gap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AZURE_CLIENT_SECRET")
    with replay() as server:
        records = collect(config(server))
        assert server.requests == []
    assert {error for _, error in gaps(records)} == {
        "the client secret is not set: environment variable AZURE_CLIENT_SECRET"
    }
