"""EBS: the account's default encryption per region, volumes, own snapshots.

    aws.ec2.ebs_encryption_default  arn:aws:ec2:<region>:<account>:ebs-encryption-by-default
    aws.ec2.volume                  arn:aws:ec2:<region>:<account>:volume/<id>
    aws.ec2.snapshot                arn:aws:ec2:<region>::snapshot/<id>  (AWS's own form)

Each kind is read in its own section, so a denied DescribeSnapshots does not
hide the volumes.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from hipaa_cac.collectors.aws.services import AwsService
from hipaa_cac.collectors.aws.services._records import Gaps, section
from hipaa_cac.collectors.aws.target import AwsTarget
from hipaa_cac.collectors.base import Observation, Record

DEFAULT = "aws.ec2.ebs_encryption_default"
VOLUME = "aws.ec2.volume"
SNAPSHOT = "aws.ec2.snapshot"


def collect(target: AwsTarget, region: str) -> Iterator[Record]:
    ec2 = target.client("ec2", region)
    where = f"{target.account_id}/{region}"
    yield from section(DEFAULT, "ec2", where, _default(target, ec2, region, where))
    yield from section(VOLUME, "ec2", where, _volumes(target, ec2, region))
    yield from section(SNAPSHOT, "ec2", where, _snapshots(target, ec2, region, where))


def _default(target: AwsTarget, ec2: Any, region: str, where: str) -> Iterator[Record]:
    gaps = Gaps(DEFAULT, "ec2", where)
    enabled = ec2.get_ebs_encryption_by_default()["EbsEncryptionByDefault"]
    key = None
    # The default key only matters while default encryption is on; asking
    # only then also spares a call per region in accounts that leave it off.
    if enabled:
        try:
            key = ec2.get_ebs_default_kms_key_id()["KmsKeyId"]
        except Exception as exc:  # any failure (moto answers a 500 page) costs the key only
            gaps.add(exc)
    yield Observation(
        DEFAULT,
        target.arn("ec2", region, "ebs-encryption-by-default"),
        {"region": region, "enabled": enabled, "kms_key_id": key},
    )
    yield from gaps.records()


def _volumes(target: AwsTarget, ec2: Any, region: str) -> Iterator[Record]:
    for page in ec2.get_paginator("describe_volumes").paginate():
        for volume in page["Volumes"]:
            volume_id = volume["VolumeId"]
            yield Observation(
                VOLUME,
                target.arn("ec2", region, f"volume/{volume_id}"),
                {
                    "volume_id": volume_id,
                    "region": region,
                    "encrypted": volume.get("Encrypted"),
                    "kms_key_id": volume.get("KmsKeyId"),
                    "attached_instances": sorted(
                        a["InstanceId"] for a in volume.get("Attachments", []) if "InstanceId" in a
                    ),
                },
            )


def _snapshots(target: AwsTarget, ec2: Any, region: str, where: str) -> Iterator[Record]:
    gaps = Gaps(SNAPSHOT, "ec2", where)
    for page in ec2.get_paginator("describe_snapshots").paginate(OwnerIds=["self"]):
        for snapshot in page["Snapshots"]:
            # Some endpoints (moto among them) ignore OwnerIds and list public
            # AMI snapshots of other owners: those are not this account's.
            if snapshot.get("OwnerId") != target.account_id:
                continue
            snapshot_id = snapshot["SnapshotId"]
            public = gaps.attempt(partial(_is_public, ec2, snapshot_id))
            yield Observation(
                SNAPSHOT,
                f"arn:{target.partition}:ec2:{region}::snapshot/{snapshot_id}",
                {
                    "snapshot_id": snapshot_id,
                    "region": region,
                    "encrypted": snapshot.get("Encrypted"),
                    "kms_key_id": snapshot.get("KmsKeyId"),
                    "public": public,
                },
            )
    yield from gaps.records()  # one per distinct cause, not one per snapshot


def _is_public(ec2: Any, snapshot_id: str) -> bool:
    """Anyone may create a volume from it: the `all` group has permission."""
    answer = ec2.describe_snapshot_attribute(
        SnapshotId=snapshot_id, Attribute="createVolumePermission"
    )
    return any(p.get("Group") == "all" for p in answer.get("CreateVolumePermissions", []))


SERVICE = AwsService(
    name="ebs",
    kinds=(DEFAULT, VOLUME, SNAPSHOT),
    regional=True,
    collect=collect,
)
