"""AWS facts in the provider-neutral shapes (collectors/normalized.py), so the
cross-cloud rules decide S3 like GCS and Blob, RDS like Cloud SQL and Azure
SQL, security groups like firewall rules and NSGs. Pure: the S3, RDS and VPC
services call these on the data they just built, and the Pulumi pack calls
them on the same shapes built from resource properties.

    object_storage("arn:aws:s3:::scans", {"encryption": {"enabled": True, ...}, ...},
                   account_block={"restrict_public_buckets": True, ...})
    -> ObjectStorage(resource_id="arn:aws:s3:::scans", provider="aws", service="s3",
                     public=False, encrypted_at_rest=True, access_logged=False, ...)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from hipaa_cac.collectors.normalized import Database, NetworkRule, ObjectStorage

BUCKET_KIND = "aws.s3.bucket"
INSTANCE_KIND = "aws.rds.instance"
GROUP_KIND = "aws.ec2.security_group"
# KMS keys AWS manages for a service: encrypted, but not with a key the customer controls.
_AWS_MANAGED_ALIAS = "alias/aws/"


def object_storage(
    subject: str, bucket: Mapping[str, Any], account_block: Mapping[str, Any] | None
) -> ObjectStorage:
    """`account_block`: the account's Block Public Access flags; None when unknown."""
    via, unknown = [], False
    for cause, grant, blocker in (
        ("bucket policy", "policy", "restrict_public_buckets"),
        ("bucket ACL", "acl", "ignore_public_acls"),
    ):
        if _blocked(bucket, account_block, blocker):
            continue  # Block Public Access neutralises this way in, whatever it grants
        granted = (bucket.get(grant) or {}).get("is_public")
        if granted is True:
            via.append(cause)
        elif granted is not False:
            unknown = True
    public = True if via else (None if unknown else False)
    encryption = bucket.get("encryption")
    encrypted = None if encryption is None else encryption.get("enabled") is True
    logging = bucket.get("logging")
    logged = None if logging is None else logging.get("enabled") is True
    return ObjectStorage(
        resource_id=subject,
        provider="aws",
        service="s3",
        account=str(bucket.get("account_id") or ""),
        location=bucket.get("region"),
        source_kind=BUCKET_KIND,
        public=public,
        public_via=tuple(via),
        encrypted_at_rest=encrypted,
        encryption=_s3_encryption(encryption),
        kms_key=(encryption or {}).get("kms_key_id"),
        access_logged=logged,
        access_logged_via=("server access logs",) if logged else (),
    )


def _blocked(bucket: Mapping[str, Any], account_block: Mapping[str, Any] | None, flag: str) -> bool:
    blocks = (bucket.get("public_access_block"), account_block)
    return any((block or {}).get(flag) is True for block in blocks)


def _s3_encryption(encryption: Mapping[str, Any] | None) -> str | None:
    if encryption is None:
        return None
    if encryption.get("enabled") is not True:
        return "none"
    key = encryption.get("kms_key_id")
    kms = str(encryption.get("algorithm") or "").startswith("aws:kms")
    if kms and key and _AWS_MANAGED_ALIAS not in key:
        return "customer_managed"
    return "provider_managed"


def database(subject: str, account: str, db: Mapping[str, Any]) -> Database:
    """An RDS DB instance."""
    encrypted = db.get("storage_encrypted")
    retention = db.get("backup_retention_period")
    public = db.get("publicly_accessible")
    return Database(
        resource_id=subject,
        provider="aws",
        service="rds",
        account=account,
        location=db.get("region"),
        source_kind=INSTANCE_KIND,
        engine=db.get("engine"),
        encrypted_at_rest=encrypted if isinstance(encrypted, bool) else None,
        # Whether the key is AWS-managed needs a KMS call per key: not told here.
        encryption="none" if encrypted is False else None,
        kms_key=db.get("kms_key_id"),
        tls_required=db.get("tls_enforced"),
        min_tls_version=None,
        publicly_accessible=public if isinstance(public, bool) else None,
        public_via=("publicly accessible endpoint",) if public is True else (),
        backups_enabled=retention > 0 if isinstance(retention, int) else None,
    )


def network_rules(subject: str, account: str, group: Mapping[str, Any]) -> list[NetworkRule]:
    """One item per protocol of a security group's internet-open ingress
    (`<group arn>#<protocol>` when it opens several protocols)."""
    by_protocol: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for rule in group.get("open_ingress") or []:
        by_protocol[_protocol(rule.get("protocol"))].append(rule)
    several = len(by_protocol) > 1
    return [
        NetworkRule(
            resource_id=f"{subject}#{protocol}" if several else subject,
            provider="aws",
            service="security_group",
            account=account,
            location=group.get("region"),
            source_kind=GROUP_KIND,
            protocol=protocol,
            ports=tuple(sorted({_ports(rule, protocol) for rule in rules})),
            sources=tuple(sorted({str(rule.get("source")) for rule in rules})),
            applies_to=group.get("vpc_id"),
        )
        for protocol, rules in sorted(by_protocol.items())
    ]


def _protocol(value: Any) -> str:
    if value is None:
        return "all"  # not shown: every port (fail closed)
    text = str(value).lower()
    return {"-1": "all", "6": "tcp", "17": "udp", "1": "icmp"}.get(text, text)


def _ports(rule: Mapping[str, Any], protocol: str) -> tuple[int, int]:
    low, high = rule.get("from_port"), rule.get("to_port")
    if protocol == "all" or not isinstance(low, int) or not isinstance(high, int) or low < 0:
        return (0, 65535)
    return (low, high)
