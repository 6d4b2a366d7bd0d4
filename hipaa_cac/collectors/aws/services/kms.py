"""KMS customer-managed keys, per region, and whether their key material
rotates automatically.

    aws.kms.key  key ARN

AWS-managed keys (`aws/s3`, ...) are left out: AWS rotates them and nobody
can change that. Rotation is read only where AWS supports automatic
rotation (symmetric ENCRYPT_DECRYPT keys with KMS-generated material);
for any other key `rotation_enabled` is null.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hipaa_cac.collectors.aws.services import AwsService
from hipaa_cac.collectors.aws.services._records import Gaps
from hipaa_cac.collectors.aws.target import AwsTarget
from hipaa_cac.collectors.base import Observation, Record

KEY = "aws.kms.key"
# GetKeyRotationStatus answers an error for a key pending deletion.
NO_ROTATION_STATES = {"PendingDeletion", "PendingReplicaDeletion"}


def collect(target: AwsTarget, region: str) -> Iterator[Record]:
    kms = target.client("kms", region)
    gaps = Gaps(KEY, "kms", f"{target.account_id}/{region}")
    for page in kms.get_paginator("list_keys").paginate():
        for listed in page.get("Keys", []):
            key_id = listed["KeyId"]
            meta = _describe(kms, key_id, gaps)
            if meta is None or meta.get("KeyManager") != "CUSTOMER":
                continue
            yield Observation(
                KEY,
                meta.get("Arn") or listed.get("KeyArn"),
                {
                    "key_id": key_id,
                    "region": region,
                    "state": meta.get("KeyState"),
                    "rotation_enabled": _rotation(kms, meta, gaps),
                    "key_spec": meta.get("KeySpec"),
                    "key_usage": meta.get("KeyUsage"),
                    "origin": meta.get("Origin"),
                    "manager": meta.get("KeyManager"),
                },
            )
    yield from gaps.records()


def _describe(kms: Any, key_id: str, gaps: Gaps) -> dict[str, Any] | None:
    answer = gaps.attempt(lambda: kms.describe_key(KeyId=key_id))
    return None if answer is None else dict(answer["KeyMetadata"])


def _rotation(kms: Any, meta: dict[str, Any], gaps: Gaps) -> bool | None:
    # SYMMETRIC_DEFAULT keys are always ENCRYPT_DECRYPT (HMAC keys have their
    # own specs), so the spec alone decides; imported material cannot rotate.
    rotatable = (
        meta.get("KeySpec") == "SYMMETRIC_DEFAULT"
        and meta.get("Origin") == "AWS_KMS"
        and meta.get("KeyState") not in NO_ROTATION_STATES
    )
    if not rotatable:
        return None
    key_id = meta["KeyId"]
    answer = gaps.attempt(lambda: kms.get_key_rotation_status(KeyId=key_id))
    return None if answer is None else bool(answer.get("KeyRotationEnabled"))


SERVICE = AwsService(name="kms", kinds=(KEY,), regional=True, collect=collect)
