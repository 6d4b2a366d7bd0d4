"""The architecture inventory: what the evidence shows the system is made of.

    Inventory(entries=(
        InventoryEntry("data_store", "arn:aws:rds:us-east-1:123456789012:db:visits",
                       type="database", name="visits", detected_at=("arn:aws:rds:…:db:visits",)),
        InventoryEntry("third_party", "vendor:datadog", type="monitoring", name="Datadog",
                       may_handle_phi=True,
                       detected_at=("git:github.com/acme/api/requirements.txt:3#datadog",)),
        InventoryEntry("environment", "aws:account:123456789012", type="cloud_account", ...),
        InventoryEntry("identity_provider", "okta:acme.okta.com", type="okta", ...),
    ))

Its identity, and so `sha256`, is the set of (category, id) pairs only: a
second file importing a vendor already in use, or a renamed bucket tag, is
not an architecture change; a new data store, vendor, account or region is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from hipaa_cac.canonical import content_hash

CATEGORIES = ("data_store", "third_party", "environment", "identity_provider")
# Where an entry was seen is shown to people; past this many places the rest are counted.
MAX_DETECTED_AT = 20


@dataclass(frozen=True)
class InventoryEntry:
    category: str  # one of CATEGORIES
    id: str  # ARN / full resource id, "vendor:<id>", "aws:account:<id>", "okta:<tenant>"
    type: str  # database, object_storage, search, backup, monitoring, cloud_account, region, ...
    name: str  # what a person calls it (bucket name, vendor name, account id)
    may_handle_phi: bool | None = None  # third parties: whether a BAA is needed
    detected_at: tuple[str, ...] = ()  # evidence subjects: path:line or resource ids
    detections: int = 0  # how many places in all (detected_at keeps the first few)

    @property
    def key(self) -> tuple[str, str]:
        return (self.category, self.id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "id": self.id,
            "type": self.type,
            "name": self.name,
            "may_handle_phi": self.may_handle_phi,
            "detected_at": list(self.detected_at),
            "detections": self.detections,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> InventoryEntry:
        return cls(
            category=str(data["category"]),
            id=str(data["id"]),
            type=str(data.get("type", "")),
            name=str(data.get("name", data["id"])),
            may_handle_phi=data.get("may_handle_phi"),
            detected_at=tuple(data.get("detected_at", ())),
            detections=int(data.get("detections", 0)),
        )


@dataclass(frozen=True)
class InventoryChange:
    """One difference between two inventories: `added` or `removed`."""

    change: str
    category: str
    id: str
    name: str
    detected_at: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "change": self.change,
            "category": self.category,
            "id": self.id,
            "name": self.name,
            "detected_at": list(self.detected_at),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> InventoryChange:
        """Back from `to_dict()`, as a ledger entry holds it."""
        return cls(
            str(data["change"]),
            str(data["category"]),
            str(data["id"]),
            str(data.get("name", data["id"])),
            tuple(data.get("detected_at", ())),
        )

    def describe(self) -> str:
        where = f" (at {', '.join(self.detected_at[:3])})" if self.detected_at else ""
        label = self.category.replace("_", " ")
        return f"{self.change} {label} {self.name}{where}"


@dataclass(frozen=True)
class Inventory:
    entries: tuple[InventoryEntry, ...] = field(default=())  # sorted by (category, id)

    @classmethod
    def of(cls, entries: Iterable[InventoryEntry]) -> Inventory:
        return cls(tuple(sorted(entries, key=lambda e: e.key)))

    @property
    def keys(self) -> dict[str, list[str]]:
        """{category: [ids]}, every category present: what a risk analysis records."""
        grouped: dict[str, list[str]] = {category: [] for category in CATEGORIES}
        for entry in self.entries:
            grouped[entry.category].append(entry.id)
        return grouped

    @property
    def sha256(self) -> str:
        return keys_hash(self.keys)

    def to_payload(self) -> dict[str, Any]:
        return {"sha256": self.sha256, "entries": [e.to_dict() for e in self.entries]}

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> Inventory:
        return cls.of(InventoryEntry.from_dict(e) for e in payload.get("entries", []))

    def third_parties(self) -> list[InventoryEntry]:
        return [e for e in self.entries if e.category == "third_party"]


def keys_hash(keys: Mapping[str, Iterable[str]]) -> str:
    """The inventory hash from {category: [ids]}: what a risk analysis's
    `inventory_sha256` is checked against. Order and duplicates do not matter."""
    return content_hash({c: sorted(set(keys.get(c, ()))) for c in CATEGORIES})


def changes_between(
    covered: Mapping[str, Iterable[str]], current: Inventory
) -> tuple[InventoryChange, ...]:
    """What `current` adds to and removes from the `covered` {category: [ids]}."""
    before = {(c, i) for c in CATEGORIES for i in covered.get(c, ())}
    now = {e.key: e for e in current.entries}
    added = [
        InventoryChange("added", e.category, e.id, e.name, e.detected_at)
        for key, e in now.items()
        if key not in before
    ]
    removed = [InventoryChange("removed", c, i, i) for c, i in before if (c, i) not in now]
    return tuple(sorted([*added, *removed], key=lambda ch: (ch.category, ch.id, ch.change)))
