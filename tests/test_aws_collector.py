"""The AWS collector's frame against a real moto server: accounts, regions,
tasks, and faults recorded as gaps."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import boto3
from moto_server import MOTO_ACCOUNT, MotoServer

from hipaa_cac.collectors.aws import AwsCollector
from hipaa_cac.collectors.base import CollectContext, Gap, Observation, Record
from hipaa_cac.fingerprint import fingerprinter

NOW = datetime(2026, 11, 20, 6, tzinfo=UTC)


def collect(tmp_path: Path, **config: object) -> list[Record]:
    context = CollectContext(root=tmp_path, now=NOW, fingerprint=fingerprinter(b"s"))
    return list(AwsCollector().collect(config, context))


def test_account_and_regions(aws: MotoServer, tmp_path: Path) -> None:
    records = collect(tmp_path, regions=["us-east-1", "eu-west-1"], services=[])
    assert records == [
        Observation(
            "aws.account",
            f"arn:aws:iam::{MOTO_ACCOUNT}:root",
            {"account_id": MOTO_ACCOUNT, "regions": ["us-east-1", "eu-west-1"]},
        )
    ]


def test_all_enabled_regions_by_default(aws: MotoServer, tmp_path: Path) -> None:
    (account,) = collect(tmp_path, services=[])
    assert isinstance(account, Observation)
    assert "us-east-1" in account.data["regions"] and len(account.data["regions"]) > 10


def test_unreachable_endpoint_is_a_gap_for_every_kind(
    aws: MotoServer, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing listens there
    records = collect(tmp_path, regions=["us-east-1"])
    assert records and all(isinstance(r, Gap) for r in records)
    assert {r.kind for r in records} == set(AwsCollector.kinds)
    assert all("cannot reach the endpoint" in r.error for r in records if isinstance(r, Gap))


def test_a_denied_call_is_a_gap_naming_the_permission(
    aws: MotoServer, tmp_path: Path, monkeypatch
) -> None:
    iam = boto3.client("iam")
    iam.create_user(UserName="narrow")
    only_sts = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:GetCallerIdentity", "Resource": "*"}],
    }
    iam.put_user_policy(UserName="narrow", PolicyName="p", PolicyDocument=json.dumps(only_sts))
    key = iam.create_access_key(UserName="narrow")["AccessKey"]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
    monkeypatch.delenv("AWS_SESSION_TOKEN")
    aws.enforce_iam()
    try:
        records = collect(tmp_path)  # regions not configured: needs ec2:DescribeRegions
    finally:
        aws.stop_enforcing_iam()
    assert records and all(isinstance(r, Gap) for r in records)
    (message,) = {r.error for r in records if isinstance(r, Gap)}
    assert message.startswith("AccessDenied on ec2:DescribeRegions")
    assert "grant ec2:DescribeRegions" in message and key["SecretAccessKey"] not in message


def test_an_unknown_profile_is_a_gap(aws: MotoServer, tmp_path: Path) -> None:
    records = collect(tmp_path, profile="does-not-exist")
    assert records and all(isinstance(r, Gap) for r in records)
    assert "ProfileNotFound" in {r.error for r in records if isinstance(r, Gap)}.pop()


def test_accounts_are_reached_by_assuming_their_roles(aws: MotoServer, tmp_path: Path) -> None:
    # moto answers AssumeRole with credentials for the role's account, as AWS does.
    records = collect(
        tmp_path,
        regions=["us-east-1"],
        services=[],
        accounts=[
            {"role_arn": "arn:aws:iam::111111111111:role/hipaa-cac-read"},
            {
                "role_arn": "arn:aws:iam::222222222222:role/hipaa-cac-read",
                "external_id": "northwind-audit",
            },
        ],
    )
    accounts = [r.data["account_id"] for r in records if isinstance(r, Observation)]
    assert accounts == ["111111111111", "222222222222"]
