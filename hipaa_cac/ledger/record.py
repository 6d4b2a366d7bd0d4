"""What an evaluation run writes to the ledger: one `run` entry, then one
`control_status` entry per control, in one transaction.

Each control_status holds everything an auditor needs to re-derive it: the
control's version and content hash, the policy bundle hash (on the run entry),
the evidence collections and item hashes it used, the rules that fired, the
findings, and the waivers that covered any of them (id, file, sha256 of the
waiver file). The run entry lists every waiver file loaded, active or not:

    {"type": "run", "payload": {..., "waivers": [{"id": "W-2026-001",
      "file": "waivers/W-2026-001.yaml", "sha256": "sha256:…", "expires": "2027-03-01"}]}}
"""

from __future__ import annotations

from typing import Any

from hipaa_cac.evaluator import Evaluation
from hipaa_cac.ledger.entry import NewEntry

RUN = "run"
CONTROL_STATUS = "control_status"


def run_entries(evaluation: Evaluation) -> list[NewEntry]:
    run: dict[str, Any] = {
        **evaluation.provenance(),
        "counts": evaluation.counts,
        "passed": evaluation.passed,
        "controls": len(evaluation.results),
    }
    return [NewEntry(RUN, run)] + [
        NewEntry(CONTROL_STATUS, r.to_dict()) for r in evaluation.results
    ]
