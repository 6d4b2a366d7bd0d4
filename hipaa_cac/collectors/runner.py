"""Run one configured source and turn what its collector yields into a
collection run the evidence store can write.

The runner, not the collector, owns provenance (source, version, times,
hashes), redaction and the per-kind status, so that every collector, ours or
a third party's, fails closed the same way:

- a kind with no Gap is `complete`, even with zero items ("there are none");
- a kind with a Gap is `partial` if it has items, else `error`;
- a collector that raises marks every kind it had not reported complete as
  error/partial with the exception's (redacted) message; items already
  yielded are kept.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from hipaa_cac.canonical import content_hash
from hipaa_cac.collectors.base import CollectContext, Collector, Gap, Observation
from hipaa_cac.config import SourceConfig
from hipaa_cac.durations import format_timestamp
from hipaa_cac.evidence.model import EvidenceItem, KindStatus
from hipaa_cac.evidence.writer import NewCollection
from hipaa_cac.redact import redact, redact_mapping

MAX_ERRORS_SHOWN = 5


def run_source(
    source: SourceConfig,
    collector: Collector,
    context: CollectContext,
    finished: Callable[[], str],
    progress: Callable[[int], None] = lambda n: None,
) -> NewCollection:
    """Collect `source`; `finished()` gives the finish time (pinned under `--at`)."""
    started_at = format_timestamp(context.now)
    provenance = {"collector": collector.name, "version": collector.version, "scope": source.id}
    items: list[EvidenceItem] = []
    gaps: dict[str, list[str]] = defaultdict(list)
    try:
        for record in collector.collect(source.config, context):
            if isinstance(record, Gap):
                gaps[record.kind].append(redact(record.error))
            elif record.kind not in collector.kinds:
                gaps[record.kind].append(
                    f"collector bug: {collector.name} yielded undeclared kind {record.kind}"
                )
            else:
                items.append(_item(record, provenance, started_at, collector.max_age))
                progress(1)
    except Exception as exc:
        crash = f"collector failed: {exc.__class__.__name__}: {redact(str(exc))}"
        for kind in collector.kinds:
            gaps[kind].append(crash)
    counts = defaultdict(int, {k: sum(1 for i in items if i.kind == k) for k in collector.kinds})
    kinds = {
        kind: _status(gaps.get(kind, []), counts[kind])
        for kind in sorted({*collector.kinds, *gaps})
    }
    return NewCollection(
        collector=collector.name,
        collector_version=collector.version,
        scope=source.id,
        started_at=started_at,
        finished_at=finished(),
        kinds=kinds,
        items=tuple(items),
    )


def _item(
    record: Observation, provenance: dict[str, str], started_at: str, default_max_age: str
) -> EvidenceItem:
    document: dict[str, Any] = {
        "kind": record.kind,
        "subject": redact(record.subject),
        "source": provenance,
        "collected_at": record.observed_at or started_at,
        "max_age": record.max_age or default_max_age,
        "data": redact_mapping(record.data),
    }
    return EvidenceItem(**document, sha256=content_hash(document))


def _status(errors: list[str], items: int) -> KindStatus:
    if not errors:
        return KindStatus("complete")
    unique = sorted(set(errors))
    shown = "; ".join(unique[:MAX_ERRORS_SHOWN])
    if len(unique) > MAX_ERRORS_SHOWN:
        shown += f"; and {len(unique) - MAX_ERRORS_SHOWN} more"
    return KindStatus("partial" if items else "error", shown)
