"""A run notice as a Slack incoming-webhook message: `text` for notifications, `blocks` to read.

    {"text": "hipaa-cac Acme Telehealth: 1 control changed (1 regression); risk analysis
              update required (2 changes)",
     "blocks": [
       {"type": "header", "text": {"type": "plain_text", "text": "hipaa-cac: Acme Telehealth"}},
       {"type": "section", "text": {"type": "mrkdwn", "text":
          "*Gate: failing* · run `run-000012` · as of 2026-11-20T12:00:00Z\\n
           *Controls:* fail 1 · pass 41\\n*Findings:* 2 new · 0 resolved"}},
       {"type": "section", "text": {"type": "mrkdwn", "text":
          "*Changed controls (1)*\\n• `164.312(b)` Audit controls: pass → *fail* (regression)"}},
       {"type": "section", "text": {"type": "mrkdwn", "text":
          "*Risk analysis update required:* 2 architecture change(s) …\\n
           • added data_store `aws:s3:::phi-exports` (infra/s3.tf:12)"}},
       {"type": "context", "elements": [{"type": "mrkdwn", "text": "Ledger: … · review …"}]}]}

Regressions are listed first, then the other changes, each by control id; a
list longer than `MAX_LINES` ends with "…and N more". Text is escaped for
mrkdwn (&, <, >) and kept within Slack's block limits (header 150 characters,
section 3000).
"""

from __future__ import annotations

from typing import Any

from hipaa_cac.notify.notice import RunNotice, StatusChange, sorted_changes, sorted_inventory

MAX_LINES = 20
_HEADER_LIMIT = 150
_SECTION_LIMIT = 3000
_LINE_LIMIT = 140  # 20 lines of this stay well under a section's 3000


def slack_payload(notice: RunNotice) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "text": {
                "type": "plain_text",
                "text": _cut(f"hipaa-cac: {notice.organization}", _HEADER_LIMIT),
            },
        },
        _section(_summary(notice)),
    ]
    if notice.changes:
        blocks.append(_section(_changes(notice)))
    if notice.risk_update is not None:
        blocks.append(_section(_risk(notice)))
    footer = f"Ledger: {_code(notice.ledger)}"
    if notice.risk_update is not None:
        footer += " · review the risk analysis, then run `hipaa-cac risk ack`"
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": footer}]})
    return {"text": _fallback(notice), "blocks": blocks}


def _fallback(notice: RunNotice) -> str:
    parts = []
    if notice.changes:
        regressions = len(notice.regressions)
        part = f"{len(notice.changes)} control(s) changed"
        parts.append(part + (f" ({regressions} regression(s))" if regressions else ""))
    if notice.new_findings or notice.resolved_findings:
        parts.append(f"{notice.new_findings} new, {notice.resolved_findings} resolved finding(s)")
    if notice.risk_update is not None:
        count = len(notice.risk_update.changes)
        parts.append(f"risk analysis update required ({count} change(s))")
    gate = "passing" if notice.passed else "failing"
    said = "; ".join(parts) or "no changes"
    return _escape(f"hipaa-cac {notice.organization} ({gate}): {said}")


def _summary(notice: RunNotice) -> str:
    gate = "*Gate: passing*" if notice.passed else "*Gate: failing*"
    counts = " · ".join(f"{_escape(k)} {v}" for k, v in sorted(notice.counts.items()))
    return (
        f"{gate} · run {_code(notice.run_id)} · as of {_escape(notice.as_of)}\n"
        f"*Controls:* {counts or 'none evaluated'}\n"
        f"*Findings:* {notice.new_findings} new · {notice.resolved_findings} resolved"
    )


def _changes(notice: RunNotice) -> str:
    ordered = sorted_changes(notice.changes)
    first = [c for c in ordered if c.regression] + [c for c in ordered if not c.regression]
    lines = [_change_line(change) for change in first]
    return f"*Changed controls ({len(lines)})*\n" + _capped(lines)


def _change_line(change: StatusChange) -> str:
    before = _escape(change.before) if change.before is not None else "first evaluated"
    line = (
        f"• {_code(change.control)} {_escape(change.title)}: {before} → *{_escape(change.after)}*"
    )
    return _cut(line + (" (regression)" if change.regression else ""), _LINE_LIMIT)


def _risk(notice: RunNotice) -> str:
    risk = notice.risk_update
    assert risk is not None
    basis = (
        f"the risk analysis {_code(risk.risk_analysis)}"
        if risk.risk_analysis
        else "the last risk analysis (none on record)"
    )
    lines = []
    for item in sorted_inventory(risk.changes):
        line = f"• {item.change} {item.category} {_code(item.id)}"
        if item.detected_at:
            shown = ", ".join(item.detected_at[:3])
            more = f" +{len(item.detected_at) - 3}" if len(item.detected_at) > 3 else ""
            line += f" ({_escape(shown)}{more})"
        lines.append(_cut(line, _LINE_LIMIT))
    head = f"*Risk analysis update required:* {len(lines)} architecture change(s) since {basis}\n"
    return head + _capped(lines)


def _capped(lines: list[str]) -> str:
    shown = lines[:MAX_LINES]
    if len(lines) > MAX_LINES:
        shown.append(f"…and {len(lines) - MAX_LINES} more")
    return "\n".join(shown)


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": _cut(text, _SECTION_LIMIT)}}


def _code(value: str) -> str:
    # A backtick inside would end the code span early.
    return "`" + _escape(value).replace("`", "'") + "`"


def _escape(text: str) -> str:
    """Slack's three control characters in mrkdwn: everything else is literal."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
