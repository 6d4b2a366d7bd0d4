"""The ledger: appending, reading back, tamper detection, crashes and concurrency.

What every backend must do runs against both (`location`: an SQLite file, and a
fresh database on the real PostgreSQL server of tests/postgres_server.py).
Tampering is done the way an attacker would: here by editing the SQLite file with
plain sqlite3 after dropping the append-only triggers; PostgreSQL's rows in
test_ledger_postgres.py.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest

from hipaa_cac.canonical import content_hash
from hipaa_cac.durations import parse_timestamp
from hipaa_cac.errors import InputError
from hipaa_cac.ledger import GENESIS, Ledger, NewEntry, open_ledger

REPO = Path(__file__).resolve().parents[1]
WRITER = Path(__file__).with_name("ledger_writer.py")
WHEN = "2026-11-20T09:00:00Z"


def run_of(statuses: int) -> list[NewEntry]:
    """A run as the evaluator writes it: a `run` entry, then one entry per control."""
    return [NewEntry("run", {"expected": statuses})] + [
        NewEntry("control_status", {"control": f"c{n}", "status": "fail"}) for n in range(statuses)
    ]


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> Path | str:
    """Where a new ledger goes: an SQLite file path, or a PostgreSQL URL (a str)."""
    if request.param == "sqlite":
        return tmp_path / "audit" / "ledger.db"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def ledger(location: Path | str) -> Iterator[Ledger]:
    with open_ledger(location) as opened:
        yield opened


def assert_runs_complete(ledger: Ledger) -> None:
    """Every run holds its `run` entry plus as many statuses as that entry announces."""
    expected: dict[str, int] = {}
    statuses: Counter[str] = Counter()
    for entry in ledger.entries():
        if entry.type == "run":
            expected[entry.run_id] = entry.payload["expected"]
        else:
            statuses[entry.run_id] += 1
    assert set(expected) == set(ledger.runs())
    assert {run: statuses[run] for run in expected} == expected


# --- appending and reading back ---------------------------------------------------------


def test_append_and_read_back(ledger: Ledger) -> None:
    run_id, written = ledger.append_run(run_of(2), recorded_at=WHEN)

    assert run_id == "run-000001"
    assert [e.seq for e in written] == [1, 2, 3]
    assert list(ledger.entries()) == written
    assert written[1].payload == {"control": "c0", "status": "fail"}
    assert {e.recorded_at for e in written} == {WHEN}
    assert ledger.head() == written[-1]


def test_entries_chain_with_the_documented_hash(ledger: Ledger) -> None:
    ledger.append_run(run_of(1))
    _, second = ledger.append_run(run_of(1))
    entries = list(ledger.entries())

    assert entries[0].prev_hash == GENESIS
    for before, entry in pairwise(entries):
        assert entry.prev_hash == before.hash
    for entry in entries:
        # The recipe an auditor uses, spelled out independently of the ledger code.
        fields = {
            "seq": entry.seq,
            "run_id": entry.run_id,
            "type": entry.type,
            "payload": entry.payload,
            "recorded_at": entry.recorded_at,
            "prev_hash": entry.prev_hash,
        }
        assert entry.hash == content_hash(fields)
    assert second[0].prev_hash == entries[1].hash  # runs chain onto each other too


def test_run_ids_allocate_in_order_across_reopening(location: Path | str) -> None:
    with open_ledger(location) as ledger:
        first, _ = ledger.append_run(run_of(1))
        second, _ = ledger.append_run(run_of(3))
    with open_ledger(location, create=False) as ledger:
        third, _ = ledger.append_run(run_of(2))
        assert [first, second, third] == ["run-000001", "run-000002", "run-000003"]
        assert ledger.runs() == [first, second, third]
        assert [e.seq for e in ledger.entries(run_id=second)] == [3, 4, 5, 6]
        assert [e.run_id for e in ledger.entries(types=["run"])] == [first, second, third]
        assert list(ledger.entries(types=[])) == []
        with pytest.raises(TypeError):
            list(ledger.entries(types="run"))
        assert ledger.verify().ok


def test_default_recorded_at_is_utc_now(ledger: Ledger) -> None:
    _, entries = ledger.append_run(run_of(1))
    recorded_at = entries[0].recorded_at
    assert recorded_at.endswith("Z")
    assert abs(parse_timestamp(recorded_at) - datetime.now(UTC)) < timedelta(minutes=1)


def test_payload_is_stored_as_read_back(ledger: Ledger) -> None:
    _, written = ledger.append_run([NewEntry("run", {"rules": ("r1", "r2"), "note": "é"})])
    assert written[0].payload == {"rules": ["r1", "r2"], "note": "é"}
    assert list(ledger.entries()) == written


def test_rejects_empty_runs_and_non_json_payloads(ledger: Ledger) -> None:
    with pytest.raises(ValueError, match="at least one entry"):
        ledger.append_run([])
    with pytest.raises(ValueError, match="NaN"):
        ledger.append_run([NewEntry("run", {"score": float("nan")})])
    assert ledger.head() is None  # nothing half-written
    assert ledger.verify().ok and ledger.verify().head_hash is None


def test_reads_page_through_long_ledgers(ledger: Ledger) -> None:
    # Reads go a page (1000 rows) at a time: cross page boundaries, filtered and not.
    for statuses in (1200, 900, 5):
        ledger.append_run(run_of(statuses))
    entries = list(ledger.entries())
    assert [e.seq for e in entries] == list(range(1, 2109))
    assert len(list(ledger.entries(run_id="run-000002"))) == 901
    assert [e.seq for e in ledger.entries(types=["run"])] == [1, 1202, 2103]
    assert (ledger.verify().ok, ledger.verify().entries) == (True, 2108)


def test_sql_updates_and_deletes_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    with open_ledger(path) as ledger:
        ledger.append_run(run_of(1))
    with closing(sqlite3.connect(path)) as db:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute("UPDATE ledger_entries SET payload = '{}' WHERE seq = 1")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute("DELETE FROM ledger_entries")


# --- tampering --------------------------------------------------------------------------


def tamper(path: Path, script: str) -> None:
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        ).fetchall():
            db.execute(f"DROP TRIGGER {name}")
        db.executescript(script)


def rehash(path: Path, seq: int) -> None:
    """Give entry `seq` the hash of its (tampered) fields, as a careful attacker would."""
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        query = (
            "SELECT run_id, type, payload, recorded_at, prev_hash FROM ledger_entries WHERE seq=?"
        )
        run_id, type_, payload, recorded_at, prev_hash = db.execute(query, (seq,)).fetchone()
        fields = {
            "seq": seq,
            "run_id": run_id,
            "type": type_,
            "payload": json.loads(payload),
            "recorded_at": recorded_at,
            "prev_hash": prev_hash,
        }
        db.execute("UPDATE ledger_entries SET hash = ? WHERE seq = ?", (content_hash(fields), seq))


SET_PASS_5 = (
    "UPDATE ledger_entries SET payload = json_set(payload, '$.status', 'pass') WHERE seq = 5"
)

# (what the attacker runs, entry whose hash they then recompute, first bad seq, problem)
TAMPERINGS = {
    "modified payload": (
        SET_PASS_5,
        None,
        5,
        "entry 5: content does not match its hash (modified)",
    ),
    "modified payload and its hash": (
        SET_PASS_5,
        5,
        6,
        "entry 6: prev_hash does not match entry 5 (modified, deleted, inserted or reordered)",
    ),
    "reformatted payload, same data": (
        "UPDATE ledger_entries SET payload = replace(payload, ',', ', ') WHERE seq = 5",
        None,
        5,
        "entry 5: payload is not canonical JSON (modified)",
    ),
    "modified recorded_at": (
        "UPDATE ledger_entries SET recorded_at = '2020-01-01T00:00:00Z' WHERE seq = 2",
        None,
        2,
        "entry 2: content does not match its hash (modified)",
    ),
    "deleted middle entry": (
        "DELETE FROM ledger_entries WHERE seq = 5",
        None,
        5,
        "sequence gap after entry 4 (entry deleted)",
    ),
    "deleted first entry": (
        "DELETE FROM ledger_entries WHERE seq = 1",
        None,
        1,
        "ledger starts at entry 2, not 1 (entries deleted)",
    ),
    "deleted entry, later ones renumbered": (
        """DELETE FROM ledger_entries WHERE seq = 5;
           UPDATE ledger_entries SET seq = seq - 1 WHERE seq > 5;""",
        None,
        5,
        "entry 5: prev_hash does not match entry 4 (modified, deleted, inserted or reordered)",
    ),
    # Make room at seq 5, then forge an entry there that links to entry 4 and
    # carries a correct hash of its own.
    "inserted forged entry": (
        """UPDATE ledger_entries SET seq = seq + 1000 WHERE seq >= 5;
           UPDATE ledger_entries SET seq = seq - 999 WHERE seq >= 1000;
           INSERT INTO ledger_entries
             SELECT 5, run_id, type, '{"control":"forged","status":"pass"}', recorded_at, hash, ''
             FROM ledger_entries WHERE seq = 4;""",
        5,
        6,
        "entry 6: prev_hash does not match entry 5 (modified, deleted, inserted or reordered)",
    ),
    "swapped entries": (
        """UPDATE ledger_entries SET seq = -1 WHERE seq = 4;
           UPDATE ledger_entries SET seq = 4 WHERE seq = 5;
           UPDATE ledger_entries SET seq = 5 WHERE seq = -1;""",
        None,
        4,
        "entry 4: prev_hash does not match entry 3 (modified, deleted, inserted or reordered)",
    ),
}


@pytest.mark.parametrize(
    ("script", "rehashed", "first_bad_seq", "problem"),
    [pytest.param(*case, id=name) for name, case in TAMPERINGS.items()],
)
def test_verify_names_the_first_tampered_entry(
    tmp_path: Path, script: str, rehashed: int | None, first_bad_seq: int, problem: str
) -> None:
    path = tmp_path / "ledger.db"
    with open_ledger(path) as ledger:
        for _ in range(3):
            ledger.append_run(run_of(2))  # entries 1-9
        assert ledger.verify().ok

    tamper(path, script)
    if rehashed is not None:
        rehash(path, rehashed)

    with open_ledger(path) as ledger:
        result = ledger.verify()
    assert result.ok is False
    assert result.first_bad_seq == first_bad_seq
    assert result.problem == problem
    assert result.entries == first_bad_seq - 1  # the intact prefix


def test_expect_head_detects_entries_removed_from_the_end(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    with open_ledger(path) as ledger:
        ledger.append_run(run_of(2))
        ledger.append_run(run_of(2))  # entries 4-6
        recorded = ledger.verify().head_hash
    tamper(path, "DELETE FROM ledger_entries WHERE run_id = 'run-000002'")

    with open_ledger(path) as ledger:
        assert ledger.verify().ok  # a clean cut is invisible without a recorded head
        result = ledger.verify(expect_head=recorded)
    assert result.ok is False
    assert result.first_bad_seq == 4
    assert result.problem is not None and "entries removed from the end" in result.problem
    assert result.entries == 3


def test_expect_head_recorded_earlier_survives_later_runs(ledger: Ledger) -> None:
    ledger.append_run(run_of(1))
    recorded = ledger.verify().head_hash
    ledger.append_run(run_of(1))

    assert ledger.verify(expect_head=recorded).ok
    assert not ledger.verify(expect_head="sha256:" + "f" * 64).ok


# --- crashes and concurrency ------------------------------------------------------------


def start_writer(location: Path | str, runs: int, statuses: int) -> subprocess.Popen[str]:
    """Start tests/ledger_writer.py and wait until it has the ledger open."""
    writer = subprocess.Popen(
        [sys.executable, str(WRITER), str(location), str(runs), str(statuses)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert writer.stdout is not None and writer.stdout.readline() == "ready\n"
    return writer


def go(writer: subprocess.Popen[str]) -> None:
    assert writer.stdin is not None
    writer.stdin.write("go\n")
    writer.stdin.flush()


def test_killed_writer_leaves_only_whole_runs(location: Path | str) -> None:
    committed: set[str] = set()
    # Runs of 150 entries keep the writer inside a transaction most of the time.
    for delay in (0.0, 0.01, 0.03, 0.06, 0.1, 0.15, 0.25):
        writer = start_writer(location, runs=100_000, statuses=150)
        go(writer)
        time.sleep(delay)
        writer.send_signal(signal.SIGKILL)
        out, _ = writer.communicate(timeout=10)
        assert writer.returncode == -signal.SIGKILL  # killed mid-loop, not finished
        committed |= set(out.split())

        with open_ledger(location) as ledger:
            assert ledger.verify().ok
            assert committed <= set(ledger.runs())  # every run it reported is intact
            assert_runs_complete(ledger)
    assert len(committed) >= 5  # the writers did get going


def test_concurrent_writers_all_land_on_one_chain(location: Path | str) -> None:
    # The ledger is created by the writers themselves, concurrently. PostgreSQL is
    # the team ledger (one CI job per account), so more writers at once there.
    count, runs = (8, 25) if isinstance(location, str) else (3, 40)
    writers = [start_writer(location, runs=runs, statuses=10) for _ in range(count)]
    for writer in writers:
        go(writer)
    outputs = [writer.communicate(timeout=120)[0] for writer in writers]
    assert [writer.returncode for writer in writers] == [0] * count

    total = count * runs
    reported = [run_id for out in outputs for run_id in out.split()]
    assert len(reported) == len(set(reported)) == total
    with open_ledger(location) as ledger:
        result = ledger.verify()
        assert (result.ok, result.runs, result.entries) == (True, total, total * 11)
        assert ledger.runs() == [f"run-{n:06d}" for n in range(1, total + 1)]
        assert set(ledger.runs()) == set(reported)
        assert_runs_complete(ledger)


# --- opening ----------------------------------------------------------------------------


def test_text_file_is_not_a_ledger(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a database, just some notes\n" * 10)
    with pytest.raises(InputError) as error:
        open_ledger(path)
    assert error.value.file == str(path)
    assert "not a hipaa-cac ledger" in str(error.value)
    assert path.read_text().startswith("not a database")  # left untouched


def test_other_sqlite_database_is_not_a_ledger(tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    with closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE users (name TEXT)")
    with pytest.raises(InputError, match="not a hipaa-cac ledger") as error:
        open_ledger(path)
    assert error.value.file == str(path)


def test_missing_ledger_is_created_only_when_allowed(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "dir" / "ledger.db"
    with pytest.raises(InputError, match="no ledger found"):
        open_ledger(path, create=False)
    assert not path.parent.exists()
    with open_ledger(path) as ledger:
        ledger.append_run(run_of(1))
    with open_ledger(path, create=False) as ledger:
        assert ledger.runs() == ["run-000001"]


def test_urls_of_other_databases_are_refused_not_taken_for_paths() -> None:
    with pytest.raises(InputError, match=r"unsupported ledger URL 'mysql://ci:\*\*\*@db/x'"):
        open_ledger("mysql://ci:s3cret@db/x")
