"""Opening a PostgreSQL database as a ledger: recognise ours, refuse others, create new ones.

The ledger is two tables in the connection's schema (the first on its search_path):

    ledger_format   one row: ('hipaa-cac ledger', 1)  -- what this is, and its format version
    ledger_entries  seq BIGINT PRIMARY KEY, run_id, type, payload, recorded_at,
                    prev_hash UNIQUE, hash            -- all TEXT, payload canonical JSON

`payload` is TEXT and never jsonb: jsonb normalises what it stores, and
verification must check the exact bytes that were hashed. `prev_hash UNIQUE`
(with the seq primary key) makes a forked chain impossible even for a writer
that skips the append lock. Triggers refuse UPDATE, DELETE and TRUNCATE: they
stop honest mistakes; someone who drops them can edit rows, and verify()
catches that.

Every driver error becomes an InputError naming the URL with its password masked.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict

from hipaa_cac.errors import InputError
from hipaa_cac.ledger.location import LedgerUrl

FORMAT = "hipaa-cac ledger"
FORMAT_VERSION = 1
CONNECT_TIMEOUT_S = 10
# The first key of every advisory lock we take ("HCAC"); the second names what is locked.
LOCK_CLASS = 0x48434143
_CREATE_LOCK = 0

_SCHEMA = (
    "CREATE TABLE ledger_format (format TEXT NOT NULL, version INTEGER NOT NULL)",
    f"INSERT INTO ledger_format (format, version) VALUES ('{FORMAT}', {FORMAT_VERSION})",
    """CREATE TABLE ledger_entries (
        seq         BIGINT PRIMARY KEY,
        run_id      TEXT NOT NULL,
        type        TEXT NOT NULL,
        payload     TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        prev_hash   TEXT NOT NULL UNIQUE,
        hash        TEXT NOT NULL
    )""",
    "CREATE INDEX ledger_entries_run_id ON ledger_entries (run_id)",
    """CREATE FUNCTION ledger_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'ledger entries are append-only'; END $$""",
    """CREATE TRIGGER ledger_entries_no_change BEFORE UPDATE OR DELETE ON ledger_entries
       FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only()""",
    """CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
       FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_append_only()""",
)

Connection = psycopg.Connection[tuple[Any, ...]]


@contextmanager
def database_errors(url: LedgerUrl, doing: str = "ledger database error") -> Iterator[None]:
    """Turn a driver error into an InputError that names the (masked) URL, password scrubbed."""
    try:
        yield
    except psycopg.Error as exc:
        detail = " ".join(str(exc).split()) or type(exc).__name__
        raise InputError(f"{doing}: {url.scrub(detail)}", str(url)) from None


def connect(url: LedgerUrl, *, create: bool) -> Connection:
    """A connection to the ledger at `url`, creating its tables if absent and allowed."""
    db = _open(url)
    try:
        with database_errors(url):
            # READ COMMITTED, whatever the server's default: a writer must see the
            # head committed by the writer before it, once it has the lock.
            db.isolation_level = psycopg.IsolationLevel.READ_COMMITTED
            _ensure_schema(db, url, create=create)
    except BaseException:
        db.close()
        raise
    return db


def ledger_exists(url: LedgerUrl) -> bool:
    """Whether the database at `url` holds a ledger; unreachable is an InputError, not False."""
    db = _open(url)
    try:
        with database_errors(url):
            return _is_ledger(db, url)
    finally:
        db.close()


def _open(url: LedgerUrl) -> Connection:
    with database_errors(url, "not a valid PostgreSQL URL"):
        params: dict[str, Any] = conninfo_to_dict(url.url)
    params.setdefault("connect_timeout", CONNECT_TIMEOUT_S)
    params.setdefault("application_name", "hipaa-cac")
    with database_errors(url, "cannot connect to the ledger database"):
        # autocommit: every read is its own statement (no transaction left open
        # while a caller works); writes use explicit transactions.
        return psycopg.connect(**params, autocommit=True)


def _ensure_schema(db: Connection, url: LedgerUrl, *, create: bool) -> None:
    # Look before locking, so that a read-only auditor role can verify.
    if _is_ledger(db, url):
        return
    if not create:
        raise InputError("no ledger found (the database has no ledger_format table)", str(url))
    with db.transaction():
        # Two runners may be creating the same ledger: the second waits, then finds it.
        db.execute(f"SELECT pg_advisory_xact_lock({LOCK_CLASS}, {_CREATE_LOCK})")
        if _is_ledger(db, url):
            return
        for statement in _SCHEMA:
            db.execute(statement)


def _is_ledger(db: Connection, url: LedgerUrl) -> bool:
    format_table, entries_table = db.execute(
        "SELECT to_regclass('ledger_format'), to_regclass('ledger_entries')"
    ).fetchone() or (None, None)
    if format_table is None:
        if entries_table is not None:
            raise InputError(
                "not a hipaa-cac ledger: the database has a ledger_entries table of something else",
                str(url),
            )
        return False
    rows = db.execute("SELECT format, version FROM ledger_format").fetchall()
    if len(rows) != 1 or rows[0][0] != FORMAT:
        raise InputError("not a hipaa-cac ledger (ledger_format does not say so)", str(url))
    if rows[0][1] != FORMAT_VERSION:
        raise InputError(
            f"ledger format {rows[0][1]} is not supported (expected {FORMAT_VERSION})", str(url)
        )
    if entries_table is None:
        raise InputError(
            "ledger is damaged: ledger_format exists but ledger_entries does not", str(url)
        )
    return True
