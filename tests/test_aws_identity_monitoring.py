"""The AWS identity and monitoring services (IAM, KMS, CloudTrail, CloudWatch
Logs, GuardDuty, Security Hub, Config, Secrets Manager) against a real moto
server: compliant and non-compliant twins, exact evidence per ARN.

moto stamps resources with the wall clock, so timestamps are checked as
"RFC 3339 UTC, within the last few minutes" and replaced by RECENT.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto_server import MOTO_ACCOUNT, MotoServer

from hipaa_cac.collectors.aws import AwsCollector
from hipaa_cac.collectors.aws.services import iam as iam_service
from hipaa_cac.collectors.aws.services._iam_admin import _aws_managed_admin, grants_admin
from hipaa_cac.collectors.aws.services._records import Gaps
from hipaa_cac.collectors.aws.services.secretsmanager import _rotation_days
from hipaa_cac.collectors.base import CollectContext, Gap, Observation, Record
from hipaa_cac.fingerprint import fingerprinter

REGIONS = ["us-east-1", "eu-west-1"]
RECENT = "RECENT"
ACCT = MOTO_ACCOUNT
ADMIN = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
)
READ = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}],
    }
)


def collect(tmp_path: Path, *services: str) -> list[Record]:
    context = CollectContext(root=tmp_path, now=datetime.now(UTC), fingerprint=fingerprinter(b"s"))
    config = {"regions": REGIONS, "services": list(services)}
    return list(AwsCollector().collect(config, context))


def recent(value: Any) -> str:
    """RECENT for an RFC 3339 UTC time (+00:00, whole seconds) in the last 10 minutes."""
    assert isinstance(value, str) and value.endswith("+00:00") and "." not in value, value
    age = datetime.now(UTC) - datetime.fromisoformat(value)
    assert timedelta(seconds=-5) <= age <= timedelta(minutes=10), value
    return RECENT


def items(records: list[Record], kind: str) -> dict[str, dict[str, Any]]:
    found = {r.subject: r.data for r in records if isinstance(r, Observation) and r.kind == kind}
    assert len(found) == len([r for r in records if isinstance(r, Observation) and r.kind == kind])
    return found


def gaps(records: list[Record]) -> list[Gap]:
    return [r for r in records if isinstance(r, Gap)]


# IAM


def _iam_world() -> str:
    """The users, groups and policies; returns the id of carol's used key."""
    iam = boto3.client("iam")
    admin = iam.create_policy(PolicyName="admin-all", PolicyDocument=ADMIN)["Policy"]["Arn"]
    read = iam.create_policy(PolicyName="read-only", PolicyDocument=READ)["Policy"]["Arn"]
    unused = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "*"], "Resource": ["*"]}],
        }
    )
    iam.create_policy(PolicyName="unused-admin", PolicyDocument=unused)
    iam.create_group(GroupName="admins")
    iam.put_group_policy(GroupName="admins", PolicyName="all", PolicyDocument=ADMIN)
    # alice: console + MFA, admin only through a group
    iam.create_user(UserName="alice")
    iam.create_login_profile(UserName="alice", Password="Correct-Horse-1")
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice")["VirtualMFADevice"]
    iam.enable_mfa_device(
        UserName="alice",
        SerialNumber=serial["SerialNumber"],
        AuthenticationCode1="123456",
        AuthenticationCode2="654321",
    )
    iam.add_user_to_group(GroupName="admins", UserName="alice")
    # bob: console without MFA, admin attached directly and inline
    iam.create_user(UserName="bob")
    iam.create_login_profile(UserName="bob", Password="Correct-Horse-2")
    iam.attach_user_policy(UserName="bob", PolicyArn=admin)
    iam.put_user_policy(UserName="bob", PolicyName="inline-admin", PolicyDocument=ADMIN)
    # carol: programmatic only, two keys (one deactivated), read-only
    iam.create_user(UserName="carol")
    iam.attach_user_policy(UserName="carol", PolicyArn=read)
    used = iam.create_access_key(UserName="carol")["AccessKey"]
    old = iam.create_access_key(UserName="carol")["AccessKey"]["AccessKeyId"]
    iam.update_access_key(UserName="carol", AccessKeyId=old, Status="Inactive")
    # moto records a key's last use when a request is signed with it
    boto3.client(
        "iam",
        aws_access_key_id=used["AccessKeyId"],
        aws_secret_access_key=used["SecretAccessKey"],
        aws_session_token="",
    ).list_users()
    return str(used["AccessKeyId"])


