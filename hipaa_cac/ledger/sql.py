"""What the SQL backends share: the rows, chaining a run onto the head, and
reading, a page at a time.

A backend (sqlite.py, postgres.py) says how it runs a query (`_fetch`), what
its parameter placeholder is, and how it serializes writers around
`_chain` in its `append_run`; everything else is here, once.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar, Self

from hipaa_cac.durations import format_timestamp, utc_now
from hipaa_cac.errors import InputError
from hipaa_cac.ledger.entry import (
    GENESIS,
    LedgerEntry,
    NewEntry,
    StoredEntry,
    chain_run,
    run_id_after,
)
from hipaa_cac.ledger.verify import VerifyResult, verify_chain

PAGE_SIZE = 1000
COLUMNS = "seq, run_id, type, payload, recorded_at, prev_hash, hash"


class SqlLedger:
    placeholder: ClassVar[str]  # "?" (sqlite3) or "%s" (psycopg)

    def _fetch(self, query: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def _where(self) -> str | Path:
        """The ledger's location, for messages (a URL with its password masked)."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def _insert_query(self) -> str:
        values = ", ".join([self.placeholder] * 7)
        return f"INSERT INTO ledger_entries ({COLUMNS}) VALUES ({values})"

    def _chain(
        self, entries: Sequence[NewEntry], recorded_at: str | None
    ) -> tuple[str, list[LedgerEntry]]:
        """Link `entries` onto the head as a new run. Call it holding the write lock, so
        that no other writer can chain onto the same head."""
        if not entries:
            raise ValueError("a run needs at least one entry")
        head = self._head_row()
        try:
            # Runs are only ever appended, so the head's run id is the highest.
            run_id = run_id_after(head.run_id if head else None)
        except ValueError as exc:
            raise InputError(f"ledger head is damaged ({exc}); run verify", self._where()) from None
        chained = chain_run(
            entries,
            run_id=run_id,
            recorded_at=format_timestamp(utc_now()) if recorded_at is None else recorded_at,
            prev_seq=head.seq if head else 0,
            prev_hash=head.hash if head else GENESIS,
        )
        return run_id, chained

    def entries(
        self, run_id: str | None = None, types: Collection[str] | None = None
    ) -> Iterator[LedgerEntry]:
        """Entries in seq order, optionally only those of one run and/or of some types.

        Reading does not verify: run `verify()` first if the ledger may have been tampered with.
        """
        filters: list[str] = []
        params: list[Any] = []
        if run_id is not None:
            filters.append(f"run_id = {self.placeholder}")
            params.append(run_id)
        if isinstance(types, str):  # a str is a Collection[str] too, of its letters
            raise TypeError(f"types must be a collection of entry types, not {types!r}")
        if types is not None:
            wanted = sorted(types)
            filters.append(f"type IN ({', '.join([self.placeholder] * len(wanted)) or 'NULL'})")
            params.extend(wanted)
        for row in self._rows(filters, params):
            yield self._decode(row)

    def runs(self) -> list[str]:
        """Run ids in the order they were appended: `["run-000001", "run-000002"]`."""
        query = "SELECT run_id FROM ledger_entries GROUP BY run_id ORDER BY min(seq)"
        return [run_id for (run_id,) in self._fetch(query)]

    def head(self) -> LedgerEntry | None:
        row = self._head_row()
        return None if row is None else self._decode(row)

    def verify(self, expect_head: str | None = None) -> VerifyResult:
        return verify_chain(self._rows([], []), expect_head)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _head_row(self) -> StoredEntry | None:
        rows = self._fetch(f"SELECT {COLUMNS} FROM ledger_entries ORDER BY seq DESC LIMIT 1")
        return StoredEntry(*rows[0]) if rows else None

    def _rows(self, filters: list[str], params: list[Any]) -> Iterator[StoredEntry]:
        """Stored rows in seq order, a page at a time.

        Each page is its own query, so no lock or transaction is held while the
        caller works, and a writer never waits on a slow reader.
        """
        after: int | None = None
        while True:
            where = filters if after is None else [*filters, f"seq > {self.placeholder}"]
            args = params if after is None else [*params, after]
            query = f"SELECT {COLUMNS} FROM ledger_entries"
            if where:
                query += " WHERE " + " AND ".join(where)
            page = self._fetch(f"{query} ORDER BY seq LIMIT {PAGE_SIZE}", args)
            for row in page:
                yield StoredEntry(*row)
            if len(page) < PAGE_SIZE:
                return
            after = page[-1][0]

    def _decode(self, row: StoredEntry) -> LedgerEntry:
        try:
            return row.to_entry()
        except ValueError as exc:
            raise InputError(f"entry {row.seq}: {exc}; run verify", self._where()) from None
