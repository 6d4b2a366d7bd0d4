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

import multiprocessing
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from hipaa_cac.canonical import canonical_json
from hipaa_cac.engines import Engine, EngineError
from hipaa_cac.evaluator.result import Finding
from hipaa_cac.evaluator.scope import ALL_IN_SCOPE, Scope
from hipaa_cac.evidence import EvidenceItem, EvidenceSet
from hipaa_cac.policy import Rule

# regopy's cost per item is flat up to a few dozen items per query and grows
# faster than linearly beyond.
BATCH_SIZE = 32
# Below this many items a process pool costs more than it saves.
PARALLEL_THRESHOLD = 2000


@dataclass(frozen=True)
class RuleOutcome:
    rule: Rule
    findings: tuple[Finding, ...]
    error: str | None = None
    skipped: str | None = None
    out_of_scope: str | None = None  # why the rule's cloud is not in use (scope.py): not missing


def run_rules(
    rules: list[Rule],
    engine: Engine,
    evidence: EvidenceSet,
    now: dict[str, Any],
    advance: Callable[[int], None] = lambda n: None,
    workers: int = 1,
    scope: Scope = ALL_IN_SCOPE,
) -> dict[str, RuleOutcome]:
    outcomes: dict[str, RuleOutcome] = {}
    groups: dict[str, list[Rule]] = defaultdict(list)
    for rule in rules:
        outside = [k for k in rule.evidence if scope.excludes(k) and evidence.coverage(k) is None]
        unusable = _unusable(rule, evidence)
        if outside:
            outcomes[rule.ref] = RuleOutcome(rule, (), out_of_scope=scope.reason(outside[0]))
        elif unusable:
            outcomes[rule.ref] = RuleOutcome(rule, (), skipped=unusable)
        else:
            groups[rule.primary_kind].append(rule)
    for kind in sorted(groups):
        outcomes.update(_run_group(kind, groups[kind], engine, evidence, now, advance, workers))
    return dict(sorted(outcomes.items()))


def _run_group(
    kind: str,
    rules: list[Rule],
    engine: Engine,
    evidence: EvidenceSet,
    now: dict[str, Any],
    advance: Callable[[int], None],
    workers: int = 1,
) -> dict[str, RuleOutcome]:
    primary = evidence.items(kind)
    hashes = {item.subject: item.sha256 for item in primary}
    locations = {i.subject: loc for i in primary if (loc := _location(i)) is not None}
    context = {
        k: [item.policy_view() for item in evidence.items(k)]
        for k in sorted({k for rule in rules for k in rule.evidence[1:]})
    }
    documents = [
        {
            **now,
            "evidence": {
                kind: [item.policy_view() for item in primary[start : start + BATCH_SIZE]],
                **context,
            },
        }
        for start in range(0, max(len(primary), 1), BATCH_SIZE)
    ]
    refs = [rule.ref for rule in rules]
    if workers > 1 and len(primary) >= PARALLEL_THRESHOLD:
        batches = _answer_in_workers(engine, refs, documents, workers)
    else:
        batches = (_answer(engine, refs, document) for document in documents)
    answers = []
    for answer, document in zip(batches, documents, strict=True):
        answers.append(answer)
        advance(len(document["evidence"][kind]) * len(rules))
    outcomes = {}
    for rule in rules:
        failures = [a[rule.ref] for a in answers if isinstance(a[rule.ref], Failed)]
        try:
            if failures:
                raise EngineError(failures[0].message)
            raw = [f for a in answers for f in _as_findings(rule, a[rule.ref])]
            findings = [_finding(rule, f, hashes, locations) for f in raw]
        except EngineError as exc:
            outcomes[rule.ref] = RuleOutcome(rule, (), error=str(exc))
            continue
        unique = {canonical_json(f.__dict__): f for f in findings}
        outcomes[rule.ref] = RuleOutcome(rule, tuple(unique[key] for key in sorted(unique)))
    return outcomes


@dataclass(frozen=True)
class Failed:
    """A rule's query failed on one batch (kept apart from any value a rule returns)."""

    message: str


def _answer(engine: Engine, refs: list[str], document: dict[str, Any]) -> dict[str, Any]:
    """Each rule's value for one batch, or Failed."""
    answers: dict[str, Any] = {}
    for ref in refs:
        try:
            answers[ref] = engine.query(ref, document)
        except EngineError as exc:
            answers[ref] = Failed(str(exc))
    return answers


# Forked workers inherit the compiled engine; only the batches travel.
_WORKER_ENGINE: Engine | None = None


def _answer_in_worker(task: tuple[list[str], dict[str, Any]]) -> dict[str, Any]:
    assert _WORKER_ENGINE is not None
    return _answer(_WORKER_ENGINE, *task)


def _answer_in_workers(
    engine: Engine, refs: list[str], documents: list[dict[str, Any]], workers: int
) -> Iterator[dict[str, Any]]:
    global _WORKER_ENGINE
    _WORKER_ENGINE = engine
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            yield from pool.imap(_answer_in_worker, [(refs, d) for d in documents], chunksize=8)
    finally:
        _WORKER_ENGINE = None


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


def _location(item: EvidenceItem) -> dict[str, Any] | None:
    data = item.data
    if isinstance(data.get("path"), str) and isinstance(data.get("line"), int):
        repository = data.get("repository")
        return {
            "path": data["path"],
            "line": data["line"],
            "repository": repository if isinstance(repository, str) else None,
        }
    return None


def _finding(
    rule: Rule, raw: Any, hashes: dict[str, str], locations: dict[str, dict[str, Any]]
) -> Finding:
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
        location=locations.get(resource),
    )
