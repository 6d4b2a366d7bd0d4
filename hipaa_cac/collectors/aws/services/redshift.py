"""Redshift (provisioned clusters): encryption, exposure, TLS and audit logging.

`require_ssl` is the cluster parameter group's `require_ssl` parameter,
read once per group; null when the group could not be read or does not set
it. `logging_enabled` is audit logging (to S3 or CloudWatch Logs).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hipaa_cac.collectors.aws.services import AwsService
from hipaa_cac.collectors.aws.services._records import Gaps
from hipaa_cac.collectors.aws.target import AwsTarget
from hipaa_cac.collectors.base import Observation, Record

CLUSTER = "aws.redshift.cluster"


def collect(target: AwsTarget, region: str) -> Iterator[Record]:
    redshift = target.client("redshift", region)
    where = f"{target.account_id}/{region}"
    listing = Gaps(CLUSTER, "redshift", where)
    clusters = listing.attempt(lambda: _clusters(redshift)) or []
    yield from listing.gaps
    require_ssl: dict[str, bool | None] = {}  # per parameter group, read once
    for cluster in clusters:
        yield from _cluster(target, redshift, region, cluster, require_ssl)


def _clusters(redshift: Any) -> list[dict[str, Any]]:
    pages = redshift.get_paginator("describe_clusters").paginate()
    return [cluster for page in pages for cluster in page["Clusters"]]


def _cluster(
    target: AwsTarget,
    redshift: Any,
    region: str,
    cluster: dict[str, Any],
    require_ssl: dict[str, bool | None],
) -> Iterator[Record]:
    identifier = cluster["ClusterIdentifier"]
    read = Gaps(CLUSTER, "redshift", f"{target.account_id}/{region} cluster {identifier}")
    groups = [g["ParameterGroupName"] for g in cluster.get("ClusterParameterGroups", [])]
    group = groups[0] if groups else None
    if group is not None and group not in require_ssl:
        answer = read(lambda: {"Values": _parameters(redshift, group)})
        value = None if answer is None else answer["Values"].get("require_ssl")
        require_ssl[group] = None if value is None else value.lower() == "true"
    logging = read(lambda: redshift.describe_logging_status(ClusterIdentifier=identifier))
    encrypted = cluster.get("Encrypted")
    data = {
        "identifier": identifier,
        "region": region,
        "encrypted": encrypted,
        "kms_key_id": cluster.get("KmsKeyId") if encrypted else None,
        "publicly_accessible": cluster.get("PubliclyAccessible"),
        "parameter_group": group,
        "require_ssl": None if group is None else require_ssl[group],
        "logging_enabled": None if logging is None else logging.get("LoggingEnabled") is True,
    }
    yield from read.gaps
    yield Observation(CLUSTER, target.arn("redshift", region, f"cluster:{identifier}"), data)


def _parameters(redshift: Any, group: str) -> dict[str, str | None]:
    pages = redshift.get_paginator("describe_cluster_parameters").paginate(ParameterGroupName=group)
    return {
        p["ParameterName"]: p.get("ParameterValue") for page in pages for p in page["Parameters"]
    }


SERVICE = AwsService(name="redshift", kinds=(CLUSTER,), regional=True, collect=collect)
