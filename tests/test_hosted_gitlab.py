"""GitLab project settings against recorded answers (tests/fixtures/hosted/gitlab)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from http_replay import ReplayServer

from hipaa_cac.collectors.hosted import ApiClient, ApiError, HostedSettings, gitlab_settings

FIXTURES = Path(__file__).parent / "fixtures" / "hosted" / "gitlab"
PROJECT = "/api/v4/projects/acme-health%2Fplatform%2Fbilling-api"
NOT_READABLE = (
    "secret_scanning: GitLab runs secret detection as a CI job; "
    "the REST API does not say whether it runs",
    "dependabot_alerts, open_dependabot_alerts: GitLab has no Dependabot; "
    "dependency scanning runs as a CI job and its results are not read",
)


@pytest.fixture
def server(request: pytest.FixtureRequest) -> Iterator[ReplayServer]:
    with ReplayServer(FIXTURES / f"{request.param}.json") as replay:
        yield replay


def read(server: ReplayServer) -> HostedSettings:
    waits: list[float] = []
    client = ApiClient.gitlab("test-token", f"{server.url}/api/v4", sleep=waits.append)
    settings = gitlab_settings(client, "acme-health/platform/billing-api")
    assert waits == []
    return settings


@pytest.mark.parametrize("server", ["protected"], indirect=True)
def test_protected_branch_approvals_and_push_rules(server: ReplayServer) -> None:
    settings = read(server)
    assert settings.data == {
        "host": "gitlab",
        "repository": "acme-health/platform/billing-api",
        "visibility": "private",
        "default_branch": "main",
        "branch_protection": {
            "enabled": True,
            "required_approving_reviews": 2,  # "Security" covers main; "Release managers" not
            "dismiss_stale_reviews": True,
            "require_code_owner_reviews": True,
            "required_status_checks": ["pipeline"],
            "enforce_admins": True,  # push access "No one": every change is a merge request
            "allow_force_pushes": False,  # "release/*" allows it, but does not match main
            "allow_deletions": False,
            "required_signatures": True,
        },
        "secret_scanning": None,
        "secret_scanning_push_protection": True,
        "dependabot_alerts": None,
        "open_dependabot_alerts": None,
    }
    assert settings.gaps == NOT_READABLE
    assert server.requests[0].headers["private-token"] == "test-token"
    assert "authorization" not in server.requests[0].headers
    # rel="first"/"last" links are not followed: one request for one page
    assert [r.path for r in server.requests].count(f"{PROJECT}/protected_branches") == 1
    assert server.unused() == [] and server.unmatched == []


@pytest.mark.parametrize("server", ["unprotected_free_tier"], indirect=True)
def test_unprotected_branch_on_free_tier(server: ReplayServer) -> None:
    settings = read(server)
    protection = settings.data["branch_protection"]
    assert protection["enabled"] is False
    assert protection["allow_force_pushes"] is True
    assert protection["required_signatures"] is None  # push rules: Premium, 404 here
    assert settings.data["secret_scanning_push_protection"] is None
    assert settings.gaps == (
        "branch_protection.required_signatures, secret_scanning_push_protection: "
        f"GitLab GET {PROJECT}/push_rule answered 404: not found or no access "
        "(GitLab says: 404 Not found)",
        *NOT_READABLE,
    )
    # the second page of protected branches was reached through x-next-page alone
    pages = [r.query for r in server.requests if r.path == f"{PROJECT}/protected_branches"]
    assert pages == [{"per_page": "100"}, {"per_page": "100", "page": "2"}]
    assert server.unused() == [] and server.unmatched == []


@pytest.mark.parametrize("server", ["project_not_found"], indirect=True)
def test_project_not_found(server: ReplayServer) -> None:
    with pytest.raises(ApiError) as caught:
        read(server)
    assert caught.value.status == 404
    assert str(caught.value) == (
        f"GitLab GET {PROJECT} answered 404: not found or no access "
        "(GitLab says: 404 Project Not Found)"
    )
