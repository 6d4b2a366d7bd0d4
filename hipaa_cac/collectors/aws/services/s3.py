"""S3: each bucket's protection settings, and the account's Block Public Access.

Buckets are listed once per account (a global task) and each bucket is read
through a client in its own region. "There is none" answers
(NoSuchBucketPolicy, NoSuchPublicAccessBlockConfiguration,
ServerSideEncryptionConfigurationNotFoundError) are facts: no policy, all
four flags off, no default encryption. A call that fails leaves its field
null and adds a Gap naming the bucket and the IAM action.

The account-level setting has no ARN of its own; its subject is
`arn:<partition>:s3::<account>:account` (bucket ARNs never carry an account,
so it cannot name a bucket or an object).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from hipaa_cac.collectors.aws.neutral import object_storage
from hipaa_cac.collectors.aws.services import AwsService
from hipaa_cac.collectors.aws.services._records import Gaps
from hipaa_cac.collectors.aws.services._s3_policy import acl_is_public, summarize_policy
from hipaa_cac.collectors.aws.target import HOME_REGION, AwsTarget
from hipaa_cac.collectors.base import Gap, Observation, Record
from hipaa_cac.collectors.normalized import OBJECT_STORAGE

BUCKET = "aws.s3.bucket"
ACCOUNT_BLOCK = "aws.s3.account_public_access_block"
NO_BLOCK = "NoSuchPublicAccessBlockConfiguration"
NO_ENCRYPTION = "ServerSideEncryptionConfigurationNotFoundError"
FLAGS = {
    "BlockPublicAcls": "block_public_acls",
    "IgnorePublicAcls": "ignore_public_acls",
    "BlockPublicPolicy": "block_public_policy",
    "RestrictPublicBuckets": "restrict_public_buckets",
}
# Buckets are independent; a few in flight keep large accounts quick.
WORKERS = 8


def collect(target: AwsTarget, region: str) -> Iterator[Record]:
    account = list(_account_block(target))
    yield from account
    # The account-wide setting decides, with each bucket's own, whether a grant takes effect.
    block = next(
        (r.data["public_access_block"] for r in account if isinstance(r, Observation)), None
    )
    reader = Gaps(BUCKET, "s3", target.account_id)
    s3 = target.client("s3")
    listed = reader(lambda: {"Names": _bucket_names(s3)})
    yield from reader.gaps
    if listed is None:
        return
    clients = _Clients(target)
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        # map keeps the listing order, so evidence order does not depend on timing.
        buckets = pool.map(lambda name: _bucket(target, clients, name, block), listed["Names"])
        for records in buckets:
            yield from records


def _bucket_names(s3: Any) -> list[str]:
    return [
        b["Name"] for page in s3.get_paginator("list_buckets").paginate() for b in page["Buckets"]
    ]


def _account_block(target: AwsTarget) -> Iterator[Record]:
    reader = Gaps(ACCOUNT_BLOCK, "s3control", target.account_id)
    s3control = target.client("s3control")
    answer = reader(
        lambda: s3control.get_public_access_block(AccountId=target.account_id), absent={NO_BLOCK}
    )
    yield from reader.gaps
    if answer is not None:
        yield Observation(
            ACCOUNT_BLOCK,
            f"arn:{target.partition}:s3::{target.account_id}:account",
            {"account_id": target.account_id, "public_access_block": _flags(answer)},
        )


class _Clients:
    """One S3 client per region, made once and shared by the bucket threads
    (clients are thread-safe; making one is slow)."""

    def __init__(self, target: AwsTarget) -> None:
        self._target = target
        self._lock = threading.Lock()
        self._made: dict[str, Any] = {}

    def __call__(self, region: str) -> Any:
        with self._lock:
            if region not in self._made:
                self._made[region] = self._target.client("s3", region)
            return self._made[region]


def _bucket(
    target: AwsTarget, clients: _Clients, name: str, account_block: dict[str, bool] | None
) -> list[Record]:
    read = Gaps(BUCKET, "s3", f"{target.account_id} bucket {name}")
    s3 = clients(HOME_REGION)
    location = read(lambda: s3.get_bucket_location(Bucket=name), absent={"NoSuchBucket"})
    if location == {}:  # deleted since it was listed: nothing left to describe
        return []
    region = _region(location)
    # Unknown region: the home client still works, botocore follows S3's redirects.
    s3 = clients(region or HOME_REGION)
    encryption = read(lambda: s3.get_bucket_encryption(Bucket=name), absent={NO_ENCRYPTION})
    block = read(lambda: s3.get_public_access_block(Bucket=name), absent={NO_BLOCK})
    acl = read(lambda: s3.get_bucket_acl(Bucket=name))
    versioning = read(lambda: s3.get_bucket_versioning(Bucket=name))
    logging = read(lambda: s3.get_bucket_logging(Bucket=name))
    data = {
        "name": name,
        "account_id": target.account_id,
        "region": region,
        "encryption": _encryption(encryption),
        "public_access_block": None if block is None else _flags(block),
        "policy": _policy(read, s3, name),
        "acl": None if acl is None else {"is_public": acl_is_public(acl.get("Grants", []))},
        "versioning": None if versioning is None else versioning.get("Status", "Disabled"),
        "logging": _logging(logging),
    }
    subject = f"arn:{target.partition}:s3:::{name}"
    neutral = object_storage(subject, data, account_block)
    # What could not be read is unknown in the neutral item too.
    gaps = [*read.gaps, *(Gap(OBJECT_STORAGE, gap.error) for gap in read.gaps)]
    return [*gaps, Observation(BUCKET, subject, data), neutral.observation()]


def _region(location: dict[str, Any] | None) -> str | None:
    if location is None:
        return None
    # Legacy answers: no constraint is us-east-1, "EU" is eu-west-1.
    constraint = location.get("LocationConstraint") or HOME_REGION
    return "eu-west-1" if constraint == "EU" else str(constraint)


def _flags(answer: dict[str, Any]) -> dict[str, bool]:
    config = answer.get("PublicAccessBlockConfiguration", {})
    return {field: config.get(key) is True for key, field in FLAGS.items()}


def _encryption(answer: dict[str, Any] | None) -> dict[str, Any] | None:
    if answer is None:
        return None
    rules = answer.get("ServerSideEncryptionConfiguration", {}).get("Rules", [])
    default = rules[0].get("ApplyServerSideEncryptionByDefault", {}) if rules else {}
    algorithm = default.get("SSEAlgorithm")
    return {
        "enabled": algorithm is not None,
        "algorithm": algorithm,
        "kms_key_id": default.get("KMSMasterKeyID"),
    }


def _policy(read: Gaps, s3: Any, name: str) -> dict[str, Any] | None:
    answer = read(lambda: s3.get_bucket_policy(Bucket=name), absent={"NoSuchBucketPolicy"})
    if answer is None:
        return None
    if "Policy" not in answer:
        return {"is_public": False, "denies_insecure_transport": False}
    summary = summarize_policy(answer["Policy"])
    # AWS's own verdict catches conditions the summary does not know; the
    # bucket is public if either says so.
    status = read(lambda: s3.get_bucket_policy_status(Bucket=name))
    if status is None:
        summary["is_public"] = None
    elif status.get("PolicyStatus", {}).get("IsPublic") is True:
        summary["is_public"] = True
    return summary


def _logging(answer: dict[str, Any] | None) -> dict[str, Any] | None:
    if answer is None:
        return None
    target_bucket = answer.get("LoggingEnabled", {}).get("TargetBucket")
    return {"enabled": target_bucket is not None, "target_bucket": target_bucket}


SERVICE = AwsService(
    name="s3", kinds=(BUCKET, ACCOUNT_BLOCK, OBJECT_STORAGE), regional=False, collect=collect
)
