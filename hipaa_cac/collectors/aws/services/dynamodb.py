"""DynamoDB: each table's encryption at rest, point-in-time recovery and
deletion protection.

Every DynamoDB table is encrypted at rest. DescribeTable shows an
SSEDescription only when the table uses a KMS key (AWS managed or customer
managed, `type` KMS); without one the table is encrypted with an AWS owned
key (`type` AWS_OWNED), which is still encryption at rest, so `enabled` is
true. It is null only when the table could not be described.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hipaa_cac.collectors.aws.services import AwsService
from hipaa_cac.collectors.aws.services._records import Gaps
from hipaa_cac.collectors.aws.target import AwsTarget
from hipaa_cac.collectors.base import Observation, Record

TABLE = "aws.dynamodb.table"
# SSEDescription states in which the table is (still, or again) on an AWS owned key.
OWNED_KEY_STATES = frozenset({"DISABLED", "DISABLING"})


def collect(target: AwsTarget, region: str) -> Iterator[Record]:
    dynamodb = target.client("dynamodb", region)
    where = f"{target.account_id}/{region}"
    listing = Gaps(TABLE, "dynamodb", where)
    names = listing.attempt(lambda: _table_names(dynamodb)) or []
    yield from listing.gaps
    for name in names:
        yield from _table(target, dynamodb, region, name)


def _table(target: AwsTarget, dynamodb: Any, region: str, name: str) -> Iterator[Record]:
    read = Gaps(TABLE, "dynamodb", f"{target.account_id}/{region} table {name}")
    described = read(
        lambda: dynamodb.describe_table(TableName=name), absent={"ResourceNotFoundException"}
    )
    if described == {}:  # deleted since it was listed
        return
    backups = read(lambda: dynamodb.describe_continuous_backups(TableName=name))
    table = (described or {}).get("Table", {})
    data = {
        "name": name,
        "region": region,
        "sse": None if described is None else _sse(table.get("SSEDescription")),
        "point_in_time_recovery": _pitr(backups),
        "deletion_protection": table.get("DeletionProtectionEnabled"),
    }
    yield from read.gaps
    arn = table.get("TableArn") or target.arn("dynamodb", region, f"table/{name}")
    yield Observation(TABLE, arn, data)


def _table_names(dynamodb: Any) -> list[str]:
    pages = dynamodb.get_paginator("list_tables").paginate()
    return [name for page in pages for name in page["TableNames"]]


def _sse(description: dict[str, Any] | None) -> dict[str, Any]:
    if not description or description.get("Status") in OWNED_KEY_STATES:
        return {"enabled": True, "type": "AWS_OWNED", "kms_key_arn": None}
    return {
        "enabled": True,
        "type": description.get("SSEType"),
        "kms_key_arn": description.get("KMSMasterKeyArn"),
    }


def _pitr(answer: dict[str, Any] | None) -> bool | None:
    if answer is None:
        return None
    description = answer.get("ContinuousBackupsDescription", {})
    status = description.get("PointInTimeRecoveryDescription", {}).get("PointInTimeRecoveryStatus")
    return bool(status == "ENABLED")


SERVICE = AwsService(name="dynamodb", kinds=(TABLE,), regional=True, collect=collect)
