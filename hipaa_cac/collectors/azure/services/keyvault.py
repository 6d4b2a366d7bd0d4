"""Key Vaults and their keys, from the management plane only.

- `azure.keyvault.vault` (vault id): `name`, `location`, `soft_delete_enabled`,
  `purge_protection_enabled` (Azure omits it until it is turned on: absent is
  false, since it cannot be turned off again once on), `soft_delete_retention_days`,
  `public_network_access`, `network_default_action`, `rbac_authorization`.
- `azure.keyvault.key` (`<vault id>/keys/<name>`): `name`, `vault`, `enabled`,
  `expires` (RFC 3339 or null), `key_type`, `rotation_policy`
  {`auto_rotate`, `rotate_after`, `expiry_time`} as ARM's key listing gives
  it, null when it gives none.

The data plane (azure-keyvault-keys) is not used: it needs a second,
data-plane role on every vault and network reach to vaults that are often
private-endpoint only. So `rotation_policy` null means "not shown", which
rules treat as not compliant, never as "no rotation needed".
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from hipaa_cac.collectors.azure.services import AzureService, Reader, listed, props
from hipaa_cac.collectors.azure.services import resource_group as rg_of
from hipaa_cac.collectors.azure.target import AzureTarget
from hipaa_cac.collectors.base import Observation, Record

VAULT = "azure.keyvault.vault"
KEY = "azure.keyvault.key"


def collect(target: AzureTarget, options: Mapping[str, Any]) -> Iterator[Record]:
    read = Reader(VAULT, target.subject)
    keyvault = target.client("keyvault")
    vaults = read(
        "keyvault.vaults.list_by_subscription",
        lambda: listed(keyvault.vaults.list_by_subscription()),
        kinds=(VAULT, KEY),
    )
    yield from read.gaps
    for vault in sorted(vaults or [], key=lambda v: str(v.get("id", "")).lower()):
        vault_id, name = str(vault["id"]), str(vault["name"])
        p = props(vault)
        yield Observation(
            VAULT,
            vault_id,
            {
                "name": name,
                "subscription_id": target.subscription_id,
                "location": vault.get("location"),
                "soft_delete_enabled": p.get("enableSoftDelete"),
                "purge_protection_enabled": p.get("enablePurgeProtection") is True,
                "soft_delete_retention_days": p.get("softDeleteRetentionInDays"),
                "public_network_access": p.get("publicNetworkAccess"),
                "network_default_action": (p.get("networkAcls") or {}).get("defaultAction"),
                "rbac_authorization": p.get("enableRbacAuthorization"),
            },
        )
        yield from _keys(keyvault, vault_id, name)


def _keys(keyvault: Any, vault_id: str, name: str) -> Iterator[Record]:
    read = Reader(KEY, vault_id)
    keys = read("keyvault.keys.list", lambda: listed(keyvault.keys.list(rg_of(vault_id), name)))
    yield from read.gaps
    for key in sorted(keys or [], key=lambda k: str(k.get("name"))):
        yield _key(vault_id, key)


def _key(vault_id: str, key: Mapping[str, Any]) -> Observation:
    p = props(key)
    attributes = p.get("attributes") or {}
    return Observation(
        KEY,
        f"{vault_id}/keys/{key['name']}",
        {
            "name": key["name"],
            "vault": vault_id,
            "enabled": attributes.get("enabled"),
            "expires": _time(attributes.get("exp")),
            "key_type": p.get("kty"),
            "rotation_policy": _rotation(p.get("rotationPolicy")),
        },
    )


def _rotation(policy: Any) -> dict[str, Any] | None:
    if not isinstance(policy, Mapping):
        return None
    rotate_after = None
    auto = False
    for action in policy.get("lifetimeActions") or []:
        if str((action.get("action") or {}).get("type", "")).lower() == "rotate":
            auto = True
            rotate_after = (action.get("trigger") or {}).get("timeAfterCreate")
    return {
        "auto_rotate": auto,
        "rotate_after": rotate_after,
        "expiry_time": (policy.get("attributes") or {}).get("expiryTime"),
    }


def _time(epoch: Any) -> str | None:
    """Key Vault gives times as seconds since the epoch."""
    if not isinstance(epoch, int | float):
        return None
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


SERVICE = AzureService(name="keyvault", kinds=(VAULT, KEY), collect=collect)
