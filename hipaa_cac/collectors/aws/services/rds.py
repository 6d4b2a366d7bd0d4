"""RDS: DB instances and DB clusters (Aurora, Multi-AZ DB clusters, DocumentDB).

Whether a database refuses unencrypted connections is a parameter of its
parameter group, named per engine (ENGINE_TLS). A DB instance that belongs to
a cluster takes it from the cluster's parameter group, where AWS keeps it.
`tls_enforced` is null when it cannot be told: an engine without such a
parameter (Oracle, Db2 use option groups), a group that does not list it, or
a group that could not be read (then a Gap says why).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hipaa_cac.collectors.aws.neutral import database
from hipaa_cac.collectors.aws.services import AwsService
from hipaa_cac.collectors.aws.services._records import Gaps
from hipaa_cac.collectors.aws.target import AwsTarget
from hipaa_cac.collectors.base import Gap, Observation, Record
from hipaa_cac.collectors.normalized import DATABASE

INSTANCE = "aws.rds.instance"
CLUSTER = "aws.rds.cluster"

# Engine name prefix → (parameter, values that mean "TLS required", engine
# default when the group lists the parameter without a value).
ENGINE_TLS: dict[str, tuple[str, frozenset[str], bool | None]] = {
    "aurora-postgresql": ("rds.force_ssl", frozenset({"1"}), None),
    "postgres": ("rds.force_ssl", frozenset({"1"}), None),
    "sqlserver": ("rds.force_ssl", frozenset({"1"}), False),
    "aurora-mysql": ("require_secure_transport", frozenset({"1", "on"}), False),
    "aurora": ("require_secure_transport", frozenset({"1", "on"}), False),
    "mysql": ("require_secure_transport", frozenset({"1", "on"}), False),
    "mariadb": ("require_secure_transport", frozenset({"1", "on"}), False),
    "docdb": ("tls", frozenset({"enabled", "fips-140-3", "tls1.2+", "tls1.3+"}), None),
}


def collect(target: AwsTarget, region: str) -> Iterator[Record]:
    rds = target.client("rds", region)
    where = f"{target.account_id}/{region}"
    groups = _Groups(rds)
    listing = Gaps(CLUSTER, "rds", where)
    clusters = listing.attempt(lambda: _clusters(rds)) or []
    yield from listing.gaps
    cluster_tls: dict[str, bool | None] = {}
    for cluster in clusters:
        identifier = cluster["DBClusterIdentifier"]
        read = Gaps(CLUSTER, "rds", f"{where} cluster {identifier}")
        group = cluster.get("DBClusterParameterGroup")
        tls = groups.tls(read, "cluster", group, cluster.get("Engine"))
        cluster_tls[identifier] = tls
        yield from read.gaps
        data = {"identifier": identifier, **_common(cluster, region, tls, group)}
        yield Observation(CLUSTER, cluster["DBClusterArn"], data)
    listing = Gaps(INSTANCE, "rds", where)
    instances = listing.attempt(lambda: _instances(rds)) or []
    yield from listing.gaps
    for db in instances:
        identifier = db["DBInstanceIdentifier"]
        read = Gaps(INSTANCE, "rds", f"{where} instance {identifier}")
        names = [g["DBParameterGroupName"] for g in db.get("DBParameterGroups", [])]
        group = names[0] if names else None
        member_of = db.get("DBClusterIdentifier")
        if member_of:
            tls = cluster_tls.get(member_of)
        else:
            tls = groups.tls(read, "instance", group, db.get("Engine"))
        data = {
            "identifier": identifier,
            **_common(db, region, tls, group),
            "publicly_accessible": db.get("PubliclyAccessible"),
            "cluster_identifier": member_of or None,
        }
        yield from read.gaps
        yield from (Gap(DATABASE, gap.error) for gap in read.gaps)
        yield Observation(INSTANCE, db["DBInstanceArn"], data)
        yield database(db["DBInstanceArn"], target.account_id, data).observation()


def _clusters(rds: Any) -> list[dict[str, Any]]:
    pages = rds.get_paginator("describe_db_clusters").paginate()
    return [cluster for page in pages for cluster in page["DBClusters"]]


def _instances(rds: Any) -> list[dict[str, Any]]:
    pages = rds.get_paginator("describe_db_instances").paginate()
    return [db for page in pages for db in page["DBInstances"]]


def _common(
    resource: dict[str, Any], region: str, tls: bool | None, group: str | None
) -> dict[str, Any]:
    encrypted = resource.get("StorageEncrypted")
    return {
        "region": region,
        "engine": resource.get("Engine"),
        "storage_encrypted": encrypted,
        # Only an encrypted store has a key worth naming.
        "kms_key_id": resource.get("KmsKeyId") if encrypted else None,
        "backup_retention_period": resource.get("BackupRetentionPeriod"),
        "deletion_protection": resource.get("DeletionProtection"),
        "parameter_group": group,
        "tls_enforced": tls,
    }


class _Groups:
    """Parameter groups read once per task, however many databases share one."""

    def __init__(self, rds: Any) -> None:
        self._rds = rds
        self._seen: dict[tuple[str, str], dict[str, str | None] | None] = {}

    def tls(self, read: Gaps, level: str, group: str | None, engine: str | None) -> bool | None:
        rule = next((r for p, r in ENGINE_TLS.items() if (engine or "").startswith(p)), None)
        if group is None or rule is None:
            return None
        parameter, on, default = rule
        values = self._values(read, level, group)
        if values is None or parameter not in values:
            return None
        value = values[parameter]
        return default if value is None else value.lower() in on

    def _values(self, read: Gaps, level: str, group: str) -> dict[str, str | None] | None:
        if (level, group) not in self._seen:
            answer = read(lambda: {"Values": self._parameters(level, group)})
            self._seen[(level, group)] = None if answer is None else answer["Values"]
        return self._seen[(level, group)]

    def _parameters(self, level: str, group: str) -> dict[str, str | None]:
        rds = self._rds
        if level == "cluster":
            paginator = rds.get_paginator("describe_db_cluster_parameters")
            pages = paginator.paginate(DBClusterParameterGroupName=group)
        else:
            pages = rds.get_paginator("describe_db_parameters").paginate(DBParameterGroupName=group)
        return {
            p["ParameterName"]: p.get("ParameterValue")
            for page in pages
            for p in page["Parameters"]
        }


SERVICE = AwsService(
    name="rds", kinds=(INSTANCE, CLUSTER, DATABASE), regional=True, collect=collect
)
