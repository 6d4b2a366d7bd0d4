"""Notifications, sent over real HTTP to a local receiver (tests/http_replay.py).

Only the far end is scripted: each test lists the exchanges the receiver
serves (200, 404, 500…) and asserts the exact requests it got. `sleep` is the
one thing replaced, so retry waits are recorded instead of slept.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator

import pytest
from http_replay import ReplayServer
from notify_samples import SECRET_PATH, Sleeps, exchange, make_notice

from hipaa_cac.drift import PASSING
from hipaa_cac.evaluator.result import Status
from hipaa_cac.notify import (
    Delivery,
    SlackTarget,
    StatusChange,
    Target,
    WebhookTarget,
    notice_payload,
    send_all,
)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


# --- webhook ---------------------------------------------------------------------------------


def test_webhook_posts_the_versioned_notice_with_expanded_headers(sleeps: Sleeps) -> None:
    notice = make_notice()
    fixture = {"exchanges": [exchange("POST", "/hook", 200, "ok"), exchange("POST", "/hook", 204)]}
    with ReplayServer(fixture) as server:
        target = WebhookTarget(
            url=f"{server.url}/hook",
            url_env=None,
            headers=(("X-Token", "Token ${HOOK_TOKEN}"),),
        )
        env = {"HOOK_TOKEN": "hook-secret-123"}
        first = send_all(notice, [target], env=env, sleep=sleeps)
        second = send_all(notice, [target], env=env, sleep=sleeps)
    port = server.url.rsplit(":", 1)[1]
    assert first == [Delivery(f"webhook 127.0.0.1:{port}", True, 200, None)]
    assert second[0].status == 204
    received = server.requests[0]
    assert received.headers["x-token"] == "Token hook-secret-123"
    assert received.headers["content-type"] == "application/json; charset=utf-8"
    assert received.headers["user-agent"].startswith("hipaa-cac/")
    body = json.loads(received.body)
    assert body == notice_payload(notice)
    assert body["schema"] == "hipaa-cac/notice/v1"
    # Sorted keys at every level, lists in a fixed order, the same bytes every time.
    assert received.body == json.dumps(body, sort_keys=True, ensure_ascii=False).encode()
    assert server.requests[1].body == received.body
    assert [c["control"] for c in body["changes"]] == ["164.308(a)(7)", "164.312(b)", "164.312(d)"]
    assert [c["regression"] for c in body["changes"]] == [False, True, False]
    assert [c["id"] for c in body["risk_update"]["changes"]] == [
        "aws:s3:::phi-exports",
        "vendor:twilio",
    ]
    assert list(body["counts"]) == ["fail", "insufficient_evidence", "pass"]
    assert sleeps == []


def test_missing_env_variable_is_a_failed_delivery_without_a_request() -> None:
    fixture = {"exchanges": [exchange("POST", "/hook", 200)]}
    with ReplayServer(fixture) as server:
        target = WebhookTarget(f"{server.url}/hook", None, (("Authorization", "Bearer ${NOPE}"),))
        [delivery] = send_all(make_notice(), [target], env={})
    assert not delivery.ok and delivery.status is None
    assert delivery.error == f"{delivery.target}: environment variable NOPE is not set"
    assert server.requests == []


def test_server_error_fails_once_and_is_not_retried(sleeps: Sleeps) -> None:
    fixture = {"exchanges": [exchange("POST", "/hook", 500, {"message": "database down"})]}
    with ReplayServer(fixture) as server:
        target = WebhookTarget(f"{server.url}/hook", None)
        [delivery] = send_all(make_notice(), [target], env={}, sleep=sleeps)
    assert (delivery.ok, delivery.status) == (False, 500)
    assert delivery.error == f"{delivery.target}: POST answered 500 (server error): database down"
    assert len(server.requests) == 1 and sleeps == []  # a POST that arrived may have acted


def test_secrets_in_url_and_headers_never_reach_the_error() -> None:
    # A receiver that echoes what it got, as many frameworks' 404 pages do.
    echo = f"Cannot POST {SECRET_PATH}?key=abc123secretquery with X-Token hook-secret-123"
    fixture = {
        "exchanges": [exchange("POST", SECRET_PATH, 404, echo, query={"key": "abc123secretquery"})]
    }
    with ReplayServer(fixture) as server:
        target = WebhookTarget(
            f"{server.url}{SECRET_PATH}?key=abc123secretquery",
            None,
            (("X-Token", "${HOOK_TOKEN}"),),
        )
        [delivery] = send_all(make_notice(), [target], env={"HOOK_TOKEN": "hook-secret-123"})
    assert delivery.status == 404 and delivery.error is not None
    for secret in ("T0SECRET", "XyZsecret", "abc123secretquery", "hook-secret-123"):
        assert secret not in delivery.error and secret not in delivery.target
    assert "404 (not found (wrong URL or no access))" in delivery.error
    assert "Cannot POST ***" in delivery.error


def test_unreachable_port_is_retried_then_fails(sleeps: Sleeps) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    target = WebhookTarget(f"http://127.0.0.1:{port}{SECRET_PATH}", None)
    [delivery] = send_all(make_notice(), [target], env={}, sleep=sleeps)
    assert delivery == Delivery(
        f"webhook 127.0.0.1:{port}",
        False,
        None,
        f"webhook 127.0.0.1:{port}: POST got no answer (connection refused or host unreachable)",
    )
    assert sleeps == [1.0, 2.0]  # never connected, so trying again cannot send twice


@pytest.fixture
def silent_server() -> Iterator[tuple[int, list[socket.socket]]]:
    """Accepts connections and never answers: a hung receiver."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield listener.getsockname()[1], accepted
    listener.close()
    for connection in accepted:
        connection.close()


