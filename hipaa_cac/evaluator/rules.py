"""Run every decision rule once over the current evidence, in bounded batches.

The evaluator calls this once per run; controls then read the outcomes of the
rules they list. Rules that share a primary kind share each batch's input
document, so the embedded engine marshals every item once, not once per rule
(marshalling, not matching, dominated the cost: bench/evaluate_scaling.py).

A rule runs only if every kind it reads is usable: its context kinds (all but
the first) complete, its primary kind complete or partial (findings from part
of the data are still real). Otherwise it is skipped with the reason, and its
controls cannot pass.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hipaa_cac.canonical import canonical_json
from hipaa_cac.engines import Engine, EngineError
from hipaa_cac.evaluator.result import Finding
from hipaa_cac.evidence import EvidenceSet
from hipaa_cac.policy import Rule

# regopy's cost per item is flat up to a few dozen items per query and grows
# faster than linearly beyond.
BATCH_SIZE = 32


@dataclass(frozen=True)
class RuleOutcome:
    rule: Rule
    findings: tuple[Finding, ...]
    error: str | None = None
    skipped: str | None = None


def run_rules(
    rules: list[Rule],
    engine: Engine,
    evidence: EvidenceSet,
    now: dict[str, Any],
    advance: Callable[[int], None] = lambda n: None,
) -> dict[str, RuleOutcome]:
    outcomes: dict[str, RuleOutcome] = {}
    groups: dict[str, list[Rule]] = defaultdict(list)
    for rule in rules:
        unusable = _unusable(rule, evidence)
        if unusable:
            outcomes[rule.ref] = RuleOutcome(rule, (), skipped=unusable)
        else:
            groups[rule.primary_kind].append(rule)
    for kind in sorted(groups):
        outcomes.update(_run_group(kind, groups[kind], engine, evidence, now, advance))
    return dict(sorted(outcomes.items()))


def _run_group(
    kind: str,
    rules: list[Rule],
    engine: Engine,
    evidence: EvidenceSet,
    now: dict[str, Any],
    advance: Callable[[int], None],
) -> dict[str, RuleOutcome]:
    primary = evidence.items(kind)
    hashes = {item.subject: item.sha256 for item in primary}
    context = {
        k: [item.policy_view() for item in evidence.items(k)]
        for k in sorted({k for rule in rules for k in rule.evidence[1:]})
    }
    raw: dict[str, list[Any]] = {rule.ref: [] for rule in rules}
    errors: dict[str, str] = {}
    for start in range(0, max(len(primary), 1), BATCH_SIZE):
        batch = [item.policy_view() for item in primary[start : start + BATCH_SIZE]]
        document = {**now, "evidence": {kind: batch, **context}}
        for rule in rules:
            if rule.ref in errors:
                continue
            try:
                raw[rule.ref].extend(_as_findings(rule, engine.query(rule.ref, document)))
            except EngineError as exc:
                errors[rule.ref] = str(exc)
        advance(len(batch) * len(rules))
    outcomes = {}
    for rule in rules:
        try:
            findings = [_finding(rule, f, hashes) for f in raw[rule.ref]]
        except EngineError as exc:
            errors.setdefault(rule.ref, str(exc))
        if rule.ref in errors:
            outcomes[rule.ref] = RuleOutcome(rule, (), error=errors[rule.ref])
            continue
        unique = {canonical_json(f.__dict__): f for f in findings}
        outcomes[rule.ref] = RuleOutcome(rule, tuple(unique[key] for key in sorted(unique)))
    return outcomes


def _unusable(rule: Rule, evidence: EvidenceSet) -> str | None:
    for position, kind in enumerate(rule.evidence):
        coverage = evidence.coverage(kind)
        if coverage is None:
            return f"evidence {kind} was never collected"
        allowed = ("complete", "partial") if position == 0 else ("complete",)
        if coverage.status not in allowed:
            return f"evidence {kind} is {coverage.status}: {'; '.join(coverage.errors)}"
    return None


def _as_findings(rule: Rule, value: Any) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise EngineError(
            f"{rule.ref}: a decision rule must be a set of findings, got {type(value).__name__}"
        )
    return value


def _finding(rule: Rule, raw: Any, hashes: dict[str, str]) -> Finding:
    keys = {"control", "resource", "message", "severity"}
    if not isinstance(raw, dict) or not keys <= raw.keys():
        raise EngineError(f"{rule.ref}: a finding must be an object with {', '.join(sorted(keys))}")
    if raw["control"] not in rule.controls:
        raise EngineError(
            f"{rule.ref}: finding names control {raw['control']!r}, "
            "which the rule's METADATA does not list"
        )
    resource = str(raw["resource"])
    return Finding(
        control=str(raw["control"]),
        resource=resource,
        message=str(raw["message"]),
        severity=str(raw["severity"]),
        rule=rule.ref,
        evidence_sha256=hashes.get(resource),
    )
