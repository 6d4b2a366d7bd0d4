"""Record the example's AWS evidence with the real AWS collector.

Northwind's account is rebuilt in a local moto server (the AWS API emulator;
`pip install -e '.[dev]'`), the collector reads it through boto3 as it would
read AWS, and the run is written to evidence/ as of 2026-11-20. Moto's
account, like a new AWS account, has a
default VPC without flow logs, no password policy, no GuardDuty and so on:
those findings are real too.

Run from the repository root: `python examples/telehealth/record_aws.py`.
The output is committed; `make demo` does not need moto.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from pathlib import Path
from typing import Any

import boto3

from hipaa_cac.cli import main as cli

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent / "tests"))
from moto_server import MotoServer  # noqa: E402

AT = "2026-11-20T06:00:00Z"


def plant() -> None:
    s3 = boto3.client("s3")
    for name in ("northwind-patient-uploads", "northwind-exports", "northwind-access-logs"):
        s3.create_bucket(Bucket=name)
    s3.put_bucket_acl(Bucket="northwind-access-logs", ACL="log-delivery-write")
    s3.put_bucket_logging(
        Bucket="northwind-patient-uploads",
        BucketLoggingStatus={
            "LoggingEnabled": {"TargetBucket": "northwind-access-logs", "TargetPrefix": "u/"}
        },
    )
    for name in ("northwind-patient-uploads", "northwind-access-logs"):
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
        s3.put_bucket_policy(Bucket=name, Policy=json.dumps(_tls_only(name)))
    boto3.client("cloudtrail").create_trail(
        Name="org-trail", S3BucketName="northwind-access-logs", IsMultiRegionTrail=True
    )
    boto3.client("cloudtrail").start_logging(Name="org-trail")
    ec2 = boto3.client("ec2")
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]][:2]
    elb = boto3.client("elbv2")
    lb = elb.create_load_balancer(Name="api", Subnets=subnets)["LoadBalancers"][0]
    target = elb.create_target_group(Name="api", Protocol="HTTP", Port=8080, VpcId=vpc)
    group = target["TargetGroups"][0]["TargetGroupArn"]
    cert = boto3.client("acm").request_certificate(DomainName="api.northwind.example")
    elb.create_listener(
        LoadBalancerArn=lb["LoadBalancerArn"],
        Protocol="HTTPS",
        Port=443,
        SslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06",
        Certificates=[{"CertificateArn": cert["CertificateArn"]}],
        DefaultActions=[{"Type": "forward", "TargetGroupArn": group}],
    )
    elb.create_listener(
        LoadBalancerArn=lb["LoadBalancerArn"],
        Protocol="HTTP",
        Port=80,
        DefaultActions=[
            {
                "Type": "redirect",
                "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"},
            }
        ],
    )
    boto3.client("rds").create_db_instance(
        DBInstanceIdentifier="telehealth",
        Engine="postgres",
        DBInstanceClass="db.t3.micro",
        AllocatedStorage=20,
        StorageEncrypted=True,
        MasterUsername="app",
        MasterUserPassword="not-a-real-password",  # pragma: allowlist secret
        BackupRetentionPeriod=1,  # planted: a day of backups
    )


def _tls_only(bucket: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    }


def main() -> None:
    server = MotoServer()
    try:
        os.environ.update(server.environment())
        resolve = socket.getaddrinfo  # s3control's <account>.localhost, as in the tests
        socket.getaddrinfo = lambda host, *a, **k: resolve(  # type: ignore[assignment]
            "127.0.0.1" if str(host).endswith(".localhost") else host, *a, **k
        )
        plant()
        os.environ["HIPAA_CAC_SALT"] = "northwind-demo"
        # In this process, so the resolver fix above applies to the collector too.
        try:
            cli(["collect", "--repo", str(HERE), "--at", AT, "aws-123456789012"])
        except SystemExit as done:
            if done.code:
                raise
    finally:
        server.stop()


if __name__ == "__main__":
    main()
