"""The inventory as evidence, so policies can decide from it (BAA coverage of
subprocessors reads `inventory.third_party`) without knowing which collector
saw what. Pure: no I/O.

    kind     inventory.<category>        e.g. inventory.third_party
    subject  the entry's id              e.g. vendor:datadog
    data     InventoryEntry.to_dict()    {"name": "Datadog", "may_handle_phi": true,
                                          "detected_at": ["git:…/requirements.txt:3#datadog"], …}

It rides in one derived collection (not a file: the ledger's `inventory`
entry holds the same data) whose kinds carry the worst status of the
evidence they were derived from, and the oldest collection time, so stale or
broken sources can never make the inventory look complete.
"""

from __future__ import annotations

from dataclasses import replace

from hipaa_cac import __version__
from hipaa_cac.canonical import content_hash
from hipaa_cac.evidence import Collection, EvidenceItem, EvidenceSet, KindStatus
from hipaa_cac.inventory.derive import category_status
from hipaa_cac.inventory.model import CATEGORIES, Inventory

DERIVED_PATH = "inventory (derived from the run's evidence)"
SOURCE = {"collector": "inventory", "version": __version__, "scope": "derived"}
MAX_AGE = "1d"


def kind_of(category: str) -> str:
    return f"inventory.{category}"


def with_inventory(evidence: EvidenceSet, inventory: Inventory) -> EvidenceSet:
    """`evidence` plus the derived collection; unchanged when nothing it derives from exists."""
    kinds: dict[str, KindStatus] = {}
    items: list[EvidenceItem] = []
    times: list[str] = []
    for category in CATEGORIES:
        status = category_status(evidence, category)
        if status is None:
            continue
        kind = kind_of(category)
        kinds[kind] = KindStatus(status.status, "; ".join(status.errors) or None)
        times.append(status.collected_at)
        for entry in inventory.entries:
            if entry.category == category:
                item = EvidenceItem(
                    kind, entry.id, SOURCE, status.collected_at, MAX_AGE, entry.to_dict(), ""
                )
                items.append(replace(item, sha256=item.computed_hash()))
    if not kinds:
        return evidence
    derived = Collection(
        path=DERIVED_PATH,
        sha256=content_hash([i.sha256 for i in items]),
        collector=SOURCE["collector"],
        collector_version=__version__,
        scope=SOURCE["scope"],
        started_at=min(times),
        finished_at=min(times),
        kinds=kinds,
        items=tuple(items),
    )
    return EvidenceSet((*evidence.collections, derived))
