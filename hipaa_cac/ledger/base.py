"""What every ledger backend offers (SQLite file, PostgreSQL database).

    with open_ledger(location) as ledger:        # a Ledger, whichever backend
        run_id, entries = ledger.append_run([NewEntry("run", {...}), ...])
        ledger.entries(run_id="run-000003", types=["control_status"])
        ledger.runs()        # ["run-000001", "run-000002", "run-000003"]
        ledger.head()        # the last LedgerEntry, or None
        ledger.verify()      # VerifyResult

Every backend appends a run in one transaction that serializes writers,
stores payloads as canonical JSON text, and verifies with `verify_chain`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from typing import Protocol, Self

from hipaa_cac.ledger.entry import LedgerEntry, NewEntry
from hipaa_cac.ledger.verify import VerifyResult


class Ledger(Protocol):
    def append_run(
        self, entries: Sequence[NewEntry], recorded_at: str | None = None
    ) -> tuple[str, list[LedgerEntry]]:
        """Append `entries` as one new run, atomically: `("run-000003", [LedgerEntry, …])`."""
        ...

    def entries(
        self, run_id: str | None = None, types: Collection[str] | None = None
    ) -> Iterator[LedgerEntry]:
        """Entries in seq order, optionally of one run and/or some types (not verified)."""
        ...

    def runs(self) -> list[str]:
        """Run ids in the order they were appended."""
        ...

    def head(self) -> LedgerEntry | None: ...

    def verify(self, expect_head: str | None = None) -> VerifyResult: ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc_info: object) -> None: ...
