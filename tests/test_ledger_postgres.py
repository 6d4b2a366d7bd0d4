"""The ledger on PostgreSQL: what only this backend has (the contract both share
is in test_ledger.py, run against both).

Everything runs on the real server of tests/postgres_server.py, one fresh
database per test. Tampering is done as an attacker with a superuser would:
disable the append-only triggers (and drop a constraint where one stands in
the way), edit rows with plain SQL, recompute a hash.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

import psycopg
import pytest
from click.testing import Result
from postgres_server import PASSWORD, PostgresServer

from hipaa_cac.canonical import canonical_json, content_hash
from hipaa_cac.errors import InputError
from hipaa_cac.ledger import LedgerUrl, NewEntry, ledger_exists, open_ledger
from tests.conftest import AS_OF
from tests.test_ledger import run_of


def sql(url: str, *statements: str) -> list[tuple[object, ...]]:
    """Run `statements` as a superuser with the append-only triggers off; the last one's rows."""
    rows: list[tuple[object, ...]] = []
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("ALTER TABLE ledger_entries DISABLE TRIGGER USER")
        for statement in statements:
            cursor = db.execute(statement)
            rows = cursor.fetchall() if cursor.description else []
        db.execute("ALTER TABLE ledger_entries ENABLE TRIGGER USER")
    return rows


def rehash(url: str, seq: int) -> None:
    """Give entry `seq` the hash of its (tampered) fields, as a careful attacker would."""
    query = "SELECT run_id, type, payload, recorded_at, prev_hash FROM ledger_entries WHERE seq=%s"
    with psycopg.connect(url, autocommit=True) as db:
        row = db.execute(query, (seq,)).fetchone()
        assert row is not None
        run_id, type_, payload, recorded_at, prev_hash = row
        fields = {
            "seq": seq,
            "run_id": run_id,
            "type": type_,
            "payload": json.loads(payload),
            "recorded_at": recorded_at,
            "prev_hash": prev_hash,
        }
        db.execute("ALTER TABLE ledger_entries DISABLE TRIGGER USER")
        db.execute(
            "UPDATE ledger_entries SET hash = %s WHERE seq = %s", (content_hash(fields), seq)
        )


SET_PASS_5 = (
    'UPDATE ledger_entries SET payload = replace(payload, \'"status":"fail"\', '
    '\'"status":"pass"\') WHERE seq = 5'
)

# (the attacker's statements, entry whose hash they recompute, first bad seq, problem)
TAMPERINGS = {
    "modified payload": (
        [SET_PASS_5],
        None,
        5,
        "entry 5: content does not match its hash (modified)",
    ),
    "modified payload and its hash": (
        [SET_PASS_5],
        5,
        6,
        "entry 6: prev_hash does not match entry 5 (modified, deleted, inserted or reordered)",
    ),
    # What storing the payload as jsonb would do to every row: same data, other bytes.
    "payload round-tripped through jsonb": (
        ["UPDATE ledger_entries SET payload = payload::jsonb::text WHERE seq = 5"],
        None,
        5,
        "entry 5: payload is not canonical JSON (modified)",
    ),
    "deleted middle entry": (
        ["DELETE FROM ledger_entries WHERE seq = 5"],
        None,
        5,
        "sequence gap after entry 4 (entry deleted)",
    ),
    "deleted first entry": (
        ["DELETE FROM ledger_entries WHERE seq = 1"],
        None,
        1,
        "ledger starts at entry 2, not 1 (entries deleted)",
    ),
    "swapped entries": (
        [
            "UPDATE ledger_entries SET seq = -1 WHERE seq = 4",
            "UPDATE ledger_entries SET seq = 4 WHERE seq = 5",
            "UPDATE ledger_entries SET seq = 5 WHERE seq = -1",
        ],
        None,
        4,
        "entry 4: prev_hash does not match entry 3 (modified, deleted, inserted or reordered)",
    ),
    # UNIQUE (prev_hash) refuses a second entry linking to entry 4: drop it first.
    "inserted forged entry": (
        [
            "ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_prev_hash_key",
            "UPDATE ledger_entries SET seq = seq + 1000 WHERE seq >= 5",
            "UPDATE ledger_entries SET seq = seq - 999 WHERE seq >= 1000",
            """INSERT INTO ledger_entries
               SELECT 5, run_id, type, '{"control":"forged","status":"pass"}', recorded_at, hash, ''
               FROM ledger_entries WHERE seq = 4""",
        ],
        5,
        6,
        "entry 6: prev_hash does not match entry 5 (modified, deleted, inserted or reordered)",
    ),
}


