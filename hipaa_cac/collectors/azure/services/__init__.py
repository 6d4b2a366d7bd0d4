"""Azure service modules. Each collects one service's evidence in one subscription:

    SERVICE = AzureService(
        name="sql",                                  # config `services:` selects by this
        kinds=("azure.sql.server", "azure.sql.database", "cloud.database"),
        collect=collect,                             # (target, options) -> Iterator[Record]
    )

A module yields an Observation per resource (subject: its full Azure resource
id) and, for anything it could not read, a Gap naming the resource and the
permission (`Reader`); the field stays None and the other resources go on.
An exception escaping `collect` marks the module's kinds as errors for that
subscription. Metadata only: never blob contents, keys or secrets.

    read = Reader("azure.sql.server", server_id)
    policy = read("sql.server_blob_auditing_policies.get", lambda: sql.….get(rg, name))
    # None and a Gap in read.gaps when it failed; the key is in faults.PERMISSIONS.
    # kinds=(...) puts the gap on every kind the missing answer leaves unknown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from hipaa_cac.collectors.azure.faults import fault_message
from hipaa_cac.collectors.azure.target import AzureTarget
from hipaa_cac.collectors.base import Gap, Record

T = TypeVar("T")


@dataclass(frozen=True)
class AzureService:
    name: str
    kinds: tuple[str, ...]
    collect: Callable[[AzureTarget, Mapping[str, Any]], Iterator[Record]]


@dataclass
class Reader:
    """Calls that may fail, for one resource: each failure is a Gap, not an exception."""

    kind: str
    where: str
    gaps: list[Gap] = field(default_factory=list)

    def __call__(
        self, call: str, read: Callable[[], T], *, kinds: tuple[str, ...] = ()
    ) -> T | None:
        """read(), or None and a gap on `kinds` (default: the reader's kind) when it fails."""
        try:
            return read()
        except Exception as exc:  # every SDK failure becomes a gap; see faults.py
            message = fault_message(exc, call, self.where)
            self.gaps.extend(Gap(kind, message) for kind in kinds or (self.kind,))
            return None


def raw(model: Any) -> dict[str, Any]:
    """An SDK model as the REST API's JSON (camelCase keys, as in the API reference),
    so modules read the documented shape whichever generator made the SDK."""
    if model is None:
        return {}
    if hasattr(model, "serialize"):  # msrest models (azure-mgmt-monitor, -security)
        return dict(model.serialize(keep_readonly=True))
    return dict(model.as_dict())  # TypeSpec models keep the JSON they were given


def listed(pages: Any) -> list[dict[str, Any]]:
    """Every item of a paged answer (the SDK follows nextLink), as JSON."""
    return [raw(item) for item in pages]


def resource_group(resource_id: str) -> str:
    """/subscriptions/s/resourceGroups/<rg>/providers/… -> <rg>"""
    parts = resource_id.split("/")
    lowered = [p.lower() for p in parts]
    return parts[lowered.index("resourcegroups") + 1]


def props(item: Mapping[str, Any]) -> dict[str, Any]:
    value = item.get("properties")
    return dict(value) if isinstance(value, Mapping) else {}


def destinations(p: Mapping[str, Any]) -> list[str]:
    """Where a diagnostic setting sends its logs, by kind (ids are not evidence we need)."""
    found = {
        "log_analytics": p.get("workspaceId"),
        "storage_account": p.get("storageAccountId"),
        "event_hub": p.get("eventHubAuthorizationRuleId"),
        "partner": p.get("marketplacePartnerId"),
    }
    return sorted(k for k, v in found.items() if v)
