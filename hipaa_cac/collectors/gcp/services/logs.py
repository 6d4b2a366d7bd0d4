"""Cloud Audit Logs and Cloud Logging: which audit logs are on, where logs are
routed, and how long log buckets keep them.

    gcp.logging.audit_config  //cloudresourcemanager.googleapis.com/projects/acme-prod
        {"project_id": "acme-prod",
         "services": {"allServices": ["ADMIN_READ"],
                      "storage.googleapis.com": ["DATA_READ", "DATA_WRITE"]},
         "exempted_members": 0}
    gcp.logging.sink  //logging.googleapis.com/projects/acme-prod/sinks/to-archive
        {"name": "to-archive", "project_id": "acme-prod",
         "destination": "storage.googleapis.com/acme-log-archive",
         "destination_type": "storage", "filter_present": true, "disabled": false,
         "include_children": false, "exclusions": 0}
    gcp.logging.bucket
      //logging.googleapis.com/projects/acme-prod/locations/global/buckets/_Default
        {"bucket_id": "_Default", "project_id": "acme-prod", "location": "global",
         "retention_days": 30, "locked": false, "lifecycle_state": "ACTIVE"}

Audit configs come from the project's IAM policy: only the project's own
(organization and folder configs are inherited but not shown there). Admin
Activity logs are always on and are not listed. Exempted members are counted,
never named.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hipaa_cac.collectors.base import Gap, Observation, Record
from hipaa_cac.collectors.gcp.project import PROJECTS, Project, Reader
from hipaa_cac.collectors.gcp.services import GcpService

AUDIT = "gcp.logging.audit_config"
SINK = "gcp.logging.sink"
LOG_BUCKET = "gcp.logging.bucket"
LOGGING = "//logging.googleapis.com/"
DESTINATIONS = {
    "storage.googleapis.com": "storage",
    "bigquery.googleapis.com": "bigquery",
    "pubsub.googleapis.com": "pubsub",
    "logging.googleapis.com": "logging",
}


def audit_types(policy: dict[str, Any]) -> dict[str, list[str]]:
    """auditConfigs as service -> sorted log types that are on."""
    found: dict[str, set[str]] = {}
    for config in policy.get("auditConfigs") or []:
        types = found.setdefault(str(config.get("service")), set())
        types.update(
            str(c["logType"]) for c in config.get("auditLogConfigs") or [] if c.get("logType")
        )
    return {service: sorted(types) for service, types in sorted(found.items())}


def collect(project: Project) -> Iterator[Record]:
    yield from _audit(project)
    yield from _sinks(project)
    yield from _buckets(project)


def _audit(project: Project) -> Iterator[Record]:
    policy, error = project.iam_policy()
    if policy is None:
        yield Gap(AUDIT, error or f"no IAM policy for {project.where}")
        return
    exempted = sum(
        len(c.get("exemptedMembers") or [])
        for config in policy.get("auditConfigs") or []
        for c in config.get("auditLogConfigs") or []
    )
    data = {
        "project_id": project.project_id,
        "services": audit_types(policy),
        "exempted_members": exempted,
    }
    yield Observation(AUDIT, f"{PROJECTS}{project.project_id}", data)


def _sinks(project: Project) -> Iterator[Record]:
    read = Reader(project, (SINK,))
    parent = f"projects/{project.project_id}"
    sinks = read.pages("logging", "projects.sinks.list", "sinks", {"parent": parent}) or []
    yield from read.gaps()
    for sink in sinks:
        destination = sink.get("destination")
        host = str(destination or "").split("/", 1)[0]
        data = {
            "name": sink.get("name"),
            "project_id": project.project_id,
            "destination": destination,
            "destination_type": DESTINATIONS.get(host, "other") if destination else None,
            "filter_present": bool(sink.get("filter")),
            "disabled": sink.get("disabled") is True,
            "include_children": sink.get("includeChildren") is True,
            "exclusions": len(sink.get("exclusions") or []),
        }
        yield Observation(SINK, f"{LOGGING}{parent}/sinks/{sink.get('name')}", data)


def _buckets(project: Project) -> Iterator[Record]:
    read = Reader(project, (LOG_BUCKET,))
    parent = f"projects/{project.project_id}/locations/-"  # every location at once
    buckets = read.pages(
        "logging", "projects.locations.buckets.list", "buckets", {"parent": parent}
    )
    yield from read.gaps()
    for bucket in buckets or []:
        name = str(bucket.get("name"))  # projects/p/locations/global/buckets/_Default
        parts = name.split("/")
        data = {
            "bucket_id": parts[-1],
            "project_id": project.project_id,
            "location": parts[3] if len(parts) == 6 else None,
            "retention_days": bucket.get("retentionDays"),
            "locked": bucket.get("locked") is True,
            "lifecycle_state": bucket.get("lifecycleState"),
        }
        yield Observation(LOG_BUCKET, f"{LOGGING}{name}", data)


SERVICE = GcpService(name="logging", kinds=(AUDIT, SINK, LOG_BUCKET), collect=collect)
