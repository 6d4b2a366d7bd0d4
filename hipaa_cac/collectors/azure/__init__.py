"""The Azure collector: every configured subscription, each service in its own task
on a bounded thread pool.

    sources:
      - id: azure-prod
        collector: azure
        config:
          subscriptions: [0b1f6471-1bf0-4dda-aec3-111122223333]   # default: all the credential sees
          services: [storage, sql, network]    # default: all
          tenant_id: 72f988bf-…                # optional
          # client_id: …                       # service principal; secret in client_secret_env
          blob_data_plane: true                # also read container ACLs on the data plane

Credentials: DefaultAzureCredential (environment, workload identity, managed
identity, Azure CLI, ...), or a service principal when `client_id` is set
(secret from the environment variable `client_secret_env`, never from
config). The identity needs only the custom role in role.json, assigned on
each subscription. A task that fails (denied, throttled past retries, a
provider not registered) is a gap for its kinds; the others go on.
Subjects are full Azure resource ids: /subscriptions/<id>/resourceGroups/…
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ClassVar

from hipaa_cac import __version__
from hipaa_cac.collectors.azure.faults import ROLE_FILE, fault_message, token_failure
from hipaa_cac.collectors.azure.services import AzureService, Reader, listed
from hipaa_cac.collectors.azure.services.registry import all_services
from hipaa_cac.collectors.azure.target import AzureTarget, Connection, CredentialError, connect
from hipaa_cac.collectors.base import CollectContext, Gap, Observation, Record

SUBSCRIPTION = "azure.subscription"
STORAGE_SCOPE = "https://storage.azure.com/.default"
_GUID = "^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$"
_HTTPS = {"type": "string", "pattern": "^https://[^\\s]+$"}


class AzureCollector:
    name: ClassVar[str] = "azure"
    version: ClassVar[str] = __version__
    kinds: ClassVar[tuple[str, ...]] = tuple(
        sorted({SUBSCRIPTION, *(k for s in all_services() for k in s.kinds)})
    )
    max_age: ClassVar[str] = "1d"
    config_schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "subscriptions": {
                "type": "array",
                "items": {"type": "string", "pattern": _GUID},
                "minItems": 1,
                "uniqueItems": True,
            },
            "services": {"type": "array", "items": {"enum": [s.name for s in all_services()]}},
            "tenant_id": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9.-]*$"},
            "client_id": {"type": "string", "pattern": _GUID},
            "client_secret_env": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"},
            "authority_host": {**_HTTPS, "description": "Entra login origin (sovereign clouds)."},
            "management_endpoint": {**_HTTPS, "description": "ARM origin (sovereign clouds)."},
            "blob_data_plane": {"type": "boolean", "default": False},
            "blob_endpoint_template": {
                "type": "string",
                "pattern": "^https://.*\\{account\\}",
                "description": "Blob endpoint per account, e.g. https://{account}.blob.core.windows.net",
            },
            "ca_bundle": {"type": "string", "minLength": 1, "description": "PEM CA file to trust."},
            "max_retries": {"type": "integer", "minimum": 0, "maximum": 10, "default": 3},
            "max_workers": {"type": "integer", "minimum": 1, "maximum": 32, "default": 4},
        },
        "dependentRequired": {"client_id": ["tenant_id"], "client_secret_env": ["client_id"]},
    }

    def collect(self, config: Mapping[str, Any], context: CollectContext) -> Iterator[Record]:
        wanted = set(config.get("services", [s.name for s in all_services()]))
        chosen = [s for s in all_services() if s.name in wanted]
        options = {
            "blob_data_plane": bool(
                config.get("blob_data_plane") or "blob_endpoint_template" in config
            ),
            "blob_endpoint_template": config.get("blob_endpoint_template"),
        }
        try:
            connection = connect(config, context.root)
            # One token up front: a credential that cannot sign in is one clear gap,
            # and the service threads then share the cached token.
            connection.credential.get_token(connection.scope)
            if options["blob_data_plane"]:
                connection.credential.get_token(STORAGE_SCOPE)
        except CredentialError as exc:
            yield from (Gap(kind, str(exc)) for kind in self.kinds)
            return
        except Exception as exc:
            yield from (Gap(kind, token_failure(exc)) for kind in self.kinds)
            return
        subscriptions, records = _subscriptions(connection, config)
        yield from records
        tasks = [(AzureTarget(s, connection), service) for s in subscriptions for service in chosen]
        with ThreadPoolExecutor(max_workers=config.get("max_workers", 4)) as pool:
            # map keeps task order, so evidence order does not depend on timing.
            for done in pool.map(lambda task: _run(task[0], task[1], options), tasks):
                yield from done


def _subscriptions(
    connection: Connection, config: Mapping[str, Any]
) -> tuple[list[str], list[Record]]:
    """The subscriptions to read, and their records (or the gaps saying why not)."""
    read = Reader(SUBSCRIPTION, "the subscriptions the credential can see")
    client = connection.client("subscriptions")
    found = read("subscriptions.subscriptions.list", lambda: listed(client.subscriptions.list()))
    if found is None:
        gaps = read.gaps
        return [], [Gap(kind, gaps[0].error) for kind in AzureCollector.kinds]
    visible = {str(s["subscriptionId"]).lower(): s for s in found}
    wanted = [s.lower() for s in config.get("subscriptions", sorted(visible))]
    records: list[Record] = []
    chosen = []
    for subscription_id in wanted:
        item = visible.get(subscription_id)
        if item is None:
            message = (
                f"subscription {subscription_id} is not visible to the credential: assign the "
                f"role in {ROLE_FILE} at /subscriptions/{subscription_id}"
            )
            records.extend(Gap(kind, message) for kind in AzureCollector.kinds)
            continue
        chosen.append(subscription_id)
        records.append(
            Observation(
                SUBSCRIPTION,
                f"/subscriptions/{subscription_id}",
                {
                    "subscription_id": subscription_id,
                    "display_name": item.get("displayName"),
                    "state": item.get("state"),
                    "tenant_id": item.get("tenantId"),
                },
            )
        )
    return chosen, records


def _run(target: AzureTarget, service: AzureService, options: Mapping[str, Any]) -> list[Record]:
    """One service in one subscription; never raises."""
    records: list[Record] = []
    try:
        records.extend(service.collect(target, options))
    except Exception as exc:
        message = fault_message(exc, f"{service.name} collection", target.subject)
        records.extend(Gap(kind, message) for kind in service.kinds)
    return records
