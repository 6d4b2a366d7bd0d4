"""Redaction (hipaa_cac.redact): exact outputs, idempotence, and what must stay untouched.

Credentials are generated at run time (or built by concatenation), so this
file holds nothing a secret scanner would flag.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import random
import string
import time
import uuid
from pathlib import Path
from typing import Any, cast

import pytest

from hipaa_cac.redact import is_secret_key, redact, redact_mapping

ROOT = Path(__file__).resolve().parent.parent
_random = random.SystemRandom()


def _chars(alphabet: str, n: int) -> str:
    return "".join(_random.choice(alphabet) for _ in range(n))


def word(n: int = 16) -> str:
    """A password-like value: letters and at least one digit."""
    return _chars(string.ascii_letters, n - 1) + _chars(string.digits, 1)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


AWS = "AKIA" + _chars(string.ascii_uppercase + string.digits, 16)
GHP = "ghp_" + _chars(string.ascii_letters + string.digits, 36)
SLACK = "xoxb-" + _chars(string.digits, 12) + "-" + _chars(string.ascii_lowercase, 24)
JWT = ".".join(
    [
        b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()),
        b64url(json.dumps({"sub": "1234", "name": "x"}).encode()),
        b64url(os.urandom(32)),
    ]
)
PW = word()
TOKEN = word(32)
BASIC = base64.b64encode(f"svc:{PW}".encode()).decode()
HEX = hashlib.sha256(b"evidence").hexdigest()
PEM = "\n".join(
    [
        "-----BEGIN " + "EC PRIVATE KEY-----",
        b64url(os.urandom(48)),
        "-----END " + "EC PRIVATE KEY-----",
    ]
)

CASES: list[tuple[str, str]] = [
    # URL userinfo, whatever it holds.
    (
        f"fatal: could not read from https://ci:{PW}@git.example.com/org/repo.git",
        "fatal: could not read from https://[REDACTED]@git.example.com/org/repo.git",
    ),
    (
        f"remote: https://{GHP}@github.com/org/repo",
        "remote: https://[REDACTED]@github.com/org/repo",
    ),
    (f"https://ci:{PW[:4]}@{PW[4:]}@host/x", "https://[REDACTED]@host/x"),  # unencoded "@"
    # Authorization headers and bearer tokens.
    (f"Authorization: Bearer {JWT}", "Authorization: Bearer [REDACTED:Authorization]"),
    (f"authorization: token {TOKEN}", "authorization: token [REDACTED:Authorization]"),
    (
        f"{{'Authorization': 'Basic {BASIC}', 'Accept': 'application/json'}}",
        "{'Authorization': 'Basic [REDACTED:Authorization]', 'Accept': 'application/json'}",
    ),
    (f"retrying with bearer {TOKEN} in 5s", "retrying with bearer [REDACTED:Authorization] in 5s"),
    # Query parameters named like secrets.
    (
        f"GET https://api.example.com/v1/items?page=2&access_token={TOKEN}&sort=asc",
        "GET https://api.example.com/v1/items?page=2&access_token=[REDACTED:access_token]&sort=asc",
    ),
    (
        f"/maps?key={TOKEN}&api_key={TOKEN}&token={TOKEN}&secret={PW}&password={PW}&sig={HEX}",
        "/maps?key=[REDACTED:key]&api_key=[REDACTED:api_key]&token=[REDACTED:token]"
        "&secret=[REDACTED:secret]&password=[REDACTED:password]&sig=[REDACTED:sig]",
    ),
    (
        "https://bucket.s3.amazonaws.com/phi.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256"
        f"&X-Amz-Credential={AWS}%2F20261120%2Fus-east-1%2Fs3%2Faws4_request"
        f"&X-Amz-Date=20261120T000000Z&X-Amz-Expires=300&X-Amz-Signature={HEX}",
        "https://bucket.s3.amazonaws.com/phi.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256"
        "&X-Amz-Credential=[REDACTED:X-Amz-Credential]"
        "&X-Amz-Date=20261120T000000Z&X-Amz-Expires=300&X-Amz-Signature=[REDACTED:X-Amz-Signature]",
    ),
    # password=... and "password": "..." pairs.
    (
        "connect failed: password=" + PW + " user=app",
        "connect failed: password=[REDACTED:password] user=app",
    ),
    (
        '{"pass' + f'word": "{PW}", "user": "bob"}}',
        '{"password": "[REDACTED:password]", "user": "bob"}',
    ),
    ("DB_PASSWORD: " + PW, "DB_PASSWORD: [REDACTED:DB_PASSWORD]"),
    ("client_secret='" + PW + "'", "client_secret='[REDACTED:client_secret]'"),
    # Token formats detect-secrets knows.
    (f"key id {AWS} rejected", "key id [REDACTED:AWS Access Key] rejected"),
    (f"pushed with {GHP} today", "pushed with [REDACTED:GitHub Token] today"),
    (f"hook {SLACK}", "hook [REDACTED:Slack Token]"),
    (f"jwt {JWT}", "jwt [REDACTED:JSON Web Token]"),
    (f"key:\n{PEM}\nend", "key:\n[REDACTED:Private Key]\nend"),
    (f"key:\n{PEM.rsplit(chr(10), 1)[0]}", "key:\n[REDACTED:Private Key]"),  # no END line
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_redacts_exactly(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_is_idempotent(text: str, expected: str) -> None:
    assert redact(expected) == expected
    assert redact(redact(text)) == redact(text)


def test_is_idempotent_on_everything_at_once() -> None:
    text = "\n".join(case for case, _ in CASES)
    once = redact(text)

    assert redact(once) == once
    assert once == "\n".join(expected for _, expected in CASES)


HARMLESS = [
    "arn:aws:iam::123456789012:role/Admin",
    "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf",
    '"secret_arn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf"',
    '"secret": "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf"',
    '"kms_key_id": "arn:aws:kms:us-east-1:123456789012:key/' + str(uuid.uuid4()) + '"',
    "https://example.com/v1/patients?page=2&sort=asc#top",
    "s3://northwind-patient-uploads/2026/11/20/",
    f"sha256:{HEX}",
    f'"sha256": "sha256:{HEX}"',
    f'"digest": "{HEX}"',
    f"commit {hashlib.sha1(b'x').hexdigest()} on main",
    '"fingerprint": "fp:' + HEX[:16] + '"',
    "2026-11-20T06:00:04Z",
    '"collected_at": "2026-11-20T06:00:04Z"',
    str(uuid.uuid4()),
    '{"cidr": "0.0.0.0/0", "private": "10.0.0.0/8", "dns": "8.8.8.8"}',
    '"max_session_minutes": 15',
    '"password_policy": {"minimum_length": 14}',
    '"token_endpoint": "https://login.example.com/oauth2/v1/token"',
    '"secret_scanning": {"status": "enabled"}',
    "invalid bearer token",
    "Bearer authentication failed",
    "password: null",
    "x = 'foo'  # password=",
    "",
]


@pytest.mark.parametrize("text", HARMLESS)
def test_leaves_harmless_text_alone(text: str) -> None:
    assert redact(text) == text


def test_leaves_our_example_evidence_alone() -> None:
    # Content hashes, ARNs, account ids and times are what evidence is made of.
    files = sorted((ROOT / "examples" / "telehealth" / "evidence").glob("*.json"))
    assert files
    for file in files:
        document = json.loads(file.read_text(encoding="utf-8"))
        assert redact_mapping(document) == document, file.name


def test_redact_mapping_redacts_secret_keys_whole_and_strings_inside() -> None:
    data: dict[Any, Any] = {
        "password": {"value": PW, "rotated": True},
        "db_password": 12345,
        "X-Api-Key": TOKEN,
        "Set-Cookie": "sid=" + TOKEN,
        "clientSecret": PW,
        "private_key": PEM,
        "session": TOKEN,
        "Authorization": "Bearer " + TOKEN,
        "max_session_minutes": 15,
        "password_policy": {"minimum_length": 14},
        "kms_key_id": "arn:aws:kms:us-east-1:123456789012:key/abc",
        "remotes": [f"https://ci:{PW}@git.example.com/x.git", 3, None],
        "nested": {"headers": ("Authorization: Bearer " + JWT,)},
        7: "seven",
    }
    original = json.dumps(data, sort_keys=False, default=list)

    assert redact_mapping(data) == {
        "password": "[REDACTED:password]",
        "db_password": "[REDACTED:db_password]",
        "X-Api-Key": "[REDACTED:X-Api-Key]",
        "Set-Cookie": "[REDACTED:Set-Cookie]",
        "clientSecret": "[REDACTED:clientSecret]",
        "private_key": "[REDACTED:private_key]",
        "session": "[REDACTED:session]",
        "Authorization": "[REDACTED:Authorization]",
        "max_session_minutes": 15,
        "password_policy": {"minimum_length": 14},
        "kms_key_id": "arn:aws:kms:us-east-1:123456789012:key/abc",
        "remotes": ["https://[REDACTED]@git.example.com/x.git", 3, None],
        "nested": {"headers": ["Authorization: Bearer [REDACTED:Authorization]"]},
        7: "seven",
    }
    assert json.dumps(data, sort_keys=False, default=list) == original  # input untouched
    assert redact_mapping(redact_mapping(data)) == redact_mapping(data)


@pytest.mark.parametrize(
    ("key", "secret"),
    [
        ("password", True),
        ("DB_PASSWORD", True),
        ("passwd", True),
        ("secret", True),
        ("client_secret", True),
        ("clientSecret", True),
        ("token", True),
        ("accessToken", True),
        ("api_key", True),
        ("X-Api-Key", True),
        ("apikey", True),
        ("private_key", True),
        ("privateKey", True),
        ("authorization", True),
        ("Cookie", True),
        ("Set-Cookie", True),
        ("session", True),
        ("max_session_minutes", False),
        ("session_timeout", False),
        ("password_policy", False),
        ("secret_arn", False),
        ("kms_key_id", False),
        ("token_endpoint", False),
        ("secret_scanning", False),
        ("max_tokens", False),
        ("key", False),
        ("public_key", False),
    ],
)
def test_secret_key_names(key: str, secret: bool) -> None:
    assert is_secret_key(key) is secret


def test_never_raises() -> None:
    assert redact(cast(str, None)) == "[REDACTED:unredactable]"
    assert redact("lone surrogate \ud800 and password=" + PW) == (
        "lone surrogate \ud800 and password=[REDACTED:password]"
    )
    assert redact_mapping({"a": cast(str, b"bytes"), "b": float("nan")})["a"] == b"bytes"


def test_is_fast_on_error_messages_and_bounded_on_hostile_input() -> None:
    message = "git fetch failed: fatal: unable to access 'https://github.com/org/repo.git/': 403"
    started = time.monotonic()
    for _ in range(1000):
        assert redact(message) == message
    assert time.monotonic() - started < 2

    started = time.monotonic()
    redact("api_key" * 3000)  # detect-secrets' keyword regexes alone take about a minute
    redact("a." * 50000)
    assert time.monotonic() - started < 10
