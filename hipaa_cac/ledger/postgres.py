"""The ledger in a PostgreSQL database: one ledger for a team's many CI runners.

The same rows as the SQLite backend, payload as canonical JSON text:

    seq  run_id      type            payload                          prev_hash   hash
    1    run-000001  run             {"controls":2}                   sha256:00…  sha256:5e…
    2    run-000001  control_status  {"control":"…","status":"pass"}  sha256:5e…  sha256:a1…

Each run is appended in one transaction that first takes a transaction-level
advisory lock on the ledger table and only then reads the head, so writers
(one CI job per account, say) queue up instead of forking the chain, and a
killed runner leaves whole runs or none. An advisory lock, not LOCK TABLE,
because LOCK TABLE … EXCLUSIVE needs UPDATE or DELETE rights, and a runner's
role should have only SELECT and INSERT. Should a writer bypass the lock
anyway, `seq PRIMARY KEY` and `UNIQUE (prev_hash)` refuse its fork.

    with open_ledger("postgresql://ci@db.internal/compliance") as ledger:
        ledger.append_run([NewEntry("run", {...}), ...])
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import astuple
from typing import Any

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
from hipaa_cac.ledger.location import LedgerUrl
from hipaa_cac.ledger.postgres_schema import LOCK_CLASS, connect, database_errors
from hipaa_cac.ledger.verify import VerifyResult, verify_chain

_PAGE_SIZE = 1000
_COLUMNS = "seq, run_id, type, payload, recorded_at, prev_hash, hash"
# How long a writer waits for the one before it; a runner stuck longer than
# this is an error, not a CI job that hangs until its own timeout.
LOCK_TIMEOUT = "60s"


class PostgresLedger:
    """An append-only, hash-chained ledger in the PostgreSQL database at `url`.

    Its tables are created if absent, unless `create` is False.
    """

    def __init__(self, url: LedgerUrl, *, create: bool = True) -> None:
        self.url = url
        self._db = connect(url, create=create)

    def append_run(
        self, entries: Sequence[NewEntry], recorded_at: str | None = None
    ) -> tuple[str, list[LedgerEntry]]:
        """Append `entries` as one new run, atomically: `("run-000003", [LedgerEntry, …])`."""
        if not entries:
            raise ValueError("a run needs at least one entry")
        with database_errors(self.url), self._db.transaction():
            self._db.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
            # Read the head only once we hold the lock, so that no other writer
            # can chain onto the same head.
            self._db.execute(
                f"SELECT pg_advisory_xact_lock({LOCK_CLASS}, 'ledger_entries'::regclass::oid::int)"
            )
            head = self._head_row()
            try:
                # Runs are only ever appended, so the head's run id is the highest.
                run_id = run_id_after(head.run_id if head else None)
            except ValueError as exc:
                raise InputError(
                    f"ledger head is damaged ({exc}); run verify", str(self.url)
                ) from None
            chained = chain_run(
                entries,
                run_id=run_id,
                recorded_at=format_timestamp(utc_now()) if recorded_at is None else recorded_at,
                prev_seq=head.seq if head else 0,
                prev_hash=head.hash if head else GENESIS,
            )
            with self._db.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO ledger_entries ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                    [astuple(entry.to_stored()) for entry in chained],
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
            filters.append("run_id = %s")
            params.append(run_id)
        if isinstance(types, str):  # a str is a Collection[str] too, of its letters
            raise TypeError(f"types must be a collection of entry types, not {types!r}")
        if types is not None:
            filters.append("type = ANY(%s)")
            params.append(sorted(types))
        for row in self._rows(filters, params):
            yield self._decode(row)

    def runs(self) -> list[str]:
        """Run ids in the order they were appended: `["run-000001", "run-000002"]`."""
        query = "SELECT run_id FROM ledger_entries GROUP BY run_id ORDER BY min(seq)"
        with database_errors(self.url):
            return [run_id for (run_id,) in self._db.execute(query)]

    def head(self) -> LedgerEntry | None:
        with database_errors(self.url):
            row = self._head_row()
        return None if row is None else self._decode(row)

    def verify(self, expect_head: str | None = None) -> VerifyResult:
        return verify_chain(self._rows([], []), expect_head)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> PostgresLedger:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _head_row(self) -> StoredEntry | None:
        query = f"SELECT {_COLUMNS} FROM ledger_entries ORDER BY seq DESC LIMIT 1"
        row = self._db.execute(query).fetchone()
        return None if row is None else StoredEntry(*row)

    def _rows(self, filters: list[str], params: list[Any]) -> Iterator[StoredEntry]:
        """Stored rows in seq order, a page at a time.

        Each page is its own statement (the connection is in autocommit), so no
        transaction stays open while the caller works on a page.
        """
        after: int | None = None
        while True:
            where = filters if after is None else [*filters, "seq > %s"]
            args = params if after is None else [*params, after]
            query = f"SELECT {_COLUMNS} FROM ledger_entries"
            if where:
                query += " WHERE " + " AND ".join(where)
            with database_errors(self.url):
                page = self._db.execute(f"{query} ORDER BY seq LIMIT {_PAGE_SIZE}", args).fetchall()
            for row in page:
                yield StoredEntry(*row)
            if len(page) < _PAGE_SIZE:
                return
            after = page[-1][0]

    def _decode(self, row: StoredEntry) -> LedgerEntry:
        try:
            return row.to_entry()
        except ValueError as exc:
            raise InputError(f"entry {row.seq}: {exc}; run verify", str(self.url)) from None
