"""The tamper-evident, append-only ledger of evaluation runs and control statuses.

with open_ledger(".hipaa-cac/ledger.db") as ledger:
    run_id, entries = ledger.append_run([
        NewEntry("run", {"controls": 1}),
        NewEntry("control_status", {"control": "164.312(b)", "status": "pass"}),
    ])
    result = ledger.verify()   # VerifyResult(ok=True, entries=2, runs=1, ...)
"""

from __future__ import annotations

from pathlib import Path

from hipaa_cac.errors import InputError
from hipaa_cac.ledger.entry import GENESIS, LedgerEntry, NewEntry, StoredEntry
from hipaa_cac.ledger.sqlite import SqliteLedger
from hipaa_cac.ledger.verify import VerifyResult, verify_chain

__all__ = [
    "GENESIS",
    "LedgerEntry",
    "NewEntry",
    "SqliteLedger",
    "StoredEntry",
    "VerifyResult",
    "open_ledger",
    "verify_chain",
]


def open_ledger(location: str | Path, *, create: bool = True) -> SqliteLedger:
    """Open the ledger at `location`, an SQLite file path such as `.hipaa-cac/ledger.db`.

    With `create=False` a missing file is an InputError rather than a new, empty
    (and so trivially valid) ledger: what `verify` of a mistyped path wants.
    """
    text = str(location)
    if "://" in text:
        # postgresql:// URLs will be dispatched here once that backend exists.
        raise InputError(f"unsupported ledger location {text!r}: only SQLite file paths for now")
    return SqliteLedger(Path(text).expanduser(), create=create)