@pytest.mark.parametrize(
    ("statements", "rehashed", "first_bad_seq", "problem"),
    [pytest.param(*case, id=name) for name, case in TAMPERINGS.items()],
)
def test_verify_names_the_first_tampered_row(
    postgres_url: str,
    statements: list[str],
    rehashed: int | None,
    first_bad_seq: int,
    problem: str,
) -> None:
    with open_ledger(postgres_url) as ledger:
        for _ in range(3):
            ledger.append_run(run_of(2))  # entries 1-9
        assert ledger.verify().ok

    sql(postgres_url, *statements)
    if rehashed is not None:
        rehash(postgres_url, rehashed)

    with open_ledger(postgres_url) as ledger:
        result = ledger.verify()
    assert (result.ok, result.first_bad_seq, result.problem) == (False, first_bad_seq, problem)
    assert result.entries == first_bad_seq - 1  # the intact prefix


def test_payload_is_stored_as_the_hashed_text(postgres_url: str) -> None:
    with open_ledger(postgres_url) as ledger:
        _, written = ledger.append_run([NewEntry("run", {"b": (1, 2), "a": "é"})])
    [(data_type,)] = sql(
        postgres_url,
        "SELECT data_type FROM information_schema.columns "
        "WHERE table_name = 'ledger_entries' AND column_name = 'payload'",
    )
    [(payload,)] = sql(postgres_url, "SELECT payload FROM ledger_entries")
    assert data_type == "text"  # never jsonb, which would normalise the bytes
    assert payload == canonical_json(written[0].payload) == '{"a":"é","b":[1,2]}'


# --- the database refuses what the code never does --------------------------------------


def test_updates_deletes_and_truncate_are_refused(postgres_url: str) -> None:
    with open_ledger(postgres_url) as ledger:
        ledger.append_run(run_of(1))
    with psycopg.connect(postgres_url, autocommit=True) as db:
        for statement in (
            "UPDATE ledger_entries SET payload = '{}' WHERE seq = 1",
            "DELETE FROM ledger_entries",
            "TRUNCATE ledger_entries",
        ):
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                db.execute(statement)


def test_a_fork_is_refused_even_without_the_lock(postgres_url: str) -> None:
    """A writer that skipped the lock and chained onto an old head cannot commit."""
    with open_ledger(postgres_url) as ledger:
        ledger.append_run(run_of(1))  # entries 1-2
        ledger.append_run(run_of(1))  # entries 3-4, entry 3 links to entry 2
    insert = "INSERT INTO ledger_entries VALUES (%s, 'run-000003', 'run', '{}', 'x', %s, 'h')"
    with psycopg.connect(postgres_url, autocommit=True) as db:
        [(hash_2,)] = db.execute("SELECT hash FROM ledger_entries WHERE seq = 2").fetchall()
        with pytest.raises(psycopg.errors.UniqueViolation, match="prev_hash"):
            db.execute(insert, (5, hash_2))  # a second entry after entry 2
        with pytest.raises(psycopg.errors.UniqueViolation, match="pkey"):
            db.execute(insert, (3, "sha256:other"))  # a second entry 3
    with open_ledger(postgres_url) as ledger:
        assert (ledger.verify().ok, ledger.verify().entries) == (True, 4)


