"""One subscription to read, and how to reach it: the credential and SDK clients.

    target = AzureTarget(subscription_id="0b1f…", connection=connection)
    storage = target.client("storage")      # StorageManagementClient for that subscription
    blob = connection.blob_service("https://acct.blob.core.windows.net")

Every client goes through azure-core's own pipeline: bearer token from the
credential, paging by nextLink, and its RetryPolicy, which waits as long as a
429's Retry-After says, `max_retries` times, before the call fails (and
becomes a gap). `ca_bundle` is handed to every client and to the credential,
for TLS-inspecting proxies and Azure Stack.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from azure.core.credentials import AccessToken, TokenCredential

MANAGEMENT_ENDPOINT = "https://management.azure.com"
DEFAULT_SECRET_ENV = "AZURE_CLIENT_SECRET"


def _client_class(name: str) -> Any:
    # Imported on use: each SDK package is large and a run may select few services.
    if name == "subscriptions":
        from azure.mgmt.resource.subscriptions import SubscriptionClient

        return SubscriptionClient
    if name == "storage":
        from azure.mgmt.storage import StorageManagementClient

        return StorageManagementClient
    if name == "sql":
        from azure.mgmt.sql import SqlManagementClient

        return SqlManagementClient
    if name == "keyvault":
        from azure.mgmt.keyvault import KeyVaultManagementClient

        return KeyVaultManagementClient
    if name == "network":
        from azure.mgmt.network import NetworkManagementClient

        return NetworkManagementClient
    if name == "monitor":
        from azure.mgmt.monitor import MonitorManagementClient

        return MonitorManagementClient
    if name == "security":
        from azure.mgmt.security import SecurityCenter

        return SecurityCenter
    raise ValueError(f"unknown Azure client {name!r}")


class CredentialError(Exception):
    """The configured credential cannot even be built (e.g. its secret is not set)."""


class _InTenant:
    """A credential asked for tokens of one tenant (DefaultAzureCredential has no
    tenant_id of its own; get_token takes one)."""

    def __init__(self, inner: TokenCredential, tenant_id: str):
        self._inner, self._tenant_id = inner, tenant_id

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        kwargs.setdefault("tenant_id", self._tenant_id)
        return self._inner.get_token(*scopes, **kwargs)


@dataclass(frozen=True)
class Connection:
    """What every subscription shares: the credential and the client options."""

    credential: TokenCredential
    management_endpoint: str
    options: Mapping[str, Any]  # connection_verify, retry_total, ...

    @property
    def scope(self) -> str:
        return f"{self.management_endpoint}/.default"

    def client(self, name: str, subscription_id: str | None = None) -> Any:
        args: list[Any] = [self.credential]
        if subscription_id is not None:
            args.append(subscription_id)
        return _client_class(name)(
            *args,
            base_url=self.management_endpoint,
            credential_scopes=[self.scope],
            **self.options,
        )

    def blob_service(self, account_url: str) -> Any:
        from azure.storage.blob import BlobServiceClient

        return BlobServiceClient(account_url, credential=self.credential, **self.options)


@dataclass(frozen=True)
class AzureTarget:
    subscription_id: str
    connection: Connection

    @property
    def subject(self) -> str:
        return f"/subscriptions/{self.subscription_id}"

    def client(self, name: str) -> Any:
        return self.connection.client(name, self.subscription_id)


def connect(config: Mapping[str, Any], root: Path) -> Connection:
    """The credential and client options a config asks for."""
    options: dict[str, Any] = {
        "retry_total": config.get("max_retries", 3),
        "connection_timeout": 20,
        "read_timeout": 120,
    }
    if "ca_bundle" in config:
        options["connection_verify"] = str(root / config["ca_bundle"])
    endpoint = str(config.get("management_endpoint", MANAGEMENT_ENDPOINT)).rstrip("/")
    return Connection(_credential(config, options), endpoint, options)


def _credential(config: Mapping[str, Any], options: Mapping[str, Any]) -> TokenCredential:
    from azure.identity import ClientSecretCredential, DefaultAzureCredential

    kwargs: dict[str, Any] = {}
    if "connection_verify" in options:
        kwargs["connection_verify"] = options["connection_verify"]
    if "authority_host" in config:
        # A host Entra's instance discovery does not know (sovereign, Azure
        # Stack, a test server) must not be looked up on the public cloud.
        kwargs["authority"] = config["authority_host"]
        kwargs["disable_instance_discovery"] = True
    tenant_id = config.get("tenant_id")
    if "client_id" in config:
        env = config.get("client_secret_env", DEFAULT_SECRET_ENV)
        secret = os.environ.get(env)
        if not secret:
            raise CredentialError(f"the client secret is not set: environment variable {env}")
        if not tenant_id:
            raise CredentialError("client_id needs tenant_id")
        return ClientSecretCredential(tenant_id, config["client_id"], secret, **kwargs)
    default = DefaultAzureCredential(**kwargs)
    return _InTenant(default, tenant_id) if tenant_id else default
