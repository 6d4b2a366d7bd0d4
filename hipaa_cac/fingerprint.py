"""Keyed fingerprints of sensitive values (PHI, secrets).

Evidence must let a reviewer see that the same SSN or the same leaked key shows
up in three places, without holding the value. A plain SHA-256 of an SSN is
reversed by trying all 10^9 of them, so the hash is keyed: HMAC-SHA256 with a
per-repository salt that never leaves the team (`.hipaa-cac/salt`, git-ignored,
or the HIPAA_CAC_SALT environment variable in CI).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Callable
from pathlib import Path

SALT_ENV = "HIPAA_CAC_SALT"
SALT_FILE = Path(".hipaa-cac") / "salt"


def fingerprinter(salt: bytes) -> Callable[[str], str]:
    def fingerprint(value: str) -> str:
        digest = hmac.new(salt, value.encode("utf-8"), hashlib.sha256).hexdigest()
        return "fp:" + digest[:16]

    return fingerprint


def repo_salt(root: Path) -> bytes:
    """The environment's salt, else the repo's salt file, created on first use."""
    from_env = os.environ.get(SALT_ENV)
    if from_env:
        return from_env.encode("utf-8")
    file = root / SALT_FILE
    if file.is_file():
        return file.read_bytes().strip()
    file.parent.mkdir(parents=True, exist_ok=True)
    salt = secrets.token_hex(32).encode("ascii")
    # O_EXCL: two concurrent first runs must not end up with different salts.
    try:
        fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return file.read_bytes().strip()
    with os.fdopen(fd, "wb") as handle:
        handle.write(salt + b"\n")
    return salt
