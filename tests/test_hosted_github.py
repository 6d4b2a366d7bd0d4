"""GitHub repository settings, and the API client's behaviour, against recorded answers.

Every test talks HTTP to tests/http_replay.py serving tests/fixtures/hosted/github;
only `sleep` is replaced, so rate-limit waits are recorded instead of slept.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from http_replay import ReplayServer

from hipaa_cac.collectors.hosted import (
    ApiClient,
    ApiError,
    HostedSettings,
    RateLimitError,
    github_settings,
)

FIXTURES = Path(__file__).parent / "fixtures" / "hosted" / "github"
TOKEN = "test-token"
REPO = "/repos/acme-health/billing-api"

FULLY_PROTECTED: dict[str, Any] = {
    "enabled": True,
    "required_approving_reviews": 2,
    "dismiss_stale_reviews": True,
    "require_code_owner_reviews": True,
    "required_status_checks": ["build", "codeql", "test"],
    "enforce_admins": True,
    "allow_force_pushes": False,
    "allow_deletions": False,
    "required_signatures": True,
}


class Sleeps(list[float]):
    """Records requested waits instead of sleeping: the one boundary replaced."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def replay() -> Iterator[ExitStack]:
    with ExitStack() as servers:  # stops every server a test started
        yield servers


def serve(replay: ExitStack, fixture: str | dict[str, Any]) -> ReplayServer:
    source = FIXTURES / f"{fixture}.json" if isinstance(fixture, str) else fixture
    return replay.enter_context(ReplayServer(source))


def read(server: ReplayServer, sleeps: Sleeps, **options: Any) -> HostedSettings:
    client = ApiClient.github(TOKEN, server.url, sleep=sleeps, max_wait=5, **options)
    return github_settings(client, "acme-health/billing-api")


def test_fully_protected_repository(replay: ExitStack, sleeps: Sleeps) -> None:
    server = serve(replay, "protected")
    settings = read(server, sleeps)
    assert settings.data == {
        "host": "github",
        "repository": "acme-health/billing-api",
        "visibility": "private",
        "default_branch": "main",
        "branch_protection": FULLY_PROTECTED,
        "secret_scanning": True,
        "secret_scanning_push_protection": True,
        "dependabot_alerts": True,
        "open_dependabot_alerts": 2,
    }
    assert settings.gaps == ()
    assert server.unused() == [] and server.unmatched == []
    first = server.requests[0].headers
    assert first["user-agent"] == "hipaa-cac/0.1.0"
    assert first["accept"] == "application/vnd.github+json"
    assert sleeps == []


def test_unprotected_branch_is_a_fact_not_a_gap(replay: ExitStack, sleeps: Sleeps) -> None:
    server = serve(replay, "unprotected")
    settings = read(server, sleeps)
    assert settings.data["visibility"] == "internal"
    assert settings.data["branch_protection"] == {
        "enabled": False,
        "required_approving_reviews": 0,
        "dismiss_stale_reviews": False,
        "require_code_owner_reviews": False,
        "required_status_checks": [],
        "enforce_admins": False,
        "allow_force_pushes": True,
        "allow_deletions": True,
        "required_signatures": False,
    }
    assert settings.data["secret_scanning"] is False
    assert settings.data["secret_scanning_push_protection"] is False
    assert settings.data["dependabot_alerts"] is False
    assert settings.data["open_dependabot_alerts"] is None  # alerts off: nothing to count
    assert settings.gaps == ()
    assert not any("dependabot/alerts" in r.path for r in server.requests)
    assert server.unused() == []


def test_protection_through_rulesets_only(replay: ExitStack, sleeps: Sleeps) -> None:
    server = serve(replay, "rulesets_only")
    settings = read(server, sleeps)
    assert settings.data["branch_protection"] == {
        "enabled": True,
        "required_approving_reviews": 2,
        "dismiss_stale_reviews": True,
        "require_code_owner_reviews": True,
        "required_status_checks": ["build", "test"],
        "enforce_admins": True,  # neither ruleset has bypass actors
        "allow_force_pushes": False,  # non_fast_forward, from the organisation ruleset
        "allow_deletions": False,
        "required_signatures": False,
    }
    assert settings.gaps == ()
    assert server.unused() == []


def test_dependabot_alerts_are_counted_across_pages(replay: ExitStack, sleeps: Sleeps) -> None:
    server = serve(replay, "dependabot_pages")
    settings = read(server, sleeps)
    assert settings.data["open_dependabot_alerts"] == 237
    alert_requests = [r for r in server.requests if r.path.endswith("/dependabot/alerts")]
    assert len(alert_requests) == 3
    assert [r.query.get("after") for r in alert_requests[1:]] == [
        "Y3Vyc29yOnYyOpK0MjAyNi0xMC0wMlQwODoxNTowMFrNAWQ=",
        "Y3Vyc29yOnYyOpK0MjAyNi0xMC0wMlQwODoxNTowMFrNAMg=",
    ]
    assert server.unused() == []


