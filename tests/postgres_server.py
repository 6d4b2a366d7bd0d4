"""A real PostgreSQL server on 127.0.0.1, for the ledger's PostgreSQL tests.

    def test_x(postgres_url):           # fixture: a fresh, empty database of its own
        open_ledger(postgres_url)       # "postgresql://postgres:…@127.0.0.1:PORT/test_3"

    def test_y(postgres_server):        # fixture: the server (admin URL, url_for(db))

One server per session: initdb into a temp dir (scram-sha-256 over TCP, so a
wrong password is refused as on a real server; trust over its own Unix socket),
then `postgres` in the foreground, so this process owns it, listening on a free
port of 127.0.0.1 only, and stopped at the end of the session. Each test that
asks for `postgres_url` gets its own database, dropped afterwards.

PostgreSQL refuses to run as root. CI runs as root, so then the server runs as
the `postgres` system user (the Debian package creates it) through setpriv or
runuser, in a temp dir it owns: not under pytest's tmp dir, which is private
to root. The binaries come from /usr/lib/postgresql/<version>/bin or PATH
(`make system-packages` installs them); without any, the tests skip and say so.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from processes import stop_process

SUPERUSER = "postgres"
# A test value, not a secret; it is in the URLs the fixtures hand out.
PASSWORD = "ledger-test-password-4w8r"
SYSTEM_USER = "postgres"


def find_binaries() -> Path | None:
    """The directory holding initdb and postgres: the newest Debian version, else PATH."""
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    for bin_dir in reversed(versions):
        if (bin_dir / "initdb").exists() and (bin_dir / "postgres").exists():
            return bin_dir
    initdb, postgres = shutil.which("initdb"), shutil.which("postgres")
    if initdb and postgres:
        return Path(initdb).resolve().parent
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_server_user() -> list[str]:
    """The command prefix that drops root to the postgres user (nothing when not root)."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv"):
        # setpriv execs in place (no child process), so signals reach postgres itself.
        return ["setpriv", f"--reuid={SYSTEM_USER}", f"--regid={SYSTEM_USER}", "--init-groups"]
    return ["runuser", "-u", SYSTEM_USER, "--"]


class PostgresServer:
    """`postgres` in `workdir`, on a free port of 127.0.0.1, as SUPERUSER with PASSWORD."""

    def __init__(self, bin_dir: Path, workdir: Path) -> None:
        self.workdir = workdir
        self.port = _free_port()
        self.admin_url = self.url_for("postgres")
        self.log_path = workdir / "postgres.log"
        self._names = itertools.count(1)
        data, socket_dir = workdir / "data", workdir / "socket"
        socket_dir.mkdir()
        password_file = workdir / "password"
        password_file.write_text(PASSWORD + "\n")
        if os.geteuid() == 0:
            try:
                user = pwd.getpwnam(SYSTEM_USER)
            except KeyError:
                raise RuntimeError(
                    f"PostgreSQL will not run as root, and there is no {SYSTEM_USER!r} user "
                    "to run it as (apt-get install postgresql creates one)"
                ) from None
            for path in (workdir, socket_dir, password_file):
                os.chown(path, user.pw_uid, user.pw_gid)
        prefix = _as_server_user()
        initdb = [
            str(bin_dir / "initdb"),
            f"--pgdata={data}",
            f"--username={SUPERUSER}",
            f"--pwfile={password_file}",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        ]
        done = subprocess.run([*prefix, *initdb], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed ({done.returncode}):\n{done.stderr}")
        server = [
            str(bin_dir / "postgres"),
            "-D",
            str(data),
            "-p",
            str(self.port),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            f"unix_socket_directories={socket_dir}",
            # Durability is not under test; speed is welcome.
            "-c",
            "fsync=off",
            "-c",
            "full_page_writes=off",
        ]
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [*prefix, *server], stdout=log, stderr=subprocess.STDOUT
            )
        self._wait_until_ready()

    def url_for(self, database: str) -> str:
        return f"postgresql://{SUPERUSER}:{PASSWORD}@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A new, empty database; its name."""
        name = f"test_{next(self._names)}"
        with psycopg.connect(self.admin_url, autocommit=True) as db:
            db.execute(f"CREATE DATABASE {name}")
        return name

    def drop_database(self, name: str) -> None:
        with psycopg.connect(self.admin_url, autocommit=True) as db:
            # FORCE: a test that failed may have left a connection open.
            db.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"postgres exited with {self.process.returncode}:\n{self.log()}")
            try:
                with psycopg.connect(self.admin_url, connect_timeout=1):
                    return
            except psycopg.OperationalError:  # not accepting connections yet
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"postgres did not answer within 30 s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        # SIGINT is PostgreSQL's "fast" shutdown: it ends open sessions.
        stop_process(self.process, sig=signal.SIGINT, grace=20)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    bin_dir = find_binaries()
    if bin_dir is None:
        pytest.skip(
            "no PostgreSQL binaries (initdb, postgres) in /usr/lib/postgresql/*/bin or on PATH: "
            "run `make system-packages` (apt-get install postgresql)"
        )
    workdir = Path(tempfile.mkdtemp(prefix="hipaa-cac-postgres-"))
    try:
        server = PostgresServer(bin_dir, workdir)
        try:
            yield server
        finally:
            server.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """The URL of a fresh database for this test alone."""
    name = postgres_server.create_database()
    yield postgres_server.url_for(name)
    postgres_server.drop_database(name)