def test_runner_and_auditor_roles_need_no_more_than_they_use(
    postgres_server: PostgresServer, postgres_url: str
) -> None:
    """A runner appends with SELECT and INSERT only; an auditor verifies with SELECT only."""
    database = postgres_url.rsplit("/", 1)[1]
    with open_ledger(postgres_url) as ledger:  # created by the owner
        ledger.append_run(run_of(1))
    with psycopg.connect(postgres_url, autocommit=True) as db:
        for role, grant in (
            (f"runner_{database}", "SELECT, INSERT"),
            (f"auditor_{database}", "SELECT"),
        ):
            db.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{PASSWORD}'")
            db.execute(f"GRANT {grant} ON ledger_entries TO {role}")
            db.execute(f"GRANT SELECT ON ledger_format TO {role}")
    as_runner = postgres_url.replace("postgres:", f"runner_{database}:", 1)
    as_auditor = postgres_url.replace("postgres:", f"auditor_{database}:", 1)

    with open_ledger(as_runner) as ledger:
        run_id, _ = ledger.append_run(run_of(2))
    assert run_id == "run-000002"
    with open_ledger(as_auditor, create=False) as ledger:
        assert (ledger.verify().ok, ledger.verify().entries) == (True, 5)
        with pytest.raises(InputError, match="permission denied"):
            ledger.append_run(run_of(1))
    with psycopg.connect(as_runner) as db, pytest.raises(psycopg.errors.InsufficientPrivilege):
        db.execute("UPDATE ledger_entries SET payload = '{}'")


# --- opening ----------------------------------------------------------------------------


def test_an_empty_database_is_created_into_only_when_allowed(postgres_url: str) -> None:
    assert ledger_exists(postgres_url) is False
    with pytest.raises(InputError, match="no ledger found") as error:
        open_ledger(postgres_url, create=False)
    assert PASSWORD not in str(error.value) and ":***@127.0.0.1" in str(error.value)
    assert ledger_exists(postgres_url) is False  # looking created nothing
    with open_ledger(postgres_url) as ledger:
        ledger.append_run(run_of(1))
    assert ledger_exists(postgres_url) is True
    [row] = sql(postgres_url, "SELECT format, version FROM ledger_format")
    assert row == ("hipaa-cac ledger", 1)


def test_another_programs_table_is_not_a_ledger(postgres_url: str) -> None:
    with psycopg.connect(postgres_url, autocommit=True) as db:
        db.execute("CREATE TABLE ledger_entries (id INTEGER, amount NUMERIC)")
    with pytest.raises(InputError, match="not a hipaa-cac ledger"):
        open_ledger(postgres_url)


def test_a_newer_format_is_refused(postgres_url: str) -> None:
    with open_ledger(postgres_url):
        pass
    with psycopg.connect(postgres_url, autocommit=True) as db:
        db.execute("UPDATE ledger_format SET version = 2")
    with pytest.raises(InputError, match="ledger format 2 is not supported"):
        open_ledger(postgres_url)


