"""CloudWatch Logs log groups, per region: how long they keep events and
whether a customer-managed KMS key encrypts them.

    aws.logs.log_group  log group ARN (without the trailing `:*`)

`retention_days` null means the group never expires events (AWS omits the
setting); `kms_key_id` null means CloudWatch Logs' own service-owned key.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hipaa_cac.collectors.aws.services import AwsService
from hipaa_cac.collectors.aws.target import AwsTarget
from hipaa_cac.collectors.base import Observation, Record

LOG_GROUP = "aws.logs.log_group"


def collect(target: AwsTarget, region: str) -> Iterator[Record]:
    logs = target.client("logs", region)
    for page in logs.get_paginator("describe_log_groups").paginate():
        for group in page.get("logGroups", []):
            name = group["logGroupName"]
            yield Observation(
                LOG_GROUP,
                _arn(target, region, group),
                {
                    "name": name,
                    "region": region,
                    "retention_days": group.get("retentionInDays"),
                    "kms_key_id": group.get("kmsKeyId"),
                },
            )


def _arn(target: AwsTarget, region: str, group: dict[str, Any]) -> str:
    # logGroupArn is the group's own ARN; the older `arn` field ends in ":*"
    # (all its streams), which would make a second subject for the same group.
    if group.get("logGroupArn"):
        return str(group["logGroupArn"])
    if group.get("arn"):
        return str(group["arn"]).removesuffix(":*")
    return target.arn("logs", region, f"log-group:{group['logGroupName']}")


SERVICE = AwsService(name="logs", kinds=(LOG_GROUP,), regional=True, collect=collect)
