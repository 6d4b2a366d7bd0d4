"""A whole stack -> evidence items, joining what one resource alone cannot show.

    [Resource, ...] -> [{"kind": "aws.s3.bucket", ...},      # s3.py: bucket + its settings
                        {"kind": "aws.rds.instance", ...},   # + its parameter group
                        {"kind": "aws.account", "subject": ACCOUNT_SUBJECT, ...},
                        ...every item resources.py maps on its own]

RDS databases require TLS through their parameter group (`rds.force_ssl` =
1, or `require_secure_transport` = ON/1), a separate resource found by
`parameterGroupName` (`dbClusterParameterGroupName` for clusters): by name
or id, else by property dependency at preview. A group outside the stack (or
the engine's default group) does not show TLS is required.

The `aws.account` item stands for "the account this stack deploys to", and
exists only when the stack declares a trail: then the audit rule asks whether
one of the stack's trails is multi-region and logging. A stack without
trails is not judged on them (a preview is not an audit of the account).
"""

from __future__ import annotations

from typing import Any

from hipaa_cac.pulumi.resources import STACK_ACCOUNT, Resource, item, map_resource
from hipaa_cac.pulumi.s3 import map_buckets
from hipaa_cac.pulumi.values import Unknown, flag, get, is_unknown, number, present

INSTANCE = "aws:rds/instance:Instance"
CLUSTER = "aws:rds/cluster:Cluster"
PARAMETER_GROUP = "aws:rds/parameterGroup:ParameterGroup"
CLUSTER_PARAMETER_GROUP = "aws:rds/clusterParameterGroup:ClusterParameterGroup"
ACCOUNT_SUBJECT = "hipaa-cac:pulumi-stack-account"
STACK_KINDS = frozenset({"aws.s3.bucket", "aws.rds.instance", "aws.rds.cluster", "aws.account"})
TLS_PARAMETERS = {"rds.force_ssl": ("1",), "require_secure_transport": ("1", "on", "true")}


def map_stack(resources: list[Resource]) -> list[dict[str, Any]]:
    items = [found for r in resources if (found := map_resource(r)) is not None]
    items += map_buckets(resources)
    groups = _groups(resources, PARAMETER_GROUP)
    cluster_groups = _groups(resources, CLUSTER_PARAMETER_GROUP)
    for resource in resources:
        if resource.type == INSTANCE:
            items.append(_database("aws.rds.instance", resource, "parameterGroupName", groups))
        elif resource.type == CLUSTER:
            items.append(
                _database(
                    "aws.rds.cluster", resource, "dbClusterParameterGroupName", cluster_groups
                )
            )
    if any(i["kind"] == "aws.cloudtrail.trail" for i in items):
        account = {"account_id": STACK_ACCOUNT, "regions": None}
        items.append({"kind": "aws.account", "subject": ACCOUNT_SUBJECT, "data": account})
    return items


def _groups(resources: list[Resource], kind: str) -> dict[str, Resource]:
    found: dict[str, Resource] = {}
    for resource in resources:
        if resource.type == kind:
            found[resource.urn] = resource
            for key in (get(resource.props, "name"), get(resource.props, "id")):
                if isinstance(key, str) and not is_unknown(key):
                    found[key] = resource
    return found


def _database(kind: str, resource: Resource, group_key: str, groups: dict[str, Resource]) -> Any:
    props = resource.props
    data = {
        "identifier": None,
        "region": None,
        "engine": None,
        "storage_encrypted": flag(get(props, "storageEncrypted"), "storageEncrypted", False, True),
        "kms_key_id": present(get(props, "kmsKeyId"), "kmsKeyId"),
        "backup_retention_period": number(
            get(props, "backupRetentionPeriod"), "backupRetentionPeriod", 7
        ),
        "deletion_protection": flag(
            get(props, "deletionProtection"), "deletionProtection", False, True
        ),
        "parameter_group": None,
        "tls_enforced": _tls(resource, group_key, groups),
    }
    if kind == "aws.rds.instance":
        data["publicly_accessible"] = flag(
            get(props, "publiclyAccessible"), "publiclyAccessible", False, False
        )
        # Cluster members are aws:rds/clusterInstance:ClusterInstance, not mapped.
        data["cluster_identifier"] = None
    return item(kind, resource, data)


def _tls(resource: Resource, group_key: str, groups: dict[str, Resource]) -> Any:
    name = get(resource.props, group_key)
    if name is None:
        return None
    if is_unknown(name):
        linked = [u for u in resource.property_dependencies.get(group_key, []) if u in groups]
        if len(linked) != 1:
            return Unknown(True, group_key)
        return _forces_tls(groups[linked[0]])
    group = groups.get(name) if isinstance(name, str) else None
    return _forces_tls(group) if group is not None else None


def _forces_tls(group: Resource) -> Any:
    parameters = get(group.props, "parameters")
    if is_unknown(parameters):
        return Unknown(True, "parameters")
    unknown = False
    for parameter in parameters if isinstance(parameters, list) else []:
        name, value = get(parameter, "name"), get(parameter, "value")
        if not isinstance(name, str) or name.lower() not in TLS_PARAMETERS:
            continue
        if is_unknown(value):
            unknown = True
        elif str(value).lower() in TLS_PARAMETERS[name.lower()]:
            return True
    return Unknown(True, "parameters") if unknown else False
