"""The AWS data-store service modules (S3, RDS, DynamoDB, Redshift, OpenSearch,
AWS Backup) against a real moto server: compliant and non-compliant twins of
every setting the policies check, the exact evidence per ARN, and a denied
call recorded as a null field plus a gap."""

from __future__ import annotations

import functools
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto_server import MOTO_ACCOUNT, MotoServer

from hipaa_cac.collectors.aws import AwsCollector, sessions
from hipaa_cac.collectors.aws.services import backup as backup_service
from hipaa_cac.collectors.aws.services._s3_policy import summarize_policy
from hipaa_cac.collectors.aws.target import AwsTarget
from hipaa_cac.collectors.base import CollectContext, Gap, Observation, Record
from hipaa_cac.fingerprint import fingerprinter

NOW = datetime(2026, 11, 20, 6, tzinfo=UTC)
KEY = f"arn:aws:kms:us-east-1:{MOTO_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
FLAGS = (
    "block_public_acls",
    "ignore_public_acls",
    "block_public_policy",
    "restrict_public_buckets",
)
ALL_ON = dict.fromkeys(FLAGS, True)
ALL_OFF = dict.fromkeys(FLAGS, False)


def collect(tmp_path: Path, *services: str) -> list[Record]:
    context = CollectContext(root=tmp_path, now=NOW, fingerprint=fingerprinter(b"s"))
    config = {"regions": ["us-east-1"], "services": list(services)}
    return list(AwsCollector().collect(config, context))


def observed(records: list[Record], kind: str) -> dict[str, dict[str, Any]]:
    return {r.subject: r.data for r in records if isinstance(r, Observation) and r.kind == kind}


def gaps(records: list[Record]) -> list[Gap]:
    return [r for r in records if isinstance(r, Gap)]


