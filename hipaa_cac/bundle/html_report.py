"""The auditor bundle's report for people: one self-contained HTML file.

No script, no external stylesheet, font or image: it opens the same offline,
in ten years, in any browser. Sections, each with an id a test (or a reader's
tool) can find:

    #overview   counts per status of the period's last run  (data-status, .n)
    #trend      status over time: one stacked bar per run    (inline SVG)
    #controls   per control: status, reason, evidence used, findings
    #risks      risk-assessment events in the period and the risk register files
    #waivers    waiver files and the controls they waived
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

from hipaa_cac.bundle.period import LedgerExcerpt, Period
from hipaa_cac.evaluator.result import Status
from hipaa_cac.inventory import InventoryChange
from hipaa_cac.ledger import LedgerEntry
from hipaa_cac.ledger.record import CONTROL_STATUS

COLORS = {
    "pass": "#2e7d32",
    "fail": "#c62828",
    "insufficient_evidence": "#ef6c00",
    "stale": "#f9a825",
    "attestation_missing": "#6a1b9a",
    "attestation_expired": "#8e24aa",
    "not_applicable": "#78909c",
    "waived": "#0277bd",
    "error": "#212121",
}
RISK_EVENTS = ("risk_assessment_update_required",)

_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;color:#222}
h1{font-size:1.5rem}h2{margin-top:2rem;border-bottom:1px solid #ccc}
.counts{display:flex;flex-wrap:wrap;gap:.5rem}
.count{border-left:6px solid;padding:.3rem .8rem;background:#f6f6f6;min-width:9rem}
.count .n{font-size:1.4rem;font-weight:600;display:block}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #e0e0e0;
padding:.3rem .4rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
.badge{color:#fff;border-radius:3px;padding:0 .4rem;white-space:nowrap}
code,.hash{font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}
.muted{color:#666}ul{margin:.2rem 0;padding-left:1.2rem}
"""