def test_iam_users_policies_root_and_missing_password_policy(
    aws: MotoServer, tmp_path: Path
) -> None:
    used = _iam_world()
    records = collect(tmp_path, "iam")
    assert gaps(records) == []

    users = items(records, "aws.iam.user")
    keys = {
        k["AccessKeyId"]: k["Status"]
        for k in boto3.client("iam").list_access_keys(UserName="carol")["AccessKeyMetadata"]
    }
    for data in users.values():
        data["created"] = recent(data["created"])
        created = [k["created"] for k in data["access_keys"]]
        assert created == sorted(created)  # oldest key first
        data["access_keys"].sort(key=lambda k: k["id_suffix"])
        for key in data["access_keys"]:
            key["created"] = recent(key["created"])
            if key["last_used"] is not None:
                key["last_used"] = recent(key["last_used"])
    common = {"created": RECENT, "password_last_used": None}
    assert users == {
        f"arn:aws:iam::{ACCT}:user/alice": {
            **common,
            "name": "alice",
            "console_access": True,
            "mfa_enabled": True,
            "access_keys": [],
            "attached_admin": True,
            "admin_via": ["group"],
        },
        f"arn:aws:iam::{ACCT}:user/bob": {
            **common,
            "name": "bob",
            "console_access": True,
            "mfa_enabled": False,
            "access_keys": [],
            "attached_admin": True,
            "admin_via": ["attached", "inline"],
        },
        f"arn:aws:iam::{ACCT}:user/carol": {
            **common,
            "name": "carol",
            "console_access": False,
            "mfa_enabled": False,
            "access_keys": sorted(
                (
                    {
                        "id_suffix": k[-4:],
                        "status": s,
                        "created": RECENT,
                        "last_used": RECENT if k == used else None,  # None: never used
                    }
                    for k, s in keys.items()
                ),
                key=lambda k: k["id_suffix"],
            ),
            "attached_admin": False,
            "admin_via": [],
        },
    }
    # Only the last four characters of an access key id are recorded.
    assert not any(k in repr(records) for k in keys)

    assert items(records, "aws.iam.policy") == {
        f"arn:aws:iam::{ACCT}:policy/admin-all": {
            "name": "admin-all",
            "admin": True,
            "attached": 1,
        },
        f"arn:aws:iam::{ACCT}:policy/read-only": {
            "name": "read-only",
            "admin": False,
            "attached": 1,
        },
        f"arn:aws:iam::{ACCT}:policy/unused-admin": {
            "name": "unused-admin",
            "admin": True,
            "attached": 0,
        },
    }
    # moto's summary: no root MFA, no root keys; its credential report has no
    # <root_account> row, so the root's last use is unknown.
    assert items(records, "aws.iam.root") == {
        f"arn:aws:iam::{ACCT}:root": {
            "mfa_enabled": False,
            "access_keys_present": False,
            "last_used": None,
        }
    }
    assert items(records, "aws.iam.password_policy") == {
        f"arn:aws:iam::{ACCT}:account-password-policy": {
            "exists": False,
            "minimum_length": None,
            "require_symbols": None,
            "require_numbers": None,
            "require_uppercase": None,
            "require_lowercase": None,
            "max_age_days": None,
            "reuse_prevention": None,
        }
    }
    assert "Correct-Horse" not in repr(records) and '"Action"' not in repr(records)


def test_iam_password_policy_set(aws: MotoServer, tmp_path: Path) -> None:
    boto3.client("iam").update_account_password_policy(
        MinimumPasswordLength=14,
        RequireSymbols=True,
        RequireNumbers=True,
        RequireUppercaseCharacters=False,
        RequireLowercaseCharacters=True,
        MaxPasswordAge=90,
        PasswordReusePrevention=24,
    )
    policy = items(collect(tmp_path, "iam"), "aws.iam.password_policy")
    assert policy == {
        f"arn:aws:iam::{ACCT}:account-password-policy": {
            "exists": True,
            "minimum_length": 14,
            "require_symbols": True,
            "require_numbers": True,
            "require_uppercase": False,
            "require_lowercase": True,
            "max_age_days": 90,
            "reuse_prevention": 24,
        }
    }


