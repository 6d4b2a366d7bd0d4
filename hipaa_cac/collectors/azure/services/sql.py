"""Azure SQL logical servers and their databases.

- `azure.sql.server` (server id): `name`, `location`, `public_network_access`
  (Enabled | Disabled | SecuredByPerimeter), `minimal_tls_version` ("1.2";
  null when Azure says "None" or nothing), `firewall_rules` [{`name`,
  `start_ip`, `end_ip`}], `allows_all_ips` (a rule 0.0.0.0-255.255.255.255),
  `allows_azure_services` (the 0.0.0.0-0.0.0.0 rule: any Azure tenant's
  resources may connect), `auditing` {`state`, `retention_days`,
  `azure_monitor_target`}, `encryption_protector` {`server_key_type`
  (ServiceManaged | AzureKeyVault), `uri`}. A part that could not be read is null.
- `azure.sql.database` (database id): `name`, `server`, `tde_state`
  (Enabled | Disabled). `master` is skipped: a system database, whose
  TDE Azure does not let anyone set.
- `cloud.database` per database (normalized.py): `publicly_accessible` when
  public network access is Enabled and some firewall rule admits an address
  (no rule admits none: only virtual-network rules or private endpoints
  reach it); `tls_required` true because Azure SQL refuses unencrypted
  connections (documented platform behaviour, no setting turns it off).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from hipaa_cac.collectors.azure.services import AzureService, Reader, listed, props, raw
from hipaa_cac.collectors.azure.services import resource_group as rg_of
from hipaa_cac.collectors.azure.target import AzureTarget
from hipaa_cac.collectors.base import Observation, Record
from hipaa_cac.collectors.normalized import Database

SERVER = "azure.sql.server"
DATABASE = "azure.sql.database"
ALL_IPS = ("0.0.0.0", "255.255.255.255")
AZURE_SERVICES = ("0.0.0.0", "0.0.0.0")
SERVICE_KINDS = (SERVER, DATABASE, Database.KIND)


def collect(target: AzureTarget, options: Mapping[str, Any]) -> Iterator[Record]:
    read = Reader(SERVER, target.subject)
    sql = target.client("sql")
    servers = read("sql.servers.list", lambda: listed(sql.servers.list()), kinds=SERVICE_KINDS)
    yield from read.gaps
    for server in sorted(servers or [], key=lambda s: str(s.get("id", "")).lower()):
        yield from _server(target, sql, server)


def _server(target: AzureTarget, sql: Any, server: dict[str, Any]) -> Iterator[Record]:
    server_id, name = str(server["id"]), str(server["name"])
    rg = rg_of(server_id)
    p = props(server)
    read = Reader(SERVER, server_id)
    rules = read(
        "sql.firewall_rules.list_by_server",
        lambda: listed(sql.firewall_rules.list_by_server(rg, name)),
        kinds=(SERVER, Database.KIND),
    )
    auditing = read(
        "sql.server_blob_auditing_policies.get",
        lambda: raw(sql.server_blob_auditing_policies.get(rg, name)),
    )
    protector = read(
        "sql.encryption_protectors.get",
        lambda: raw(sql.encryption_protectors.get(rg, name, "current")),
        kinds=(SERVER, Database.KIND),
    )
    firewall = None if rules is None else _rules(rules)
    tls = p.get("minimalTlsVersion")
    facts: dict[str, Any] = {
        "name": name,
        "subscription_id": target.subscription_id,
        "location": server.get("location"),
        "public_network_access": p.get("publicNetworkAccess"),
        "minimal_tls_version": None if tls in (None, "None") else str(tls),
        "firewall_rules": firewall,
        "allows_all_ips": None if firewall is None else _has(firewall, ALL_IPS),
        "allows_azure_services": None if firewall is None else _has(firewall, AZURE_SERVICES),
        "auditing": None if auditing is None else _auditing(props(auditing)),
        "encryption_protector": None if protector is None else _protector(props(protector)),
    }
    databases = read(
        "sql.databases.list_by_server",
        lambda: listed(sql.databases.list_by_server(rg, name)),
        kinds=(DATABASE, Database.KIND),
    )
    yield from read.gaps
    yield Observation(SERVER, server_id, facts)
    for database in sorted(databases or [], key=lambda d: str(d.get("name"))):
        if str(database.get("name")).lower() == "master":
            continue
        yield from _database(target, sql, server_id, facts, database)


def _database(
    target: AzureTarget, sql: Any, server_id: str, server: dict[str, Any], database: dict[str, Any]
) -> Iterator[Record]:
    database_id, name = str(database["id"]), str(database["name"])
    read = Reader(DATABASE, database_id)
    tde = read(
        "sql.transparent_data_encryptions.get",
        lambda: raw(
            sql.transparent_data_encryptions.get(rg_of(server_id), server["name"], name, "current")
        ),
        kinds=(DATABASE, Database.KIND),
    )
    state = None if tde is None else props(tde).get("state")
    yield from read.gaps
    yield Observation(
        DATABASE, database_id, {"name": name, "server": server_id, "tde_state": state}
    )
    yield _neutral(target, database_id, database, server, state)


def _neutral(
    target: AzureTarget,
    database_id: str,
    database: Mapping[str, Any],
    server: dict[str, Any],
    tde: Any,
) -> Observation:
    protector = server["encryption_protector"]
    encrypted = {"Enabled": True, "Disabled": False}.get(str(tde)) if tde is not None else None
    encryption: str | None = None
    if encrypted is False:
        encryption = "none"
    elif encrypted and protector:
        keys = {"ServiceManaged": "provider_managed", "AzureKeyVault": "customer_managed"}
        encryption = keys.get(str(protector["server_key_type"]))
    public, via = _public(server)
    return Database(
        resource_id=database_id,
        provider="azure",
        service="azure_sql",
        account=target.subscription_id,
        location=database.get("location") or server["location"],
        source_kind=DATABASE,
        engine="sqlserver",
        encrypted_at_rest=encrypted,
        encryption=encryption,
        kms_key=protector["uri"] if encryption == "customer_managed" else None,
        tls_required=True,
        min_tls_version=server["minimal_tls_version"],
        publicly_accessible=public,
        public_via=via,
        backups_enabled=None,  # not read: needs the backup retention policy call
    ).observation()


def _public(server: Mapping[str, Any]) -> tuple[bool | None, tuple[str, ...]]:
    access, rules = server["public_network_access"], server["firewall_rules"]
    if access == "Disabled":
        return False, ()
    if access is None or rules is None:
        return None, ()
    via = tuple(
        f"public network access, firewall rule {r['name']} {r['start_ip']}-{r['end_ip']}"
        for r in rules
    )
    return (bool(via), via) if access == "Enabled" else (None, via)


def _rules(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = [
        {
            "name": r.get("name"),
            "start_ip": props(r).get("startIpAddress"),
            "end_ip": props(r).get("endIpAddress"),
        }
        for r in rules
    ]
    return sorted(out, key=lambda r: str(r["name"]))


def _has(rules: list[dict[str, Any]], span: tuple[str, str]) -> bool:
    return any((r["start_ip"], r["end_ip"]) == span for r in rules)


def _auditing(p: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "state": p.get("state"),
        "retention_days": p.get("retentionDays"),
        "azure_monitor_target": p.get("isAzureMonitorTargetEnabled"),
    }


def _protector(p: Mapping[str, Any]) -> dict[str, Any]:
    return {"server_key_type": p.get("serverKeyType"), "uri": p.get("uri")}


SERVICE = AzureService(name="sql", kinds=SERVICE_KINDS, collect=collect)
