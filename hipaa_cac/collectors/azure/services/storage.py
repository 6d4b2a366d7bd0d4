"""Storage accounts, their blob service's diagnostic settings, and blob containers.

- `azure.storage.account` (the account's id): `allow_blob_public_access`,
  `minimum_tls_version`, `https_only`, `encryption` {`key_source`
  (Microsoft.Storage | Microsoft.Keyvault), `require_infrastructure_encryption`,
  `key_vault_key`}, `network_default_action`, `public_network_access`,
  `blob_diagnostics` (diagnostic settings on `<account>/blobServices/default`:
  [{`name`, `categories` enabled, `destinations`}], null if unreadable).
- `azure.storage.container` (`<account>/blobServices/default/containers/<name>`):
  `public_access` as the management plane says (None | Blob | Container),
  `data_plane_public_access` as Get Container ACL says (same words; null when
  the data plane is not read or failed), `public_access_effective`.
- `cloud.object_storage` per container (_blob_neutral.py).

The management plane is the record. The data plane (`blob_data_plane`, see
_blob_data.py) is a second witness of the same setting and the fallback for
an account whose containers the management plane will not list; containers
either plane lists are recorded. When both answer, the more open level
counts: if they disagree, something changed between the reads or one is
wrong, and we do not pick the reassuring one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from hipaa_cac.collectors.azure.services import (
    AzureService,
    Reader,
    destinations,
    listed,
    props,
)
from hipaa_cac.collectors.azure.services import resource_group as rg_of
from hipaa_cac.collectors.azure.services._blob_data import data_plane_levels
from hipaa_cac.collectors.azure.services._blob_neutral import CONTAINER, object_storage
from hipaa_cac.collectors.azure.target import AzureTarget
from hipaa_cac.collectors.base import Observation, Record
from hipaa_cac.collectors.normalized import ObjectStorage

ACCOUNT = "azure.storage.account"
ACCESS_LEVELS = ("None", "Blob", "Container")  # least to most open
# The category group holding every log category; "audit" is not counted:
# Azure does not document it as including StorageRead.
ALL_LOGS = "allLogs"


def collect(target: AzureTarget, options: Mapping[str, Any]) -> Iterator[Record]:
    read = Reader(ACCOUNT, target.subject)
    storage = target.client("storage")
    accounts = read(
        "storage.storage_accounts.list",
        lambda: listed(storage.storage_accounts.list()),
        kinds=(ACCOUNT, CONTAINER, ObjectStorage.KIND),
    )
    yield from read.gaps
    if accounts is None:
        return
    monitor = target.client("monitor")
    for account in sorted(accounts, key=lambda a: str(a.get("id", "")).lower()):
        yield from _account(target, storage, monitor, account, options)


def _account(
    target: AzureTarget,
    storage: Any,
    monitor: Any,
    account: dict[str, Any],
    options: Mapping[str, Any],
) -> Iterator[Record]:
    account_id, name = str(account["id"]), str(account["name"])
    p = props(account)
    read = Reader(ACCOUNT, account_id)
    blob_service = f"{account_id}/blobServices/default"
    diagnostics = read(
        "monitor.diagnostic_settings.list",
        lambda: listed(monitor.diagnostic_settings.list(blob_service)),
        kinds=(ACCOUNT, ObjectStorage.KIND),
    )
    encryption = p.get("encryption") or {}
    data = {
        "name": name,
        "subscription_id": target.subscription_id,
        "resource_group": rg_of(account_id),
        "location": account.get("location"),
        "allow_blob_public_access": p.get("allowBlobPublicAccess"),
        "minimum_tls_version": p.get("minimumTlsVersion"),
        "https_only": p.get("supportsHttpsTrafficOnly"),
        "encryption": {
            "key_source": encryption.get("keySource"),
            "require_infrastructure_encryption": encryption.get("requireInfrastructureEncryption"),
            "key_vault_key": _key_id(encryption),
        }
        if encryption
        else None,
        "network_default_action": (p.get("networkAcls") or {}).get("defaultAction"),
        "public_network_access": p.get("publicNetworkAccess"),
        "blob_diagnostics": None if diagnostics is None else _diagnostics(diagnostics),
    }
    yield from read.gaps
    yield Observation(ACCOUNT, account_id, data)
    yield from _containers(target, storage, account, data, options)


def _containers(
    target: AzureTarget,
    storage: Any,
    account: dict[str, Any],
    facts: dict[str, Any],
    options: Mapping[str, Any],
) -> Iterator[Record]:
    account_id, name = str(account["id"]), str(account["name"])
    read = Reader(CONTAINER, account_id)
    items = read(
        "storage.blob_containers.list",
        lambda: listed(storage.blob_containers.list(facts["resource_group"], name)),
        kinds=(CONTAINER, ObjectStorage.KIND),
    )
    management = (
        {}
        if items is None
        else {str(c["name"]): _level(props(c).get("publicAccess", "None")) for c in items}
    )
    data_plane: dict[str, str | None] = {}
    if options.get("blob_data_plane"):
        found, gaps = data_plane_levels(target, _blob_url(account, options), account_id)
        data_plane = found or {}
        read.gaps.extend(gaps)
    yield from read.gaps
    for container in sorted(set(management) | set(data_plane)):
        subject = f"{account_id}/blobServices/default/containers/{container}"
        levels = [lvl for lvl in (management.get(container), data_plane.get(container)) if lvl]
        effective = max(levels, key=ACCESS_LEVELS.index) if levels else None
        yield Observation(
            CONTAINER,
            subject,
            {
                "name": container,
                "storage_account": account_id,
                "public_access": management.get(container),
                "data_plane_public_access": data_plane.get(container),
                "public_access_effective": effective,
            },
        )
        yield object_storage(target.subscription_id, subject, account, facts, effective)


def _level(value: Any) -> str | None:
    text = str(getattr(value, "value", value) or "None")
    return next((lvl for lvl in ACCESS_LEVELS if lvl.lower() == text.lower()), None)


def _key_id(encryption: Mapping[str, Any]) -> str | None:
    vault = encryption.get("keyvaultproperties") or {}
    uri, key = vault.get("keyvaulturi"), vault.get("keyname")
    if not (uri and key):
        return None
    version = vault.get("keyversion")
    return f"{str(uri).rstrip('/')}/keys/{key}" + (f"/{version}" if version else "")


def _diagnostics(settings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for setting in sorted(settings, key=lambda s: str(s.get("name"))):
        p = props(setting)
        categories: set[str] = set()
        for log in p.get("logs") or []:
            if log.get("enabled") is not True:
                continue
            if log.get("categoryGroup") == ALL_LOGS:
                categories |= {"StorageRead", "StorageWrite", "StorageDelete"}
            elif log.get("category"):
                categories.add(str(log["category"]))
        out.append(
            {
                "name": setting.get("name"),
                "categories": sorted(categories),
                "destinations": destinations(p),
            }
        )
    return out


def _blob_url(account: Mapping[str, Any], options: Mapping[str, Any]) -> str:
    template = options.get("blob_endpoint_template")
    if template:
        return str(template).format(account=account["name"])
    endpoint = (props(account).get("primaryEndpoints") or {}).get("blob")
    return str(endpoint or f"https://{account['name']}.blob.core.windows.net/")


SERVICE = AzureService(
    name="storage", kinds=(ACCOUNT, CONTAINER, ObjectStorage.KIND), collect=collect
)
