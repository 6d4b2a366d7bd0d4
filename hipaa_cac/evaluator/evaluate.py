"""One evaluation run: every control of the catalog against the current evidence.

controls + policies + evidence --(engine)--> decide --(waivers)--> Evaluation(results=[...])
                         |                                  ^
                         +--> inventory --(risk analysis)---+  (stale when it changed)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from hipaa_cac import __version__
from hipaa_cac.controls import Catalog, Control
from hipaa_cac.durations import format_timestamp
from hipaa_cac.engines import Engine
from hipaa_cac.evaluator.decide import decide
from hipaa_cac.evaluator.result import ControlResult, Status
from hipaa_cac.evaluator.risk_stale import mark_risk_stale
from hipaa_cac.evaluator.rules import RuleOutcome, run_rules
from hipaa_cac.evaluator.scope import ALL_IN_SCOPE, Scope
from hipaa_cac.evaluator.waive import waive
from hipaa_cac.evidence import EvidenceSet
from hipaa_cac.inventory import Inventory, derive_inventory
from hipaa_cac.inventory.as_evidence import with_inventory
from hipaa_cac.inventory.risk_coverage import RiskUpdate, risk_update
from hipaa_cac.policy import PolicyLibrary
from hipaa_cac.waivers import Waiver


@dataclass(frozen=True)
class Evaluation:
    as_of: str  # RFC 3339: the time evidence freshness and policies were judged at
    engine: str
    tool_version: str
    catalog_hash: str
    policy_hash: str
    collections: tuple[dict[str, str], ...]  # Collection.reference() of every current collection
    results: tuple[ControlResult, ...]  # sorted by control id
    waivers: tuple[dict[str, str], ...] = ()  # Waiver.reference() of every waiver file loaded
    inventory: Inventory = field(default_factory=Inventory)  # what the evidence shows
    risk_update: RiskUpdate | None = None  # set when the risk analysis does not cover it

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(str(r.status) for r in self.results)
        return {str(status): counted.get(str(status), 0) for status in Status}

    def provenance(self) -> dict[str, Any]:
        """What the run was judged with: the part an auditor re-derives it from."""
        return {
            "as_of": self.as_of,
            "engine": self.engine,
            "tool_version": self.tool_version,
            "catalog_hash": self.catalog_hash,
            "policy_hash": self.policy_hash,
            "collections": list(self.collections),
            "waivers": list(self.waivers),
            "inventory_sha256": self.inventory.sha256,
        }

    @property
    def passed(self) -> bool:
        return all(r.status.passing for r in self.results)


def evaluate(
    catalog: Catalog,
    library: PolicyLibrary,
    engine: Engine,
    evidence: EvidenceSet,
    now: datetime,
    advance: Callable[[int], None] = lambda n: None,
    workers: int = 1,
    waivers: Sequence[Waiver] = (),
    scope: Scope = ALL_IN_SCOPE,
) -> Evaluation:
    """`workers` > 1 spreads large inputs over forked processes (embedded engine)."""
    inventory = derive_inventory(evidence)
    update = risk_update(inventory, evidence)
    collections = tuple(c.reference() for c in evidence.collections)
    evidence = with_inventory(evidence, inventory)
    needed = {ref for control in catalog for ref in control.checks}
    rules = [rule for ref, rule in library.rules.items() if ref in needed]
    as_of = format_timestamp(now)
    clock = {"now": as_of, "now_ns": int(now.timestamp()) * 1_000_000_000}
    outcomes = run_rules(rules, engine, evidence, clock, advance, workers, scope)
    results = tuple(
        mark_risk_stale(_decide(control, outcomes, evidence, now, waivers, scope), update)
        for control in catalog
    )
    return Evaluation(
        as_of=as_of,
        engine=engine.name,
        tool_version=__version__,
        catalog_hash=catalog.hash,
        policy_hash=library.hash,
        collections=collections,
        results=results,
        waivers=tuple(w.reference() for w in sorted(waivers, key=lambda w: w.id)),
        inventory=inventory,
        risk_update=update,
    )


def _decide(
    control: Control,
    outcomes: Mapping[str, RuleOutcome],
    evidence: EvidenceSet,
    now: datetime,
    waivers: Sequence[Waiver],
    scope: Scope,
) -> ControlResult:
    def without_findings() -> ControlResult:
        # The control as if its rules had found nothing: a fully waived control
        # must still have the evidence that would let it pass.
        quiet = {
            ref: replace(o, findings=tuple(f for f in o.findings if f.control != control.id))
            for ref, o in outcomes.items()
            if ref in control.checks
        }
        return decide(control, quiet, evidence, now, scope)

    return waive(decide(control, outcomes, evidence, now, scope), waivers, now, without_findings)


def work_units(library: PolicyLibrary, evidence: EvidenceSet) -> int:
    """How many items the rules will read: the length of a progress bar."""
    return sum(max(len(evidence.items(rule.primary_kind)), 1) for rule in library.rules.values())
