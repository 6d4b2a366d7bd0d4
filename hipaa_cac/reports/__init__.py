"""Report formats, one module each: table (terminal), json (versioned), markdown (CI),
sarif (code scanning), junit (CI test reports)."""

from __future__ import annotations

from hipaa_cac.controls import Catalog
from hipaa_cac.evaluator import Evaluation
from hipaa_cac.reports import json_report, junit, markdown, sarif, table

FORMATS = ("table", "json", "markdown", "sarif", "junit")


def render(
    evaluation: Evaluation, fmt: str, color: bool = False, catalog: Catalog | None = None
) -> str:
    """`catalog`, when given, adds each control's rationale and safeguard to SARIF rules."""
    if fmt == "json":
        return json_report.render(evaluation)
    if fmt == "markdown":
        return markdown.render(evaluation)
    if fmt == "sarif":
        return sarif.render(evaluation, catalog)
    if fmt == "junit":
        return junit.render(evaluation)
    return table.render(evaluation, color=color)


__all__ = ["FORMATS", "render"]