def render(
    organization: str,
    period: Period,
    excerpt: LedgerExcerpt,
    repository_files: dict[str, Any],
) -> str:
    """`repository_files`: parsed YAML of `repository/waivers/*` and `repository/risk/*`."""
    runs = [excerpt.entries(run_id) for run_id in excerpt.runs]
    last = runs[-1]
    statuses = [e.payload for e in last if e.type == CONTROL_STATUS]
    title = f"HIPAA compliance report: {organization}"
    body = [
        f"<h1>{escape(title)}</h1>",
        f"<p>Period {escape(period.start[:10])} to {escape(period.last_day)}: "
        f"{len(runs)} evaluation run(s); latest {escape(last[0].run_id)} as of "
        f"{escape(last[0].payload['as_of'])}. Ledger head "
        f"<span class=hash>{escape(excerpt.head_hash)}</span>.</p>",
        _overview(statuses),
        _trend(runs),
        _controls(statuses),
        _risks(excerpt, repository_files),
        _waivers(statuses, repository_files),
    ]
    return (
        "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
        f"<title>{escape(title)}</title><style>{_CSS}</style></head>\n<body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )


def _overview(statuses: list[dict[str, Any]]) -> str:
    counts = {str(s): 0 for s in Status}
    for p in statuses:
        counts[p["status"]] = counts.get(p["status"], 0) + 1
    cells = "".join(
        f'<div class=count data-status="{escape(status)}" style="border-color:{_color(status)}">'
        f"<span class=n>{n}</span>{escape(status.replace('_', ' '))}</div>"
        for status, n in counts.items()
    )
    return (
        f"<section id=overview><h2>Overview</h2>"
        f'<p><span id=total-controls data-count="{len(statuses)}">{len(statuses)}</span> '
        f"controls in the latest run.</p><div class=counts>{cells}</div></section>"
    )


def _trend(runs: list[list[LedgerEntry]]) -> str:
    height, gap = 180, 4
    bar = 36 if len(runs) <= 16 else max(3, 640 // len(runs) - gap)
    width = max(len(runs) * (bar + gap), 120)
    shapes: list[str] = []
    for index, entries in enumerate(runs):
        counts = entries[0].payload["counts"]
        total = sum(counts.values()) or 1
        x, y = index * (bar + gap), float(height)
        for status in COLORS:
            share = counts.get(status, 0) / total * height
            if share:
                y -= share
                label = (
                    f"{entries[0].run_id} {entries[0].payload['as_of']}: {counts[status]} {status}"
                )
                shapes.append(
                    f'<rect x="{x}" y="{y:.1f}" width="{bar}" height="{share:.1f}" '
                    f'fill="{COLORS[status]}"><title>{escape(label)}</title></rect>'
                )
    legend = " ".join(
        f'<span class=badge style="background:{color}">{escape(status)}</span>'
        for status, color in COLORS.items()
    )
    return (
        "<section id=trend><h2>Status over time</h2>"
        f'<svg role=img aria-label="control statuses per run" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}">{"".join(shapes)}</svg>'
        f"<p>{legend}</p></section>"
    )


def _controls(statuses: list[dict[str, Any]]) -> str:
    rows = []
    for p in statuses:
        evidence = _list(
            f"{u['kind']}: {u['status']}, {u['items']} item(s)"
            + (f", collected {u['collected_at']}" if u.get("collected_at") else "")
            for u in p["evidence"]
        )
        findings = _list(
            f"[{f['severity']}] {f['resource']}: {f['message']}" for f in p["findings"]
        )
        missing = _list(f"missing: {m}" for m in p.get("missing", []))
        rows.append(
            f'<tr data-control="{escape(p["control"])}" data-status="{escape(p["status"])}">'
            f"<td><code>{escape(p['control'])}</code><br><span class=muted>"
            f"{escape(p['citation'])} v{escape(p['version'])}</span></td>"
            f"<td>{escape(p['title'])}<br><span class=muted>{escape(p['requirement'])}</span></td>"
            f"<td>{_badge(p['status'])}</td>"
            f"<td>{escape(p['reason'])}{missing}{findings}</td><td>{evidence}</td></tr>"
        )
    return (
        "<section id=controls><h2>Controls</h2><table><thead><tr><th>Control</th>"
        "<th>Title</th><th>Status</th><th>Why</th><th>Evidence</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></section>"
    )


def _risks(excerpt: LedgerExcerpt, files: dict[str, Any]) -> str:
    in_period = set(excerpt.runs)
    events = [
        e
        for row in excerpt.rows
        if row.type in RISK_EVENTS and row.run_id in in_period
        for e in [row.to_entry()]
    ]
    items = _list(f"{e.run_id} {e.type}: {_changes(e.payload)}" for e in events)
    registers = _files_table({k: v for k, v in files.items() if k.startswith("repository/risk/")})
    none = "<p class=muted>No risk-assessment events in the period.</p>" if not events else ""
    return f"<section id=risks><h2>Open risks</h2>{none}{items}{registers}</section>"


def _changes(payload: dict[str, Any]) -> str:
    """A risk update's changes, as `risk ack` and `ledger log` word them."""
    changes = [InventoryChange.from_dict(c).describe() for c in payload.get("changes", [])]
    covered = payload.get("risk_analysis", "")
    return f"not covered by {covered}: " + "; ".join(changes)


def _waivers(statuses: list[dict[str, Any]], files: dict[str, Any]) -> str:
    waived = _list(
        f"{p['control']}: {p['reason']}" for p in statuses if p["status"] == Status.WAIVED
    )
    table = _files_table({k: v for k, v in files.items() if k.startswith("repository/waivers/")})
    if not waived and not table:
        return "<section id=waivers><h2>Waivers</h2><p class=muted>No waivers.</p></section>"
    return f"<section id=waivers><h2>Waivers</h2>{waived}{table}</section>"


def _files_table(files: dict[str, Any]) -> str:
    """One row per mapping found in the files (a file may hold one or a list)."""
    rows = []
    for path, data in sorted(files.items()):
        for record in data if isinstance(data, list) else [data]:
            if isinstance(record, dict):
                fields = ", ".join(f"{k}: {record[k]}" for k in sorted(record))
                rows.append(
                    f"<tr><td><code>{escape(path)}</code></td><td>{escape(fields)}</td></tr>"
                )
    return f"<table><tbody>{''.join(rows)}</tbody></table>" if rows else ""


def _list(lines: Iterable[str]) -> str:
    items = "".join(f"<li>{escape(line)}</li>" for line in lines)
    return f"<ul>{items}</ul>" if items else ""


def _badge(status: str) -> str:
    return f'<span class=badge style="background:{_color(status)}">{escape(status)}</span>'


def _color(status: str) -> str:
    return COLORS.get(status, "#000")
