"""A real Azurite blob service for the Azure collector's data-plane tests.

    def test_x(azurite):                # fixture: one Azurite blob service per session
        azurite.origin                  # https://127.0.0.1:<port>; accounts are path segments
        azurite.admin("phiarchive")     # BlobServiceClient with the well-known dev account key

Accounts: devstoreaccount1 and phiarchive, both with the dev key.

Azurite runs over HTTPS with tests/tls_cert.py's certificate and with
`--oauth basic`, so the collector reaches it exactly as it reaches Azure: a
bearer token from Entra (Azurite checks its issuer, audience and lifetime,
not its signature). Tests set up containers with the account key, which
only the test knows; the collector never sees it.

The binary is `tools/azurite/node_modules/.bin/azurite-blob` (`make azurite`:
`npm install --prefix tools/azurite azurite@3.35.0`), or the path in
$HIPAA_CAC_AZURITE. Without it the tests fail rather than skip, so that tests
of a real component cannot silently vanish from CI. Its data lives in a
temporary directory and it is stopped at the end of the session.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from processes import stop_process
from tls_cert import certificate_files

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BINARY = ROOT / "tools" / "azurite" / "node_modules" / ".bin" / "azurite-blob"
ACCOUNT = "devstoreaccount1"
ACCOUNTS = (ACCOUNT, "phiarchive")
# Azurite's published development key (docs: "Use Azurite for local Azure Storage
# development"): a constant of the emulator, not a secret of anyone's.
ACCOUNT_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)


def binary() -> Path:
    path = Path(os.environ.get("HIPAA_CAC_AZURITE", DEFAULT_BINARY))
    if not path.exists():
        pytest.fail(
            f"{path} is not installed: run `make azurite` (npm install --prefix tools/azurite "
            "azurite@3.35.0) or set HIPAA_CAC_AZURITE to run the Azure data-plane tests",
            pytrace=False,
        )
    return path


class AzuriteServer:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.port = _free_port()
        self.origin = f"https://127.0.0.1:{self.port}"
        self.url = f"{self.origin}/{ACCOUNT}"
        self.log_path = workdir / "azurite.log"
        tls = certificate_files()
        command = [
            str(binary()),
            "--blobHost", "127.0.0.1",
            "--blobPort", str(self.port),
            "--location", str(workdir / "data"),
            "--cert", str(tls.cert),
            "--key", str(tls.key),
            "--oauth", "basic",
            "--skipApiVersionCheck",
            "--disableTelemetry",
            "--silent",
        ]  # fmt: skip
        # Two accounts: the emulator's own, and one whose containers the
        # management-plane replay will refuse to list.
        accounts = ";".join(f"{name}:{ACCOUNT_KEY}" for name in ACCOUNTS)
        env = {**os.environ, "AZURITE_ACCOUNTS": accounts}
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
        self._wait_until_ready()

    def admin(self, account: str = ACCOUNT) -> Any:
        """A client with the account key: how tests set containers up."""
        from azure.storage.blob import BlobServiceClient

        return BlobServiceClient(
            f"{self.origin}/{account}",
            credential={"account_name": account, "account_key": ACCOUNT_KEY},
            connection_verify=str(certificate_files().ca),
        )

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"azurite exited with {self.process.returncode}:\n{self.log()}")
            try:
                # Any HTTP answer (an unauthenticated request is refused) means it listens.
                requests.get(self.url, verify=str(certificate_files().ca), timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"azurite did not answer within 30 s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        stop_process(self.process)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def azurite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AzuriteServer]:
    server = AzuriteServer(tmp_path_factory.mktemp("azurite"))
    yield server
    server.stop()
