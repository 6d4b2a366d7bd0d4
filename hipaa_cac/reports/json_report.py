"""`--format json`: the versioned machine-readable result.

Schema: hipaa_cac/schemas/evaluation-result.schema.json ("hipaa-cac/evaluation/v1").
Deterministic: sorted keys, results sorted by control id, no wall-clock time
(only `as_of`, the evaluation time, which is an input).
"""

from __future__ import annotations

from typing import Any

from hipaa_cac.canonical import pretty_json
from hipaa_cac.evaluator import Evaluation

SCHEMA = "hipaa-cac/evaluation/v1"


def to_document(evaluation: Evaluation) -> dict[str, Any]:
    controls = []
    for result in evaluation.results:
        entry = result.to_dict()
        entry["id"] = entry.pop("control")
        for finding in entry["findings"]:
            del finding["control"]  # implied by the enclosing control
        controls.append(entry)
    return {
        "schema": SCHEMA,
        **evaluation.provenance(),
        "summary": {
            "controls": len(evaluation.results),
            "passed": evaluation.passed,
            "counts": evaluation.counts,
            "findings": sum(len(r.counted) for r in evaluation.results),
            "waived_findings": sum(len(r.findings) - len(r.counted) for r in evaluation.results),
        },
        "inventory": evaluation.inventory.to_payload(),
        "risk_update": update.to_payload() if (update := evaluation.risk_update) else None,
        "controls": controls,
    }


def render(evaluation: Evaluation) -> str:
    return pretty_json(to_document(evaluation))
