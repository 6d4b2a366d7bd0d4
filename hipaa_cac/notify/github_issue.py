"""GitHub issues for what needs a person: a risk-analysis review, or a compliance regression.

For one notice, at most two issues, in this order:

    Risk analysis update required: 2 architecture change(s)    when risk_update is set
    Compliance regression: 164.312(b), 164.312(d)              when a control stopped passing

Each is opened with the target's labels unless an open issue with those
labels is already there (one `GET /repos/{o}/{r}/issues?labels=…&state=open`,
every page; pull requests are skipped), in which case the run comments on it:

- risk: any open issue whose title starts "Risk analysis update required:"
  (the count in the title grows while the review is pending; it is the same
  piece of work, and one issue is what `hipaa-cac risk ack` closes out);
- regression: an open issue with exactly the same title (the same controls).
  Where several match, the oldest (lowest number) gets the comment.

Not an issue: improvements, first evaluations (before None), changes among
failing statuses, and finding counts. Those are news (webhook, Slack), not
work; an issue is opened only where someone has to act, and a person closes
it after acting. Nothing to open is a successful delivery with no request.

The token comes from `token_env` when the notice is sent; the search goes
through collectors/http_client.ApiClient (pagination, rate limits, retries),
the POSTs through notify/transport (never retried once sent).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from hipaa_cac.collectors.http_client import ApiClient, ApiError
from hipaa_cac.notify.notice import RunNotice, StatusChange, sorted_inventory
from hipaa_cac.notify.targets import GitHubIssueTarget
from hipaa_cac.notify.transport import SendError, Sleep, Transport

RISK_TITLE = "Risk analysis update required:"
REGRESSION_TITLE = "Compliance regression:"
_TITLE_IDS = 8  # control ids named in a title; the body lists every one
_DETECTED_SHOWN = 5


@dataclass(frozen=True)
class IssuePlan:
    """An issue to open, or to comment on if one like it is open.

    prefix  None: match the exact title; else any title starting with it
    """

    title: str
    body: str
    prefix: str | None = None

    def matches(self, title: str) -> bool:
        return title == self.title or (self.prefix is not None and title.startswith(self.prefix))


def plan_issues(notice: RunNotice) -> list[IssuePlan]:
    plans = []
    if notice.risk_update is not None:
        count = len(notice.risk_update.changes)
        title = f"{RISK_TITLE} {count} architecture change(s)"
        plans.append(IssuePlan(title, _risk_body(notice), prefix=RISK_TITLE))
    regressions = notice.regressions
    if regressions:
        ids = [change.control for change in regressions]
        named = ", ".join(ids[:_TITLE_IDS])
        more = f" and {len(ids) - _TITLE_IDS} more" if len(ids) > _TITLE_IDS else ""
        plans.append(
            IssuePlan(f"{REGRESSION_TITLE} {named}{more}", _regression_body(notice, regressions))
        )
    return plans


def deliver(
    target: GitHubIssueTarget,
    notice: RunNotice,
    label: str,
    env: Mapping[str, str],
    *,
    timeout: float,
    sleep: Sleep,
) -> int | None:
    """Open or comment on the planned issues; the last HTTP status, None if nothing to do."""
    plans = plan_issues(notice)
    if not plans:
        return None
    token = env.get(target.token_env)
    if not token:
        raise SendError(f"{label}: environment variable {target.token_env} is not set")
    repo = f"/repos/{target.repository}"
    open_issues = _open_issues(target, token, repo, label, timeout=timeout, sleep=sleep)
    headers = {
        "Authorization": f"Bearer {token}",
        "Accept": "application/vnd.github+json",
        "X-GitHub-Api-Version": "2022-11-28",
    }
    status: int | None = None
    with Transport((token,), timeout=timeout, sleep=sleep) as http:
        for plan in plans:
            existing = next((n for n, title in open_issues if plan.matches(title)), None)
            if existing is None:
                content = {"title": plan.title, "body": plan.body, "labels": list(target.labels)}
                url, what = f"{target.api_url}{repo}/issues", "POST issue"
            else:
                content = {"body": _comment(notice, plan.body)}
                url = f"{target.api_url}{repo}/issues/{existing}/comments"
                what = f"POST comment on #{existing}"
            text = json.dumps(content, sort_keys=True, ensure_ascii=False)
            status = http.send(
                "POST", url, label, json_text=text, headers=headers, what=what
            ).status
    return status


def _open_issues(
    target: GitHubIssueTarget, token: str, repo: str, label: str, *, timeout: float, sleep: Sleep
) -> list[tuple[int, str]]:
    """(number, title) of the open issues with all the target's labels, oldest first."""
    query: dict[str, str | int] = {
        "labels": ",".join(target.labels),
        "state": "open",
        "per_page": 100,
    }
    try:
        with ApiClient.github(
            token, target.api_url, timeout=timeout, retries=1, max_wait=30.0, sleep=sleep
        ) as client:
            items = client.get_all(f"{repo}/issues", query)
    except ApiError as exc:
        raise SendError(f"{label}: {exc.message}", exc.status) from None
    found = [
        (item["number"], item["title"])
        for item in items
        if isinstance(item, dict)
        and "pull_request" not in item  # the issues API lists pull requests too
        and isinstance(item.get("number"), int)
        and isinstance(item.get("title"), str)
    ]
    return sorted(found)