def _policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _tls_deny(bucket: str) -> dict[str, Any]:
    return {
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def _read_to(bucket: str, condition: dict[str, Any] | None = None) -> dict[str, Any]:
    statement = {
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/*",
    }
    return statement | ({"Condition": condition} if condition else {})


def _bucket(name: str, region: str = "us-east-1", **fields: Any) -> dict[str, Any]:
    """The evidence of a bucket with nothing configured, overridden by fields."""
    return {
        "name": name,
        "account_id": MOTO_ACCOUNT,
        "region": region,
        "encryption": {"enabled": False, "algorithm": None, "kms_key_id": None},
        "public_access_block": ALL_OFF,
        "policy": {"is_public": False, "denies_insecure_transport": False},
        "acl": {"is_public": False},
        "versioning": "Disabled",
        "logging": {"enabled": False, "target_bucket": None},
    } | fields


def make_buckets() -> None:
    s3 = boto3.client("s3")
    # The log bucket lets S3's log delivery group write (the classic ACL way).
    s3.create_bucket(Bucket="phi-logs", ObjectOwnership="ObjectWriter")
    s3.put_bucket_acl(Bucket="phi-logs", ACL="log-delivery-write")
    s3.create_bucket(Bucket="phi-records")
    s3.put_bucket_encryption(
        Bucket="phi-records",
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms",
                        "KMSMasterKeyID": KEY,
                    }
                }
            ]
        },
    )
    s3.put_public_access_block(
        Bucket="phi-records",
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    vpce = {"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}
    policy = _policy(_tls_deny("phi-records"), _read_to("phi-records", vpce))
    s3.put_bucket_policy(Bucket="phi-records", Policy=policy)
    s3.put_bucket_versioning(Bucket="phi-records", VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_logging(
        Bucket="phi-records",
        BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": "phi-logs", "TargetPrefix": "r/"}},
    )
    # The twin: every setting wrong.
    s3.create_bucket(Bucket="public-site", ObjectOwnership="ObjectWriter")
    s3.put_bucket_acl(Bucket="public-site", ACL="public-read")
    s3.put_bucket_policy(Bucket="public-site", Policy=_policy(_read_to("public-site")))
    s3.put_bucket_versioning(Bucket="public-site", VersioningConfiguration={"Status": "Suspended"})
    s3.put_public_access_block(
        Bucket="public-site",
        PublicAccessBlockConfiguration={"BlockPublicAcls": True, "IgnorePublicAcls": False},
    )
    # A condition that admits the whole internet restricts nothing.
    s3.create_bucket(Bucket="any-ip")
    anywhere = {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}
    s3.put_bucket_policy(Bucket="any-ip", Policy=_policy(_read_to("any-ip", anywhere)))
    s3.create_bucket(Bucket="signed-in", ObjectOwnership="ObjectWriter")
    s3.put_bucket_acl(Bucket="signed-in", ACL="authenticated-read")
    eu = boto3.client("s3", region_name="eu-west-1")
    eu.create_bucket(Bucket="phi-eu", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    eu.put_bucket_encryption(
        Bucket="phi-eu",
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )


def test_s3_buckets_and_account_block(aws: MotoServer, tmp_path: Path) -> None:
    make_buckets()
    boto3.client("s3control").put_public_access_block(
        AccountId=MOTO_ACCOUNT,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": False,
        },
    )
    records = collect(tmp_path, "s3")
    assert gaps(records) == []
    # Metadata only: the policies' text never reaches the evidence.
    assert "vpce-1a2b3c4d" not in json.dumps(
        [r.data for r in records if isinstance(r, Observation)]
    )
    assert observed(records, "aws.s3.account_public_access_block") == {
        f"arn:aws:s3::{MOTO_ACCOUNT}:account": {
            "account_id": MOTO_ACCOUNT,
            "public_access_block": ALL_ON | {"restrict_public_buckets": False},
        }
    }
    assert observed(records, "aws.s3.bucket") == {
        "arn:aws:s3:::phi-logs": _bucket("phi-logs"),
        "arn:aws:s3:::phi-records": _bucket(
            "phi-records",
            encryption={"enabled": True, "algorithm": "aws:kms", "kms_key_id": KEY},
            public_access_block=ALL_ON,
            policy={"is_public": False, "denies_insecure_transport": True},
            versioning="Enabled",
            logging={"enabled": True, "target_bucket": "phi-logs"},
        ),
        "arn:aws:s3:::public-site": _bucket(
            "public-site",
            public_access_block=ALL_OFF | {"block_public_acls": True},
            policy={"is_public": True, "denies_insecure_transport": False},
            acl={"is_public": True},
            versioning="Suspended",
        ),
        "arn:aws:s3:::any-ip": _bucket(
            "any-ip", policy={"is_public": True, "denies_insecure_transport": False}
        ),
        "arn:aws:s3:::signed-in": _bucket("signed-in", acl={"is_public": True}),
        "arn:aws:s3:::phi-eu": _bucket(
            "phi-eu",
            region="eu-west-1",
            encryption={"enabled": True, "algorithm": "AES256", "kms_key_id": None},
        ),
    }


def test_no_account_block_means_all_four_off(aws: MotoServer, tmp_path: Path) -> None:
    records = collect(tmp_path, "s3")
    assert records[1:] == [
        Observation(
            "aws.s3.account_public_access_block",
            f"arn:aws:s3::{MOTO_ACCOUNT}:account",
            {"account_id": MOTO_ACCOUNT, "public_access_block": ALL_OFF},
        )
    ]


def test_a_denied_bucket_call_is_a_null_field_and_a_gap(
    aws: MotoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_buckets()
    iam = boto3.client("iam")
    iam.create_user(UserName="auditor")
    denied = _policy(
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:GetBucketPolicy", "Resource": "arn:aws:s3:::phi-records"},
    )
    iam.put_user_policy(UserName="auditor", PolicyName="read", PolicyDocument=denied)
    key = iam.create_access_key(UserName="auditor")["AccessKey"]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
    monkeypatch.delenv("AWS_SESSION_TOKEN")
    aws.enforce_iam()
    try:
        records = collect(tmp_path, "s3")
    finally:
        aws.stop_enforcing_iam()
    denied = (
        f"AccessDenied on s3:GetBucketPolicy in {MOTO_ACCOUNT} bucket phi-records: "
        "grant s3:GetBucketPolicy (see the read-only IAM policy)"
    )
    # The neutral item of the same bucket lacks the same fact, so it has the same gap.
    assert gaps(records) == [Gap("aws.s3.bucket", denied), Gap("cloud.object_storage", denied)]
    buckets = observed(records, "aws.s3.bucket")
    assert buckets["arn:aws:s3:::phi-records"]["policy"] is None
    neutral = observed(records, "cloud.object_storage")
    # Its own Block Public Access neutralises whatever the unread policy says.
    assert neutral["arn:aws:s3:::phi-records"]["public"] is False
    assert neutral["arn:aws:s3:::public-site"]["public"] is True
    # Everything else about that bucket, and every other bucket, is still there.
    assert buckets["arn:aws:s3:::phi-records"]["versioning"] == "Enabled"
    assert buckets["arn:aws:s3:::public-site"]["policy"] == {
        "is_public": True,
        "denies_insecure_transport": False,
    }
    assert len(buckets) == 6


def _rds_group(rds: Any, name: str, family: str, parameter: str, value: str) -> None:
    change = [{"ParameterName": parameter, "ParameterValue": value, "ApplyMethod": "immediate"}]
    if family.startswith("aurora"):
        rds.create_db_cluster_parameter_group(
            DBClusterParameterGroupName=name, DBParameterGroupFamily=family, Description="t"
        )
        rds.modify_db_cluster_parameter_group(DBClusterParameterGroupName=name, Parameters=change)
    else:
        rds.create_db_parameter_group(
            DBParameterGroupName=name, DBParameterGroupFamily=family, Description="t"
        )
        rds.modify_db_parameter_group(DBParameterGroupName=name, Parameters=change)


def _rds_instance(rds: Any, name: str, engine: str, **settings: Any) -> None:
    rds.create_db_instance(
        DBInstanceIdentifier=name,
        Engine=engine,
        DBInstanceClass="db.t3.micro",
        AllocatedStorage=20,
        MasterUsername="admin_user",
        MasterUserPassword="not-a-real-password",
        **settings,
    )


def _rds_cluster(rds: Any, name: str, engine: str, **settings: Any) -> None:
    rds.create_db_cluster(
        DBClusterIdentifier=name,
        Engine=engine,
        MasterUsername="admin_user",
        MasterUserPassword="not-a-real-password",
        **settings,
    )


def make_databases() -> None:
    rds = boto3.client("rds")
    _rds_group(rds, "pg-tls", "postgres16", "rds.force_ssl", "1")
    _rds_group(rds, "mysql-plain", "mysql8.0", "require_secure_transport", "0")
    _rds_group(rds, "mysql-tls", "mysql8.0", "require_secure_transport", "ON")
    _rds_group(rds, "apg-tls", "aurora-postgresql16", "rds.force_ssl", "1")
    _rds_group(rds, "amy-plain", "aurora-mysql8.0", "require_secure_transport", "OFF")
    protected = {"BackupRetentionPeriod": 7, "DeletionProtection": True}
    encrypted = {"StorageEncrypted": True, "KmsKeyId": KEY}
    _rds_instance(
        rds,
        "pg-good",
        "postgres",
        DBParameterGroupName="pg-tls",
        PubliclyAccessible=False,
        **encrypted,
        **protected,
    )
    _rds_instance(
        rds, "mysql-bad", "mysql", DBParameterGroupName="mysql-plain", PubliclyAccessible=True
    )
    _rds_instance(
        rds, "mysql-on", "mysql", DBParameterGroupName="mysql-tls", PubliclyAccessible=False
    )
    _rds_instance(rds, "pg-default", "postgres")  # moto's default groups list no parameters
    _rds_instance(rds, "oracle", "oracle-ee")  # TLS is an option group setting: unknown
    _rds_cluster(
        rds,
        "aurora-good",
        "aurora-postgresql",
        DBClusterParameterGroupName="apg-tls",
        **encrypted,
        **protected,
    )
    rds.create_db_instance(
        DBInstanceIdentifier="aurora-good-1",
        Engine="aurora-postgresql",
        DBInstanceClass="db.r6g.large",
        DBClusterIdentifier="aurora-good",
    )
    _rds_cluster(rds, "aurora-bad", "aurora-mysql", DBClusterParameterGroupName="amy-plain")


def _db(identifier: str, engine: str, group: str, **fields: Any) -> dict[str, Any]:
    return {
        "identifier": identifier,
        "region": "us-east-1",
        "engine": engine,
        "storage_encrypted": False,
        "kms_key_id": None,
        "backup_retention_period": 1,
        "deletion_protection": False,
        "parameter_group": group,
        "tls_enforced": None,
        "publicly_accessible": False,
        "cluster_identifier": None,
    } | fields


def _cluster(identifier: str, engine: str, group: str, **fields: Any) -> dict[str, Any]:
    data = _db(identifier, engine, group, **fields)
    del data["publicly_accessible"], data["cluster_identifier"]
    return data


def test_rds_instances_and_clusters(aws: MotoServer, tmp_path: Path) -> None:
    make_databases()
    records = collect(tmp_path, "rds")
    assert gaps(records) == []
    arn = f"arn:aws:rds:us-east-1:{MOTO_ACCOUNT}"
    protected = {"backup_retention_period": 7, "deletion_protection": True}
    encrypted = {"storage_encrypted": True, "kms_key_id": KEY}
    unset = {"publicly_accessible": None}  # moto omits it when not given; AWS says false
    assert observed(records, "aws.rds.instance") == {
        f"{arn}:db:pg-good": _db(
            "pg-good", "postgres", "pg-tls", tls_enforced=True, **encrypted, **protected
        ),
        f"{arn}:db:mysql-bad": _db(
            "mysql-bad", "mysql", "mysql-plain", tls_enforced=False, publicly_accessible=True
        ),
        f"{arn}:db:mysql-on": _db("mysql-on", "mysql", "mysql-tls", tls_enforced=True),
        f"{arn}:db:pg-default": _db("pg-default", "postgres", "default.postgres9.3", **unset),
        f"{arn}:db:oracle": _db("oracle", "oracle-ee", "default.oracle-ee11.2.0.4", **unset),
        # A cluster member: TLS from its cluster's parameter group.
        f"{arn}:db:aurora-good-1": _db(
            "aurora-good-1",
            "aurora-postgresql",
            "default.aurora-postgresql12",
            tls_enforced=True,
            cluster_identifier="aurora-good",
            storage_encrypted=True,
            kms_key_id=KEY,
            backup_retention_period=7,
            **unset,
        ),
    }
    assert observed(records, "aws.rds.cluster") == {
        f"{arn}:cluster:aurora-good": _cluster(
            "aurora-good",
            "aurora-postgresql",
            "apg-tls",
            tls_enforced=True,
            **encrypted,
            **protected,
        ),
        f"{arn}:cluster:aurora-bad": _cluster(
            "aurora-bad", "aurora-mysql", "amy-plain", tls_enforced=False
        ),
    }


def test_an_unreadable_parameter_group_is_unknown_tls_and_a_gap(
    aws: MotoServer, tmp_path: Path
) -> None:
    # moto does not create the default cluster parameter groups AWS has.
    _rds_cluster(boto3.client("rds"), "aurora-default", "aurora-mysql")
    records = collect(tmp_path, "rds")
    arn = f"arn:aws:rds:us-east-1:{MOTO_ACCOUNT}:cluster:aurora-default"
    assert observed(records, "aws.rds.cluster") == {
        arn: _cluster("aurora-default", "aurora-mysql", "default.aurora8.0")
    }
    (gap,) = gaps(records)
    assert gap.kind == "aws.rds.cluster"
    assert gap.error.startswith(
        "DBParameterGroupNotFound on rds:DescribeDBClusterParameters"
        f" in {MOTO_ACCOUNT}/us-east-1 cluster aurora-default: "
    )


def test_dynamodb_tables(aws: MotoServer, tmp_path: Path) -> None:
    dynamodb = boto3.client("dynamodb")
    table = {
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "BillingMode": "PAY_PER_REQUEST",
    }
    dynamodb.create_table(TableName="sessions", **table)
    dynamodb.create_table(
        TableName="patients",
        SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": KEY},
        DeletionProtectionEnabled=True,
        **table,
    )
    dynamodb.update_continuous_backups(
        TableName="patients",
        PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
    )
    records = collect(tmp_path, "dynamodb")
    assert gaps(records) == []
    arn = f"arn:aws:dynamodb:us-east-1:{MOTO_ACCOUNT}:table"
    assert observed(records, "aws.dynamodb.table") == {
        f"{arn}/patients": {
            "name": "patients",
            "region": "us-east-1",
            "sse": {"enabled": True, "type": "KMS", "kms_key_arn": KEY},
            "point_in_time_recovery": True,
            "deletion_protection": True,
        },
        # No SSEDescription: the AWS owned key, which is encryption at rest.
        f"{arn}/sessions": {
            "name": "sessions",
            "region": "us-east-1",
            "sse": {"enabled": True, "type": "AWS_OWNED", "kms_key_arn": None},
            "point_in_time_recovery": False,
            "deletion_protection": False,
        },
    }


def test_redshift_clusters(aws: MotoServer, tmp_path: Path) -> None:
    redshift = boto3.client("redshift")
    cluster = {"NodeType": "dc2.large", "MasterUsername": "admin", "MasterUserPassword": "Secret-1"}
    redshift.create_cluster_parameter_group(
        ParameterGroupName="warehouse", ParameterGroupFamily="redshift-1.0", Description="t"
    )
    redshift.create_cluster(
        ClusterIdentifier="warehouse",
        Encrypted=True,
        KmsKeyId=KEY,
        PubliclyAccessible=False,
        ClusterParameterGroupName="warehouse",
        **cluster,
    )
    redshift.enable_logging(ClusterIdentifier="warehouse", BucketName="audit-logs")
    redshift.create_cluster(ClusterIdentifier="scratch", PubliclyAccessible=True, **cluster)
    records = collect(tmp_path, "redshift")
    assert gaps(records) == []
    arn = f"arn:aws:redshift:us-east-1:{MOTO_ACCOUNT}:cluster"
    # moto cannot change a parameter group (ModifyClusterParameterGroup is
    # missing) and reports require_ssl "false" everywhere, so no twin has it on.
    assert observed(records, "aws.redshift.cluster") == {
        f"{arn}:warehouse": {
            "identifier": "warehouse",
            "region": "us-east-1",
            "encrypted": True,
            "kms_key_id": KEY,
            "publicly_accessible": False,
            "parameter_group": "warehouse",
            "require_ssl": False,
            "logging_enabled": True,
        },
        f"{arn}:scratch": {
            "identifier": "scratch",
            "region": "us-east-1",
            "encrypted": False,
            "kms_key_id": None,
            "publicly_accessible": True,
            "parameter_group": "default.redshift-1.0",
            "require_ssl": False,
            "logging_enabled": False,
        },
    }


def test_opensearch_domains(aws: MotoServer, tmp_path: Path) -> None:
    opensearch = boto3.client("opensearch")
    opensearch.create_domain(
        DomainName="search",
        EncryptionAtRestOptions={"Enabled": True, "KmsKeyId": KEY},
        NodeToNodeEncryptionOptions={"Enabled": True},
        DomainEndpointOptions={
            "EnforceHTTPS": True,
            "TLSSecurityPolicy": "Policy-Min-TLS-1-2-PFS-2023-10",
        },
        VPCOptions={"SubnetIds": ["subnet-1"], "SecurityGroupIds": ["sg-1"]},
    )
    opensearch.create_domain(DomainName="legacy")
    records = collect(tmp_path, "opensearch")
    assert gaps(records) == []
    arn = f"arn:aws:es:us-east-1:{MOTO_ACCOUNT}:domain"
    assert observed(records, "aws.opensearch.domain") == {
        f"{arn}/search": {
            "name": "search",
            "region": "us-east-1",
            "encryption_at_rest": True,
            "kms_key_id": KEY,
            "node_to_node_encryption": True,
            "enforce_https": True,
            "tls_security_policy": "Policy-Min-TLS-1-2-PFS-2023-10",
            "min_tls_version": "1.2",
            "public": False,
        },
        f"{arn}/legacy": {
            "name": "legacy",
            "region": "us-east-1",
            "encryption_at_rest": False,
            "kms_key_id": None,
            "node_to_node_encryption": False,
            "enforce_https": False,
            "tls_security_policy": "Policy-Min-TLS-1-0-2019-07",
            "min_tls_version": "1.0",
            "public": True,
        },
    }


def test_backup_vaults_and_plans(
    aws: MotoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # moto answers ListBackupSelections with a 500; one attempt, not eight backoffs.
    monkeypatch.setattr(sessions, "AwsTarget", functools.partial(AwsTarget, max_attempts=1))
    backup = boto3.client("backup")
    backup.create_backup_vault(BackupVaultName="phi-vault", EncryptionKeyArn=KEY)
    backup.put_backup_vault_lock_configuration(BackupVaultName="phi-vault", MinRetentionDays=7)
    backup.create_backup_vault(BackupVaultName="scratch-vault")
    rule = {"RuleName": "daily", "TargetBackupVaultName": "phi-vault"}
    plan = backup.create_backup_plan(
        BackupPlan={
            "BackupPlanName": "phi-daily",
            "Rules": [
                rule
                | {"ScheduleExpression": "cron(0 5 * * ? *)", "Lifecycle": {"DeleteAfterDays": 35}},
                rule | {"RuleName": "forever", "ScheduleExpression": "cron(0 6 1 * ? *)"},
            ],
        }
    )
    records = collect(tmp_path, "backup")
    vault = f"arn:aws:backup:us-east-1:{MOTO_ACCOUNT}:backup-vault"
    assert observed(records, "aws.backup.vault") == {
        f"{vault}:phi-vault": {
            "name": "phi-vault",
            "region": "us-east-1",
            "encryption_key_arn": KEY,
            "locked": True,
        },
        f"{vault}:scratch-vault": {
            "name": "scratch-vault",
            "region": "us-east-1",
            "encryption_key_arn": None,  # moto; AWS always names a key (aws/backup at least)
            "locked": False,
        },
    }
    assert observed(records, "aws.backup.plan") == {
        plan["BackupPlanArn"]: {
            "name": "phi-daily",
            "region": "us-east-1",
            "rules": [
                {
                    "name": "daily",
                    "schedule": "cron(0 5 * * ? *)",
                    "retention_days": 35,
                    "vault": "phi-vault",
                },
                {
                    "name": "forever",
                    "schedule": "cron(0 6 1 * ? *)",
                    "retention_days": None,
                    "vault": "phi-vault",
                },
            ],
            "selections": None,  # moto 5.2.5 has no backup selections: unknown, and a gap
        }
    }
    (gap,) = gaps(records)
    assert gap.kind == "aws.backup.plan"
    assert gap.error.startswith(
        f"500 on backup:ListBackupSelections in {MOTO_ACCOUNT}/us-east-1 plan phi-daily"
    )


def test_backup_selection_keeps_condition_keys_not_values() -> None:
    # The shape GetBackupSelection returns (moto cannot create one).
    selection = {
        "SelectionName": "phi-stores",
        "IamRoleArn": f"arn:aws:iam::{MOTO_ACCOUNT}:role/backup",
        "Resources": ["arn:aws:rds:*:*:db:*", "arn:aws:dynamodb:*:*:table/*"],
        "NotResources": [f"arn:aws:rds:us-east-1:{MOTO_ACCOUNT}:db:scratch"],
        "ListOfTags": [
            {"ConditionType": "STRINGEQUALS", "ConditionKey": "backup", "ConditionValue": "daily"}
        ],
        "Conditions": {
            "StringEquals": [
                {"ConditionKey": "aws:ResourceTag/data-class", "ConditionValue": "phi"}
            ],
            "StringNotEquals": [],
            "StringLike": [],
            "StringNotLike": [],
        },
    }
    assert backup_service._selection(selection) == {
        "name": "phi-stores",
        "resources": ["arn:aws:rds:*:*:db:*", "arn:aws:dynamodb:*:*:table/*"],
        "not_resources": [f"arn:aws:rds:us-east-1:{MOTO_ACCOUNT}:db:scratch"],
        "conditions": [
            {"operator": "STRINGEQUALS", "key": "backup"},
            {"operator": "StringEquals", "key": "aws:ResourceTag/data-class"},
        ],
    }
    assert "phi" not in json.dumps(backup_service._selection(selection)["conditions"])


ANYONE = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}
TLS_DENY = _tls_deny("b")


@pytest.mark.parametrize(
    ("statement", "public"),
    [
        (ANYONE, True),
        (ANYONE | {"Principal": {"AWS": ["arn:aws:iam::111122223333:root", "*"]}}, True),
        (ANYONE | {"Principal": {"AWS": "arn:aws:iam::111122223333:root"}}, False),
        (
            {k: v for k, v in ANYONE.items() if k != "Principal"} | {"NotPrincipal": {"AWS": "x"}},
            True,
        ),
        (ANYONE | {"Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}}, False),
        (ANYONE | {"Condition": {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8"]}}}, False),
        (ANYONE | {"Condition": {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "::/0"]}}}, True),
        (ANYONE | {"Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1"}}}, True),
        (ANYONE | {"Condition": {"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1"}}}, True),
        (ANYONE | {"Condition": {"StringLike": {"aws:SourceArn": "arn:aws:*"}}}, True),
        (ANYONE | {"Condition": {"StringEquals": {"aws:UserAgent": "curl"}}}, True),
        (ANYONE | {"Effect": "Deny"}, False),
    ],
)
def test_policy_publicness(statement: dict[str, Any], public: bool) -> None:
    assert summarize_policy(_policy(statement))["is_public"] is public


@pytest.mark.parametrize(
    ("statement", "denies"),
    [
        (TLS_DENY, True),
        (TLS_DENY | {"Action": ["s3:GetObject", "*"], "Principal": {"AWS": "*"}}, True),
        (TLS_DENY | {"Condition": {"BoolIfExists": {"aws:SecureTransport": False}}}, True),
        (TLS_DENY | {"Action": "s3:GetObject"}, False),  # other actions still go in the clear
        (TLS_DENY | {"Principal": {"AWS": "arn:aws:iam::111122223333:root"}}, False),
        (TLS_DENY | {"Effect": "Allow"}, False),
        (TLS_DENY | {"Condition": {"Bool": {"aws:SecureTransport": "true"}}}, False),
    ],
)
def test_policy_denies_insecure_transport(statement: dict[str, Any], denies: bool) -> None:
    assert summarize_policy(_policy(statement))["denies_insecure_transport"] is denies


def test_a_policy_that_is_not_json_is_unknown() -> None:
    assert summarize_policy("{") == {"is_public": None, "denies_insecure_transport": None}
