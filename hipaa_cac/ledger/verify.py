"""Checking a hash chain, whatever stores it.

A backend hands `verify_chain` its rows in seq order; every check is made on
the stored fields, never on a stored hash alone:

  - seq runs 1, 2, 3 … with no gap;
  - each prev_hash is the recomputed hash of the entry before (GENESIS for entry 1);
  - the payload text is canonical JSON, so recomputing the hash is byte-exact;
  - the hash recomputed from the fields equals the stored hash.

A chain cannot tell that entries were cut off its end: that needs a head hash
recorded earlier, passed as `expect_head`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from hipaa_cac.canonical import canonical_json
from hipaa_cac.ledger.entry import GENESIS, StoredEntry, entry_hash


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of a verification.

    VerifyResult(ok=True, entries=42, runs=2, head_hash="sha256:…",
                 first_bad_seq=None, problem=None)
    VerifyResult(ok=False, entries=6, runs=1, head_hash="sha256:<hash of entry 6>",
                 first_bad_seq=7, problem="entry 7: content does not match its hash (modified)")

    On failure, `entries`, `runs` and `head_hash` describe the intact prefix before
    `first_bad_seq`. For missing entries `first_bad_seq` is the first missing seq.
    """

    ok: bool
    entries: int
    runs: int
    head_hash: str | None
    first_bad_seq: int | None
    problem: str | None


def verify_chain(
    rows: Iterable[StoredEntry],
    expect_head: str | None = None,
    *,
    first_seq: int = 1,
    anchor: str = GENESIS,
) -> VerifyResult:
    """Verify `rows` (in seq order). `expect_head` must be the hash of some entry in the chain.

    A head recorded earlier stays valid while later runs are appended; it fails
    only if the entry it names is gone. An excerpt (an auditor bundle's) starts
    at `first_seq` and links to `anchor`, the hash of the entry before it.
    """
    entries = runs = 0
    head: str | None = None
    last_run: str | None = None
    seen_expected = expect_head is None
    for row in rows:
        found = _problem(row, first_seq + entries, head or anchor)
        if found is not None:
            bad_seq, problem = found
            return VerifyResult(False, entries, runs, head, bad_seq, problem)
        entries += 1
        # A run's entries are appended in one transaction, so a run is one block.
        if row.run_id != last_run:
            runs += 1
            last_run = row.run_id
        head = row.hash
        seen_expected = seen_expected or head == expect_head
    if not seen_expected:
        actual = f"head is {head}" if head is not None else "ledger is empty"
        problem = f"{actual}, expected {expect_head} (entries removed from the end)"
        return VerifyResult(False, entries, runs, head, first_seq + entries, problem)
    return VerifyResult(True, entries, runs, head, None, None)


def _problem(row: StoredEntry, expected_seq: int, prev_hash: str) -> tuple[int, str] | None:
    """`(first bad seq, what is wrong)` for `row`, or None if it extends the chain."""
    seq = row.seq
    if seq > expected_seq:
        if expected_seq == 1:
            return 1, f"ledger starts at entry {seq}, not 1 (entries deleted)"
        return expected_seq, f"sequence gap after entry {expected_seq - 1} (entry deleted)"
    if seq < expected_seq:
        # Rows arrive sorted and seq is unique, so only a seq below the first gets here.
        return seq, f"entry {seq}: sequence numbers start at {expected_seq} (entry inserted)"
    if row.prev_hash != prev_hash:
        before = "the genesis hash" if seq == 1 else f"entry {seq - 1}"
        why = "modified, deleted, inserted or reordered"
        return seq, f"entry {seq}: prev_hash does not match {before} ({why})"
    payload = _parse(row.payload_json)
    if payload is None or canonical_json(payload) != row.payload_json:
        return seq, f"entry {seq}: payload is not canonical JSON (modified)"
    digest = entry_hash(seq, row.run_id, row.type, payload, row.recorded_at, row.prev_hash)
    if digest != row.hash:
        return seq, f"entry {seq}: content does not match its hash (modified)"
    return None


def _parse(text: str) -> Any:
    """The parsed payload, or None if it is not JSON (`null` is not a valid payload either)."""
    try:
        return json.loads(text)
    except (ValueError, TypeError):
        return None
