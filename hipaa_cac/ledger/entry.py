"""Ledger entries and the hash chain that links them.

What an entry's hash covers, and how an auditor recomputes it:

    {"seq": 7, "run_id": "run-000002", "type": "control_status",
     "payload": {"control": "164.312(a)(2)(iv)", "status": "pass"},
     "recorded_at": "2026-11-20T09:00:05Z",
     "prev_hash": "sha256:<hash of entry 6>"}

    hash = content_hash(that object) = "sha256:" + sha256(canonical JSON)

Entry 1 links to GENESIS. Nothing here knows about storage: a backend stores the
fields of `LedgerEntry` and hands them back as `StoredEntry`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hipaa_cac.canonical import canonical_json, content_hash

GENESIS = "sha256:" + "0" * 64

_RUN_ID = re.compile(r"^run-([0-9]{6,})$")


@dataclass(frozen=True)
class NewEntry:
    """What a caller appends: `NewEntry("control_status", {"control": "…", "status": "pass"})`."""

    type: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class LedgerEntry:
    """An entry in the chain; `hash` covers every other field.

    LedgerEntry(seq=2, run_id="run-000001", type="control_status",
                payload={"control": "164.312(b)", "status": "fail"},
                recorded_at="2026-11-20T09:00:05Z",
                prev_hash="sha256:<hash of entry 1>", hash="sha256:…")
    """

    seq: int
    run_id: str
    type: str
    payload: dict[str, Any]
    recorded_at: str
    prev_hash: str
    hash: str

    def to_stored(self) -> StoredEntry:
        return StoredEntry(
            seq=self.seq,
            run_id=self.run_id,
            type=self.type,
            payload_json=canonical_json(self.payload),
            recorded_at=self.recorded_at,
            prev_hash=self.prev_hash,
            hash=self.hash,
        )


@dataclass(frozen=True)
class StoredEntry:
    """An entry exactly as a backend holds it, payload still as text: `'{"status":"pass"}'`.

    Verification reads these rather than `LedgerEntry`, so it checks the stored
    bytes and not a parsed (and possibly normalised) copy of them.
    """

    seq: int
    run_id: str
    type: str
    payload_json: str
    recorded_at: str
    prev_hash: str
    hash: str

    def to_entry(self) -> LedgerEntry:
        """Raises ValueError if the payload is not a JSON object (the row was tampered with)."""
        return LedgerEntry(
            seq=self.seq,
            run_id=self.run_id,
            type=self.type,
            payload=parse_payload(self.payload_json),
            recorded_at=self.recorded_at,
            prev_hash=self.prev_hash,
            hash=self.hash,
        )


def entry_hash(
    seq: int, run_id: str, type: str, payload: Any, recorded_at: str, prev_hash: str
) -> str:
    return content_hash(
        {
            "seq": seq,
            "run_id": run_id,
            "type": type,
            "payload": payload,
            "recorded_at": recorded_at,
            "prev_hash": prev_hash,
        }
    )


def parse_payload(text: str) -> dict[str, Any]:
    payload = json.loads(text, parse_constant=_reject_constant)
    if not isinstance(payload, dict):
        raise ValueError(f"payload is not a JSON object: {text[:60]!r}")
    return payload


def _reject_constant(name: str) -> Any:
    # canonical_json lets NaN and Infinity through, but they are not JSON, and an
    # auditor's strict parser would reject the entry.
    raise ValueError(f"payload contains {name}, which JSON cannot represent")


def chain_run(
    entries: Sequence[NewEntry], *, run_id: str, recorded_at: str, prev_seq: int, prev_hash: str
) -> list[LedgerEntry]:
    """Link `entries` onto entry `prev_seq` (0 and GENESIS when the ledger is empty)."""
    chained: list[LedgerEntry] = []
    for seq, new in enumerate(entries, start=prev_seq + 1):
        # Round-trip through canonical JSON so the entry we return (and hash) holds
        # exactly what a reader gets back: tuples become lists, and so on.
        payload = parse_payload(canonical_json(new.payload))
        digest = entry_hash(seq, run_id, new.type, payload, recorded_at, prev_hash)
        chained.append(LedgerEntry(seq, run_id, new.type, payload, recorded_at, prev_hash, digest))
        prev_hash = digest
    return chained


def run_id_after(last: str | None) -> str:
    """The run id to allocate next: `None` -> `run-000001`, `run-000041` -> `run-000042`."""
    if last is None:
        return "run-000001"
    match = _RUN_ID.match(last)
    if match is None:
        raise ValueError(f"malformed run id {last!r}")
    return f"run-{int(match.group(1)) + 1:06d}"
