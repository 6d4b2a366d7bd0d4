"""CloudFront distributions: the protocols viewers and origins are reached
over, the viewer TLS floor, and standard logging.

    aws.cloudfront.distribution  distribution ARN

The list gives everything but logging: standard logging (legacy, to S3) is
in the distribution's config (one GetDistributionConfig each); standard
logging v2 is a CloudWatch Logs delivery whose source is the distribution
(two account-wide calls in us-east-1, where CloudFront's deliveries live).
Only custom origins have an origin protocol policy: S3 origins are reached
over the protocol the viewer used, so the viewer policies decide them.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from hipaa_cac.collectors.aws.services import AwsService
from hipaa_cac.collectors.aws.services._records import Gaps
from hipaa_cac.collectors.aws.target import AwsTarget
from hipaa_cac.collectors.base import Observation, Record

DISTRIBUTION = "aws.cloudfront.distribution"


def collect(target: AwsTarget, region: str) -> Iterator[Record]:
    cloudfront = target.client("cloudfront", region)
    gaps = Gaps(DISTRIBUTION, "cloudfront", target.account_id)
    delivered: set[str] | None = None
    looked = False
    for page in cloudfront.get_paginator("list_distributions").paginate():
        for summary in page["DistributionList"].get("Items") or []:
            legacy = gaps.attempt(partial(_legacy_logging, cloudfront, summary["Id"]))
            if legacy is not True and not looked:
                looked, logs_gaps = True, Gaps(DISTRIBUTION, "logs", target.account_id)
                delivered = logs_gaps.attempt(partial(_delivered, target, region))
                yield from logs_gaps.records()
            v2 = None if delivered is None else summary["ARN"] in delivered
            certificate = summary.get("ViewerCertificate", {})
            yield Observation(
                DISTRIBUTION,
                summary["ARN"],
                {
                    "id": summary["Id"],
                    "viewer_protocol_policies": _viewer_policies(summary),
                    "minimum_protocol_version": certificate.get("MinimumProtocolVersion"),
                    "uses_default_certificate": certificate.get("CloudFrontDefaultCertificate"),
                    "origin_protocol_policies": _origin_policies(summary),
                    "logging_enabled": _logging(legacy, v2),
                },
            )
    yield from gaps.records()


def _viewer_policies(summary: dict[str, Any]) -> list[str | None]:
    """The default behavior's policy first, then each path behavior's."""
    behaviors = [summary.get("DefaultCacheBehavior", {})]
    behaviors += summary.get("CacheBehaviors", {}).get("Items") or []
    return [b.get("ViewerProtocolPolicy") for b in behaviors]


def _origin_policies(summary: dict[str, Any]) -> list[str | None]:
    origins = summary.get("Origins", {}).get("Items") or []
    return [
        o["CustomOriginConfig"].get("OriginProtocolPolicy")
        for o in origins
        if "CustomOriginConfig" in o
    ]


def _legacy_logging(cloudfront: Any, distribution_id: str) -> bool:
    answer = cloudfront.get_distribution_config(Id=distribution_id)
    return bool(answer["DistributionConfig"].get("Logging", {}).get("Enabled"))


def _delivered(target: AwsTarget, region: str) -> set[str]:
    """ARNs of the resources whose access logs a v2 delivery sends somewhere."""
    logs = target.client("logs", region)
    sources: dict[str, list[str]] = {}
    for page in logs.get_paginator("describe_delivery_sources").paginate():
        for source in page["deliverySources"]:
            if source.get("logType") == "ACCESS_LOGS":
                sources[source["name"]] = source.get("resourceArns", [])
    found: set[str] = set()
    for page in logs.get_paginator("describe_deliveries").paginate():
        for delivery in page["deliveries"]:
            found.update(sources.get(delivery.get("deliverySourceName", ""), []))
    return found


def _logging(legacy: bool | None, v2: bool | None) -> bool | None:
    """Either kind of standard logging; unknown when one could not be read
    and the other does not show logging."""
    if legacy or v2:
        return True
    return None if legacy is None or v2 is None else False


SERVICE = AwsService(
    name="cloudfront",
    kinds=(DISTRIBUTION,),
    regional=False,
    collect=collect,
)
