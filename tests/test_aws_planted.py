"""Issue #4's acceptance test: `hipaa-cac collect` (the AWS source) and
`hipaa-cac evaluate` against a moto account with planted misconfigurations
and compliant twins: every planted problem is found on its ARN by the rule
meant to find it, and the twins have no findings at all."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
from moto_server import MOTO_ACCOUNT, MotoServer

AT_COLLECT = "2026-11-20T06:00:00Z"
AT_EVALUATE = "2026-11-20T07:00:00Z"
TLS_ONLY = {
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:*",
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}


def plant() -> dict[str, set[str]]:
    """Create the account; return ARN -> the rules that must find it (empty: none)."""
    s3 = boto3.client("s3")
    for name in ("phi-open", "phi-good", "phi-logs"):
        s3.create_bucket(Bucket=name)
    # Logging first: moto checks the target's ACL, and the TLS-only policy below.
    s3.put_bucket_acl(Bucket="phi-logs", ACL="log-delivery-write")
    for name in ("phi-good", "phi-logs"):
        s3.put_bucket_logging(
            Bucket=name,
            BucketLoggingStatus={
                "LoggingEnabled": {"TargetBucket": "phi-logs", "TargetPrefix": name}
            },
        )
    for name in ("phi-good", "phi-logs"):
        s3.put_bucket_encryption(
            Bucket=name,
            ServerSideEncryptionConfiguration={
                "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]
            },
        )
        s3.put_public_access_block(
            Bucket=name,
            PublicAccessBlockConfiguration={
                "BlockPublicAcls": True,
                "IgnorePublicAcls": True,
                "BlockPublicPolicy": True,
                "RestrictPublicBuckets": True,
            },
        )
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        policy = {
            "Version": "2012-10-17",
            "Statement": [{**TLS_ONLY, "Resource": [f"arn:aws:s3:::{name}/*"]}],
        }
        s3.put_bucket_policy(Bucket=name, Policy=json.dumps(policy))
    # Anyone may read phi-open's objects: public through its bucket policy.
    public_read = {
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::phi-open/*",
    }
    s3.put_bucket_policy(
        Bucket="phi-open", Policy=json.dumps({"Version": "2012-10-17", "Statement": [public_read]})
    )
    ec2 = boto3.client("ec2")
    plain = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
    sealed = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1, Encrypted=True)["VolumeId"]
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    open_sg = ec2.create_security_group(GroupName="ssh-open", Description="x", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=open_sg,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            }
        ],
    )
    web_sg = ec2.create_security_group(GroupName="https", Description="x", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=web_sg,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 443,
                "ToPort": 443,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            }
        ],
    )
    iam = boto3.client("iam")
    iam.create_user(UserName="clinician")
    iam.create_login_profile(
        UserName="clinician", Password="Not-a-real-pw-1!"
    )  # pragma: allowlist secret
    iam.create_user(UserName="deploy-bot")  # no console: MFA does not apply
    region = f"us-east-1:{MOTO_ACCOUNT}"
    rules = "data.hipaa.technical"
    return {
        "arn:aws:s3:::phi-open": {
            f"{rules}.access_control.s3_block_public_access",
            f"{rules}.cloud.object_storage_private",
            f"{rules}.cloud.object_storage_encrypted",
            f"{rules}.cloud.object_storage_access_logged",
            f"{rules}.integrity.storage_versioning",
            f"{rules}.transmission.storage_requires_tls",
        },
        "arn:aws:s3:::phi-good": set(),
        "arn:aws:s3:::phi-logs": set(),
        f"arn:aws:ec2:{region}:volume/{plain}": {f"{rules}.aws_compute.volumes_encrypted"},
        f"arn:aws:ec2:{region}:volume/{sealed}": set(),
        f"arn:aws:ec2:{region}:security-group/{open_sg}": {
            f"{rules}.cloud.network_admin_ports_closed"
        },
        f"arn:aws:ec2:{region}:security-group/{web_sg}": set(),
        f"arn:aws:iam::{MOTO_ACCOUNT}:user/clinician": {f"{rules}.aws_identity.console_users_mfa"},
        f"arn:aws:iam::{MOTO_ACCOUNT}:user/deploy-bot": set(),
    }


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "hipaa-cac.yaml").write_text(
        "version: 1\ncontrols: [builtin]\npolicies: [builtin]\nsources:\n"
        "  - {id: aws, collector: aws, config: {regions: [us-east-1]}}\n"
    )
    return tmp_path


def test_collect_and_evaluate_find_exactly_what_was_planted(cli, aws: MotoServer, repo: Path):
    expected = plant()
    collected = cli("collect", "--repo", repo, "--at", AT_COLLECT, "aws")
    assert collected.exit_code == 0, collected.output
    out = repo / "result.json"
    cli("evaluate", "--repo", repo, "--at", AT_EVALUATE, "--format", "json", "--output", out)
    document = json.loads(out.read_text())
    found: dict[str, set[str]] = {}
    for control in document["controls"]:
        for finding in control["findings"]:
            found.setdefault(finding["resource"], set()).add(finding["rule"])
    for arn, rules in expected.items():
        assert found.get(arn, set()) == rules, arn
