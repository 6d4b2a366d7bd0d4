"""The tamper-evident, append-only ledger of evaluation runs and control statuses.

with open_ledger(".hipaa-cac/ledger.db") as ledger:     # or "postgresql://ci@db/compliance"
    run_id, entries = ledger.append_run([
        NewEntry("run", {"controls": 1}),
        NewEntry("control_status", {"control": "164.312(b)", "status": "pass"}),
    ])
    result = ledger.verify()   # VerifyResult(ok=True, entries=2, runs=1, ...)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hipaa_cac.errors import InputError
from hipaa_cac.ledger.base import Ledger
from hipaa_cac.ledger.entry import GENESIS, LedgerEntry, NewEntry, StoredEntry
from hipaa_cac.ledger.location import LedgerUrl, ledger_location
from hipaa_cac.ledger.sqlite import SqliteLedger
from hipaa_cac.ledger.verify import VerifyResult, verify_chain

__all__ = [
    "GENESIS",
    "Ledger",
    "LedgerEntry",
    "LedgerUrl",
    "NewEntry",
    "SqliteLedger",
    "StoredEntry",
    "VerifyResult",
    "ledger_exists",
    "open_ledger",
    "verify_chain",
]

INSTALL_HINT = "pip install 'hipaa-cac[postgresql]'"


def open_ledger(location: str | Path | LedgerUrl, *, create: bool = True) -> Ledger:
    """Open the ledger at `location`: an SQLite file path such as `.hipaa-cac/ledger.db`,
    or a `postgresql://` (or `postgres://`) URL.

    With `create=False` a missing ledger is an InputError rather than a new, empty
    (and so trivially valid) ledger: what `verify` of a mistyped location wants.
    """
    where = _resolve(location)
    if isinstance(where, Path):
        return SqliteLedger(where, create=create)
    with _psycopg_required(where):
        from hipaa_cac.ledger.postgres import PostgresLedger
    return PostgresLedger(where, create=create)


def ledger_exists(location: str | Path | LedgerUrl) -> bool:
    """Whether a ledger is there. A database that cannot be reached is an InputError,
    never False: a caller must not mistake "unreachable" for "nothing recorded"."""
    where = _resolve(location)
    if isinstance(where, Path):
        return where.exists()
    with _psycopg_required(where):
        from hipaa_cac.ledger.postgres_schema import ledger_exists as postgres_ledger_exists
    return postgres_ledger_exists(where)


def _resolve(location: str | Path | LedgerUrl) -> Path | LedgerUrl:
    if isinstance(location, LedgerUrl | Path):
        return location
    try:
        return ledger_location(location)
    except ValueError as exc:
        raise InputError(str(exc)) from None


@contextmanager
def _psycopg_required(url: LedgerUrl) -> Iterator[None]:
    # psycopg is an optional extra: a team on SQLite does not need a PostgreSQL driver.
    try:
        yield
    except ModuleNotFoundError as exc:
        if (exc.name or "").partition(".")[0] != "psycopg":
            raise
        raise InputError(f"a PostgreSQL ledger needs psycopg: {INSTALL_HINT}", str(url)) from None
