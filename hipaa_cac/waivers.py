"""Load `waivers/*.yaml`: accepted risks, one waiver per file.

    # waivers/W-2026-001.yaml
    id: W-2026-001
    control: hipaa-164-312-a-2-iv
    scope: arn:aws:s3:::legacy-*            # or a list of globs; '*' = every finding
    reason: Legacy exports are read-only and deleted in Q1; KMS migration tracked.
    approver: dana@example.com
    created: 2026-09-01
    expires: 2027-03-01                     # required; at most a year after created
    ticket: SEC-142                         # optional

becomes

    Waiver(id="W-2026-001", control="hipaa-164-312-a-2-iv",
           scope=("arn:aws:s3:::legacy-*",), ..., created=date(2026, 9, 1),
           expires=date(2027, 3, 1), file="waivers/W-2026-001.yaml",
           sha256="sha256:<hash of the file's bytes>")

One waiver per file, so each has its own review, git history and hash. Every
problem is an InputError at file:line: YAML, the schema
(schemas/waiver.schema.json), a date that is not a real day, expires not
after created or too far after it, a control the catalog does not have, an
id used twice. A waiver is judged by the evaluator (evaluator/waive.py); here
it is only read.
"""

from __future__ import annotations

import calendar
import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from hipaa_cac import schemas
from hipaa_cac.attestations.load import parse_attestation_text
from hipaa_cac.attestations.schema import parse_date
from hipaa_cac.config import RepoConfig
from hipaa_cac.controls import Catalog
from hipaa_cac.durations import parse_duration
from hipaa_cac.errors import InputError
from hipaa_cac.paths import display_path

DEFAULT_DIRECTORY = "waivers"


@dataclass(frozen=True)
class Waiver:
    id: str
    control: str
    scope: tuple[str, ...]  # resource globs; ("*",) covers every finding of the control
    reason: str
    approver: str
    created: date  # applies from 00:00 UTC on this day
    expires: date  # stops applying at 00:00 UTC on this day
    ticket: str | None
    file: str  # relative to the policy repo: waivers/W-2026-001.yaml
    sha256: str  # "sha256:<hex>" of the file's bytes: `sha256sum` recomputes it

    def covers(self, resource: str) -> bool:
        return any(fnmatchcase(resource, glob) for glob in self.scope)

    def started(self, now: datetime) -> bool:
        return now >= _midnight(self.created)

    def expired(self, now: datetime) -> bool:
        return now >= _midnight(self.expires)

    def active(self, now: datetime) -> bool:
        return self.started(now) and not self.expired(now)

    def reference(self) -> dict[str, str]:
        """What results and the ledger record: enough to find and re-hash the file."""
        return {
            "id": self.id,
            "file": self.file,
            "sha256": self.sha256,
            "expires": self.expires.isoformat(),
        }


def load_waivers(config: RepoConfig, catalog: Catalog) -> tuple[Waiver, ...]:
    """Every waiver of the policy repo, sorted by id. A repo without `waivers/`
    has none; a directory named in hipaa-cac.yaml must exist."""
    directory = config.waivers or config.root / DEFAULT_DIRECTORY
    if not directory.is_dir():
        if config.waivers is None:
            return ()
        raise InputError("waiver directory does not exist (waivers.path)", directory)
    seen: dict[str, Waiver] = {}
    for file in sorted([*directory.rglob("*.yaml"), *directory.rglob("*.yml")]):
        shown = display_path(file, directory, config.root)
        waiver, id_line = load_waiver(file, shown, catalog, config.waiver_max_duration)
        if waiver.id in seen:
            raise InputError(
                f"id: waiver id {waiver.id} is used twice (also in {seen[waiver.id].file})",
                shown,
                id_line,
            )
        seen[waiver.id] = waiver
    return tuple(seen[key] for key in sorted(seen))


def load_waiver(
    file: Path, shown: str, catalog: Catalog, max_duration: str | None = None
) -> tuple[Waiver, int | None]:
    """One file's waiver, and the line of its id (for a duplicate's error).
    `max_duration` (`730d`): the longest created-to-expires span; None is one calendar year."""
    try:
        raw = file.read_bytes()
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read file: {exc.__class__.__name__}", shown) from None
    # Dates stay text (as in attestations): PyYAML would raise a bare ValueError on 2026-02-30.
    document = parse_attestation_text(text, file, shown)
    data: Any = document.data
    if not isinstance(data, dict):
        # A list of waivers, most likely: say what is expected rather than echo it all back.
        raise InputError("expected one waiver (id, control, scope, ...) per file", shown, 1)
    schemas.check("waiver", data, shown, document.line_of)
    created = parse_date(data["created"], "created", shown, document.line_of(["created"]))
    expires_line = document.line_of(["expires"])
    expires = parse_date(data["expires"], "expires", shown, expires_line)
    if expires <= created:
        raise InputError(
            f"expires: {expires} is not after created ({created})", shown, expires_line
        )
    latest = created + parse_duration(max_duration) if max_duration else _one_year_after(created)
    if expires > latest:
        span = max_duration or "one year"
        hint = "" if max_duration else " (waivers.max_duration in hipaa-cac.yaml allows longer)"
        raise InputError(
            f"expires: {expires} is more than {span} after created ({created}): renew the "
            f"waiver with a fresh review instead{hint}",
            shown,
            expires_line,
        )
    if data["control"] not in catalog.controls:
        raise InputError(
            f"control: unknown control {data['control']!r} (not in the catalog)",
            shown,
            document.line_of(["control"]),
        )
    scope = data["scope"]
    waiver = Waiver(
        id=data["id"],
        control=data["control"],
        scope=(scope,) if isinstance(scope, str) else tuple(scope),
        reason=data["reason"].strip(),
        approver=data["approver"].strip(),
        created=created,
        expires=expires,
        ticket=data.get("ticket"),
        file=shown,
        sha256="sha256:" + hashlib.sha256(raw).hexdigest(),
    )
    return waiver, document.line_of(["id"])


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=UTC)


def _one_year_after(day: date) -> date:
    """The same day next year; 29 February gives 28 February (never more than a year)."""
    last = calendar.monthrange(day.year + 1, day.month)[1]
    return day.replace(year=day.year + 1, day=min(day.day, last))
