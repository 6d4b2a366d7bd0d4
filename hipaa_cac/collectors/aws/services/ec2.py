"""EC2 instances: how their metadata service is reached, and whether they
face the internet.

    aws.ec2.instance  arn:aws:ec2:<region>:<account>:instance/<id>

Terminated instances are left out: they hold nothing and vanish within the
hour. The public address itself is not recorded, only whether there is one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hipaa_cac.collectors.aws.services import AwsService
from hipaa_cac.collectors.aws.target import AwsTarget
from hipaa_cac.collectors.base import Observation, Record

INSTANCE = "aws.ec2.instance"


def collect(target: AwsTarget, region: str) -> Iterator[Record]:
    ec2 = target.client("ec2", region)
    for page in ec2.get_paginator("describe_instances").paginate():
        for reservation in page["Reservations"]:
            for instance in reservation["Instances"]:
                state = instance.get("State", {}).get("Name")
                if state == "terminated":
                    continue
                instance_id = instance["InstanceId"]
                yield Observation(
                    INSTANCE,
                    target.arn("ec2", region, f"instance/{instance_id}"),
                    {
                        "instance_id": instance_id,
                        "region": region,
                        "state": state,
                        **_metadata(instance.get("MetadataOptions")),
                        "public_ip": bool(instance.get("PublicIpAddress")),
                        "ebs_optimized": instance.get("EbsOptimized"),
                    },
                )


def _metadata(options: Any) -> dict[str, bool | None]:
    """IMDSv2 is required when session tokens are; an instance with the
    endpoint off has no metadata service to abuse. Missing options: unknown."""
    if not isinstance(options, dict):
        return {"imdsv2_required": None, "metadata_endpoint_enabled": None}
    tokens, endpoint = options.get("HttpTokens"), options.get("HttpEndpoint")
    return {
        "imdsv2_required": None if tokens is None else tokens == "required",
        "metadata_endpoint_enabled": None if endpoint is None else endpoint != "disabled",
    }


SERVICE = AwsService(name="ec2", kinds=(INSTANCE,), regional=True, collect=collect)
