"""The ledger in an SQLite file (the default backend).

One row per entry, the payload stored as canonical JSON text:

    seq  run_id      type            payload                          prev_hash   hash
    1    run-000001  run             {"controls":2}                   sha256:00…  sha256:5e…
    2    run-000001  control_status  {"control":"…","status":"pass"}  sha256:5e…  sha256:a1…

(plus recorded_at, e.g. "2026-11-20T09:00:05Z", on every row).

Each run is appended in one `BEGIN IMMEDIATE` transaction, so a killed process
leaves whole runs or none, and concurrent writers queue up instead of forking
the chain. Hashing and verification live in `entry.py` and `verify.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import astuple
from pathlib import Path
from typing import Any, ClassVar

from hipaa_cac.ledger.entry import LedgerEntry, NewEntry
from hipaa_cac.ledger.sql import SqlLedger
from hipaa_cac.ledger.sqlite_schema import connect, transaction


class SqliteLedger(SqlLedger):
    """An append-only, hash-chained ledger in the SQLite file `path`.

    The file is created (with its parent directories) unless `create` is False.
    It keeps SQLite's default rollback journal rather than WAL, so that after every
    commit the one file holds the whole ledger and can be copied for auditors.
    """

    placeholder: ClassVar[str] = "?"

    def __init__(self, path: Path, *, create: bool = True) -> None:
        self.path = path
        self._db = connect(path, create=create)

    def append_run(
        self, entries: Sequence[NewEntry], recorded_at: str | None = None
    ) -> tuple[str, list[LedgerEntry]]:
        """Append `entries` as one new run, atomically: `("run-000003", [LedgerEntry, …])`."""
        with transaction(self._db):  # BEGIN IMMEDIATE: the write lock before the head is read
            run_id, chained = self._chain(entries, recorded_at)
            self._db.executemany(
                self._insert_query(), [astuple(entry.to_stored()) for entry in chained]
            )
        return run_id, chained

    def close(self) -> None:
        self._db.close()

    def _fetch(self, query: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self._db.execute(query, args).fetchall()

    def _where(self) -> Path:
        return self.path