def test_password_comes_from_pgpassword(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    without_password = postgres_url.replace(f":{PASSWORD}@", "@")
    with pytest.raises(InputError, match="password"):
        open_ledger(without_password)
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    with open_ledger(without_password) as ledger:
        assert ledger.append_run(run_of(1))[0] == "run-000001"


@pytest.mark.parametrize(
    ("make_url", "problem"),
    [
        pytest.param(
            lambda url: url.replace(PASSWORD, "wrong-s3cret-pw"),
            "password authentication failed",
            id="wrong password",
        ),
        pytest.param(
            lambda url: url.replace(PASSWORD, "wrong-s3cret-pw").rsplit(":", 1)[0] + ":1/x",
            "cannot connect to the ledger database",
            id="nothing listening",
        ),
        pytest.param(
            lambda url: "postgresql://ci:wrong-s3cret-pw@127.0.0.1:port/x",
            'invalid integer value "port"',
            id="malformed port",
        ),
        pytest.param(
            lambda url: "postgresql://127.0.0.1/x?password=wrong-s3cret-pw&bogus=1",
            "not a valid PostgreSQL URL",
            id="unknown parameter",
        ),
    ],
)
def test_connection_failures_are_input_errors_without_the_password(
    postgres_url: str, make_url: Callable[[str], str], problem: str
) -> None:
    url = make_url(postgres_url)
    with pytest.raises(InputError) as error:
        open_ledger(url)
    message = str(error.value)
    assert problem in message
    assert "wrong-s3cret-pw" not in message and "***" in message
    with pytest.raises(InputError) as error:
        ledger_exists(url)  # "cannot tell" is never "no ledger"
    assert "wrong-s3cret-pw" not in str(error.value)


def test_without_psycopg_the_error_says_what_to_install(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As if the optional extra were not installed: importing psycopg fails.
    monkeypatch.setitem(sys.modules, "psycopg", None)
    for module in ("hipaa_cac.ledger.postgres", "hipaa_cac.ledger.postgres_schema"):
        monkeypatch.delitem(sys.modules, module, raising=False)
    with pytest.raises(InputError, match=r"pip install 'hipaa-cac\[postgresql\]'") as error:
        open_ledger(postgres_url)
    assert PASSWORD not in str(error.value)


# --- through the CLI --------------------------------------------------------------------


def use_ledger(repo: Path, location: str) -> None:
    config = repo / "hipaa-cac.yaml"
    text = config.read_text()
    assert "ledger: .hipaa-cac/ledger.sqlite\n" in text
    config.write_text(text.replace("ledger: .hipaa-cac/ledger.sqlite", f"ledger: {location}"))


def test_cli_evaluates_into_and_verifies_a_postgresql_ledger(
    cli: Callable[..., Result], example_repo: Path, postgres_url: str
) -> None:
    use_ledger(example_repo, postgres_url)
    verify = cli("ledger", "verify", "--repo", example_repo)
    assert verify.exit_code == 2 and "no ledger found" in verify.stderr  # not created by verify

    for _ in range(2):
        evaluate = cli("evaluate", "--repo", example_repo, "--at", AS_OF, "--format", "json")
        assert evaluate.exit_code in (0, 1), evaluate.stderr  # 1: failing controls, no error
    controls = json.loads(evaluate.stdout)["summary"]["controls"]
    masked = postgres_url.replace(PASSWORD, "***")
    assert f"recorded run-000002 in {masked}" in evaluate.stderr
    verify = cli("ledger", "verify", "--repo", example_repo)
    assert verify.exit_code == 0, verify.stderr
    # Each run: its run entry, the inventory, the example's risk update, one per control.
    assert f"ledger intact: {2 * (controls + 3)} entries, 2 runs" in verify.stdout
    assert "run-000002" in cli("status", "--repo", example_repo).stdout
    assert not (example_repo / "postgresql:").exists()  # the URL was not taken for a path
    assert not (example_repo / ".hipaa-cac" / "ledger.sqlite").exists()

    # Rewrite history: entry 5 was recorded at another time.
    sql(
        postgres_url, "UPDATE ledger_entries SET recorded_at = '2020-01-01T00:00:00Z' WHERE seq = 5"
    )
    verify = cli("ledger", "verify", "--repo", example_repo)
    assert verify.exit_code == 1
    assert f"ledger {masked} is NOT intact: entry 5: content does not match" in verify.stderr
    everything = [evaluate.output, verify.output, evaluate.stderr, verify.stderr]
    assert not any(PASSWORD in text for text in everything)


def test_cli_refuses_a_url_of_another_database(
    cli: Callable[..., Result], example_repo: Path
) -> None:
    use_ledger(example_repo, "mysql://ci:s3cret@db.internal/compliance")
    result = cli("ledger", "verify", "--repo", example_repo)
    assert result.exit_code == 2
    lines = (example_repo / "hipaa-cac.yaml").read_text().splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.startswith("ledger:"))
    assert f"hipaa-cac.yaml:{line}: ledger: unsupported ledger URL" in result.stderr
    assert "s3cret" not in result.stderr


# --- URLs -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "shown", "written"),
    [
        ("postgresql://ci:s3cret@db/x", "postgresql://ci:***@db/x", "s3cret"),
        ("postgres://ci@db:5432/x?sslmode=require", "postgres://ci@db:5432/x?sslmode=require", ""),
        ("postgresql://ci:s%40cret@db/x", "postgresql://ci:***@db/x", "s%40cret"),
        # Not escaped as it should be, and still hidden.
        ("postgresql://ci:s@c/r?et@db/x", "postgresql://ci:***@db/x", "s@c/r?et"),
        (
            "postgresql:///x?user=ci&password=s3cret&x=1",
            "postgresql:///x?user=ci&password=***&x=1",
            "s3cret",
        ),
    ],
)
def test_urls_print_with_the_password_masked(url: str, shown: str, written: str) -> None:
    location = LedgerUrl(url)
    assert (str(location), f"{location}", repr(location)) == (shown, shown, f"LedgerUrl({shown!r})")
    assert str(InputError("boom", str(location))) == f"{shown}: boom"
    # A driver's message may quote the password as written in the URL, or decoded.
    message = f'failed near "{written}" and "{unquote(written)}"'
    expected = 'failed near "***" and "***"' if written else message
    assert location.scrub(message) == expected
