"""Issue #6's acceptance: one policy source decides storage and network
exposure in every cloud. Equivalent setups in AWS (moto), GCP and Azure
(recorded API answers replayed over HTTP, TLS for Azure) are collected
through `hipaa-cac collect` into one policy repository and evaluated
together; the cross-cloud rules give the same verdicts for equivalent
buckets and containers, and name every open admin port by its full
resource id."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import boto3
import pytest
import yaml
from azure_replay import CLIENT_ID, CLIENT_SECRET, TENANT, AzureReplay, token_exchanges
from gcp_replay import GcpReplay, service_account_file
from moto_server import MOTO_ACCOUNT, MotoServer
from tls_cert import certificate_files

from hipaa_cac.collectors.gcp.api import VERSIONS
from hipaa_cac.evidence import EvidenceStore

FIXTURES = Path(__file__).parent / "fixtures"
AT_COLLECT = "2026-11-20T06:00:00Z"
AT_EVALUATE = "2026-11-20T07:00:00Z"
RULES = "data.hipaa.technical.cloud."
STORAGE_RULES = (
    "object_storage_private",
    "object_storage_encrypted",
    "object_storage_access_logged",
)

GCS = "//storage.googleapis.com/projects/_/buckets/"
AZ_PROD = "0b1f6471-1bf0-4dda-aec3-111122223333"
AZ_STORAGE = f"/subscriptions/{AZ_PROD}/resourceGroups/phi/providers/Microsoft.Storage"
BLOB = f"{AZ_STORAGE}/storageAccounts/phiscans/blobServices/default/containers/"
SG = f"arn:aws:ec2:us-east-1:{MOTO_ACCOUNT}:security-group/"

# The same two setups in each cloud: public and unlogged, and private and logged.
EXPOSED = {"aws": "arn:aws:s3:::scans-open", "gcp": f"{GCS}phi-scans", "azure": f"{BLOB}scans"}
GUARDED = {
    "aws": "arn:aws:s3:::scans-guarded",
    "gcp": f"{GCS}phi-archive",
    "azure": AZ_STORAGE.replace("/phi/", "/claims/")
    + "/storageAccounts/claimsarchive/blobServices/default/containers/archive",
}
GCP_FW = "//compute.googleapis.com/projects/acme-prod/global/firewalls/"
NSG = (
    f"/subscriptions/{AZ_PROD}/resourceGroups/network/providers/Microsoft.Network/"
    "networkSecurityGroups/web-nsg/securityRules/"
)


def _plant_aws() -> str:
    s3 = boto3.client("s3")
    for name in ("scans-open", "scans-guarded", "access-logs"):
        s3.create_bucket(Bucket=name)
        s3.put_bucket_encryption(
            Bucket=name,
            ServerSideEncryptionConfiguration={
                "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
            },
        )
    s3.put_bucket_acl(Bucket="access-logs", ACL="log-delivery-write")
    s3.put_bucket_logging(
        Bucket="scans-guarded",
        BucketLoggingStatus={
            "LoggingEnabled": {"TargetBucket": "access-logs", "TargetPrefix": "scans/"}
        },
    )
    s3.put_public_access_block(
        Bucket="scans-guarded",
        PublicAccessBlockConfiguration=dict.fromkeys(
            ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"),
            True,
        ),
    )
    read_all = {
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::scans-open/*",
    }
    s3.put_bucket_policy(
        Bucket="scans-open", Policy=json.dumps({"Version": "2012-10-17", "Statement": [read_all]})
    )
    ec2 = boto3.client("ec2")
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    group = ec2.create_security_group(GroupName="ssh", Description="x", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=group,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            }
        ],
    )
    return f"{SG}{group}"


@pytest.fixture
def findings(cli, aws: MotoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Collect all three clouds into one repository, evaluate, and return
    (rule -> resources it found, the open security group's id)."""
    open_group = _plant_aws()
    monkeypatch.setenv("AZURE_CLIENT_SECRET", CLIENT_SECRET)
    tls = certificate_files()
    azure_fixtures = [
        FIXTURES / "azure" / n for n in ("subscriptions.json", "prod.json", "sandbox.json")
    ]
    with (
        GcpReplay(FIXTURES / "gcp" / "project.json") as gcp,
        AzureReplay({"exchanges": token_exchanges(1)}, *azure_fixtures, tls=tls) as azure,
    ):
        key_file, _, _ = service_account_file(tmp_path, f"{gcp.url}/token")
        sources = [
            {
                "id": "aws",
                "collector": "aws",
                "config": {"regions": ["us-east-1"], "services": ["s3", "vpc"]},
            },
            {
                "id": "gcp",
                "collector": "gcp",
                "config": {
                    "projects": ["acme-prod"],
                    "credentials_file": str(key_file),
                    "endpoint_overrides": {api: gcp.url for api in VERSIONS},
                },
            },
            {
                "id": "azure",
                "collector": "azure",
                "config": {
                    "tenant_id": TENANT,
                    "client_id": CLIENT_ID,
                    "authority_host": azure.url,
                    "management_endpoint": azure.url,
                    "ca_bundle": str(tls.ca),
                    "max_retries": 1,
                },
            },
        ]
        config = {
            "version": 1,
            "controls": ["builtin"],
            "policies": ["builtin"],
            "sources": sources,
        }
        (tmp_path / "hipaa-cac.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
        collected = cli("collect", "--repo", tmp_path, "--at", AT_COLLECT)
        assert collected.exit_code == 0, collected.output
    out = tmp_path / "result.json"
    cli("evaluate", "--repo", tmp_path, "--at", AT_EVALUATE, "--format", "json", "--output", out)
    found: dict[str, set[str]] = defaultdict(set)
    for control in json.loads(out.read_text())["controls"]:
        for finding in control["findings"]:
            found[finding["rule"].removeprefix(RULES)].add(finding["resource"])
    evidence = EvidenceStore(tmp_path / "evidence").current()
    stores = {item.subject for item in evidence.items("cloud.object_storage")}
    return found, open_group, stores


def _verdict(found: dict[str, set[str]], resource: str) -> dict[str, bool]:
    return {rule: resource in found[rule] for rule in STORAGE_RULES}


def test_equivalent_storage_gets_the_same_verdict_in_every_cloud(findings) -> None:
    found, _, stores = findings
    assert {*EXPOSED.values(), *GUARDED.values()} <= stores  # judged, not merely absent
    exposed = {cloud: _verdict(found, id_) for cloud, id_ in EXPOSED.items()}
    public_unlogged = {
        "object_storage_private": True,
        "object_storage_encrypted": False,
        "object_storage_access_logged": True,
    }
    assert exposed == {cloud: public_unlogged for cloud in EXPOSED}
    guarded = {cloud: _verdict(found, id_) for cloud, id_ in GUARDED.items()}
    assert guarded == {cloud: dict.fromkeys(STORAGE_RULES, False) for cloud in GUARDED}


def test_every_open_admin_port_is_found_by_its_full_resource_id(findings) -> None:
    found, open_group, _ = findings
    # SSH, RDP and PostgreSQL open to the internet in each cloud; HTTPS-only rules pass.
    assert found["network_admin_ports_closed"] == {
        open_group,
        f"{GCP_FW}allow-ssh",
        f"{GCP_FW}allow-rdp",
        f"{GCP_FW}allow-postgres",
        f"{NSG}ssh-anywhere",
        f"{NSG}rdp-internet",
        f"{NSG}postgres-open",
    }
