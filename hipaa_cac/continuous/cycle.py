"""One cycle of `hipaa-cac run`:

    due sources --collect--> evidence/ --evaluate--> ledger run --drift--> notice --> targets
                                                                              |
                                                  ledger `notification` run <-+ (deliveries)

The evaluation run is recorded before anyone is told, so a notice always
names a run that exists. Deliveries are recorded as their own small ledger
run (`notification`, naming the evaluation run), so a webhook that was down is
on record rather than only in a CI log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from hipaa_cac.collectors.base import CollectContext
from hipaa_cac.collectors.runner import run_source
from hipaa_cac.collectors.sources import ready_sources
from hipaa_cac.config import RepoConfig
from hipaa_cac.continuous.due import due_sources
from hipaa_cac.controls import Catalog
from hipaa_cac.drift import Drift, RunSnapshot, compare_runs, evaluation_runs
from hipaa_cac.durations import format_timestamp, utc_now
from hipaa_cac.engines import make_engine
from hipaa_cac.evaluator import Evaluation, evaluate
from hipaa_cac.evaluator.scope import scope_of
from hipaa_cac.evidence import EvidenceStore
from hipaa_cac.evidence.writer import write_collection
from hipaa_cac.fingerprint import fingerprinter, repo_salt
from hipaa_cac.inputs import load_inputs
from hipaa_cac.ledger import NewEntry, open_ledger
from hipaa_cac.ledger.record import NOTIFICATION, run_entries
from hipaa_cac.notify import notice as n
from hipaa_cac.notify.send import Delivery, send_all
from hipaa_cac.waivers import load_waivers


@dataclass(frozen=True)
class Collected:
    source: str
    reason: str
    items: int
    incomplete: dict[str, str]  # kind -> "partial: why" for kinds not complete


@dataclass(frozen=True)
class CycleResult:
    collected: tuple[Collected, ...]
    evaluation: Evaluation
    run_id: str
    drift: Drift
    notice: n.RunNotice
    deliveries: tuple[Delivery, ...] = field(default=())


def run_cycle(
    repo: Path,
    at: datetime | None,
    *,
    force: bool = False,
    interval: timedelta = timedelta(0),
    engine: str | None = None,
    opa_url: str | None = None,
) -> CycleResult:
    inputs = load_inputs(repo)  # read again every cycle: the repository may have changed
    config = inputs.config
    waivers = load_waivers(config, inputs.catalog)
    store = EvidenceStore(config.evidence, display_root=repo)

    # `at` pins every time (reproducible runs); otherwise the clock is read as
    # collection starts and ends, and evaluation judges what was just collected.
    def clock() -> datetime:
        return at or utc_now()

    collected = _collect(repo, config, store, inputs.catalog, clock, force, interval)
    now = clock()
    rego = make_engine(engine or config.engine, opa_url or config.opa_url)
    rego.load(inputs.library)
    evidence = store.current()
    scope = scope_of([source.collector for source in config.sources], evidence)
    evaluation = evaluate(
        inputs.catalog, inputs.library, rego, evidence, now, waivers=waivers, scope=scope
    )
    with open_ledger(config.ledger) as ledger:
        earlier = evaluation_runs(ledger)
        run_id, _ = ledger.append_run(run_entries(evaluation))
        before = RunSnapshot.read(ledger, earlier[-1]) if earlier else None
        after = RunSnapshot.read(ledger, run_id)
        drift = compare_runs(before, after)
        notice = to_notice(config, evaluation, run_id, drift, before)
        deliveries = tuple(send_all(notice, config.notify)) if config.notify else ()
        if deliveries:
            ledger.append_run([NewEntry(NOTIFICATION, _delivery_record(run_id, deliveries))])
    return CycleResult(collected, evaluation, run_id, drift, notice, deliveries)


def _collect(
    repo: Path,
    config: RepoConfig,
    store: EvidenceStore,
    catalog: Catalog,
    clock: Callable[[], datetime],
    force: bool,
    interval: timedelta,
) -> tuple[Collected, ...]:
    if not config.sources:
        return ()
    fingerprint = fingerprinter(repo_salt(repo))
    done = []
    now = clock()
    due = due_sources(ready_sources(config), store.current(), catalog, now, force, interval)
    for entry in due:
        context = CollectContext(root=repo, now=clock(), fingerprint=fingerprint)
        run = run_source(
            entry.source.source, entry.source.collector, context, lambda: format_timestamp(clock())
        )
        write_collection(config.evidence, run)
        bad = {k: f"{s.status}: {s.error}" for k, s in run.kinds.items() if s.status != "complete"}
        done.append(Collected(entry.source.source.id, entry.reason, len(run.items), bad))
    return tuple(done)


def to_notice(
    config: RepoConfig,
    evaluation: Evaluation,
    run_id: str,
    drift: Drift,
    before: RunSnapshot | None,
) -> n.RunNotice:
    update = evaluation.risk_update
    # A risk update already announced for the same inventory is not news.
    same = (
        before is not None
        and before.risk_update is not None
        and update is not None
        and before.risk_update.get("inventory_sha256") == update.inventory_sha256
        and before.risk_update.get("covered_sha256") == update.covered_sha256
    )
    return n.RunNotice(
        organization=config.organization,
        run_id=run_id,
        as_of=evaluation.as_of,
        ledger=str(config.ledger),
        counts=evaluation.counts,
        passed=evaluation.passed,
        changes=drift.status_changes,
        new_findings=len(drift.new_findings),
        resolved_findings=len(drift.resolved_findings),
        risk_update=None if same else update,
    )


def _delivery_record(run_id: str, deliveries: tuple[Delivery, ...]) -> dict[str, object]:
    return {
        "run": run_id,
        "deliveries": [
            {"target": d.target, "ok": d.ok, "status": d.status, "error": d.error}
            for d in deliveries
        ],
    }
