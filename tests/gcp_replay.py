"""Run the GCP collector against tests/fixtures/gcp over real HTTP.

The collector's own code runs end to end: google-auth signs a JWT with a
freshly generated RSA key from a real service-account key file and exchanges
it at the replay server's /token; google-api-python-client builds its clients
from the bundled discovery documents, pages and sends requests to the replay
server (every API's endpoint overridden to it). Only `sleep` is replaced, so
Retry-After waits are recorded instead of slept.

    with GcpReplay(FIXTURES / "project.json") as server:
        run = run_collector(server, tmp_path, {"projects": ["acme-prod"]})
        run.records, run.sleeps, run.key_file, run.public_pem
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from http_replay import Received, ReplayServer

from hipaa_cac.collectors.base import CollectContext, Record
from hipaa_cac.collectors.gcp import GcpCollector
from hipaa_cac.collectors.gcp.api import VERSIONS

FIXTURES = Path(__file__).parent / "fixtures" / "gcp"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
ACCESS_TOKEN = "ya29.test-access-token-PLANTED"
PRIVATE_KEY_ID = "8c1e5f0a9b7d4c3e2f1a0b9c8d7e6f5a4b3c2d1e"  # planted: must never be evidence
SECRET_IN_ERROR = "ya29.planted-secret-in-error-body"
CLIENT_EMAIL = "hipaa-cac@acme-prod.iam.gserviceaccount.com"


class GcpReplay(ReplayServer):
    """The discovery client adds `alt=json` to every request; fixtures leave it out."""

    def _respond(self, received: Received) -> tuple[int, dict[str, str], bytes]:
        if received.query.get("alt") == "json":
            query = {k: v for k, v in received.query.items() if k != "alt"}
            received = replace(received, query=query)
        return super()._respond(received)


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@dataclass
class Run:
    records: list[Record]
    sleeps: Sleeps
    key_file: Path
    private_pem: str
    public_pem: bytes
    config: dict[str, Any] = field(default_factory=dict)


def service_account_file(directory: Path, token_uri: str) -> tuple[Path, str, bytes]:
    """A real service-account key file (as IAM hands it out) with a new RSA key."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    content = {
        "type": "service_account",
        "project_id": "acme-prod",
        "private_key_id": PRIVATE_KEY_ID,
        "private_key": private_pem,
        "client_email": CLIENT_EMAIL,
        "client_id": "104729386517251999999",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": token_uri,
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/hipaa-cac",
        "universe_domain": "googleapis.com",
    }
    path = directory / "sa-key.json"
    path.write_text(json.dumps(content), encoding="utf-8")
    return path, private_pem, public_pem


def run_collector(server: ReplayServer, directory: Path, config: Mapping[str, Any]) -> Run:
    key_file, private_pem, public_pem = service_account_file(directory, f"{server.url}/token")
    full = {
        "credentials_file": str(key_file),
        "endpoint_overrides": {api: server.url for api in VERSIONS},
        **config,
    }
    sleeps = Sleeps()
    context = CollectContext(root=directory, now=NOW, fingerprint=lambda v: "fp:0000000000000000")
    records = list(GcpCollector(sleep=sleeps).collect(full, context))
    return Run(records, sleeps, key_file, private_pem, public_pem, full)


def assert_no_secrets(run: Run) -> None:
    text = json.dumps([r.__dict__ for r in run.records])
    key_body = run.private_pem.splitlines()[1]  # a line of the PEM's base64
    for secret in (ACCESS_TOKEN, PRIVATE_KEY_ID, SECRET_IN_ERROR, key_body, "PRIVATE KEY"):
        assert secret not in text, secret
    # Principals from IAM policies and free-text labels are not evidence either.
    for leaked in ("dana@", "radiology@", "Dana's", "writerIdentity", "gcp-sa-logging"):
        assert leaked not in text, leaked
