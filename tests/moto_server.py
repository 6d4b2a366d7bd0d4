"""A real moto server (the AWS API emulator) in its own process, for tests.

    def test_x(aws):            # fixture: a fresh, empty emulated AWS
        boto3.client("s3").create_bucket(Bucket="b")   # env points boto3 at moto
        ...

boto3 reaches it through AWS_ENDPOINT_URL with dummy credentials, so its real
code path (signing, retries, pagination, error parsing) runs. The server
starts once per session; each test gets it reset.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from processes import stop_process

MOTO_ACCOUNT = "123456789012"  # moto's default account


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class MotoServer:
    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        binary = Path(sys.executable).with_name("moto_server")
        self.process = subprocess.Popen(
            [str(binary), "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/moto-api/", timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("moto_server did not start within 30 s")

    def reset(self) -> None:
        request = urllib.request.Request(f"{self.url}/moto-api/reset", method="POST")
        urllib.request.urlopen(request, timeout=10).close()

    def enforce_iam(self) -> None:
        """From now on every request is authorized against moto's IAM, as AWS does."""
        self._reset_auth("0")

    def stop_enforcing_iam(self) -> None:
        self._reset_auth("inf")

    def _reset_auth(self, count: str) -> None:
        request = urllib.request.Request(
            f"{self.url}/moto-api/reset-auth",
            data=count.encode(),
            method="POST",
            # Flask leaves form-encoded bodies out of request.data.
            headers={"Content-Type": "text/plain"},
        )
        urllib.request.urlopen(request, timeout=10).close()

    def environment(self) -> dict[str, str]:
        return {
            "AWS_ENDPOINT_URL": self.url,
            # s3control puts the account id in the host name (see `aws` below).
            "AWS_ENDPOINT_URL_S3_CONTROL": f"http://localhost:{self.port}",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
        }

    def stop(self) -> None:
        stop_process(self.process)


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoServer]:
    server = MotoServer()
    yield server
    server.stop()


@pytest.fixture
def aws(moto_server: MotoServer, monkeypatch: pytest.MonkeyPatch) -> MotoServer:
    """A fresh emulated AWS account, with this process's boto3 pointed at it."""
    moto_server.stop_enforcing_iam()
    moto_server.reset()
    for name in ("AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    for name, value in moto_server.environment().items():
        monkeypatch.setenv(name, value)
    # s3control calls http://<account>.localhost:<port>; not every resolver maps
    # *.localhost to the loopback (glibc with `hosts: files dns` does not).
    resolve = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(host, str) and host.endswith(".localhost"):
            host = "127.0.0.1"
        return resolve(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return moto_server
