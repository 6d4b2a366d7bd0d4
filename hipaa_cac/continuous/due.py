"""Which sources a continuous run collects. Pure: no I/O.

A source is due when
  - `--force` is given;
  - it was never collected, or its last run left a kind partial or errored;
  - its collector reads only files in the policy repository (`local = True`:
    attestations, log samples), which is cheap, and a new attestation must
    count at once;
  - its last run is older than half the shortest max_age the catalog allows
    for any kind it collects (so evidence never goes stale between two runs at
    that cadence), or than `interval` before that max_age under --watch.

    due_sources(ready, evidence, catalog, now, force=False)
    -> [Due(source="aws-prod", reason="collected 2026-11-20T06:00:00Z, older than 12h …"), …]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from hipaa_cac.collectors.sources import ReadySource
from hipaa_cac.controls import Catalog
from hipaa_cac.durations import parse_duration, parse_timestamp
from hipaa_cac.evidence import EvidenceSet


@dataclass(frozen=True)
class Due:
    source: ReadySource
    reason: str  # why it is collected this time, for the run's output


def due_sources(
    ready: Sequence[ReadySource],
    evidence: EvidenceSet,
    catalog: Catalog,
    now: datetime,
    force: bool = False,
    interval: timedelta = timedelta(0),
) -> list[Due]:
    due = []
    for entry in ready:
        reason = _reason(entry, evidence, catalog, now, force, interval)
        if reason is not None:
            due.append(Due(entry, reason))
    return due


def _reason(
    entry: ReadySource,
    evidence: EvidenceSet,
    catalog: Catalog,
    now: datetime,
    force: bool,
    interval: timedelta,
) -> str | None:
    if force:
        return "--force"
    last = next(
        (
            c
            for c in evidence.collections
            if c.collector == entry.collector.name and c.scope == entry.source.id
        ),
        None,
    )
    if last is None:
        return "never collected"
    broken = sorted(k for k, s in last.kinds.items() if s.status != "complete")
    if broken:
        return f"last run left {', '.join(broken)} incomplete"
    if getattr(entry.collector, "local", False):
        return "reads local files"
    allowed = _shortest_max_age(entry, catalog)
    age = now - parse_timestamp(last.finished_at)
    threshold = min(allowed / 2, allowed - interval)
    if age >= threshold:
        limit = f"{_hours(threshold)} (max age {_hours(allowed)})"
        return f"collected {last.finished_at}, older than {limit}"
    return None


def _shortest_max_age(entry: ReadySource, catalog: Catalog) -> timedelta:
    kinds = set(entry.collector.kinds)
    ages = [parse_duration(n.max_age) for c in catalog for n in c.evidence if n.kind in kinds]
    return min(ages, default=parse_duration(entry.collector.max_age))


def _hours(span: timedelta) -> str:
    hours = span.total_seconds() / 3600
    return f"{hours:g}h" if hours < 48 else f"{hours / 24:g}d"
