"""GitHub issues from run notices, against a local replay of the GitHub API.

The search, the pagination and the POSTs are real HTTP to tests/http_replay.py;
the fixture lists exactly the requests GitHub would get.
"""

from __future__ import annotations

import json

from http_replay import ReplayServer
from notify_samples import TOKEN, exchange, make_notice

from hipaa_cac.notify import GitHubIssueTarget, send_all

ISSUES = "/repos/acme-health/compliance/issues"
SEARCH = {"labels": "hipaa-cac,compliance", "state": "open", "per_page": "100"}
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def github_target(server: ReplayServer) -> GitHubIssueTarget:
    return GitHubIssueTarget(
        "acme-health/compliance", "GH_TOKEN", server.url, ("hipaa-cac", "compliance")
    )


def test_github_opens_issues_when_none_is_open() -> None:
    fixture = {
        "exchanges": [
            exchange("GET", ISSUES, 200, [], query=SEARCH, headers=AUTH),
            exchange("POST", ISSUES, 201, {"number": 12}, headers=AUTH),
            exchange("POST", ISSUES, 201, {"number": 13}, headers=AUTH),
        ]
    }
    with ReplayServer(fixture) as server:
        [delivery] = send_all(make_notice(), [github_target(server)], env={"GH_TOKEN": TOKEN})
    assert (delivery.ok, delivery.status, server.unused()) == (True, 201, [])
    assert delivery.target.startswith("github_issue 127.0.0.1:")
    assert delivery.target.endswith(" acme-health/compliance")
    risk, regression = (json.loads(r.body) for r in server.requests[1:])
    assert risk["title"] == "Risk analysis update required: 2 architecture change(s)"
    assert risk["labels"] == ["hipaa-cac", "compliance"]
    assert (
        "- added data_store `aws:s3:::phi-exports`, detected at `infra/s3.tf:12`" in (risk["body"])
    )
    assert "then record the review with `hipaa-cac risk ack`" in risk["body"]
    assert regression["title"] == "Compliance regression: 164.312(b)"
    assert (
        "- `164.312(b)` Audit controls (45 CFR 164.312(b)): pass → **fail**" in (regression["body"])
    )
    assert "164.312(d)" not in regression["body"]  # an improvement is no regression


def test_github_comments_on_the_open_issues_instead_of_duplicating() -> None:
    open_issues = [
        {"number": 3, "title": "Compliance regression: 164.312(b)", "pull_request": {}},
        {"number": 9, "title": "Compliance regression: 164.312(b)"},
        {"number": 7, "title": "Risk analysis update required: 1 architecture change(s)"},
    ]
    page_two = {"Link": f'<{{base}}{ISSUES}?page=2>; rel="next"'}
    fixture = {
        "exchanges": [
            exchange("GET", ISSUES, 200, open_issues[:1], query=SEARCH, response_headers=page_two),
            exchange("GET", ISSUES, 200, open_issues[1:], query={"page": "2"}),
            exchange("POST", f"{ISSUES}/7/comments", 201, {"id": 1}, headers=AUTH),
            exchange("POST", f"{ISSUES}/9/comments", 201, {"id": 2}, headers=AUTH),
        ]
    }
    with ReplayServer(fixture) as server:
        [delivery] = send_all(make_notice(), [github_target(server)], env={"GH_TOKEN": TOKEN})
    assert delivery.ok and server.unused() == [] and server.unmatched == []
    comment = json.loads(server.requests[2].body)
    assert list(comment) == ["body"]
    assert comment["body"].startswith("Still open as of run `run-000012` (2026-11-20T12:00:00Z)")
    assert "hipaa-cac found 2 architecture change(s)" in comment["body"]


def test_github_does_nothing_for_improvements_only() -> None:
    improved = make_notice(changes=(make_notice().changes[0],), risk_update=None)
    with ReplayServer({"exchanges": []}) as server:
        [delivery] = send_all(improved, [github_target(server)], env={})
    assert (delivery.ok, delivery.status, delivery.error) == (True, None, None)
    assert server.requests == []


def test_github_without_token_fails_without_a_request() -> None:
    with ReplayServer({"exchanges": []}) as server:
        [delivery] = send_all(make_notice(), [github_target(server)], env={})
    assert delivery.error == f"{delivery.target}: environment variable GH_TOKEN is not set"
    assert server.requests == []


def test_github_rejected_token_is_named_but_never_shown() -> None:
    fixture = {
        "exchanges": [
            exchange("GET", ISSUES, 401, {"message": f"Bad credentials {TOKEN}"}, query=SEARCH)
        ]
    }
    with ReplayServer(fixture) as server:
        [delivery] = send_all(make_notice(), [github_target(server)], env={"GH_TOKEN": TOKEN})
    assert (delivery.ok, delivery.status) == (False, 401)
    assert "token rejected" in (delivery.error or "") and TOKEN not in (delivery.error or "")
    assert len(server.requests) == 1  # no issue opened after a failed search