def test_iam_is_global_and_collected_once(aws: MotoServer, tmp_path: Path) -> None:
    boto3.client("iam").create_user(UserName="dave")
    records = collect(tmp_path, "iam")
    assert list(items(records, "aws.iam.user")) == [f"arn:aws:iam::{ACCT}:user/dave"]
    assert len(items(records, "aws.iam.root")) == 1


def test_credential_report_not_ready_keeps_the_root_facts_with_a_gap(
    aws: MotoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(iam_service, "REPORT_WAITS", ())  # give up at once
    records = collect(tmp_path, "iam")
    assert items(records, "aws.iam.root")[f"arn:aws:iam::{ACCT}:root"]["mfa_enabled"] is False
    assert [(g.kind, g.error) for g in gaps(records)] == [
        (
            "aws.iam.root",
            f"TimeoutError in {ACCT}: the IAM credential report was not ready after 30 s",
        )
    ]


def test_per_resource_failures_are_one_gap_each() -> None:
    gaps = Gaps("aws.iam.user", "iam", ACCT)
    denied = ClientError({"Error": {"Code": "AccessDenied"}}, "ListMFADevices")

    def deny() -> dict[str, Any]:
        raise denied

    assert gaps.attempt(deny) is None and gaps.attempt(deny) is None
    assert gaps.attempt(lambda: {"ok": 1}) == {"ok": 1}
    assert list(gaps.records()) == [
        Gap(
            "aws.iam.user",
            f"AccessDenied on iam:ListMFADevices in {ACCT}: grant iam:ListMFADevices"
            " (see the read-only IAM policy)",
        )
    ]


def test_root_last_used_from_a_real_shaped_credential_report() -> None:
    header = "user,arn,password_last_used,access_key_1_last_used_date,access_key_2_last_used_date"
    report = "\n".join(
        [
            header,
            "<root_account>,arn:aws:iam::1:root,2026-03-01T10:00:00+00:00,N/A,2026-05-02T08:30:00+00:00",
            "bob,arn:aws:iam::1:user/bob,2026-09-09T00:00:00+00:00,N/A,N/A",
        ]
    )
    assert iam_service._root_last_used(report) == "2026-05-02T08:30:00+00:00"
    never = report.replace("2026-03-01T10:00:00+00:00", "no_information").replace(
        "2026-05-02T08:30:00+00:00", "N/A"
    )
    assert iam_service._root_last_used(never) is None


def test_admin_policy_documents() -> None:
    assert grants_admin({"Statement": {"Effect": "Allow", "Action": "*:*", "Resource": "*"}})
    assert grants_admin(
        {"Statement": [{"Effect": "Allow", "Action": ["iam:*", "*"], "Resource": ["a", "*"]}]}
    )
    # URL-encoded JSON, as the raw IAM API returns documents
    assert grants_admin(
        "%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D"
    )
    assert not grants_admin({"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]})
    assert not grants_admin({"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})
    assert not grants_admin(
        {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "arn:x"}]}
    )
    assert not grants_admin(
        {"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]}
    )
    assert not grants_admin(None) and not grants_admin("not json")


class _ManagedPolicies:
    """AWS-managed policies cannot be created in moto (it loads none by
    default), so their lookup is checked against this stand-in."""

    def get_policy(self, PolicyArn: str) -> dict[str, Any]:
        return {"Policy": {"Arn": PolicyArn, "DefaultVersionId": "v3"}}

    def get_policy_version(self, PolicyArn: str, VersionId: str) -> dict[str, Any]:
        assert VersionId == "v3"
        document = json.loads(ADMIN if PolicyArn.endswith("/AdministratorAccess") else READ)
        return {"PolicyVersion": {"Document": document}}


def test_aws_managed_policies_are_looked_up_by_default_version() -> None:
    gaps = Gaps("aws.iam.user", "iam", ACCT)
    stub = _ManagedPolicies()
    assert _aws_managed_admin(stub, "arn:aws:iam::aws:policy/AdministratorAccess", gaps) is True
    assert _aws_managed_admin(stub, "arn:aws:iam::aws:policy/ReadOnlyAccess", gaps) is False
    assert list(gaps.records()) == []


# KMS


def test_kms_customer_keys_and_rotation(aws: MotoServer, tmp_path: Path) -> None:
    east, west = boto3.client("kms"), boto3.client("kms", region_name="eu-west-1")
    rotated = east.create_key(Description="phi")["KeyMetadata"]["KeyId"]
    east.enable_key_rotation(KeyId=rotated)
    stale = east.create_key()["KeyMetadata"]["KeyId"]
    doomed = east.create_key()["KeyMetadata"]["KeyId"]
    east.schedule_key_deletion(KeyId=doomed, PendingWindowInDays=7)
    signing = west.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    records = collect(tmp_path, "kms")
    assert gaps(records) == []

    def key(region: str, key_id: str, **data: Any) -> tuple[str, dict[str, Any]]:
        base = {"key_id": key_id, "region": region, "origin": "AWS_KMS", "manager": "CUSTOMER"}
        return f"arn:aws:kms:{region}:{ACCT}:key/{key_id}", {**base, **data}

    symmetric = {"key_spec": "SYMMETRIC_DEFAULT", "key_usage": None}  # moto omits the usage
    assert items(records, "aws.kms.key") == dict(
        [
            key("us-east-1", rotated, state="Enabled", rotation_enabled=True, **symmetric),
            key("us-east-1", stale, state="Enabled", rotation_enabled=False, **symmetric),
            # rotation does not apply to a key pending deletion, nor to asymmetric keys
            key("us-east-1", doomed, state="PendingDeletion", rotation_enabled=None, **symmetric),
            key(
                "eu-west-1",
                signing,
                state="Enabled",
                rotation_enabled=None,
                key_spec="RSA_2048",
                key_usage="SIGN_VERIFY",
            ),
        ]
    )


# CloudTrail


def test_cloudtrail_trails_reported_once_from_their_home_region(
    aws: MotoServer, tmp_path: Path
) -> None:
    boto3.client("s3").create_bucket(Bucket="trail-logs")
    east = boto3.client("cloudtrail")
    west = boto3.client("cloudtrail", region_name="eu-west-1")
    group = f"arn:aws:logs:us-east-1:{ACCT}:log-group:trail:*"
    east.create_trail(
        Name="org-trail",
        S3BucketName="trail-logs",
        IsMultiRegionTrail=True,
        EnableLogFileValidation=True,
        KmsKeyId=f"arn:aws:kms:us-east-1:{ACCT}:key/k1",
        CloudWatchLogsLogGroupArn=group,
        CloudWatchLogsRoleArn=f"arn:aws:iam::{ACCT}:role/trail",
    )
    east.start_logging(Name="org-trail")
    west.create_trail(Name="eu-only", S3BucketName="trail-logs")
    records = collect(tmp_path, "cloudtrail")
    assert gaps(records) == []
    assert items(records, "aws.cloudtrail.trail") == {
        f"arn:aws:cloudtrail:us-east-1:{ACCT}:trail/org-trail": {
            "name": "org-trail",
            "account_id": ACCT,
            "home_region": "us-east-1",
            "is_multi_region": True,
            "is_logging": True,
            "log_file_validation": True,
            "kms_key_id": f"arn:aws:kms:us-east-1:{ACCT}:key/k1",
            "cloudwatch_logs_log_group_arn": group,
            "s3_bucket_name": "trail-logs",
        },
        f"arn:aws:cloudtrail:eu-west-1:{ACCT}:trail/eu-only": {
            "name": "eu-only",
            "account_id": ACCT,
            "home_region": "eu-west-1",
            "is_multi_region": False,
            "is_logging": False,
            "log_file_validation": False,
            "kms_key_id": None,
            "cloudwatch_logs_log_group_arn": None,
            "s3_bucket_name": "trail-logs",
        },
    }


# CloudWatch Logs


def test_log_groups_retention_and_kms(aws: MotoServer, tmp_path: Path) -> None:
    east, west = boto3.client("logs"), boto3.client("logs", region_name="eu-west-1")
    key = f"arn:aws:kms:us-east-1:{ACCT}:key/k1"
    east.create_log_group(logGroupName="/phi/api", kmsKeyId=key)
    east.put_retention_policy(logGroupName="/phi/api", retentionInDays=400)
    east.create_log_group(logGroupName="/aws/lambda/short")
    east.put_retention_policy(logGroupName="/aws/lambda/short", retentionInDays=30)
    west.create_log_group(logGroupName="forever")
    records = collect(tmp_path, "logs")
    assert gaps(records) == []
    assert items(records, "aws.logs.log_group") == {
        f"arn:aws:logs:us-east-1:{ACCT}:log-group:/phi/api": {
            "name": "/phi/api",
            "region": "us-east-1",
            "retention_days": 400,
            "kms_key_id": key,
        },
        f"arn:aws:logs:us-east-1:{ACCT}:log-group:/aws/lambda/short": {
            "name": "/aws/lambda/short",
            "region": "us-east-1",
            "retention_days": 30,
            "kms_key_id": None,
        },
        f"arn:aws:logs:eu-west-1:{ACCT}:log-group:forever": {
            "name": "forever",
            "region": "eu-west-1",
            "retention_days": None,  # never expires
            "kms_key_id": None,
        },
    }


# GuardDuty, Security Hub, Config: one item per region, on or off


def test_guardduty_on_in_one_region_off_in_the_other(aws: MotoServer, tmp_path: Path) -> None:
    detector = boto3.client("guardduty").create_detector(Enable=True)["DetectorId"]
    records = collect(tmp_path, "guardduty")
    assert gaps(records) == []
    assert items(records, "aws.guardduty.detector") == {
        f"arn:aws:guardduty:us-east-1:{ACCT}:detector/{detector}": {
            "detector_id": detector,
            "region": "us-east-1",
            "enabled": True,
            "status": "ENABLED",
        },
        f"arn:aws:guardduty:eu-west-1:{ACCT}:detector/none": {
            "detector_id": None,
            "region": "eu-west-1",
            "enabled": False,
            "status": None,
        },
    }


def test_suspended_guardduty_detector_is_not_enabled(aws: MotoServer, tmp_path: Path) -> None:
    west = boto3.client("guardduty", region_name="eu-west-1")
    detector = west.create_detector(Enable=False)["DetectorId"]
    found = items(collect(tmp_path, "guardduty"), "aws.guardduty.detector")
    assert found[f"arn:aws:guardduty:eu-west-1:{ACCT}:detector/{detector}"]["enabled"] is False


def test_security_hub_on_in_one_region(aws: MotoServer, tmp_path: Path) -> None:
    boto3.client("securityhub", region_name="eu-west-1").enable_security_hub()
    records = collect(tmp_path, "securityhub")
    hubs = items(records, "aws.securityhub.hub")
    west = f"arn:aws:securityhub:eu-west-1:{ACCT}:hub/default"
    hubs[west]["subscribed_at"] = recent(hubs[west]["subscribed_at"])
    assert hubs == {
        f"arn:aws:securityhub:us-east-1:{ACCT}:hub/default": {
            "region": "us-east-1",
            "enabled": False,
            "subscribed_at": None,
            "standards": [],
        },
        west: {
            "region": "eu-west-1",
            "enabled": True,
            "subscribed_at": RECENT,
            # moto 5.2.5 has no GetEnabledStandards: unknown, and a gap says so
            "standards": None,
        },
    }
    (gap,) = gaps(records)
    assert gap.kind == "aws.securityhub.hub"
    assert gap.error.startswith(f"404 on securityhub:GetEnabledStandards in {ACCT}/eu-west-1")


def test_config_recorder_recording_in_one_region(aws: MotoServer, tmp_path: Path) -> None:
    boto3.client("s3").create_bucket(Bucket="config-logs")
    east = boto3.client("config")
    west = boto3.client("config", region_name="eu-west-1")
    role = f"arn:aws:iam::{ACCT}:role/config"
    everything = {"allSupported": True, "includeGlobalResourceTypes": True}
    east.put_configuration_recorder(
        ConfigurationRecorder={"name": "default", "roleARN": role, "recordingGroup": everything}
    )
    east.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "config-logs"})
    east.start_configuration_recorder(ConfigurationRecorderName="default")
    some = {
        "allSupported": False,
        "includeGlobalResourceTypes": False,
        "resourceTypes": ["AWS::S3::Bucket"],
    }
    west.put_configuration_recorder(
        ConfigurationRecorder={"name": "partial", "roleARN": role, "recordingGroup": some}
    )
    records = collect(tmp_path, "config")
    assert gaps(records) == []
    assert items(records, "aws.config.recorder") == {
        f"arn:aws:config:us-east-1:{ACCT}:configuration-recorder/default": {
            "name": "default",
            "region": "us-east-1",
            "exists": True,
            "recording": True,
            "all_supported": True,
            "include_global_resource_types": True,
            "last_status": "PENDING",  # moto's status once started
        },
        f"arn:aws:config:eu-west-1:{ACCT}:configuration-recorder/partial": {
            "name": "partial",
            "region": "eu-west-1",
            "exists": True,
            "recording": False,
            "all_supported": False,
            "include_global_resource_types": False,
            "last_status": None,  # never started
        },
    }


def test_no_config_recorder_is_an_item_per_region(aws: MotoServer, tmp_path: Path) -> None:
    recorders = items(collect(tmp_path, "config"), "aws.config.recorder")
    assert recorders == {
        f"arn:aws:config:{region}:{ACCT}:configuration-recorder/none": {
            "name": None,
            "region": region,
            "exists": False,
            "recording": False,
            "all_supported": None,
            "include_global_resource_types": None,
            "last_status": None,
        }
        for region in REGIONS
    }


# Secrets Manager


def test_secrets_rotation_metadata_never_values(aws: MotoServer, tmp_path: Path) -> None:
    east = boto3.client("secretsmanager")
    west = boto3.client("secretsmanager", region_name="eu-west-1")
    rotated = east.create_secret(Name="db/rotated", SecretString="hunter2-a")["ARN"]
    east.rotate_secret(SecretId="db/rotated", RotationRules={"AutomaticallyAfterDays": 30})
    key = f"arn:aws:kms:us-east-1:{ACCT}:key/k1"
    static = east.create_secret(Name="api/static", SecretString="hunter2-b", KmsKeyId=key)["ARN"]
    slow = west.create_secret(Name="db/slow", SecretString="hunter2-c")["ARN"]
    west.rotate_secret(SecretId="db/slow", RotationRules={"AutomaticallyAfterDays": 120})
    records = collect(tmp_path, "secretsmanager")
    assert gaps(records) == []
    secrets = items(records, "aws.secretsmanager.secret")
    for arn in (rotated, slow):
        secrets[arn]["last_rotated"] = recent(secrets[arn]["last_rotated"])
    assert secrets == {
        rotated: {
            "name": "db/rotated",
            "region": "us-east-1",
            "rotation_enabled": True,
            "rotation_days": 30,
            "last_rotated": RECENT,
            "kms_key_id": None,
        },
        static: {
            "name": "api/static",
            "region": "us-east-1",
            "rotation_enabled": False,
            "rotation_days": None,
            "last_rotated": None,
            "kms_key_id": key,
        },
        slow: {
            "name": "db/slow",
            "region": "eu-west-1",
            "rotation_enabled": True,
            "rotation_days": 120,
            "last_rotated": RECENT,
            "kms_key_id": None,
        },
    }
    assert "hunter2" not in repr(records)


def test_rotation_schedules_in_days() -> None:
    assert _rotation_days({"AutomaticallyAfterDays": 30}) == 30
    assert _rotation_days({"AutomaticallyAfterDays": 0}) is None  # rotation turned off
    assert _rotation_days({"ScheduleExpression": "rate(10 days)"}) == 10
    assert _rotation_days({"ScheduleExpression": "rate(4 hours)"}) == 1
    assert _rotation_days({"ScheduleExpression": "cron(0 16 1,15 * ? *)"}) is None
    assert _rotation_days({}) is None


def test_every_kind_is_declared() -> None:
    kinds = {
        "aws.iam.root",
        "aws.iam.user",
        "aws.iam.password_policy",
        "aws.iam.policy",
        "aws.kms.key",
        "aws.cloudtrail.trail",
        "aws.logs.log_group",
        "aws.guardduty.detector",
        "aws.securityhub.hub",
        "aws.config.recorder",
        "aws.secretsmanager.secret",
    }
    assert kinds <= set(AwsCollector.kinds)
