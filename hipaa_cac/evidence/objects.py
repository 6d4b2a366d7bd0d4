"""Content-addressed evidence items: `evidence/objects/ab/cdef….json`.

An item is stored once under the hash of its content, however many runs saw
it unchanged; a run's index refers to it by that hash. Objects are written
before the index that names them, each atomically, so a reader never meets an
index pointing at a missing or half-written object.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hipaa_cac.canonical import pretty_json, write_atomic
from hipaa_cac.errors import InputError
from hipaa_cac.evidence.model import EvidenceItem

OBJECTS_DIR = "objects"


class ObjectStore:
    def __init__(self, evidence_dir: Path):
        self.directory = evidence_dir / OBJECTS_DIR

    def path_for(self, sha256: str) -> Path:
        hexdigest = sha256.removeprefix("sha256:")
        return self.directory / hexdigest[:2] / f"{hexdigest[2:]}.json"

    def put(self, item: EvidenceItem) -> None:
        path = self.path_for(item.sha256)
        if not path.exists():  # same hash, same bytes: nothing to do
            write_atomic(path, pretty_json({**item.document(), "sha256": item.sha256}))

    def get(self, sha256: str) -> dict[str, Any] | None:
        """The stored item, None if absent; an unreadable object is an InputError."""
        path = self.path_for(sha256)
        try:
            document = json.loads(path.read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            reason = exc.__class__.__name__
            raise InputError(f"evidence object unreadable: {reason}", path) from None
        if not isinstance(document, dict):
            raise InputError("evidence object is not a JSON object", path)
        return document

    def all_hashes(self) -> set[str]:
        if not self.directory.is_dir():
            return set()
        return {f"sha256:{file.parent.name}{file.stem}" for file in self.directory.glob("*/*.json")}
