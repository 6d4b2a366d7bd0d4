"""`hipaa-cac risk ack`: record that the risk analysis was reviewed against the
architecture as it is now. The result is a risk analysis attestation that
lists the inventory it covers, so the next run finds it covered:

    # attestations/risk_analysis/2026-11-23-ack.yaml
    type: risk_analysis
    attested_by: security-official@acme.example
    attested_on: 2026-11-23
    statement: Risk analysis reviewed for 2 architecture change(s): added data store visits ...
    performed_on: 2026-11-23
    scope: AWS account 123456789012, Okta, API      # carried over from the previous analysis
    method: NIST SP 800-30r1, likelihood x impact   # carried over, or --method
    inventory_sha256: sha256:…
    inventory: {data_store: [...], third_party: [...], environment: [...], identity_provider: [...]}

Nothing here writes: the command validates the document and writes it atomically.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from hipaa_cac.evidence import EvidenceItem
from hipaa_cac.inventory import Inventory
from hipaa_cac.inventory.risk_coverage import RiskUpdate

MAX_LISTED = 10  # changes named in the statement; the inventory itself lists all


@dataclass(frozen=True)
class Acknowledgement:
    file_name: str  # e.g. 2026-11-23-ack.yaml, under the risk_analysis attestation directory
    document: dict[str, Any]


def acknowledgement(
    inventory: Inventory,
    update: RiskUpdate | None,
    previous: EvidenceItem | None,
    today: date,
    attested_by: str | None,
    note: str | None,
    scope: str | None,
    method: str | None,
) -> Acknowledgement:
    """The new risk analysis document. `previous` supplies scope and method
    when not given; without either, the InputError is the caller's (the
    schema requires both)."""
    old = previous.data if previous is not None else {}
    changes = update.changes if update is not None else ()
    named = "; ".join(c.describe() for c in changes[:MAX_LISTED])
    more = f"; and {len(changes) - MAX_LISTED} more" if len(changes) > MAX_LISTED else ""
    statement = (
        f"Risk analysis reviewed for {len(changes)} architecture change(s): {named}{more}."
        if changes
        else "Risk analysis reviewed against the current architecture inventory."
    )
    if note:
        statement = f"{statement} {note}"
    document: dict[str, Any] = {"type": "risk_analysis"}
    if attested_by:
        document["attested_by"] = attested_by
    document["attested_on"] = today.isoformat()
    document["statement"] = statement
    document["performed_on"] = today.isoformat()
    for key, given in (("scope", scope), ("method", method)):
        value = given or old.get(key)
        if value:
            document[key] = value
    document["inventory_sha256"] = inventory.sha256
    document["inventory"] = inventory.keys
    return Acknowledgement(f"{today.isoformat()}-ack.yaml", document)
