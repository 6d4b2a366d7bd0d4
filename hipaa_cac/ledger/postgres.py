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

from collections.abc import Sequence
from dataclasses import astuple
from typing import Any, ClassVar

from hipaa_cac.ledger.entry import LedgerEntry, NewEntry
from hipaa_cac.ledger.location import LedgerUrl
from hipaa_cac.ledger.postgres_schema import LOCK_CLASS, connect, database_errors
from hipaa_cac.ledger.sql import SqlLedger

# How long a writer waits for the one before it; a runner stuck longer than
# this is an error, not a CI job that hangs until its own timeout.
LOCK_TIMEOUT = "60s"


class PostgresLedger(SqlLedger):
    """An append-only, hash-chained ledger in the PostgreSQL database at `url`.

    Its tables are created if absent, unless `create` is False.
    """

    placeholder: ClassVar[str] = "%s"

    def __init__(self, url: LedgerUrl, *, create: bool = True) -> None:
        self.url = url
        self._db = connect(url, create=create)

    def append_run(
        self, entries: Sequence[NewEntry], recorded_at: str | None = None
    ) -> tuple[str, list[LedgerEntry]]:
        """Append `entries` as one new run, atomically: `("run-000003", [LedgerEntry, …])`."""
        with database_errors(self.url), self._db.transaction():
            self._db.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
            # The lock before the head is read, so no other writer chains onto the same head.
            self._db.execute(
                f"SELECT pg_advisory_xact_lock({LOCK_CLASS}, 'ledger_entries'::regclass::oid::int)"
            )
            run_id, chained = self._chain(entries, recorded_at)
            with self._db.cursor() as cursor:
                cursor.executemany(
                    self._insert_query(), [astuple(entry.to_stored()) for entry in chained]
                )
        return run_id, chained

    def close(self) -> None:
        self._db.close()

    def _fetch(self, query: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        # Autocommit: each page is its own statement, no transaction stays open.
        with database_errors(self.url):
            return self._db.execute(query, args).fetchall()

    def _where(self) -> str:
        return str(self.url)
