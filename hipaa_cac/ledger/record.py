"""What an evaluation run writes to the ledger, in one transaction: one `run`
entry, the `inventory` the evidence showed, a `risk_assessment_update_required`
event when the risk analysis does not cover that inventory, then one
`control_status` entry per control.

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
from hipaa_cac.inventory.risk_coverage import EVENT
from hipaa_cac.ledger.entry import NewEntry

RUN = "run"
INVENTORY = "inventory"
RISK_UPDATE = EVENT  # "risk_assessment_update_required"
CONTROL_STATUS = "control_status"
# Written by `hipaa-cac run` after it told people about an evaluation run: a run
# of its own (the evaluation is recorded before anyone is told), naming that run.
NOTIFICATION = "notification"


def run_entries(evaluation: Evaluation) -> list[NewEntry]:
    run: dict[str, Any] = {
        **evaluation.provenance(),
        "counts": evaluation.counts,
        "passed": evaluation.passed,
        "controls": len(evaluation.results),
    }
    entries = [NewEntry(RUN, run), NewEntry(INVENTORY, evaluation.inventory.to_payload())]
    if evaluation.risk_update is not None:
        entries.append(NewEntry(RISK_UPDATE, evaluation.risk_update.to_payload()))
    return entries + [NewEntry(CONTROL_STATUS, r.to_dict()) for r in evaluation.results]
