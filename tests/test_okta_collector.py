"""The Okta collector against recorded Okta Management API answers.

Every test talks HTTP to tests/http_replay.py serving tests/fixtures/okta;
only `sleep` and the clock are replaced, so rate-limit waits are recorded
instead of slept. Fixture users carry names, e-mails and phone numbers on
purpose: none of them may reach the evidence.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from http_replay import ReplayServer

from hipaa_cac.collectors.base import CollectContext, Collector, Gap, Observation, Record
from hipaa_cac.collectors.okta import OktaCollector

FIXTURES = Path(__file__).parent / "fixtures" / "okta"
TOKEN = "test-okta-token"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
CLOCK = 1_800_000_000.0  # X-Rate-Limit-Reset in the fixtures is this plus seconds
TENANT = "okta:acme-health.okta.com"
CONFIG: dict[str, Any] = {
    "org_url": "https://acme-health.okta.com",
    "privileged_groups": ["IT Admins"],
}


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def collect(
    server: ReplayServer, sleeps: Sleeps, config: dict[str, Any] | None = None
) -> list[Record]:
    collector = OktaCollector(api_url=server.url, sleep=sleeps, clock=lambda: CLOCK)
    context = CollectContext(root=Path("."), now=NOW, fingerprint=lambda v: "fp:0000000000000000")
    return list(collector.collect(config or CONFIG, context))


def by_kind(records: list[Record], kind: str) -> list[Record]:
    return [r for r in records if r.kind == kind]


@pytest.fixture
def token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OKTA_API_TOKEN", TOKEN)


def test_is_a_collector() -> None:
    assert isinstance(OktaCollector(), Collector)
    assert OktaCollector.kinds == ("idp.user", "idp.group", "idp.session_policy")


@pytest.mark.usefixtures("token")
def test_whole_org() -> None:
    sleeps = Sleeps()
    with ReplayServer(FIXTURES / "org.json") as server:
        records = collect(server, sleeps)
        assert server.unmatched == [] and server.unused() == []
        assert server.requests[0].headers["authorization"] == f"SSWS {TOKEN}"
        assert server.requests[0].headers["accept"] == "application/json"
    assert not [r for r in records if isinstance(r, Gap)]
    # 429 with X-Rate-Limit-Reset 7s ahead, then 429 with Retry-After: 2.
    assert sleeps == [7.0, 2.0]

    assert by_kind(records, "idp.group") == [
        Observation(
            "idp.group",
            f"{TENANT}/groups/Everyone",
            {"name": "Everyone", "privileged": False, "members": 4, "type": "BUILT_IN"},
        ),
        Observation(
            "idp.group",
            f"{TENANT}/groups/IT Admins",
            {"name": "IT Admins", "privileged": True, "members": 1, "type": "OKTA_GROUP"},
        ),
        Observation(
            "idp.group",
            f"{TENANT}/groups/Clinicians",
            {"name": "Clinicians", "privileged": False, "members": 2, "type": "APP_GROUP"},
        ),
    ]
    users = {r.subject: r.data for r in by_kind(records, "idp.user") if isinstance(r, Observation)}
    assert users == {
        f"{TENANT}/users/00u1aaaaaaaaaaaaaaa1": {
            "user_id": "00u1aaaaaaaaaaaaaaa1",
            "display_id": "jordan.avery@acme-health.example",
            "status": "active",
            "okta_status": "ACTIVE",
            "mfa_enrolled": True,
            "mfa_factors": ["email", "sms", "token:software:totp"],
            "shared_account": False,
            "last_login": "2026-11-19T08:12:44.000Z",
            "privileged": True,
            "admin_roles": ["SUPER_ADMIN", "USER_ADMIN"],
        },
        f"{TENANT}/users/00u2bbbbbbbbbbbbbbb2": {
            "user_id": "00u2bbbbbbbbbbbbbbb2",
            "display_id": "svc-backup@acme-health.example",
            "status": "active",
            "okta_status": "ACTIVE",
            "mfa_enrolled": False,  # e-mail and a security question only; push not activated
            "mfa_factors": ["email", "question"],
            "shared_account": True,
            "last_login": "2026-11-18T23:00:02.000Z",
            "privileged": False,
            "admin_roles": [],
        },
        f"{TENANT}/users/00u3ccccccccccccccc3": {
            "user_id": "00u3ccccccccccccccc3",
            "display_id": "riley.chen@acme-health.example",
            "status": "suspended",
            "okta_status": "LOCKED_OUT",
            "mfa_enrolled": True,
            "mfa_factors": ["webauthn"],
            "shared_account": False,
            "last_login": None,
            "privileged": False,
            "admin_roles": [],
        },
        f"{TENANT}/users/00u4ddddddddddddddd4": {
            "user_id": "00u4ddddddddddddddd4",
            "display_id": "morgan.patel@acme-health.example",
            "status": "active",
            "okta_status": "PASSWORD_EXPIRED",
            "mfa_enrolled": False,
            "mfa_factors": [],
            "shared_account": False,
            "last_login": "2026-08-02T14:30:00.000Z",
            "privileged": True,  # member of IT Admins
            "admin_roles": [],
        },
    }
    assert by_kind(records, "idp.session_policy") == [
        Observation(
            "idp.session_policy",
            f"{TENANT}/policies/00p1default000000001",
            {
                "name": "Default Policy",
                "idle_timeout_minutes": 120,  # the weaker of 15 and 120; the INACTIVE 720 ignored
                "max_session_minutes": None,  # "Anywhere else" sets no lifetime (0)
                "persistent_cookie": True,
            },
        ),
        Observation(
            "idp.session_policy",
            f"{TENANT}/policies/00p2clinical00000002",
            {
                "name": "Clinical workstations",
                "idle_timeout_minutes": 10,  # the DENY rule opens no session
                "max_session_minutes": 720,
                "persistent_cookie": False,
            },
        ),
    ]
    assert_no_pii(records)


def assert_no_pii(records: list[Record]) -> None:
    text = json.dumps([r.__dict__ for r in records])
    fixture = json.loads((FIXTURES / "org.json").read_text())
    for exchange in fixture["exchanges"]:
        body = exchange["response"]["body"]
        for item in body if isinstance(body, list) else []:
            profile = item.get("profile") or {}
            for key in ("firstName", "lastName", "mobilePhone", "secondEmail", "phoneNumber"):
                if profile.get(key):
                    assert profile[key] not in text, key
            if profile.get("email") and profile["email"] != profile.get("login"):
                assert profile["email"] not in text
    for leaked in ("555 01", "ops-alerts@", "jordan.personal", "Jordan", "favorite"):
        assert leaked not in text


@pytest.mark.usefixtures("token")
def test_rejected_token_is_a_gap_for_every_kind() -> None:
    with ReplayServer(FIXTURES / "unauthorized.json") as server:
        records = collect(server, Sleeps())
        assert server.unused() == [] and len(server.requests) == 1
    message = (
        "Okta GET /api/v1/groups answered 401: token rejected "
        "(Okta says: E0000011: Invalid token provided)"
    )
    assert records == [
        Gap("idp.user", message),
        Gap("idp.group", message),
        Gap("idp.session_policy", message),
    ]


@pytest.mark.usefixtures("token")
def test_roles_forbidden_leaves_privileged_unknown() -> None:
    with ReplayServer(FIXTURES / "roles_forbidden.json") as server:
        records = collect(server, Sleeps())
        assert server.unmatched == [] and server.unused() == []
        # After the first 403, no other user's roles are asked for.
        assert [r.path for r in server.requests if r.path.endswith("/roles")] == [
            "/api/v1/users/00u1aaaaaaaaaaaaaaa1/roles"
        ]
    users = {
        r.data["user_id"]: r.data
        for r in by_kind(records, "idp.user")
        if isinstance(r, Observation)
    }
    assert users["00u1aaaaaaaaaaaaaaa1"]["privileged"] is None
    assert users["00u1aaaaaaaaaaaaaaa1"]["admin_roles"] is None
    assert users["00u1aaaaaaaaaaaaaaa1"]["mfa_enrolled"] is True
    assert users["00u4ddddddddddddddd4"]["privileged"] is True  # IT Admins says so anyway
    assert users["00u4ddddddddddddddd4"]["admin_roles"] is None
    gaps = [r for r in records if isinstance(r, Gap)]
    assert gaps == [
        Gap(
            "idp.user",
            "Okta GET /api/v1/users/00u1aaaaaaaaaaaaaaa1/roles answered 403: token lacks "
            "permission (Okta says: E0000006: You do not have permission to perform the "
            "requested action): roles of every user unknown",
        )
    ]
    assert by_kind(records, "idp.session_policy") == []
    assert all(TOKEN not in g.error for g in gaps)


def test_missing_token_is_a_gap_for_every_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OKTA_IDP_TOKEN", raising=False)
    with ReplayServer({"exchanges": []}) as server:
        records = collect(server, Sleeps(), {**CONFIG, "token_env": "OKTA_IDP_TOKEN"})
        assert server.requests == []
    assert [r.kind for r in records] == ["idp.user", "idp.group", "idp.session_policy"]
    assert all(isinstance(r, Gap) and "OKTA_IDP_TOKEN" in r.error for r in records)


@pytest.mark.usefixtures("token")
def test_rate_limit_longer_than_the_run_may_wait_is_a_gap() -> None:
    limited = {
        "request": {"path": "/api/v1/groups", "query": {"limit": "200", "expand": "stats"}},
        "response": {
            "status": 429,
            "headers": {"X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": "1800000600"},
            "body": {"errorCode": "E0000047", "errorSummary": "API call exceeded rate limit"},
        },
    }
    empty = [
        {
            "request": {"path": "/api/v1/users", "query": {"limit": "200"}},
            "response": {"status": 200, "body": []},
        },
        {
            "request": {"path": "/api/v1/policies", "query": {"type": "OKTA_SIGN_ON"}},
            "response": {"status": 200, "body": []},
        },
    ]
    sleeps = Sleeps()
    with ReplayServer({"exchanges": [limited, *empty]}) as server:
        records = collect(server, sleeps, {"org_url": "https://acme-health.okta.com"})
    assert sleeps == []
    assert len(records) == 1 and isinstance(records[0], Gap)
    assert records[0].kind == "idp.group"
    assert "rate limit hit" in records[0].error and TOKEN not in records[0].error
