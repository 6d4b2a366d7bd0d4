"""Read `evidence/`: every `*.json` file outside `objects/` is one collection
run. Collectors write an index under `runs/` whose items refer to
content-addressed objects (writer.py); a hand-written or imported collection
may carry its items inline.

Only the newest run per (collector, scope) is current; older runs stay on disk
as history for the ledger and the auditor. A file that is not valid JSON, not
a valid collection, or holds an item whose hash does not match its content is
an InputError naming file and line: evidence that cannot be trusted is never
silently skipped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hipaa_cac import schemas
from hipaa_cac.canonical import sha256_hex
from hipaa_cac.errors import InputError
from hipaa_cac.evidence.model import Collection, EvidenceItem, KindCoverage, KindStatus
from hipaa_cac.evidence.objects import OBJECTS_DIR, ObjectStore
from hipaa_cac.paths import display_path
from hipaa_cac.yamlfile import parse_yaml

_SEVERITY = {"complete": 0, "partial": 1, "error": 2}


@dataclass(frozen=True)
class EvidenceSet:
    """The current evidence: the newest collection per (collector, scope)."""

    collections: tuple[Collection, ...]

    def coverage(self, kind: str) -> KindCoverage | None:
        covering = [c for c in self.collections if kind in c.kinds]
        if not covering:
            return None
        statuses = [c.kinds[kind] for c in covering]
        worst = max(statuses, key=lambda s: _SEVERITY[s.status]).status
        errors = tuple(
            sorted(
                {
                    f"{c.collector} {c.scope}: {c.kinds[kind].error}"
                    for c in covering
                    if c.kinds[kind].error
                }
            )
        )
        oldest = min(c.finished_at for c in covering)
        return KindCoverage(kind, worst, errors, oldest, tuple(covering))

    def items(self, kind: str) -> list[EvidenceItem]:
        found = [item for c in self.collections for item in c.items if item.kind == kind]
        return sorted(found, key=lambda item: (item.subject, item.sha256))


class EvidenceStore:
    def __init__(self, directory: Path, display_root: Path | None = None):
        self.directory = directory
        self.display_root = display_root

    def collections(self) -> list[Collection]:
        return [collection for _, collection in self.collection_files()]

    def collection_files(self) -> list[tuple[Path, Collection]]:
        if not self.directory.is_dir():
            return []
        objects = ObjectStore(self.directory)
        files = sorted(
            f
            for f in self.directory.rglob("*.json")
            if f.relative_to(self.directory).parts[0] != OBJECTS_DIR
        )
        return [
            (f, read_collection(f, display_path(f, self.directory, self.display_root), objects))
            for f in files
        ]

    def current(self) -> EvidenceSet:
        newest: dict[tuple[str, str], Collection] = {}
        for collection in self.collections():
            key = (collection.collector, collection.scope)
            if key not in newest or (collection.finished_at, collection.path) > (
                newest[key].finished_at,
                newest[key].path,
            ):
                newest[key] = collection
        return EvidenceSet(tuple(newest[key] for key in sorted(newest)))


def read_collection(file: Path, shown: str, objects: ObjectStore | None = None) -> Collection:
    try:
        raw = file.read_bytes()
        document = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg}", shown, exc.lineno) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read evidence: {exc.__class__.__name__}", shown) from None
    schemas.check("evidence-collection", document, shown, lambda path: _line(raw, shown, path))
    objects = objects or ObjectStore(file.parent)
    items = tuple(
        _item(_resolve(entry, index, objects, raw, shown), index, raw, shown, document)
        for index, entry in enumerate(document["items"])
    )
    return Collection(
        path=shown,
        sha256="sha256:" + sha256_hex(raw),
        collector=document["collector"]["name"],
        collector_version=document["collector"]["version"],
        scope=document["scope"],
        started_at=document["started_at"],
        finished_at=document["finished_at"],
        kinds={
            kind: KindStatus(v["status"], v.get("error"))
            for kind, v in sorted(document["kinds"].items())
        },
        items=items,
    )


def _resolve(
    entry: dict[str, Any], index: int, objects: ObjectStore, raw: bytes, shown: str
) -> dict[str, Any]:
    if "data" in entry:  # inline
        return entry
    stored = objects.get(entry["sha256"])
    if stored is None:
        raise InputError(
            f"items/{index} ({entry['kind']} {entry['subject']}): object {entry['sha256']} "
            f"is missing from {OBJECTS_DIR}/ (pruned or copied incompletely?)",
            shown,
            _line(raw, shown, ["items", index]),
        )
    wanted = (entry["kind"], entry["subject"], entry["sha256"])
    if (stored.get("kind"), stored.get("subject"), stored.get("sha256")) != wanted:
        raise InputError(
            f"items/{index}: object {entry['sha256']} does not hold "
            f"{entry['kind']} {entry['subject']} (modified after collection?)",
            shown,
            _line(raw, shown, ["items", index]),
        )
    return stored


def _item(
    entry: dict[str, Any], index: int, raw: bytes, shown: str, document: dict[str, Any]
) -> EvidenceItem:
    item = EvidenceItem(**entry)
    path: list[str | int] = ["items", index]
    if item.computed_hash() != item.sha256:
        raise InputError(
            f"items/{index} ({item.kind} {item.subject}): sha256 does not match "
            "the item's content (modified after collection?)",
            shown,
            _line(raw, shown, path),
        )
    if item.kind not in document["kinds"]:
        raise InputError(
            f"items/{index}: kind {item.kind} is not listed in 'kinds'",
            shown,
            _line(raw, shown, path),
        )
    return item


def _line(raw: bytes, shown: str, path: list[str | int]) -> int | None:
    # JSON is YAML: only on the error path do we pay for a position-keeping parse.
    try:
        return parse_yaml(raw.decode("utf-8"), Path(shown)).line_of(path)
    except InputError:
        return None
