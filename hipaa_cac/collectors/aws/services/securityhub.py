"""Security Hub, per region: whether the account is subscribed, and to which
standards.

    aws.securityhub.hub  arn:aws:securityhub:<region>:<acct>:hub/default

The hub's ARN is fixed, so a region where Security Hub is off has the same
subject with `enabled: false` (and `standards: []`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from botocore.exceptions import ClientError

from hipaa_cac.collectors.aws.services import AwsService
from hipaa_cac.collectors.aws.services._records import Gaps, error_code, rfc3339
from hipaa_cac.collectors.aws.target import AwsTarget
from hipaa_cac.collectors.base import Observation, Record

HUB = "aws.securityhub.hub"
# What DescribeHub answers for an account that is not subscribed.
NOT_SUBSCRIBED = {"InvalidAccessException", "ResourceNotFoundException"}


def collect(target: AwsTarget, region: str) -> Iterator[Record]:
    securityhub = target.client("securityhub", region)
    gaps = Gaps(HUB, "securityhub", f"{target.account_id}/{region}")
    try:
        hub = securityhub.describe_hub()
    except ClientError as exc:
        if error_code(exc) not in NOT_SUBSCRIBED:
            raise
        hub = None
    standards = [] if hub is None else _standards(securityhub, gaps)
    yield Observation(
        HUB,
        target.arn("securityhub", region, "hub/default"),
        {
            "region": region,
            "enabled": hub is not None,
            "subscribed_at": None if hub is None else rfc3339(hub.get("SubscribedAt")),
            "standards": standards,
        },
    )
    yield from gaps.records()


def _standards(securityhub: Any, gaps: Gaps) -> list[dict[str, Any]] | None:
    """Each subscribed standard's ARN (not account-specific) and status; None
    if they could not be read."""
    pages = gaps.attempt(
        lambda: list(securityhub.get_paginator("get_enabled_standards").paginate())
    )
    if pages is None:
        return None
    found = [
        {"arn": s.get("StandardsArn"), "status": s.get("StandardsStatus")}
        for page in pages
        for s in page.get("StandardsSubscriptions", [])
    ]
    return sorted(found, key=lambda s: str(s["arn"]))


SERVICE = AwsService(name="securityhub", kinds=(HUB,), regional=True, collect=collect)
