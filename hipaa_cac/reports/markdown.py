"""`--format markdown`: a summary for a CI job page or a pull-request comment."""

from __future__ import annotations

from hipaa_cac.evaluator import Evaluation, Status

ICONS = {
    Status.PASS: "✅",
    Status.FAIL: "❌",
    Status.ERROR: "💥",
    Status.NOT_APPLICABLE: "⚪",
    Status.WAIVED: "🏷️",
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(evaluation: Evaluation) -> str:
    counts = ", ".join(f"{n} {status}" for status, n in evaluation.counts.items() if n)
    verdict = "all controls pass" if evaluation.passed else "controls need attention"
    lines = [
        "# HIPAA control status",
        "",
        f"As of {evaluation.as_of}: **{verdict}** ({counts}).",
        "",
        "| Status | Control | Citation | Why |",
        "|---|---|---|---|",
    ]
    ordered = sorted(evaluation.results, key=lambda r: (r.status.passing, r.control))
    for r in ordered:
        icon = ICONS.get(r.status, "⚠️")
        lines.append(
            f"| {icon} {r.status} | {r.control} {_cell(r.title)} | {r.citation} | "
            f"{_cell(r.reason)} |"
        )
    failing = [r for r in ordered if r.findings]
    if failing:
        lines += ["", "## Findings", ""]
        for r in failing:
            lines.append(f"### {r.control} {r.title}")
            lines += [
                f"- **{f.severity}** `{f.resource}`: {f.message}"
                + (f" (waived by {f.waiver})" if f.waiver else "")
                for f in r.findings
            ]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
