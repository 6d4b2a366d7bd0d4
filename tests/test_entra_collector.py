"""The Entra ID collector against recorded Microsoft Graph and token-endpoint answers.

Every test talks HTTP to tests/http_replay.py serving tests/fixtures/entra
(the token POST included); only `sleep` is replaced, so Retry-After waits
are recorded instead of slept. Fixture users carry names, e-mails and phone
numbers on purpose: none of them may reach the evidence.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from http_replay import ReplayServer

from hipaa_cac.collectors.base import CollectContext, Collector, Gap, Observation, Record
from hipaa_cac.collectors.entra import EntraCollector

FIXTURES = Path(__file__).parent / "fixtures" / "entra"
SECRET = "test-client-secret-Qx7~9"
ACCESS_TOKEN = "test-graph-access-token"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
TENANT = "entra:acme-health.onmicrosoft.com"
CLIENT_ID = "1f0c5b9e-0000-4000-8000-0000000000c1"
CONFIG: dict[str, Any] = {
    "tenant_id": "acme-health.onmicrosoft.com",
    "client_id": CLIENT_ID,
    "privileged_groups": ["IT Admins"],
}
U1, U2, U3, U4, U5 = (
    "11111111-aaaa-4aaa-8aaa-000000000001",
    "22222222-bbbb-4bbb-8bbb-000000000002",
    "33333333-cccc-4ccc-8ccc-000000000003",
    "44444444-dddd-4ddd-8ddd-000000000004",
    "55555555-eeee-4eee-8eee-000000000005",
)


class GraphReplay(ReplayServer):
    """Graph puts its next-page link in the body: "{base}" there becomes the server too."""

    def _render(self, response: Mapping[str, Any]) -> tuple[int, dict[str, str], bytes]:
        body = json.loads(json.dumps(response.get("body")).replace("{base}", self.url))
        return super()._render({**response, "body": body})


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def collect(
    server: ReplayServer, sleeps: Sleeps | None = None, config: dict[str, Any] | None = None
) -> list[Record]:
    collector = EntraCollector(
        graph_api_url=server.url,
        login_url=server.url,
        sleep=sleeps if sleeps is not None else Sleeps(),
    )
    context = CollectContext(root=Path("."), now=NOW, fingerprint=lambda v: "fp:0000000000000000")
    return list(collector.collect(config or CONFIG, context))


def by_kind(records: list[Record], kind: str) -> list[Record]:
    return [r for r in records if r.kind == kind]


def users_of(records: list[Record]) -> dict[str, dict[str, Any]]:
    return {
        r.data["user_id"]: r.data
        for r in by_kind(records, "idp.user")
        if isinstance(r, Observation)
    }


def assert_nothing_secret(records: list[Record], fixture: str) -> None:
    text = json.dumps([r.__dict__ for r in records])
    assert SECRET not in text and ACCESS_TOKEN not in text
    for leaked in ("Jordan", "Morgan Patel", "555 01", "dana@partner", "allstaff@", "request-id"):
        assert leaked not in text, leaked
    assert "Trace ID" not in text and "trace" not in text
    assert (FIXTURES / fixture).exists()


@pytest.fixture
def secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_CLIENT_SECRET", SECRET)


def test_is_a_collector() -> None:
    assert isinstance(EntraCollector(), Collector)
    assert EntraCollector.kinds == ("idp.user", "idp.group", "idp.session_policy")


@pytest.mark.usefixtures("secret")
def test_whole_tenant() -> None:
    sleeps = Sleeps()
    with GraphReplay(FIXTURES / "tenant.json") as server:
        records = collect(server, sleeps)
        assert server.unmatched == [] and server.unused() == []
        token_request = server.requests[0]
        assert parse_qs(token_request.body.decode()) == {
            "grant_type": ["client_credentials"],
            "client_id": [CLIENT_ID],
            "client_secret": [SECRET],
            "scope": ["https://graph.microsoft.com/.default"],
        }
        assert all(
            r.headers["authorization"] == f"Bearer {ACCESS_TOKEN}" for r in server.requests[1:]
        )
        # The second page was asked for by its nextLink, query and all.
        assert [r.query for r in server.requests if r.path == "/v1.0/users"][1] == {
            "$skiptoken": "RFNwdAIAAQAAAA"
        }
    assert not [r for r in records if isinstance(r, Gap)]
    assert sleeps == [3.0, 2.0]  # Retry-After on group members, then on role assignments

    assert by_kind(records, "idp.group") == [
        Observation(
            "idp.group",
            f"{TENANT}/groups/a1a1a1a1-0000-4000-8000-00000000000a",
            {"name": "Tier 0 admins", "privileged": True, "members": None, "type": "security"},
        ),
        Observation(
            "idp.group",
            f"{TENANT}/groups/b2b2b2b2-0000-4000-8000-00000000000b",
            {"name": "IT Admins", "privileged": True, "members": None, "type": "security"},
        ),
        Observation(
            "idp.group",
            f"{TENANT}/groups/c3c3c3c3-0000-4000-8000-00000000000c",
            {"name": "All Staff", "privileged": False, "members": None, "type": "microsoft365"},
        ),
    ]
    users = by_kind(records, "idp.user")
    assert [r.subject for r in users if isinstance(r, Observation)] == [
        f"{TENANT}/users/{u}"
        for u in (U1, U2, U3, U4, U5)  # both pages, in Graph's order
    ]
    assert users_of(records) == {
        U1: {
            "user_id": U1,
            "display_id": "jordan.avery@acme-health.example",
            "status": "active",
            "mfa_enrolled": True,
            "mfa_factors": ["microsoftAuthenticatorPush", "mobilePhone"],
            "shared_account": False,
            "last_login": "2026-11-19T08:12:44Z",
            "privileged": True,
            "admin_roles": ["Global Administrator"],  # assigned directly
            "guest": False,
        },
        U2: {
            "user_id": U2,
            "display_id": "svc-backup@acme-health.example",
            "status": "active",
            "mfa_enrolled": False,
            "mfa_factors": ["email"],
            "shared_account": True,
            "last_login": "2026-11-18T23:00:02Z",
            "privileged": False,
            "admin_roles": [],
            "guest": False,
        },
        U3: {
            "user_id": U3,
            "display_id": "riley.chen@acme-health.example",
            "status": "suspended",  # accountEnabled false
            "mfa_enrolled": None,  # the registration report leaves disabled users out
            "mfa_factors": None,
            "shared_account": False,
            "last_login": None,
            "privileged": False,
            "admin_roles": [],
            "guest": False,
        },
        U4: {
            "user_id": U4,
            "display_id": "morgan.patel@acme-health.example",
            "status": "active",
            "mfa_enrolled": True,
            "mfa_factors": ["fido2", "windowsHelloForBusiness"],
            "shared_account": False,
            "last_login": "2026-08-02T14:30:00Z",
            "privileged": True,
            "admin_roles": ["Privileged Role Administrator"],  # through Tier 0 admins
            "guest": False,
        },
        U5: {
            "user_id": U5,
            "display_id": "dana_partner.example#EXT#@acmehealth.onmicrosoft.com",
            "status": "active",
            "mfa_enrolled": False,
            "mfa_factors": [],
            "shared_account": False,
            "last_login": "2026-11-01T10:00:00Z",
            "privileged": True,  # member of IT Admins (privileged_groups)
            "admin_roles": [],
            "guest": True,
        },
    }
    assert by_kind(records, "idp.session_policy") == [
        Observation(
            "idp.session_policy",
            f"{TENANT}/policies/default",
            {
                "name": "Entra ID default session (no conditional access policy)",
                "source": "tenant_default",
                "idle_timeout_minutes": 15,  # the org default; the 8h app-only policy ignored
                "max_session_minutes": None,
                "persistent_cookie": None,
            },
        ),
        Observation(
            "idp.session_policy",
            f"{TENANT}/policies/ca-01-mfa-all",
            {
                "name": "Require MFA for all users",
                "source": "conditional_access",
                "idle_timeout_minutes": 15,
                "max_session_minutes": 720,  # 12 hours
                "persistent_cookie": False,
                "requires_mfa": True,
                "applies_to_all_users": True,
                "all_applications": True,
                "excluded_principals": 1,  # the break-glass account
                "narrowed_by": [],
            },
        ),
        Observation(
            "idp.session_policy",
            f"{TENANT}/policies/ca-02-legacy",
            {
                "name": "Block legacy authentication",
                "source": "conditional_access",
                "idle_timeout_minutes": 15,
                "max_session_minutes": None,
                "persistent_cookie": None,
                "requires_mfa": False,
                "applies_to_all_users": True,
                "all_applications": True,
                "excluded_principals": 0,
                "narrowed_by": ["clientAppTypes"],
            },
        ),
        # ca-03 (report-only) and ca-04 (disabled) enforce nothing: not evidence.
        Observation(
            "idp.session_policy",
            f"{TENANT}/policies/ca-05-admins",
            {
                "name": "Admins: phishing-resistant MFA daily",
                "source": "conditional_access",
                "idle_timeout_minutes": 15,
                "max_session_minutes": 1440,  # 1 day
                "persistent_cookie": None,
                "requires_mfa": True,  # an authentication strength that satisfies MFA
                "applies_to_all_users": False,  # roles only
                "all_applications": True,
                "excluded_principals": 0,
                "narrowed_by": [],
            },
        ),
    ]
    assert_nothing_secret(records, "tenant.json")


@pytest.mark.usefixtures("secret")
def test_sign_ins_and_mfa_report_forbidden_leave_those_fields_unknown() -> None:
    with GraphReplay(FIXTURES / "signins_forbidden.json") as server:
        records = collect(server)
        assert server.unmatched == [] and server.unused() == []
    users = users_of(records)
    assert list(users) == [U1, U2]  # read again without signInActivity
    assert {
        u: (d["last_login"], d["mfa_enrolled"], d["mfa_factors"]) for u, d in users.items()
    } == {
        U1: (None, None, None),
        U2: (None, None, None),
    }
    assert users[U1]["privileged"] is True and users[U1]["admin_roles"] == ["Global Administrator"]
    assert users[U2]["privileged"] is False and users[U2]["shared_account"] is True
    assert [r for r in records if isinstance(r, Gap)] == [
        Gap(
            "idp.user",
            "Microsoft Graph GET /v1.0/users answered 403: token lacks permission (Microsoft "
            "Graph says: Authentication_RequestFromNonPremiumTenantOrB2CTenant: Neither tenant "
            "is B2C or tenant doesn't have premium license): last sign-in of every user unknown",
        ),
        Gap(
            "idp.user",
            "Microsoft Graph GET /v1.0/reports/authenticationMethods/userRegistrationDetails "
            "answered 403: token lacks permission (Microsoft Graph says: "
            "Authorization_RequestDenied: Insufficient privileges to complete the operation.): "
            "MFA registration of every user unknown",
        ),
    ]
    # No conditional access and no idle timeout: the tenant default is still evidence.
    assert by_kind(records, "idp.session_policy") == [
        Observation(
            "idp.session_policy",
            f"{TENANT}/policies/default",
            {
                "name": "Entra ID default session (no conditional access policy)",
                "source": "tenant_default",
                "idle_timeout_minutes": None,
                "max_session_minutes": None,
                "persistent_cookie": None,
            },
        )
    ]
    assert_nothing_secret(records, "signins_forbidden.json")


@pytest.mark.usefixtures("secret")
def test_rejected_token_is_a_gap_for_every_kind() -> None:
    with GraphReplay(FIXTURES / "unauthorized.json") as server:
        records = collect(server)
        assert server.unused() == [] and len(server.requests) == 2
    message = (
        "Microsoft Graph GET /v1.0/groups answered 401: token rejected (Microsoft Graph says: "
        "InvalidAuthenticationToken: Access token has expired or is not yet valid.)"
    )
    assert records == [
        Gap("idp.user", message),
        Gap("idp.group", message),
        Gap("idp.session_policy", message),
    ]


@pytest.mark.usefixtures("secret")
def test_token_endpoint_refusal_is_a_gap_for_every_kind_without_the_secret() -> None:
    with GraphReplay(FIXTURES / "token_refused.json") as server:
        records = collect(server)
        assert server.unused() == [] and len(server.requests) == 1  # Graph never asked
    message = (
        "token request to 127.0.0.1:{port}/acme-health.onmicrosoft.com/oauth2/v2.0/token "
        "answered 401: client credentials refused (invalid_client: AADSTS7000215: Invalid "
        "client secret provided. Ensure the secret being sent in the request is the client "
        "secret value, not the client secret ID, for a secret added to app "
        f"'{CLIENT_ID}'.)"
    ).replace("{port}", server.url.rpartition(":")[2])
    assert records == [Gap(k, message) for k in EntraCollector.kinds]
    assert_nothing_secret(records, "token_refused.json")


@pytest.mark.usefixtures("secret")
def test_a_secret_echoed_by_the_token_endpoint_is_scrubbed() -> None:
    echo = {
        "request": {"method": "POST", "path": "/acme-health.onmicrosoft.com/oauth2/v2.0/token"},
        "response": {
            "status": 400,
            "body": {"error": "invalid_request", "error_description": f"bad value {SECRET}"},
        },
    }
    with GraphReplay({"exchanges": [echo]}) as server:
        records = collect(server)
    assert len(records) == 3 and all(isinstance(r, Gap) for r in records)
    assert all(
        isinstance(r, Gap) and r.error.endswith("(invalid_request: bad value ***)") for r in records
    )
    assert SECRET not in json.dumps([r.__dict__ for r in records])


def test_token_endpoint_unreachable_is_a_gap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_CLIENT_SECRET", SECRET)
    with GraphReplay({"exchanges": []}) as server:
        url = server.url
    # The server is gone: nothing listens on its port any more.
    collector = EntraCollector(graph_api_url=url, login_url=url, sleep=Sleeps())
    context = CollectContext(root=Path("."), now=NOW, fingerprint=lambda v: "fp:0")
    records = list(collector.collect({**CONFIG, "timeout_seconds": 2}, context))
    assert [r.kind for r in records] == list(EntraCollector.kinds)
    assert all(
        isinstance(r, Gap) and r.error.endswith("no answer (ConnectionError)") for r in records
    )


def test_missing_secret_is_a_gap_for_every_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ENTRA_SECRET", raising=False)
    with GraphReplay({"exchanges": []}) as server:
        records = collect(server, config={**CONFIG, "client_secret_env": "ENTRA_SECRET"})
        assert server.requests == []
    assert [r.kind for r in records] == list(EntraCollector.kinds)
    assert all(
        isinstance(r, Gap) and "ENTRA_SECRET (client_secret_env)" in r.error for r in records
    )


def test_ready_token_from_token_env_skips_the_token_endpoint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GRAPH_TOKEN", ACCESS_TOKEN)
    fixture = json.loads((FIXTURES / "unauthorized.json").read_text())
    del fixture["exchanges"][0]  # no token request this time
    with GraphReplay(fixture) as server:
        records = collect(
            server, config={"tenant_id": "acme-health.onmicrosoft.com", "token_env": "GRAPH_TOKEN"}
        )
        assert [r.method for r in server.requests] == ["GET"]
        assert server.requests[0].headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert [r.kind for r in records] == list(EntraCollector.kinds)
    assert ACCESS_TOKEN not in json.dumps([r.__dict__ for r in records])


def _abt(timeout: str, default: bool = True) -> dict[str, Any]:
    definition = {
        "ActivityBasedTimeoutPolicy": {
            "Version": 1,
            "ApplicationPolicies": [{"ApplicationId": "default", "WebSessionIdleTimeout": timeout}],
        }
    }
    return {"id": "abt", "isOrganizationDefault": default, "definition": [json.dumps(definition)]}


@pytest.mark.usefixtures("secret")
def test_unreadable_idle_timeout_makes_session_policies_a_gap_not_a_guess() -> None:
    fixture = json.loads((FIXTURES / "signins_forbidden.json").read_text())
    for exchange in fixture["exchanges"]:
        if exchange["request"]["path"] == "/v1.0/policies/activityBasedTimeoutPolicies":
            exchange["response"]["body"]["value"] = [_abt("soon")]
    with GraphReplay(fixture) as server:
        records = collect(server)
        # The conditional access policies are not asked for: the kind is a gap already.
        assert [e["path"] for e in server.unused()] == ["/v1.0/identity/conditionalAccess/policies"]
    assert by_kind(records, "idp.session_policy") == [
        Gap(
            "idp.session_policy",
            "activity-based timeout policy abt: WebSessionIdleTimeout 'soon' is not [d.]hh:mm:ss",
        )
    ]
