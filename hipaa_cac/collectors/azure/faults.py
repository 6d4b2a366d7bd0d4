"""Which Azure permission each call needs, and Azure errors as gaps a person can act on.

    AuthorizationFailed on Microsoft.Sql/servers/auditingSettings/read for
    /subscriptions/…/servers/claims-sql: grant Microsoft.Sql/servers/auditingSettings/read
    (it is in hipaa_cac/collectors/azure/role.json)

Every SDK call the service modules make goes through a `Reader` with a key
from PERMISSIONS ("<client>.<operation group>.<method>"); the shipped role
(role.json) grants exactly these actions, which tests/test_azure_permissions.py
keeps true. Messages carry the error code, the permission and the resource id:
never the request, a token, or Azure's own message for a denial (it names the
caller's object id).
"""

from __future__ import annotations

import re

from azure.core.exceptions import (
    ClientAuthenticationError,
    HttpResponseError,
    ServiceRequestError,
    ServiceResponseError,
)
from hipaa_cac.redact import redact

ROLE_FILE = "hipaa_cac/collectors/azure/role.json"

# call key -> the Azure RBAC action it needs. The one data-plane call (blob.*,
# List Containers) is authorized by a Microsoft.Storage action, not a DataAction.
PERMISSIONS: dict[str, str] = {
    "subscriptions.subscriptions.list": "Microsoft.Resources/subscriptions/read",
    "storage.storage_accounts.list": "Microsoft.Storage/storageAccounts/read",
    "storage.blob_containers.list": (
        "Microsoft.Storage/storageAccounts/blobServices/containers/read"
    ),
    "blob.list_containers": "Microsoft.Storage/storageAccounts/blobServices/containers/read",
    "monitor.diagnostic_settings.list": "Microsoft.Insights/DiagnosticSettings/Read",
    "monitor.subscription_diagnostic_settings.list": "Microsoft.Insights/DiagnosticSettings/Read",
    "monitor.log_profiles.list": "Microsoft.Insights/LogProfiles/Read",
    "sql.servers.list": "Microsoft.Sql/servers/read",
    "sql.firewall_rules.list_by_server": "Microsoft.Sql/servers/firewallRules/read",
    "sql.server_blob_auditing_policies.get": "Microsoft.Sql/servers/auditingSettings/read",
    "sql.encryption_protectors.get": "Microsoft.Sql/servers/encryptionProtector/read",
    "sql.databases.list_by_server": "Microsoft.Sql/servers/databases/read",
    "sql.transparent_data_encryptions.get": (
        "Microsoft.Sql/servers/databases/transparentDataEncryption/read"
    ),
    "keyvault.vaults.list_by_subscription": "Microsoft.KeyVault/vaults/read",
    "keyvault.keys.list": "Microsoft.KeyVault/vaults/keys/read",
    "network.network_security_groups.list_all": "Microsoft.Network/networkSecurityGroups/read",
    "security.pricings.list": "Microsoft.Security/pricings/read",
}

DENIED = {
    "AuthorizationFailed",
    "AuthorizationPermissionMismatch",
    "AuthorizationFailure",
    "Forbidden",
    "LinkedAuthorizationFailed",
    "InsufficientAccountPermissions",
}
THROTTLED = {"TooManyRequests", "ServerBusy", "SubscriptionRequestsThrottled"}
_AADSTS = re.compile(r"\bAADSTS\d{4,8}\b")


def fault_message(exc: Exception, call: str, where: str) -> str:
    """One line for a Gap: what failed, for which resource, and what to do about it."""
    action = PERMISSIONS.get(call, call)
    if isinstance(exc, ClientAuthenticationError) and exc.status_code in (None, 400, 401):
        return f"{token_failure(exc)} while reading {where}"
    if isinstance(exc, HttpResponseError):
        status = exc.status_code
        code = _code(exc) or f"HTTP {status}"
        http = "" if code.startswith("HTTP") else f" (HTTP {status})"
        if status == 403 or code in DENIED:
            return f"{code} on {action} for {where}: grant {action} (it is in {ROLE_FILE})"
        if status == 429 or code in THROTTLED:
            return f"{code} on {action} for {where}: still throttled after retries"
        if status == 401:
            return f"{code} on {action} for {where}: the credential's token was rejected"
        if status == 404:
            return f"{code} on {action} for {where}: not found (deleted while being read?)"
        message = redact(str(exc.error.message if exc.error else exc.reason or ""))[:200]
        return f"{code}{http} on {action} for {where}: {message}"
    if isinstance(exc, ServiceRequestError | ServiceResponseError):
        return f"cannot reach Azure for {action} on {where}: {exc.__class__.__name__}"
    return f"{exc.__class__.__name__} on {action} for {where}: {redact(str(exc))[:200]}"


def token_failure(exc: Exception) -> str:
    """Why no token came, by error class and Entra's AADSTS code only: identity
    libraries' messages can quote the request (client id, assertion, paths)."""
    codes = sorted(set(_AADSTS.findall(str(exc))))
    detail = f" ({', '.join(codes)})" if codes else ""
    return f"the Azure credential could not get a token: {exc.__class__.__name__}{detail}"


def _code(exc: HttpResponseError) -> str | None:
    storage_code = getattr(exc, "error_code", None)  # azure-storage-blob sets it
    if storage_code:
        return str(getattr(storage_code, "value", storage_code))
    if exc.error is not None and exc.error.code:
        return str(exc.error.code)
    return None
