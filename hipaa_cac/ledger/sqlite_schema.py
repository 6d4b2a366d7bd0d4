"""Opening an SQLite file as a ledger: recognise ours, refuse others, create new ones.

A ledger file is marked in its SQLite header (`PRAGMA application_id`, with the
format version in `PRAGMA user_version`), so a text file or another program's
database is refused by name instead of being quietly given a ledger table.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hipaa_cac.errors import InputError

APPLICATION_ID = 0x48434143  # "HCAC"
FORMAT_VERSION = 1
BUSY_TIMEOUT_S = 30.0

# The triggers stop honest mistakes (a stray UPDATE from an SQL shell); someone
# who drops them can edit rows, and verify() is what catches that.
_SCHEMA = (
    """CREATE TABLE ledger_entries (
        seq         INTEGER PRIMARY KEY,
        run_id      TEXT NOT NULL CHECK (typeof(run_id) = 'text'),
        type        TEXT NOT NULL CHECK (typeof(type) = 'text'),
        payload     TEXT NOT NULL CHECK (typeof(payload) = 'text'),
        recorded_at TEXT NOT NULL CHECK (typeof(recorded_at) = 'text'),
        prev_hash   TEXT NOT NULL CHECK (typeof(prev_hash) = 'text'),
        hash        TEXT NOT NULL CHECK (typeof(hash) = 'text')
    )""",
    "CREATE INDEX ledger_entries_run_id ON ledger_entries (run_id)",
    """CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
       BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END""",
    """CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
       BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END""",
    f"PRAGMA application_id = {APPLICATION_ID}",
    f"PRAGMA user_version = {FORMAT_VERSION}",
)


def connect(path: Path, *, create: bool) -> sqlite3.Connection:
    """A connection to the ledger at `path`, creating it (and its parents) if allowed."""
    if not path.exists():
        if not create:
            raise InputError("no ledger found", path)
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # isolation_level=None: no implicit transactions; we BEGIN and COMMIT ourselves.
        db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    except sqlite3.Error as exc:
        raise InputError(f"cannot open ledger: {exc}", path) from None
    try:
        _ensure_schema(db, path)
    except BaseException as exc:
        db.close()
        if isinstance(exc, sqlite3.Error):  # e.g. "file is not a database"
            raise InputError(f"not a hipaa-cac ledger: {exc}", path) from None
        raise
    return db


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[None]:
    # IMMEDIATE takes the write lock up front: a second writer waits here (up to
    # the busy timeout) before reading anything, rather than failing at COMMIT.
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise


def _ensure_schema(db: sqlite3.Connection, path: Path) -> None:
    # Look before locking, so that a read-only copy of a ledger can be verified.
    if _is_ledger(db, path):
        return
    with transaction(db):  # two processes may be creating the same ledger
        if _is_ledger(db, path):
            return
        if db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            raise InputError("not a hipaa-cac ledger: an SQLite database of something else", path)
        for statement in _SCHEMA:
            db.execute(statement)


def _is_ledger(db: sqlite3.Connection, path: Path) -> bool:
    application_id = db.execute("PRAGMA application_id").fetchone()[0]
    if application_id == 0:
        return False
    if application_id != APPLICATION_ID:
        raise InputError(
            f"not a hipaa-cac ledger (SQLite application id {application_id:#x})", path
        )
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version != FORMAT_VERSION:
        raise InputError(
            f"ledger format {version} is not supported (expected {FORMAT_VERSION})", path
        )
    return True
