"""Report formats, one module each: table (terminal), json (versioned), markdown (CI)."""

from __future__ import annotations

from hipaa_cac.evaluator import Evaluation
from hipaa_cac.reports import json_report, markdown, table

FORMATS = ("table", "json", "markdown")


def render(evaluation: Evaluation, fmt: str, color: bool = False) -> str:
    if fmt == "json":
        return json_report.render(evaluation)
    if fmt == "markdown":
        return markdown.render(evaluation)
    return table.render(evaluation, color=color)


__all__ = ["FORMATS", "render"]