def test_timeout_is_a_failed_delivery_not_retried(
    silent_server: tuple[int, list[socket.socket]], sleeps: Sleeps
) -> None:
    port, accepted = silent_server
    target = WebhookTarget(f"http://127.0.0.1:{port}/hook", None)
    [delivery] = send_all(make_notice(), [target], env={}, timeout=0.3, sleep=sleeps)
    assert delivery.error == f"webhook 127.0.0.1:{port}: POST got no answer (timed out)"
    assert len(accepted) == 1 and sleeps == []


def test_rate_limit_with_retry_after_is_waited_then_sent(sleeps: Sleeps) -> None:
    fixture = {
        "exchanges": [
            exchange("POST", "/hook", 429, "slow down", response_headers={"Retry-After": "3"}),
            exchange("POST", "/hook", 200),
        ]
    }
    with ReplayServer(fixture) as server:
        [delivery] = send_all(
            make_notice(), [WebhookTarget(f"{server.url}/hook", None)], env={}, sleep=sleeps
        )
    assert (delivery.ok, delivery.status, sleeps) == (True, 200, [3.0])


def test_redirect_is_not_followed() -> None:
    fixture = {
        "exchanges": [
            exchange(
                "POST",
                "/hook",
                307,
                None,
                response_headers={"Location": "https://elsewhere.example/"},
            )
        ]
    }
    with ReplayServer(fixture) as server:
        target = WebhookTarget(f"{server.url}/hook", None, (("X-Token", "${T}"),))
        [delivery] = send_all(make_notice(), [target], env={"T": "tok-123456"})
    assert delivery.status == 307 and "redirect, not followed" in (delivery.error or "")
    assert len(server.requests) == 1


def test_nothing_worth_sending_sends_nothing() -> None:
    quiet = make_notice(changes=(), new_findings=0, resolved_findings=0, risk_update=None)
    assert not quiet.worth_sending
    assert send_all(quiet, [WebhookTarget("http://127.0.0.1:9/hook", None)], env={}) == []
    assert make_notice(changes=(), risk_update=None, new_findings=1).worth_sending


def test_one_failing_target_does_not_stop_the_next() -> None:
    fixture = {"exchanges": [exchange("POST", "/b", 200)]}
    with ReplayServer(fixture) as server:
        targets: list[Target] = [
            SlackTarget(None, "UNSET_URL"),
            WebhookTarget(f"{server.url}/b", None),
        ]
        deliveries = send_all(make_notice(), targets, env={})
    assert [(d.target, d.ok) for d in deliveries] == [
        ("slack $UNSET_URL", False),
        (deliveries[1].target, True),
    ]
    assert deliveries[0].error == "slack $UNSET_URL: environment variable is not set"


# --- Slack -----------------------------------------------------------------------------------


