"""The GCP collector against one project's recorded API answers (tests/fixtures/gcp/project.json).

Real HTTP end to end (see gcp_replay.py): google-auth's token exchange with a
real signed JWT, the discovery clients' paging, our Retry-After handling.
The planted set: a public, unlogged bucket; a Cloud SQL instance with a
public IP, 0.0.0.0/0 and no TLS; firewall rules open on 22, 3389 and 5432.
(Cloud Storage and Cloud SQL cannot be unencrypted at rest: nothing to plant.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import jsonschema
import pytest
from gcp_replay import (
    ACCESS_TOKEN,
    CLIENT_EMAIL,
    FIXTURES,
    GcpReplay,
    Run,
    assert_no_secrets,
    run_collector,
)
from google.auth import jwt

from hipaa_cac.collectors.base import Collector, Gap, Observation
from hipaa_cac.collectors.gcp import GcpCollector

P = "acme-prod"
BUCKETS = "//storage.googleapis.com/projects/_/buckets/"
SQL = f"//cloudsql.googleapis.com/projects/{P}/instances/"
FIREWALLS = f"//compute.googleapis.com/projects/{P}/global/firewalls/"
NETWORK = f"//compute.googleapis.com/projects/{P}/global/networks/default"
KEY = f"projects/{P}/locations/us-east1/keyRings/phi/cryptoKeys/scans"


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    with GcpReplay(FIXTURES / "project.json") as server:
        result = run_collector(server, tmp_path_factory.mktemp("gcp"), {"projects": [P]})
        assert server.unmatched == [] and server.unused() == []
        token, *calls = server.requests
        form = parse_qs(token.body.decode())
        assert form["grant_type"] == ["urn:ietf:params:oauth:grant-type:jwt-bearer"]
        # The assertion is signed with the key file's private key (its audience is
        # Google's token endpoint whatever token_uri says: google-auth's choice).
        claims = jwt.decode(
            form["assertion"][0],
            certs=result.public_pem,
            audience="https://oauth2.googleapis.com/token",
        )
        assert claims["iss"] == CLIENT_EMAIL
        assert claims["scope"] == "https://www.googleapis.com/auth/cloud-platform"
        assert all(r.headers["authorization"] == f"Bearer {ACCESS_TOKEN}" for r in calls)
        assert all(r.method == "GET" for r in calls if not r.path.endswith(":getIamPolicy"))
        # Every page after the first was asked for by its token.
        assert {r.path: r.query.get("pageToken") for r in calls if "pageToken" in r.query} == {
            "/storage/v1/b": "CgtwaGktc2NhbnM=",
            f"/compute/v1/projects/{P}/global/firewalls": "Cj1hbGxvdy1yZHA",
            f"/v1/projects/{P}/serviceAccounts": "c2EtcGFnZS0y",
        }
    return result


def items(run: Run, kind: str) -> dict[str, dict[str, Any]]:
    return {r.subject: r.data for r in run.records if isinstance(r, Observation) and r.kind == kind}


def test_is_a_collector_with_a_strict_schema() -> None:
    assert isinstance(GcpCollector(), Collector)
    schema = GcpCollector.config_schema
    jsonschema.validate({"projects": [P], "services": ["storage", "sql"]}, schema)
    jsonschema.validate({"organization": "123456789012"}, schema)
    for bad in (
        {},  # neither projects nor organization
        {"projects": [P], "project": P},  # unknown key
        {"projects": [P], "services": ["s3"]},
        {"projects": ["Not_A_Project"]},
        {"projects": [P], "endpoint_overrides": {"bigquery": "http://127.0.0.1:1"}},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema)
    assert {k for k in GcpCollector.kinds if not k.startswith("gcp.")} == {
        "cloud.database",
        "cloud.network_rule",
        "cloud.object_storage",
    }


def test_no_gaps_and_429_waited_as_told(run: Run) -> None:
    assert [r for r in run.records if isinstance(r, Gap)] == []
    assert run.sleeps == [2.0]  # sqladmin's Retry-After, then the answer


def test_buckets(run: Run) -> None:
    audit = {"data_read": True, "data_write": False}  # DATA_WRITE off: not access logging
    no_retention = {"enabled": False, "period_seconds": None, "locked": False}
    google = {"type": "provider_managed", "default_kms_key": None}
    common = {"project_id": P, "org_public_access_prevention": False}
    assert items(run, "gcp.storage.bucket") == {
        f"{BUCKETS}phi-scans": {
            **common,
            "name": "phi-scans",
            "location": "US-EAST1",
            "public_members": [{"member": "allUsers", "role": "roles/storage.objectViewer"}],
            "public_access_prevention": "inherited",
            "uniform_bucket_level_access": True,
            "encryption": google,
            "logging": {"enabled": False, "log_bucket": None},
            "data_access_audit_logs": audit,
            "retention_policy": no_retention,
            "versioning": False,
        },
        f"{BUCKETS}phi-archive": {
            **common,
            "name": "phi-archive",
            "location": "US-EAST1",
            "public_members": [],
            "public_access_prevention": "enforced",
            "uniform_bucket_level_access": True,
            "encryption": {"type": "customer_managed", "default_kms_key": KEY},
            "logging": {"enabled": True, "log_bucket": "acme-access-logs"},
            "data_access_audit_logs": audit,
            "retention_policy": {"enabled": True, "period_seconds": 220752000, "locked": True},
            "versioning": True,
        },
        f"{BUCKETS}web-assets": {
            **common,
            "name": "web-assets",
            "location": "US",
            "public_members": [
                {"member": "allAuthenticatedUsers", "role": "roles/storage.legacyBucketReader"}
            ],
            "public_access_prevention": "enforced",  # blocks the ACL's public grant
            "uniform_bucket_level_access": False,
            "encryption": google,
            "logging": {"enabled": False, "log_bucket": None},
            "data_access_audit_logs": audit,
            "retention_policy": no_retention,
            "versioning": False,
        },
    }
    neutral = {"provider": "gcp", "service": "gcs", "account": P, "encrypted_at_rest": True}
    neutral |= {"source_kind": "gcp.storage.bucket"}
    assert items(run, "cloud.object_storage") == {
        f"{BUCKETS}phi-scans": {
            **neutral,
            "location": "us-east1",
            "public": True,
            "public_via": ("iam: allUsers has roles/storage.objectViewer",),
            "encryption": "provider_managed",
            "kms_key": None,
            "access_logged": False,
            "access_logged_via": (),
        },
        f"{BUCKETS}phi-archive": {
            **neutral,
            "location": "us-east1",
            "public": False,
            "public_via": (),
            "encryption": "customer_managed",
            "kms_key": KEY,
            "access_logged": True,
            "access_logged_via": ("usage logs",),
        },
        f"{BUCKETS}web-assets": {
            **neutral,
            "location": "us",
            "public": False,
            "public_via": (),
            "encryption": "provider_managed",
            "kms_key": None,
            "access_logged": False,
            "access_logged_via": (),
        },
    }


def test_cloud_sql(run: Run) -> None:
    sql = items(run, "gcp.sql.instance")
    assert sql[f"{SQL}ehr-db"] == {
        "name": "ehr-db",
        "project_id": P,
        "region": "us-east1",
        "database_version": "POSTGRES_15",
        "ipv4_enabled": True,
        "private_network": None,
        "require_ssl": False,
        "ssl_mode": "ALLOW_UNENCRYPTED_AND_ENCRYPTED",
        "authorized_networks": ["0.0.0.0/0", "203.0.113.7/32"],  # CIDRs only, never labels
        "open_to_internet": True,
        "backup_enabled": False,
        "point_in_time_recovery": None,  # not in the answer: not guessed
        "kms_key_name": None,
        "deletion_protection": False,
    }
    assert sql[f"{SQL}billing-db"]["ssl_mode"] == "ENCRYPTED_ONLY"
    neutral = {"provider": "gcp", "service": "cloudsql", "account": P, "location": "us-east1"}
    neutral |= {"source_kind": "gcp.sql.instance", "encrypted_at_rest": True}
    neutral |= {"min_tls_version": None}
    assert items(run, "cloud.database") == {
        f"{SQL}ehr-db": {
            **neutral,
            "engine": "postgres",
            "encryption": "provider_managed",
            "kms_key": None,
            "tls_required": False,
            "publicly_accessible": True,
            "public_via": ("public IP", "authorized network 0.0.0.0/0"),
            "backups_enabled": False,
        },
        f"{SQL}billing-db": {
            **neutral,
            "engine": "mysql",
            "encryption": "customer_managed",
            "kms_key": KEY,
            "tls_required": True,
            "publicly_accessible": False,
            "public_via": (),
            "backups_enabled": True,
        },
    }


def test_firewalls(run: Run) -> None:
    rules = items(run, "gcp.compute.firewall")
    assert list(rules) == [  # both pages, in the API's order
        f"{FIREWALLS}{n}"
        for n in (
            "allow-ssh",
            "allow-rdp",
            "allow-internal",
            "allow-postgres",
            "allow-web-dns",
            "old-open-8080",
            "deny-telnet",
        )
    ]
    assert rules[f"{FIREWALLS}allow-ssh"] == {
        "name": "allow-ssh",
        "project_id": P,
        "network": NETWORK,
        "direction": "INGRESS",
        "action": "allow",
        "priority": 1000,
        "disabled": False,
        "source_ranges": ["0.0.0.0/0"],
        "internet_sources": ["0.0.0.0/0"],
        "rules": [{"protocol": "tcp", "ports": [[22, 22]]}],
        "target_tags": ["bastion"],
        "logging": False,
    }
    assert rules[f"{FIREWALLS}old-open-8080"]["disabled"] is True
    assert rules[f"{FIREWALLS}deny-telnet"]["action"] == "deny"

    def open_rule(protocol: str, ports: tuple[tuple[int, int], ...], *sources: str) -> Any:
        return {
            "provider": "gcp",
            "service": "firewall",
            "account": P,
            "location": "global",
            "source_kind": "gcp.compute.firewall",
            "protocol": protocol,
            "ports": ports,
            "sources": sources or ("0.0.0.0/0",),
            "applies_to": NETWORK,
        }

    # Not the internal rule, the deny rule, nor the disabled one.
    assert items(run, "cloud.network_rule") == {
        f"{FIREWALLS}allow-ssh": open_rule("tcp", ((22, 22),)),
        f"{FIREWALLS}allow-rdp": open_rule("tcp", ((3389, 3389),), "0.0.0.0/0", "::/0"),
        f"{FIREWALLS}allow-postgres": open_rule("tcp", ((5432, 5432),)),
        f"{FIREWALLS}allow-web-dns#tcp": open_rule("tcp", ((80, 80), (443, 443))),
        f"{FIREWALLS}allow-web-dns#udp": open_rule("udp", ((53, 53),)),
    }


def test_no_secrets_and_no_principals(run: Run) -> None:
    assert_no_secrets(run)


def test_output_is_deterministic(run: Run, tmp_path: Path) -> None:
    with GcpReplay(FIXTURES / "project.json") as server:
        again = run_collector(server, tmp_path, {"projects": [P]})
    assert again.records == run.records
