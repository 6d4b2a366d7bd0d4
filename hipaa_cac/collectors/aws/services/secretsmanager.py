"""Secrets Manager secrets, per region: rotation settings and the key that
encrypts them. Only ListSecrets: never a secret's value, nor its versions.

    aws.secretsmanager.secret  secret ARN

`rotation_days` is AutomaticallyAfterDays, or the interval of a
`rate(...)` schedule; a cron schedule leaves it null. `kms_key_id` null
means the account's default `aws/secretsmanager` key.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

from hipaa_cac.collectors.aws.services import AwsService
from hipaa_cac.collectors.aws.services._records import rfc3339
from hipaa_cac.collectors.aws.target import AwsTarget
from hipaa_cac.collectors.base import Observation, Record

SECRET = "aws.secretsmanager.secret"
RATE = re.compile(r"^rate\((\d+) (hour|hours|day|days)\)$")


def collect(target: AwsTarget, region: str) -> Iterator[Record]:
    secretsmanager = target.client("secretsmanager", region)
    for page in secretsmanager.get_paginator("list_secrets").paginate():
        for secret in page.get("SecretList", []):
            rules = secret.get("RotationRules") or {}
            yield Observation(
                SECRET,
                secret["ARN"],
                {
                    "name": secret.get("Name"),
                    "region": region,
                    # Absent: rotation was never configured.
                    "rotation_enabled": bool(secret.get("RotationEnabled", False)),
                    "rotation_days": _rotation_days(rules),
                    "last_rotated": rfc3339(secret.get("LastRotatedDate")),
                    "kms_key_id": secret.get("KmsKeyId"),
                },
            )


def _rotation_days(rules: dict[str, Any]) -> int | None:
    days = rules.get("AutomaticallyAfterDays")
    if isinstance(days, int) and days > 0:  # 0: what AWS shows once rotation is off
        return days
    match = RATE.match(str(rules.get("ScheduleExpression") or "").strip())
    if match is None:
        return None
    count = int(match.group(1))
    # An hourly rate rotates at least daily: round up to whole days.
    return count if match.group(2).startswith("day") else max(1, math.ceil(count / 24))


SERVICE = AwsService(name="secretsmanager", kinds=(SECRET,), regional=True, collect=collect)
