"""Decide which evidence may be deleted, and delete it.

Kept, always:
- every run the ledger refers to (its collection hash or any of its items'
  hashes appears in a ledger entry): that is the documentation behind a
  recorded status, and HIPAA wants it for six years (164.316(b)(2)(i));
- the current run of every source, however old;
- runs that finished within the retention period;
- files outside `runs/` and `objects/` (hand-written or imported evidence is
  the team's to manage, usually in git).
Then objects no remaining run refers to are deleted, unless written in the
last hour (a `collect` in progress writes objects before its index).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from hipaa_cac.evidence.objects import ObjectStore
from hipaa_cac.evidence.store import EvidenceStore
from hipaa_cac.evidence.writer import RUNS_DIR

IN_FLIGHT_SECONDS = 3600


@dataclass(frozen=True)
class PrunePlan:
    runs: tuple[Path, ...]  # run indexes to delete
    objects: tuple[Path, ...]  # objects no kept run refers to
    kept_runs: int


def plan_prune(store: EvidenceStore, referenced: set[str], cutoff: str) -> PrunePlan:
    """`referenced`: every sha256 the ledger mentions; `cutoff`: RFC 3339, runs
    finished before it are past retention."""
    runs_dir = store.directory / RUNS_DIR
    current = {c.path for c in store.current().collections}
    doomed: list[Path] = []
    kept_hashes: set[str] = set()
    kept = 0
    for file, collection in store.collection_files():
        item_hashes = {item.sha256 for item in collection.items}
        expendable = (
            file.parent == runs_dir
            and collection.path not in current
            and collection.finished_at < cutoff
            and collection.sha256 not in referenced
            and not item_hashes & referenced
        )
        if expendable:
            doomed.append(file)
        else:
            kept += 1
            kept_hashes |= item_hashes
    objects = ObjectStore(store.directory)
    horizon = time.time() - IN_FLIGHT_SECONDS
    orphans = [
        objects.path_for(h)
        for h in sorted(objects.all_hashes() - kept_hashes)
        if objects.path_for(h).stat().st_mtime < horizon
    ]
    return PrunePlan(tuple(sorted(doomed)), tuple(orphans), kept)


def apply_prune(plan: PrunePlan) -> None:
    # Indexes first: if we stop halfway, no kept index points at a deleted object.
    for file in (*plan.runs, *plan.objects):
        file.unlink(missing_ok=True)
