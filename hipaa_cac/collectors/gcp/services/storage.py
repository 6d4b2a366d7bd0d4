"""Cloud Storage: each bucket's exposure, encryption, logging and retention.

From `buckets.list` (every page, noAcl projection), each bucket's IAM policy
(`buckets.getIamPolicy`; bucket ACLs appear there as the legacy roles), the
project IAM policy's auditConfigs (Data Access logs for storage.googleapis.com
or allServices count as access logging) and the effective
`storage.publicAccessPrevention` organization policy (a bucket whose own
setting is "inherited" is protected when it is enforced).

    gcp.storage.bucket  //storage.googleapis.com/projects/_/buckets/scans
        {"name": "scans", "project_id": "acme-prod", "location": "US-EAST1",
         "public_members": [{"member": "allUsers", "role": "roles/storage.objectViewer"}],
         "public_access_prevention": "inherited", "org_public_access_prevention": false,
         "uniform_bucket_level_access": true,
         "encryption": {"type": "provider_managed", "default_kms_key": null},
         "logging": {"enabled": false, "log_bucket": null},
         "data_access_audit_logs": {"data_read": false, "data_write": false},
         "retention_policy": {"enabled": false, "period_seconds": null, "locked": false},
         "versioning": false}
    cloud.object_storage  (the same bucket, normalized.ObjectStorage)

GCS always encrypts at rest, so `encrypted_at_rest` is true; a default KMS key
makes it customer-managed. Object ACLs (possible when uniform bucket-level
access is off) are object data and are not read.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hipaa_cac.collectors.base import Observation, Record
from hipaa_cac.collectors.gcp.project import STORAGE, Project, Reader
from hipaa_cac.collectors.gcp.services import GcpService
from hipaa_cac.collectors.gcp.services.logs import audit_types
from hipaa_cac.collectors.gcp.services.orgpolicy import enforced
from hipaa_cac.collectors.normalized import OBJECT_STORAGE, ObjectStorage

BUCKET = "gcp.storage.bucket"
KINDS = (BUCKET, OBJECT_STORAGE)
PUBLIC_MEMBERS = frozenset({"allUsers", "allAuthenticatedUsers"})
PAP_CONSTRAINT = "storage.publicAccessPrevention"
STORAGE_API = "storage.googleapis.com"


def collect(project: Project) -> Iterator[Record]:
    read = Reader(project, KINDS)
    buckets = read.pages("storage", "buckets.list", "items", {"project": project.project_id})
    records: list[Record] = []
    if buckets:
        audit, audit_error = project.iam_policy()
        org, org_error = project.effective_policy(PAP_CONSTRAINT)
        for message in (audit_error, org_error):
            if message:
                read.add(message)
        logged = _data_access(audit)
        org_pap = None if org is None else enforced(org)
        for bucket in buckets:
            records.extend(_bucket(read, project, bucket, logged, org_pap))
    yield from read.gaps()
    yield from records


def _bucket(
    read: Reader,
    project: Project,
    bucket: dict[str, Any],
    logged: dict[str, bool] | None,
    org_pap: bool | None,
) -> Iterator[Record]:
    name = str(bucket["name"])
    where = f"bucket {name} in {project.where}"
    policy = read.call(
        "storage",
        "buckets.getIamPolicy",
        {"bucket": name, "optionsRequestedPolicyVersion": 3},
        where,
    )
    members = None if policy is None else _public_members(policy)
    iam_config = bucket.get("iamConfiguration") or {}
    pap = iam_config.get("publicAccessPrevention")
    kms_key = (bucket.get("encryption") or {}).get("defaultKmsKeyName")
    log_bucket = (bucket.get("logging") or {}).get("logBucket")
    retention = bucket.get("retentionPolicy")
    data = {
        "name": name,
        "project_id": project.project_id,
        "location": bucket.get("location"),
        "public_members": members,
        "public_access_prevention": pap,
        "org_public_access_prevention": org_pap,
        "uniform_bucket_level_access": (iam_config.get("uniformBucketLevelAccess") or {}).get(
            "enabled"
        )
        is True,
        "encryption": {
            "type": "customer_managed" if kms_key else "provider_managed",
            "default_kms_key": kms_key,
        },
        "logging": {"enabled": bool(log_bucket), "log_bucket": log_bucket},
        "data_access_audit_logs": logged,
        "retention_policy": {
            "enabled": retention is not None,
            "period_seconds": None if retention is None else _int(retention.get("retentionPeriod")),
            "locked": retention is not None and retention.get("isLocked") is True,
        },
        "versioning": (bucket.get("versioning") or {}).get("enabled") is True,
    }
    subject = f"{STORAGE}projects/_/buckets/{name}"
    yield Observation(BUCKET, subject, data)
    yield _neutral(subject, project, data, members, pap, org_pap)


def _neutral(
    subject: str,
    project: Project,
    data: dict[str, Any],
    members: list[dict[str, str]] | None,
    pap: object,
    org_pap: bool | None,
) -> Observation:
    blocked = pap == "enforced" or org_pap is True
    public: bool | None
    if members is None:
        public = None
    elif not members or blocked:
        public = False
    else:
        public = None if org_pap is None else True
    via = (
        ()
        if blocked or not members
        else tuple(f"iam: {m['member']} has {m['role']}" for m in members)
    )
    logged_via = []
    if data["logging"]["enabled"]:
        logged_via.append("usage logs")
    audit = data["data_access_audit_logs"]
    if audit is not None and audit["data_read"] and audit["data_write"]:
        logged_via.append("data access audit logs")
    location = data["location"]
    return ObjectStorage(
        resource_id=subject,
        provider="gcp",
        service="gcs",
        account=project.project_id,
        location=location.lower() if isinstance(location, str) else None,
        source_kind=BUCKET,
        public=public,
        public_via=via,
        encrypted_at_rest=True,
        encryption=data["encryption"]["type"],
        kms_key=data["encryption"]["default_kms_key"],
        access_logged=True if logged_via else (None if audit is None else False),
        access_logged_via=tuple(logged_via),
    ).observation()


def _public_members(policy: dict[str, Any]) -> list[dict[str, str]]:
    found = {
        (member, str(binding.get("role")))
        for binding in policy.get("bindings") or []
        for member in binding.get("members") or []
        if member in PUBLIC_MEMBERS
    }
    return [{"member": m, "role": r} for m, r in sorted(found)]


def _data_access(policy: dict[str, Any] | None) -> dict[str, bool] | None:
    if policy is None:
        return None
    types = audit_types(policy)
    on = set(types.get(STORAGE_API, ())) | set(types.get("allServices", ()))
    return {"data_read": "DATA_READ" in on, "data_write": "DATA_WRITE" in on}


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


SERVICE = GcpService(name="storage", kinds=KINDS, collect=collect)