def _risk_body(notice: RunNotice) -> str:
    risk = notice.risk_update
    assert risk is not None
    basis = (
        f"the risk analysis {_code(risk.risk_analysis)}"
        if risk.risk_analysis
        else "the last risk analysis (none is on record)"
    )
    lines = [
        f"hipaa-cac found {len(risk.changes)} architecture change(s) since {basis}.",
        "",
    ]
    for item in sorted_inventory(risk.changes):
        line = f"- {item.change} {item.category} {_code(item.id)}"
        if item.detected_at:
            shown = ", ".join(f"{_code(at)}" for at in item.detected_at[:_DETECTED_SHOWN])
            extra = len(item.detected_at) - _DETECTED_SHOWN
            line += f", detected at {shown}" + (f" and {extra} more" if extra > 0 else "")
        lines.append(line)
    covered = _code(risk.covered_sha256) if risk.covered_sha256 else "none"
    lines += [
        "",
        "**What to do:** review these changes in the risk analysis (45 CFR "
        "164.308(a)(1)(ii)(A)) and update it where the risks changed; then record the "
        "review with `hipaa-cac risk ack`, which makes this inventory the covered one.",
        "",
        f"Inventory now: {_code(risk.inventory_sha256)} · covered by the risk analysis: {covered}",
        *_run_lines(notice),
    ]
    return "\n".join(lines) + "\n"


def _regression_body(notice: RunNotice, regressions: tuple[StatusChange, ...]) -> str:
    lines = [f"{len(regressions)} control(s) stopped passing:", ""]
    for change in regressions:
        lines.append(
            f"- {_code(change.control)} {_md(change.title)} ({_md(change.citation)}): "
            f"{change.before} → **{change.after}**"
        )
    lines += [
        "",
        "**What to do:** read the findings for these controls in this run's report, "
        "then fix them, or accept the risk with a waiver (docs/waivers.md). Close this "
        "issue when they pass again.",
        *_run_lines(notice),
    ]
    return "\n".join(lines) + "\n"


def _run_lines(notice: RunNotice) -> list[str]:
    return [
        "",
        f"Organization: {_md(notice.organization)} · run {_code(notice.run_id)} · as of "
        f"{notice.as_of} · ledger {_code(notice.ledger)}",
    ]


def _comment(notice: RunNotice, body: str) -> str:
    return f"Still open as of run {_code(notice.run_id)} ({notice.as_of}):\n\n{body}"


def _code(text: str) -> str:
    """A code span: a backtick inside would end it early."""
    return "`" + text.replace("`", "'") + "`"


def _md(text: str) -> str:
    # Plain text in someone else's tracker: no HTML tag, no @mention of a stranger.
    return text.replace("<", "&lt;").replace("@", "@\u200b")
