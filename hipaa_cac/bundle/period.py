"""Which ledger entries an auditor bundle holds for a period.

A run is *in the period* when its `as_of` (the moment its statuses describe)
falls within [start, end). The bundle holds every entry from the first such
run to the ledger's head, so the auditor can recompute the chain from the
period's first entry (which links to `anchor`, the hash of the entry before)
up to the head hash the bundle names:

    LedgerExcerpt(first_seq=120, anchor="sha256:<hash of entry 119>",
                  rows=[StoredEntry(seq=120, …), …, StoredEntry(seq=480, …)],
                  runs=["run-000004", "run-000005"],      # in the period
                  head_hash="sha256:<hash of entry 480>")

Runs appended between two in-period runs (say, an evaluation re-run with an
earlier `--at`) stay in `rows`, because the chain needs them, but not in `runs`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from hipaa_cac.durations import format_timestamp, parse_timestamp
from hipaa_cac.errors import InputError
from hipaa_cac.ledger import GENESIS, Ledger, LedgerEntry, StoredEntry
from hipaa_cac.ledger.record import RUN


@dataclass(frozen=True)
class Period:
    start: str  # RFC 3339, inclusive
    end: str  # RFC 3339, exclusive

    @classmethod
    def parse(cls, start: str, end: str) -> Period:
        """`--from 2026-10-01 --to 2026-12-31`: a date `--to` includes that whole day."""
        try:
            first = parse_timestamp(start)
            last = parse_timestamp(end)
        except ValueError as exc:
            raise InputError(str(exc)) from None
        if _is_date(end):
            last += timedelta(days=1)
        if last <= first:
            raise InputError(f"the period is empty: --to {end} is not after --from {start}")
        return cls(format_timestamp(first), format_timestamp(last))

    def contains(self, moment: str) -> bool:
        return self.start <= format_timestamp(parse_timestamp(moment)) < self.end

    @property
    def last_day(self) -> str:
        """The period's last day (the end is exclusive): what people write as "to"."""
        return (parse_timestamp(self.end) - timedelta(seconds=1)).date().isoformat()


@dataclass(frozen=True)
class LedgerExcerpt:
    first_seq: int
    anchor: str  # hash of entry first_seq - 1 (GENESIS when the excerpt starts the ledger)
    rows: tuple[StoredEntry, ...]  # first_seq .. head, as stored
    runs: tuple[str, ...]  # run ids in the period, in ledger order
    head_hash: str

    def entries(self, run_id: str) -> list[LedgerEntry]:
        return [row.to_entry() for row in self.rows if row.run_id == run_id]


def select(ledger: Ledger, period: Period, location: str) -> LedgerExcerpt:
    """The excerpt for `period`; InputError when the ledger is damaged or has no run in it."""
    verified = ledger.verify()
    if not verified.ok:
        raise InputError(f"the ledger is not intact ({verified.problem}); run 'ledger verify'")
    run_entries = [e for e in ledger.entries(types=[RUN]) if period.contains(e.payload["as_of"])]
    if not run_entries:
        raise InputError(
            f"no evaluation run in the ledger has as_of within {period.start} .. {period.end} "
            "(exclusive): nothing to bundle",
            location,
        )
    first = run_entries[0].seq
    anchor = GENESIS
    rows: list[StoredEntry] = []
    for entry in ledger.entries():
        if entry.seq < first:
            anchor = entry.hash
        else:
            rows.append(entry.to_stored())
    return LedgerExcerpt(
        first_seq=first,
        anchor=anchor,
        rows=tuple(rows),
        runs=tuple(e.run_id for e in run_entries),
        head_hash=rows[-1].hash,
    )


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text.strip())
    except ValueError:
        return False
    return len(text.strip()) == 10
