"""S3 buckets of a stack, each joined with the resources that configure it.

pulumi-aws v6 configures a bucket inline (`aws:s3/bucket:Bucket` with
`serverSideEncryptionConfiguration.rule`, `versioning.enabled`, `loggings`,
`acl`, `policy`; `aws:s3/bucketV2:BucketV2` with the plural lists); v7's
`aws:s3/bucket:Bucket` is configured by separate resources naming it in their
`bucket` property. Either way one bucket becomes one item:

    {"kind": "aws.s3.bucket", "subject": <bucket urn>,
     "data": {"encryption": {"enabled": True, "algorithm": "aws:kms", "kms_key_id": "set"},
              "public_access_block": {"block_public_acls": True, ...},
              "policy": {"is_public": False, "denies_insecure_transport": True},
              "acl": {"is_public": False}, "versioning": "Enabled",
              "logging": {"enabled": True, "target_bucket": None}, ...}}

A setting resource finds its bucket by the `bucket` value (the bucket's name
or id). At preview that value is often unknown (the bucket's id is); then by
the engine's property dependencies of `bucket`, else by parent. One that
still cannot be placed leaves the matching aspect of every bucket without
it unknown (so "no encryption" becomes undecidable there, not a violation).
One naming a bucket outside the stack is ignored. Without any setting, an
aspect reads as AWS's answer for "none configured": no encryption rule, all
four Block Public Access flags off, no policy, a private ACL, versioning
Disabled, no logging.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from hipaa_cac.collectors.aws.services._s3_policy import PUBLIC_GRANTEES, summarize_policy
from hipaa_cac.pulumi.resources import Resource, item
from hipaa_cac.pulumi.values import Unknown, choice, flag, get, is_unknown, present

BUCKETS = frozenset({"aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"})
ASPECTS = {
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": (
        "encryption"
    ),
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": (
        "encryption"
    ),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": "public_access_block",
    "aws:s3/bucketVersioning:BucketVersioning": "versioning",
    "aws:s3/bucketVersioningV2:BucketVersioningV2": "versioning",
    "aws:s3/bucketLogging:BucketLogging": "logging",
    "aws:s3/bucketLoggingV2:BucketLoggingV2": "logging",
    "aws:s3/bucketPolicy:BucketPolicy": "policy",
    "aws:s3/bucketAcl:BucketAcl": "acl",
    "aws:s3/bucketAclV2:BucketAclV2": "acl",
}
FLAGS = {
    "blockPublicAcls": "block_public_acls",
    "ignorePublicAcls": "ignore_public_acls",
    "blockPublicPolicy": "block_public_policy",
    "restrictPublicBuckets": "restrict_public_buckets",
}
ALGORITHMS = {"aes256": "AES256", "aws:kms": "aws:kms", "aws:kms:dsse": "aws:kms:dsse"}
STATUSES = {"enabled": "Enabled", "suspended": "Suspended", "disabled": "Disabled"}
PUBLIC_CANNED = frozenset({"public-read", "public-read-write", "authenticated-read"})


def map_buckets(resources: list[Resource]) -> list[dict[str, Any]]:
    buckets = [r for r in resources if r.type in BUCKETS]
    urns = {b.urn for b in buckets}
    by_key: dict[str, str] = {}
    for bucket in buckets:
        for key in (get(bucket.props, "bucket"), get(bucket.props, "id")):
            if isinstance(key, str) and not is_unknown(key):
                by_key[key] = bucket.urn
    settings: dict[str, dict[str, Resource]] = defaultdict(dict)
    unplaced: dict[str, list[str]] = defaultdict(list)  # aspect -> names of settings
    for resource in resources:
        aspect = ASPECTS.get(resource.type)
        if aspect is None:
            continue
        target = _target(resource, by_key, urns)
        if target == "":
            unplaced[aspect].append(resource.name)
        elif target is not None:
            settings[target].setdefault(aspect, resource)
    return [_bucket(b, settings[b.urn], unplaced) for b in buckets]


def _target(setting: Resource, by_key: dict[str, str], urns: set[str]) -> str | None:
    """The bucket URN; "" when it cannot be told; None for a bucket outside the stack."""
    value = get(setting.props, "bucket")
    if isinstance(value, str) and not is_unknown(value):
        return by_key.get(value)
    candidates = sorted(set(setting.property_dependencies.get("bucket", [])) & urns)
    if len(candidates) == 1:
        return candidates[0]
    if setting.parent in urns:
        return setting.parent
    return ""


def _bucket(bucket: Resource, settings: dict[str, Resource], unplaced: dict[str, list[str]]) -> Any:
    def read(aspect: str, from_setting: Any, inline: Any, none: Any, compliant: Any) -> Any:
        if aspect in settings:
            return from_setting(settings[aspect].props)
        found = inline(bucket.props)
        if found is not None:
            return found
        if unplaced.get(aspect):
            # A setting resource the stack could not place may be this bucket's.
            return _unknown(compliant, f"bucket of {', '.join(sorted(unplaced[aspect]))}")
        return none

    data = {
        "name": None,
        "account_id": None,
        "region": None,
        "encryption": read(
            "encryption", _encryption_setting, _encryption_inline, NO_ENCRYPTION, ENCRYPTED
        ),
        "public_access_block": read("public_access_block", _block, lambda p: None, ALL_OFF, ALL_ON),
        "policy": read("policy", _policy, _policy_inline, NO_POLICY, GOOD_POLICY),
        "acl": read("acl", _acl_setting, _acl_inline, {"is_public": False}, {"is_public": False}),
        "versioning": read(
            "versioning", _versioning_setting, _versioning_inline, "Disabled", "Enabled"
        ),
        "logging": read("logging", _logging_setting, _logging_inline, NO_LOGGING, LOGGING),
    }
    return item("aws.s3.bucket", bucket, data)


NO_ENCRYPTION = {"enabled": False, "algorithm": None, "kms_key_id": None}
ENCRYPTED = {"enabled": True, "algorithm": "AES256", "kms_key_id": None}
ALL_OFF = dict.fromkeys(FLAGS.values(), False)
ALL_ON = dict.fromkeys(FLAGS.values(), True)
NO_POLICY = {"is_public": False, "denies_insecure_transport": False}
GOOD_POLICY = {"is_public": False, "denies_insecure_transport": True}
NO_LOGGING = {"enabled": False, "target_bucket": None}
LOGGING = {"enabled": True, "target_bucket": None}


def _unknown(compliant: Any, field: str) -> Any:
    """An aspect unknown as a whole: each of its fields unknown."""
    if isinstance(compliant, dict):
        return {k: Unknown(v, field) for k, v in compliant.items()}
    return Unknown(compliant, field)


def _encryption(default: Any, field: str) -> Any:
    if default is None:
        return None
    if is_unknown(default):
        return _unknown(ENCRYPTED, field)
    algorithm = get(default, "sseAlgorithm")
    chosen = choice(algorithm, "sseAlgorithm", ALGORITHMS, "AES256")
    return {
        "enabled": Unknown(True, "sseAlgorithm")
        if is_unknown(algorithm)
        else isinstance(algorithm, str) and algorithm != "",
        "algorithm": chosen,
        "kms_key_id": present(get(default, "kmsMasterKeyId"), "kmsMasterKeyId"),
    }


def _encryption_setting(props: dict[str, Any]) -> Any:
    rules = get(props, "rules")
    if is_unknown(rules):
        return _unknown(ENCRYPTED, "rules")
    found = _encryption(get(rules, 0, "applyServerSideEncryptionByDefault"), "rules")
    return found if found is not None else NO_ENCRYPTION


def _encryption_inline(props: dict[str, Any]) -> Any:
    v6 = get(props, "serverSideEncryptionConfiguration")
    if v6 is not None:
        if is_unknown(v6):
            return _unknown(ENCRYPTED, "serverSideEncryptionConfiguration")
        default = get(v6, "rule", "applyServerSideEncryptionByDefault")
        return _encryption(default, "serverSideEncryptionConfiguration") or NO_ENCRYPTION
    v2 = get(props, "serverSideEncryptionConfigurations")
    if is_unknown(v2):
        return _unknown(ENCRYPTED, "serverSideEncryptionConfigurations")
    default = get(v2, 0, "rules", 0, "applyServerSideEncryptionByDefaults", 0)
    return _encryption(default, "serverSideEncryptionConfigurations")


def _block(props: dict[str, Any]) -> Any:
    return {field: flag(get(props, key), key, False, True) for key, field in FLAGS.items()}


def _summary(document: Any, field: str) -> Any:
    if document is None or document == "":
        return None
    if is_unknown(document):
        return _unknown(GOOD_POLICY, field)
    text = document if isinstance(document, str) else json.dumps(document)
    return summarize_policy(text)


def _policy(props: dict[str, Any]) -> Any:
    return _summary(get(props, "policy"), "policy") or NO_POLICY


def _policy_inline(props: dict[str, Any]) -> Any:
    return _summary(get(props, "policy"), "policy")


def _acl(canned: Any, grants: Any, field: str) -> Any:
    if is_unknown(canned) or is_unknown(grants):
        return {"is_public": Unknown(False, field)}
    uris = [get(g, "uri") or get(g, "grantee", "uri") for g in grants or [] if isinstance(g, dict)]
    if any(is_unknown(u) for u in uris):
        return {"is_public": Unknown(False, field)}
    public = canned in PUBLIC_CANNED or any(u in PUBLIC_GRANTEES for u in uris)
    return {"is_public": public}


def _acl_setting(props: dict[str, Any]) -> Any:
    return _acl(get(props, "acl"), get(props, "accessControlPolicy", "grants"), "acl")


def _acl_inline(props: dict[str, Any]) -> Any:
    canned, grants = get(props, "acl"), get(props, "grants")
    if canned is None and grants is None:
        return None
    return _acl(canned, grants, "acl")


def _versioning_setting(props: dict[str, Any]) -> Any:
    status = get(props, "versioningConfiguration", "status")
    return choice(status, "versioningConfiguration", STATUSES, "Enabled") or "Disabled"


def _versioning_inline(props: dict[str, Any]) -> Any:
    enabled = get(props, "versioning", "enabled")
    if enabled is None:
        enabled = get(props, "versionings", 0, "enabled")
    if enabled is None:
        return None
    value = flag(enabled, "versioning", False, True)
    return value if isinstance(value, Unknown) else ("Enabled" if value else "Disabled")


def _logging(target: Any, field: str) -> Any:
    if is_unknown(target):
        return {"enabled": Unknown(True, field), "target_bucket": None}
    return {"enabled": present(target, field) == "set", "target_bucket": None}


def _logging_setting(props: dict[str, Any]) -> Any:
    return _logging(get(props, "targetBucket"), "targetBucket")


def _logging_inline(props: dict[str, Any]) -> Any:
    v7 = get(props, "logging")
    if v7 is not None:
        return _logging(v7 if is_unknown(v7) else get(v7, "targetBucket"), "logging")
    v6 = get(props, "loggings")
    if v6 is None or v6 == []:
        return None
    return _logging(v6 if is_unknown(v6) else get(v6, 0, "targetBucket"), "loggings")
