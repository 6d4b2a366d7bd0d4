"""Evidence items from a stack -> violations, through the policy library's own rules.

    Checker.builtin().check_resource(Resource(...))   # one resource, judged alone
    Checker.builtin().check_stack([Resource, ...])     # S3, RDS and the account, joined
    -> [Violation(control="hipaa-164-312-a-1", urn="urn:pulumi:...::web",
                  message="security group lets the whole internet reach admin or ...",
                  rule="data.hipaa.technical.cloud.network_admin_ports_closed",
                  decided=True, waiting_on=())]

Beside each aws.* item the rules see its provider-neutral twin (neutral.py:
`cloud.object_storage`, `cloud.database`, `cloud.network_rule`), built per
reading below, so the cross-cloud rules decide stacks too.

Only rules every evidence kind of which a stack can produce run: a rule that
also reads, say, `aws.backup.plan` would report every database as "not in a
backup plan" only because a program does not hold the account's plans, and a
preview is not an audit. Rules come from the same library `hipaa-cac
evaluate` uses (`policies/`, or the copy inside an installed wheel).

Unknown values (values.py): the rules run on the optimistic reading, whose
findings are violations, and, when there are unknowns, on the pessimistic
one, whose extra findings are `decided=False`: they wait on values the
update will fix. A rule that fails to evaluate is a violation of each of its
controls (fail closed), never silence.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from hipaa_cac.controls import Catalog, Control, load_catalog
from hipaa_cac.durations import format_timestamp
from hipaa_cac.engines import Engine, EngineError
from hipaa_cac.engines.embedded import EmbeddedEngine
from hipaa_cac.paths import builtin_dir
from hipaa_cac.policy import PolicyLibrary, Rule
from hipaa_cac.policy.library import load_library
from hipaa_cac.pulumi.neutral import twin_kinds, twins
from hipaa_cac.pulumi.resources import RESOURCE_KINDS, Resource, map_resource
from hipaa_cac.pulumi.stack import ACCOUNT_SUBJECT, STACK_KINDS, map_stack
from hipaa_cac.pulumi.values import has_unknowns, optimistic, pessimistic, unknown_fields

# Kinds whose rules run per resource (Analyze) and per stack (AnalyzeStack).
PER_RESOURCE = RESOURCE_KINDS | twin_kinds(RESOURCE_KINDS)
PER_STACK = STACK_KINDS | twin_kinds(STACK_KINDS)
PRODUCIBLE = PER_RESOURCE | PER_STACK
SEVERITY_ORDER = ("low", "medium", "high", "critical")
CACHE_SIZE = 32


@dataclass(frozen=True)
class Violation:
    control: str
    urn: str | None  # None: the stack as a whole
    message: str
    rule: str
    decided: bool = True
    waiting_on: tuple[str, ...] = ()  # names of the unknown properties, when undecided


class Checker:
    def __init__(
        self,
        catalog: Catalog,
        library: PolicyLibrary,
        engine: Engine,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.rules = [r for r in library.rules.values() if set(r.evidence) <= PRODUCIBLE]
        runnable = {r.ref for r in self.rules}
        self.controls: list[Control] = [
            c for c in catalog if any(ref in runnable for ref in c.checks)
        ]
        self._checks = {c.id: set(c.checks) & runnable for c in self.controls}
        self._engine = engine
        self._clock = clock
        # The pack answers the engine from a thread pool; regopy is not thread-safe.
        self._lock = threading.Lock()
        # Every control's policy asks about the same resource (or stack) in turn:
        # evaluate once, answer seven times.
        self._recent: dict[str, list[Violation]] = {}

    @classmethod
    def builtin(cls) -> Checker:
        library = load_library([builtin_dir("policies")])
        engine = EmbeddedEngine()
        engine.load(library)
        return cls(load_catalog([builtin_dir("controls")]), library, engine)

    def rules_of(self, control: str) -> list[Rule]:
        return [r for r in self.rules if r.ref in self._checks.get(control, set())]

    def severity(self, control: str) -> str:
        found = [r.severity for r in self.rules_of(control)]
        return max(found, key=SEVERITY_ORDER.index) if found else "medium"

    def check_resource(self, resource: Resource) -> list[Violation]:
        found = map_resource(resource)
        if found is None:
            return []
        rules = [r for r in self.rules if r.primary_kind in PER_RESOURCE]
        return self._evaluate(rules, [found], {resource.urn: resource.name})

    def check_stack(self, resources: list[Resource]) -> list[Violation]:
        rules = [r for r in self.rules if r.primary_kind in PER_STACK]
        names = {r.urn: r.name for r in resources}
        return self._evaluate(rules, map_stack(resources), names)

    def _evaluate(
        self, rules: list[Rule], items: list[dict[str, Any]], names: dict[str, str]
    ) -> list[Violation]:
        if not rules or not items:
            return []
        key = repr((sorted(r.ref for r in rules), items, sorted(names.items())))
        with self._lock:
            cached = self._recent.get(key)
        if cached is None:
            cached = self._decide(rules, items, names)
            with self._lock:
                if len(self._recent) >= CACHE_SIZE:
                    self._recent.pop(next(iter(self._recent)))
                self._recent[key] = cached
        return list(cached)

    def _decide(
        self, rules: list[Rule], items: list[dict[str, Any]], names: dict[str, str]
    ) -> list[Violation]:
        waiting = {i["subject"]: tuple(unknown_fields(i["data"])) for i in items}
        definite = self._findings(rules, [optimistic(i) for i in items], names)
        seen = {(v.rule, v.control, v.urn) for v in definite}
        undecided: dict[tuple[str, str, str | None], Violation] = {}
        if any(has_unknowns(i) for i in items):
            for v in self._findings(rules, [pessimistic(i) for i in items], names):
                key = (v.rule, v.control, v.urn)
                if key not in seen:
                    fields = waiting.get(v.urn or ACCOUNT_SUBJECT, ()) or _all(waiting)
                    undecided.setdefault(
                        key,
                        Violation(v.control, v.urn, v.message, v.rule, False, fields),
                    )
        found = [*definite, *undecided.values()]
        return sorted(set(found), key=lambda v: (v.control, v.urn or "", v.rule, v.message))

    def _findings(
        self, rules: list[Rule], items: list[dict[str, Any]], names: dict[str, str]
    ) -> list[Violation]:
        now = self._clock()
        evidence: dict[str, list[dict[str, Any]]] = {}
        # Twins of items already read one way: an unknown in an aws item is
        # read the same way in its twin, which keeps the resource's URN.
        for entry in [*items, *twins(items)]:
            view = {"subject": entry["subject"], "scope": "", "data": entry["data"]}
            evidence.setdefault(entry["kind"], []).append(view)
        document = {
            "now": format_timestamp(now),
            "now_ns": int(now.timestamp()) * 1_000_000_000,
            "evidence": evidence,
        }
        found: list[Violation] = []
        with self._lock:
            for rule in rules:
                if rule.primary_kind not in evidence:
                    continue
                try:
                    found += [
                        _violation(rule, raw, names) for raw in _query(self._engine, rule, document)
                    ]
                except EngineError:
                    # Fail closed, without the engine's text (it may quote input).
                    message = (
                        f"rule {rule.ref} could not be evaluated; the stack is not shown compliant"
                    )
                    found += [Violation(c, None, message, rule.ref) for c in rule.controls]
        return found


def _query(engine: Engine, rule: Rule, document: dict[str, Any]) -> list[Any]:
    value = engine.query(rule.ref, document)
    if value is None:
        return []
    if not isinstance(value, list):
        raise EngineError(f"{rule.ref}: not a set of findings")
    return value


def _violation(rule: Rule, raw: Any, names: dict[str, str]) -> Violation:
    if not isinstance(raw, dict) or raw.get("control") not in rule.controls:
        raise EngineError(f"{rule.ref}: malformed finding")
    subject = str(raw.get("resource"))
    message = str(raw.get("message", ""))
    if subject in names:
        message = message.replace(subject, names[subject])
    urn = subject if subject in names else None
    return Violation(str(raw["control"]), urn, message, rule.ref)


def _all(waiting: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    return tuple(sorted({f for fields in waiting.values() for f in fields}))
