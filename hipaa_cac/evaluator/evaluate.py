"""One evaluation run: every control of the catalog against the current evidence.

controls + policies + evidence --(engine)--> Evaluation(results=[ControlResult, ...])
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hipaa_cac import __version__
from hipaa_cac.controls import Catalog
from hipaa_cac.durations import format_timestamp
from hipaa_cac.engines import Engine
from hipaa_cac.evaluator.decide import decide
from hipaa_cac.evaluator.result import ControlResult, Status
from hipaa_cac.evaluator.rules import run_rules
from hipaa_cac.evidence import EvidenceSet
from hipaa_cac.policy import PolicyLibrary


@dataclass(frozen=True)
class Evaluation:
    as_of: str  # RFC 3339: the time evidence freshness and policies were judged at
    engine: str
    tool_version: str
    catalog_hash: str
    policy_hash: str
    collections: tuple[dict[str, str], ...]  # Collection.reference() of every current collection
    results: tuple[ControlResult, ...]  # sorted by control id

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
) -> Evaluation:
    """`workers` > 1 spreads large inputs over forked processes (embedded engine)."""
    needed = {ref for control in catalog for ref in control.checks}
    rules = [rule for ref, rule in library.rules.items() if ref in needed]
    as_of = format_timestamp(now)
    clock = {"now": as_of, "now_ns": int(now.timestamp()) * 1_000_000_000}
    outcomes = run_rules(rules, engine, evidence, clock, advance, workers)
    results = tuple(decide(control, outcomes, evidence, now) for control in catalog)
    return Evaluation(
        as_of=as_of,
        engine=engine.name,
        tool_version=__version__,
        catalog_hash=catalog.hash,
        policy_hash=library.hash,
        collections=tuple(c.reference() for c in evidence.collections),
        results=results,
    )


def work_units(library: PolicyLibrary, evidence: EvidenceSet) -> int:
    """How many items the rules will read: the length of a progress bar."""
    return sum(max(len(evidence.items(rule.primary_kind)), 1) for rule in library.rules.values())
