"""The neutral `cloud.object_storage` item of one blob container (normalized.py).

    object_storage(subscription_id, container_id, account_json, account_facts, "Container")

- `public`: the container's effective level is Blob or Container AND the
  account's allowBlobPublicAccess is true (the account flag overrides every
  container); False for level None or the flag false; null when either is
  unknown (an account that does not state the flag is not assumed private).
- `encrypted_at_rest`: always true: Azure Storage encrypts every account and
  it cannot be turned off. `encryption`: keySource Microsoft.Storage ->
  provider_managed, Microsoft.Keyvault -> customer_managed (`kms_key` the
  Key Vault key URI).
- `access_logged`: a diagnostic setting on the account's blob service has
  both StorageRead and StorageWrite enabled (or the allLogs group); null when
  the settings could not be read.
"""

from __future__ import annotations

from typing import Any

from hipaa_cac.collectors.base import Observation
from hipaa_cac.collectors.normalized import ObjectStorage

CONTAINER = "azure.storage.container"


def object_storage(
    subscription_id: str,
    subject: str,
    account: dict[str, Any],
    facts: dict[str, Any],
    level: str | None,
) -> Observation:
    allowed = facts["allow_blob_public_access"]
    public: bool | None
    if level == "None":
        public = False
    elif level is None or allowed is None:
        public = None  # unknown level, or an account flag Azure did not state
    else:
        public = allowed is True
    via = (f"container access level {level} with allowBlobPublicAccess true",) if public else ()
    encryption = facts["encryption"] or {}
    source = str(encryption.get("key_source") or "").lower()
    kind = {"microsoft.storage": "provider_managed", "microsoft.keyvault": "customer_managed"}
    diagnostics = facts["blob_diagnostics"]
    logged_via = tuple(
        f"diagnostic setting {d['name']}"
        for d in diagnostics or []
        if {"StorageRead", "StorageWrite"} <= set(d["categories"])
    )
    return ObjectStorage(
        resource_id=subject,
        provider="azure",
        service="blob",
        account=subscription_id,
        location=account.get("location"),
        source_kind=CONTAINER,
        public=public,
        public_via=via,
        # Azure Storage encrypts every account at rest; it cannot be turned off.
        encrypted_at_rest=True,
        encryption=kind.get(source),
        kms_key=encryption.get("key_vault_key"),
        access_logged=None if diagnostics is None else bool(logged_via),
        access_logged_via=logged_via,
    ).observation()
