"""CloudTrail trails, each once, from its home region.

    aws.cloudtrail.trail  trail ARN

A multi-region trail shows up in every region; DescribeTrails without
shadow trails lists only the trails created in the region asked, so each
trail is reported by the region task of its home region. (Hence a trail
whose home region is not collected is not reported, and an organization
trail seen from a member account is a shadow trail: it is reported when
the management account is collected.)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hipaa_cac.collectors.aws.services import AwsService
from hipaa_cac.collectors.aws.services._records import Gaps
from hipaa_cac.collectors.aws.target import AwsTarget
from hipaa_cac.collectors.base import Observation, Record

TRAIL = "aws.cloudtrail.trail"


def collect(target: AwsTarget, region: str) -> Iterator[Record]:
    cloudtrail = target.client("cloudtrail", region)
    gaps = Gaps(TRAIL, "cloudtrail", f"{target.account_id}/{region}")
    answer = cloudtrail.describe_trails(includeShadowTrails=False)
    for trail in answer.get("trailList", []):
        home = trail.get("HomeRegion") or region
        if home != region:  # belt and braces: shadows are the home region's to report
            continue
        arn = trail["TrailARN"]
        yield Observation(
            TRAIL,
            arn,
            {
                "name": trail.get("Name"),
                "account_id": target.account_id,
                "home_region": home,
                "is_multi_region": trail.get("IsMultiRegionTrail"),
                "is_logging": _is_logging(cloudtrail, arn, gaps),
                "log_file_validation": trail.get("LogFileValidationEnabled"),
                "kms_key_id": trail.get("KmsKeyId"),
                "cloudwatch_logs_log_group_arn": trail.get("CloudWatchLogsLogGroupArn"),
                "s3_bucket_name": trail.get("S3BucketName"),
            },
        )
    yield from gaps.records()


def _is_logging(cloudtrail: Any, arn: str, gaps: Gaps) -> bool | None:
    status = gaps.attempt(lambda: cloudtrail.get_trail_status(Name=arn))
    return None if status is None else status.get("IsLogging")


SERVICE = AwsService(name="cloudtrail", kinds=(TRAIL,), regional=True, collect=collect)
