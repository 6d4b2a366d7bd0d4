"""Send one run notice to every target; each target's outcome is a Delivery, never an exception.

    deliveries = send_all(notice, load_targets(data.get("notify"), document.line_of))
    [Delivery(target="webhook hooks.example.com", ok=True, status=200, error=None),
     Delivery(target="slack hooks.slack.com", ok=False, status=404,
              error="slack hooks.slack.com: POST answered 404 (not found …): no_service"),
     Delivery(target="github_issue api.github.com acme-health/compliance",
              ok=True, status=None, error=None)]    # nothing needed an issue

A target that cannot be reached, answers 3xx/4xx/5xx, times out or lacks an
environment variable gives ok=False and an error naming it by type and host
(never a URL path, a query or a token); the next target is still tried, so
a run records every outcome and goes on. ok=True with status None means the
target had nothing to send for this notice (a GitHub target and a notice
with no regression and no risk update).

A notice that is not `worth_sending` (nothing changed) is sent nowhere and
gives no deliveries. Payloads are JSON with sorted keys and lists in a fixed
order, so the same notice always sends the same bytes.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from hipaa_cac.notify.github_issue import deliver as deliver_issues
from hipaa_cac.notify.notice import RunNotice, notice_payload
from hipaa_cac.notify.slack import slack_payload
from hipaa_cac.notify.targets import GitHubIssueTarget, SlackTarget, Target, WebhookTarget
from hipaa_cac.notify.transport import (
    SendError,
    Sleep,
    Transport,
    destination,
    environment,
    expand,
    url_problem,
    url_secrets,
)


@dataclass(frozen=True)
class Delivery:
    """What became of one target.

    target  type and host: "webhook hooks.example.com", "slack hooks.slack.com",
            "github_issue api.github.com acme-health/compliance" (the repository is
            configuration, not a secret); "slack $SLACK_WEBHOOK_URL" when the
            variable holding the URL is not set
    ok      delivered, or nothing to deliver
    status  the last HTTP status received; None when no answer came or nothing was sent
    error   why it failed, safe to print and record; None when ok
    """

    target: str
    ok: bool
    status: int | None
    error: str | None


def send_all(
    notice: RunNotice,
    targets: Sequence[Target],
    *,
    env: Mapping[str, str] | None = None,
    timeout: float = 10.0,
    sleep: Sleep = time.sleep,
) -> list[Delivery]:
    """One Delivery per target, in the targets' order; [] when nothing is worth sending.

    `env` defaults to the process environment (for ${VAR}, url_env, token_env).
    """
    if not notice.worth_sending:
        return []
    variables = environment() if env is None else env
    return [_send(notice, target, variables, timeout, sleep) for target in targets]


def _send(
    notice: RunNotice, target: Target, env: Mapping[str, str], timeout: float, sleep: Sleep
) -> Delivery:
    if isinstance(target, GitHubIssueTarget):
        label = f"github_issue {destination(target.api_url)} {target.repository}"
        try:
            status = deliver_issues(target, notice, label, env, timeout=timeout, sleep=sleep)
        except SendError as exc:
            return Delivery(label, False, exc.status, exc.message)
        return Delivery(label, True, status, None)
    url = target.url if target.url is not None else env.get(target.url_env or "", "")
    if not url:
        label = f"{target.type} ${target.url_env}"
        return Delivery(label, False, None, f"{label}: environment variable is not set")
    label = f"{target.type} {destination(url)}"
    problem = url_problem(url)
    if problem:
        # The URL came from the environment (config URLs were checked on load):
        # say which variable, never its value.
        return Delivery(label, False, None, f"{label}: ${target.url_env} {problem}")
    try:
        status = _post(notice, target, url, label, env, timeout, sleep)
    except SendError as exc:
        return Delivery(label, False, exc.status, exc.message)
    return Delivery(label, True, status, None)


def _post(
    notice: RunNotice,
    target: WebhookTarget | SlackTarget,
    url: str,
    label: str,
    env: Mapping[str, str],
    timeout: float,
    sleep: Sleep,
) -> int:
    if isinstance(target, WebhookTarget):
        headers = {name: expand(value, env, label) for name, value in target.headers}
        payload = notice_payload(notice)
    else:
        headers = {}
        payload = slack_payload(notice)
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False)
    secrets = (*headers.values(), *url_secrets(url))
    with Transport(secrets, timeout=timeout, sleep=sleep) as http:
        return http.send("POST", url, label, json_text=text, headers=headers).status