def test_rejected_token(replay: ExitStack, sleeps: Sleeps) -> None:
    server = serve(replay, "unauthorized")
    with pytest.raises(ApiError) as caught:
        read(server, sleeps)
    error = caught.value
    assert error.status == 401
    assert str(error) == (
        f"GitHub GET {REPO} answered 401: token rejected (GitHub says: Bad credentials)"
    )
    assert TOKEN not in str(error) and TOKEN not in repr(error)
    assert error.__cause__ is None and error.__context__ is None


def test_forbidden_protection_endpoint_is_a_partial_result(
    replay: ExitStack, sleeps: Sleeps
) -> None:
    server = serve(replay, "protection_forbidden")
    settings = read(server, sleeps)
    assert settings.data["repository"] == "acme-health/billing-api"
    assert settings.data["visibility"] == "private"
    assert settings.data["default_branch"] == "main"
    assert settings.data["dependabot_alerts"] is True
    assert settings.data["open_dependabot_alerts"] == 1
    assert settings.data["branch_protection"] == dict.fromkeys(FULLY_PROTECTED)
    assert settings.gaps == (
        f"branch_protection: GitHub GET {REPO}/branches/main/protection answered 403: "
        "token lacks permission (needs administration=read) "
        "(GitHub says: Resource not accessible by personal access token)",
    )


def test_repository_not_found(replay: ExitStack, sleeps: Sleeps) -> None:
    server = serve(replay, "repo_not_found")
    with pytest.raises(ApiError, match=r"answered 404: not found or no access") as caught:
        read(server, sleeps)
    assert caught.value.status == 404
    assert len(server.requests) == 1


def test_rate_limited_then_served(replay: ExitStack, sleeps: Sleeps) -> None:
    server = serve(replay, "rate_limited_then_ok")
    settings = read(server, sleeps)
    assert sleeps == [1.0]
    assert settings.data["branch_protection"] == FULLY_PROTECTED
    assert [r.path for r in server.requests[:2]] == [REPO, REPO]
    assert server.unused() == []


def test_rate_limit_beyond_max_wait_names_the_reset(replay: ExitStack, sleeps: Sleeps) -> None:
    server = serve(replay, "secondary_rate_limit")
    with pytest.raises(RateLimitError) as caught:
        read(server, sleeps)
    assert "rate limit hit; it resets at 2100-01-01T00:00:00Z" in str(caught.value)
    assert caught.value.reset_at is not None and caught.value.reset_at.year == 2100
    assert sleeps == []
    assert len(server.requests) == 1


# --- the client, with exchanges written inline -------------------------------------


def exchange(path: str, status: int, body: Any = None, **headers: str) -> dict[str, Any]:
    return {
        "request": {"method": "GET", "path": path},
        "response": {"status": status, "headers": headers, "body": body},
    }


def test_server_errors_are_retried_with_backoff(replay: ExitStack, sleeps: Sleeps) -> None:
    answers = [exchange("/x", 502), exchange("/x", 503), exchange("/x", 200, {"ok": True})]
    server = serve(replay, {"exchanges": answers})
    assert ApiClient.github(TOKEN, server.url, sleep=sleeps).get_json("/x") == {"ok": True}
    assert sleeps == [1.0, 2.0]

    server = serve(replay, {"exchanges": [exchange("/y", 502)] * 3})
    with pytest.raises(ApiError, match=r"answered 502: server error after 3 attempts"):
        ApiClient.github(TOKEN, server.url, sleep=sleeps).get_json("/y")


def test_token_is_scrubbed_even_when_the_server_echoes_it(
    replay: ExitStack, sleeps: Sleeps
) -> None:
    echo = {"message": f"token Bearer {TOKEN} has no access; {TOKEN} is read-only"}
    server = serve(replay, {"exchanges": [exchange("/x", 403, echo)]})
    client = ApiClient.github(TOKEN, server.url, sleep=sleeps)
    with pytest.raises(ApiError) as caught:
        client.get_json("/x")
    for text in (
        str(caught.value),
        repr(caught.value),
        caught.value.api_message or "",
        repr(client),
    ):
        assert TOKEN not in text
    assert "token *** has no access; *** is read-only" in str(caught.value)


def test_redirects_stay_on_the_api_origin(replay: ExitStack, sleeps: Sleeps) -> None:
    moved = [
        exchange(
            REPO, 301, {"message": "Moved Permanently"}, Location="{base}/repositories/684512390"
        ),
        exchange("/repositories/684512390", 200, {"full_name": "acme-health/billing-api"}),
    ]
    server = serve(replay, {"exchanges": moved})
    client = ApiClient.github(TOKEN, server.url, sleep=sleeps)
    assert client.get_json(REPO) == {"full_name": "acme-health/billing-api"}

    elsewhere = exchange(REPO, 302, None, Location="http://127.0.0.1:9/steal")
    server = serve(replay, {"exchanges": [elsewhere]})
    with pytest.raises(ApiError, match=r"refusing to send the token to .*127\.0\.0\.1:9"):
        ApiClient.github(TOKEN, server.url, sleep=sleeps).get_json(REPO)
    assert len(server.requests) == 1
