"""Cloud SQL: each instance's network exposure, TLS, backups and key.

    gcp.sql.instance  //cloudsql.googleapis.com/projects/acme-prod/instances/ehr-db
        {"name": "ehr-db", "project_id": "acme-prod", "region": "us-east1",
         "database_version": "POSTGRES_15", "ipv4_enabled": true,
         "private_network": null, "require_ssl": false,
         "ssl_mode": "ALLOW_UNENCRYPTED_AND_ENCRYPTED",
         "authorized_networks": ["0.0.0.0/0"], "open_to_internet": true,
         "backup_enabled": false, "point_in_time_recovery": false,
         "kms_key_name": null, "deletion_protection": false}
    cloud.database  (the same instance, normalized.Database)

Authorized networks are recorded as CIDRs only (their labels are free text).
Cloud SQL always encrypts storage; a disk KMS key makes it customer-managed.
`tls_required` in the neutral item follows sslMode (the newer setting) and
falls back to requireSsl; null when the answer holds neither.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hipaa_cac.collectors.base import Observation, Record
from hipaa_cac.collectors.gcp.project import Project, Reader
from hipaa_cac.collectors.gcp.services import GcpService
from hipaa_cac.collectors.normalized import DATABASE, Database

INSTANCE = "gcp.sql.instance"
KINDS = (INSTANCE, DATABASE)
INTERNET = frozenset({"0.0.0.0/0", "::/0"})
TLS_MODES = {
    "ALLOW_UNENCRYPTED_AND_ENCRYPTED": False,
    "ENCRYPTED_ONLY": True,
    "TRUSTED_CLIENT_CERTIFICATE_REQUIRED": True,
}
ENGINES = {"POSTGRES": "postgres", "MYSQL": "mysql", "SQLSERVER": "sqlserver"}


def collect(project: Project) -> Iterator[Record]:
    read = Reader(project, KINDS)
    instances = read.pages("sqladmin", "instances.list", "items", {"project": project.project_id})
    yield from read.gaps()
    for instance in instances or []:
        yield from _instance(project, instance)


def _instance(project: Project, instance: dict[str, Any]) -> Iterator[Record]:
    settings = instance.get("settings") or {}
    ip = settings.get("ipConfiguration") or {}
    backup = settings.get("backupConfiguration") or {}
    networks = sorted({str(n["value"]) for n in ip.get("authorizedNetworks") or [] if "value" in n})
    kms_key = (instance.get("diskEncryptionConfiguration") or {}).get("kmsKeyName")
    name = str(instance["name"])
    data = {
        "name": name,
        "project_id": project.project_id,
        "region": instance.get("region"),
        "database_version": instance.get("databaseVersion"),
        "ipv4_enabled": ip.get("ipv4Enabled"),
        "private_network": ip.get("privateNetwork"),
        "require_ssl": ip.get("requireSsl"),
        "ssl_mode": ip.get("sslMode"),
        "authorized_networks": networks,
        "open_to_internet": bool(INTERNET & set(networks)),
        "backup_enabled": backup.get("enabled"),
        "point_in_time_recovery": backup.get("pointInTimeRecoveryEnabled"),
        "kms_key_name": kms_key,
        "deletion_protection": settings.get("deletionProtectionEnabled"),
    }
    subject = f"//cloudsql.googleapis.com/projects/{project.project_id}/instances/{name}"
    yield Observation(INSTANCE, subject, data)
    public_via = []
    if data["ipv4_enabled"] is True:
        public_via.append("public IP")
        public_via.extend(f"authorized network {n}" for n in networks if n in INTERNET)
    version = str(data["database_version"] or "")
    region = instance.get("region")
    yield Database(
        resource_id=subject,
        provider="gcp",
        service="cloudsql",
        account=project.project_id,
        location=region if isinstance(region, str) else None,
        source_kind=INSTANCE,
        engine=ENGINES.get(version.split("_", 1)[0]) if version else None,
        encrypted_at_rest=True,
        encryption="customer_managed" if kms_key else "provider_managed",
        kms_key=kms_key,
        tls_required=_tls(data["ssl_mode"], data["require_ssl"]),
        min_tls_version=None,  # Cloud SQL's API does not say
        publicly_accessible=data["ipv4_enabled"]
        if isinstance(data["ipv4_enabled"], bool)
        else None,
        public_via=tuple(public_via),
        backups_enabled=data["backup_enabled"]
        if isinstance(data["backup_enabled"], bool)
        else None,
    ).observation()


def _tls(ssl_mode: object, require_ssl: object) -> bool | None:
    if isinstance(ssl_mode, str) and ssl_mode in TLS_MODES:
        return TLS_MODES[ssl_mode]
    return require_ssl if isinstance(require_ssl, bool) else None


SERVICE = GcpService(name="sql", kinds=KINDS, collect=collect)
