"""Write one collection run: its items as objects, then its index.

    evidence/runs/20261120T060009Z-aws-prod-3f2a9c1b7d4e.json   the index
    evidence/objects/5e/1b….json                                one per item

The index file name is its finish time, its scope and a prefix of its own
content hash, so two runs never collide and the same run written twice is the
same file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hipaa_cac.canonical import content_hash, pretty_json, write_atomic
from hipaa_cac.evidence.model import COLLECTION_SCHEMA, EvidenceItem, KindStatus
from hipaa_cac.evidence.objects import ObjectStore

RUNS_DIR = "runs"


@dataclass(frozen=True)
class NewCollection:
    collector: str
    collector_version: str
    scope: str
    started_at: str
    finished_at: str
    kinds: dict[str, KindStatus]
    items: tuple[EvidenceItem, ...]

    def index(self) -> dict[str, Any]:
        kinds: dict[str, Any] = {}
        for kind, status in sorted(self.kinds.items()):
            kinds[kind] = {"status": status.status}
            if status.error:
                kinds[kind]["error"] = status.error
        refs = sorted(
            ({"kind": i.kind, "subject": i.subject, "sha256": i.sha256} for i in self.items),
            key=lambda ref: (ref["kind"], ref["subject"], ref["sha256"]),
        )
        return {
            "schema": COLLECTION_SCHEMA,
            "collector": {"name": self.collector, "version": self.collector_version},
            "scope": self.scope,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "kinds": kinds,
            "items": refs,
        }


def write_collection(evidence_dir: Path, collection: NewCollection) -> Path:
    objects = ObjectStore(evidence_dir)
    for item in collection.items:
        objects.put(item)
    index = collection.index()
    stamp = re.sub(r"[-:]|\.\d+", "", collection.finished_at)
    name = f"{stamp}-{_slug(collection.scope)}-{content_hash(index)[7:19]}.json"
    path = evidence_dir / RUNS_DIR / name
    write_atomic(path, pretty_json(index))
    return path


def _slug(scope: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", scope).strip("-.")[:60] or "scope"
