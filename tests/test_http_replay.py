"""The replay server itself: matching, ordering, {base}, loud failures."""

from __future__ import annotations

from typing import Any

import requests
from http_replay import ReplayServer

FIXTURE: dict[str, Any] = {
    "exchanges": [
        {
            "request": {"method": "GET", "path": "/items", "query": {"page": "1"}},
            "response": {
                "status": 429,
                "headers": {"Retry-After": "1"},
                "body": {"message": "slow down"},
            },
        },
        {
            "request": {"method": "GET", "path": "/items", "query": {"page": "1"}},
            "response": {
                "status": 200,
                "headers": {"Link": '<{base}/items?page=2>; rel="next"'},
                "body": [1, 2],
            },
        },
        {
            "request": {"path": "/secret", "headers": {"Authorization": "Bearer t"}},
            "response": {"status": 204, "body": None},
        },
        {"request": {"path": "/text"}, "response": {"status": 200, "body": "plain"}},
    ]
}


def test_serves_in_order_and_substitutes_base() -> None:
    with ReplayServer(FIXTURE) as server:
        first = requests.get(f"{server.url}/items", params={"page": 1}, timeout=5)
        second = requests.get(f"{server.url}/items", params={"page": 1}, timeout=5)
        text = requests.get(f"{server.url}/text", timeout=5)
    assert (first.status_code, first.headers["Retry-After"]) == (429, "1")
    assert second.json() == [1, 2]
    assert second.links["next"]["url"] == f"{server.url}/items?page=2"
    assert (text.text, text.headers["Content-Type"]) == ("plain", "text/plain; charset=utf-8")
    assert [(r.path, r.query) for r in server.requests] == [
        ("/items", {"page": "1"}),
        ("/items", {"page": "1"}),
        ("/text", {}),
    ]
    assert server.unused() == [FIXTURE["exchanges"][2]["request"]]


def test_unmatched_requests_fail_loudly() -> None:
    with ReplayServer(FIXTURE) as server:
        wrong_header = requests.get(
            f"{server.url}/secret", headers={"Authorization": "x"}, timeout=5
        )
        unknown = requests.get(f"{server.url}/nowhere", params={"a": "b"}, timeout=5)
        right = requests.get(
            f"{server.url}/secret", headers={"authorization": "Bearer t"}, timeout=5
        )
    assert wrong_header.status_code == 599
    assert unknown.status_code == 599
    assert unknown.json()["message"] == "replay: no recorded exchange left for GET /nowhere?a=b"
    assert right.status_code == 204
    assert [r.path for r in server.unmatched] == ["/secret", "/nowhere"]