def test_slack_payload_shape_from_url_in_environment() -> None:
    many = tuple(
        StatusChange(
            f"164.310({i:02d})", f"Control {i}", f"45 CFR 164.310({i:02d})", "pass", "fail"
        )
        for i in range(25)
    )
    notice = make_notice(changes=(*many, *make_notice().changes))
    fixture = {"exchanges": [exchange("POST", SECRET_PATH, 200, "ok")]}
    with ReplayServer(fixture) as server:
        env = {"SLACK_WEBHOOK_URL": f"{server.url}{SECRET_PATH}"}
        [delivery] = send_all(notice, [SlackTarget(None, "SLACK_WEBHOOK_URL")], env=env)
    assert delivery.ok and "T0SECRET" not in delivery.target
    body = json.loads(server.requests[0].body)
    assert body["text"] == (
        "hipaa-cac Acme &lt;Telehealth&gt; &amp; Co (failing): 28 control(s) changed "
        "(26 regression(s)); 2 new, 1 resolved finding(s); "
        "risk analysis update required (2 change(s))"
    )
    header, summary, changes, risk, context = body["blocks"]
    assert header == {
        "type": "header",
        "text": {"type": "plain_text", "text": "hipaa-cac: Acme <Telehealth> & Co"},
    }
    assert summary["text"]["text"] == (
        "*Gate: failing* · run `run-000012` · as of 2026-11-20T12:00:00Z\n"
        "*Controls:* fail 1 · insufficient_evidence 1 · pass 41\n"
        "*Findings:* 2 new · 1 resolved"
    )
    lines = changes["text"]["text"].split("\n")
    assert lines[0] == "*Changed controls (28)*"
    assert lines[1] == "• `164.310(00)` Control 0: pass → *fail* (regression)"
    assert len(lines) == 22 and lines[-1] == "…and 8 more"  # 20 shown, regressions first
    assert all("(regression)" in line for line in lines[1:21])
    assert risk["text"]["text"].split("\n") == [
        "*Risk analysis update required:* 2 architecture change(s) since the risk analysis "
        "`attestations/risk-analysis-2026.yaml`",
        "• added data_store `aws:s3:::phi-exports` (infra/s3.tf:12)",
        "• added third_party `vendor:twilio` (app/sms.py:14)",
    ]
    assert "hipaa-cac risk ack" in context["elements"][0]["text"]
    assert all(len(b["text"]["text"]) <= 3000 for b in body["blocks"] if b["type"] == "section")


def test_slack_url_from_environment_must_be_https() -> None:
    env = {"SLACK_WEBHOOK_URL": "http://relay.example.com/services/T0SECRET/B/X"}
    [delivery] = send_all(make_notice(), [SlackTarget(None, "SLACK_WEBHOOK_URL")], env=env)
    assert delivery.target == "slack relay.example.com"
    assert delivery.error is not None and delivery.error.startswith(
        "slack relay.example.com: $SLACK_WEBHOOK_URL must be https://"
    )
    assert "T0SECRET" not in delivery.error


@pytest.mark.parametrize(
    ("before", "after", "regression"),
    [
        ("pass", "fail", True),
        ("waived", "fail", True),  # a waiver expired
        ("not_applicable", "attestation_missing", True),
        ("pass", "stale", True),
        ("pass", "waived", False),  # still passing the gate
        ("fail", "error", False),  # it was not passing before either
        ("insufficient_evidence", "pass", False),
        (None, "fail", False),  # first evaluation: nothing was lost
    ],
)
def test_regression_is_passing_to_not_passing(
    before: str | None, after: str, regression: bool
) -> None:
    assert StatusChange("c", "t", "x", before, after).regression is regression


def test_passing_statuses_are_the_evaluators() -> None:
    assert {s.value for s in Status if s.passing} == PASSING


def test_a_connection_dropped_before_any_answer_is_sent_again(sleeps: Sleeps) -> None:
    """At least once: the first connection is closed unanswered, the second is answered."""
    listener = socket.create_server(("127.0.0.1", 0))
    bodies: list[bytes] = []

    def serve() -> None:
        for attempt in range(2):
            connection, _ = listener.accept()
            with connection:
                request = connection.recv(65536)
                bodies.append(request)
                if attempt == 1:
                    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    port = listener.getsockname()[1]
    target = WebhookTarget(f"http://127.0.0.1:{port}/hook", None)
    [delivery] = send_all(make_notice(), [target], env={}, sleep=sleeps)
    thread.join(timeout=5)
    listener.close()
    assert delivery.ok and delivery.status == 200, delivery
    assert len(bodies) == 2 and all(b.startswith(b"POST /hook ") for b in bodies)
    assert sleeps == [1.0]
