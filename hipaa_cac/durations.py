"""Durations and timestamps as they appear in controls, evidence and flags.

Durations are written `<n><unit>` with unit h (hours), d (days) or w (weeks):
`24h`, `30d`, `52w`. Timestamps are RFC 3339 in UTC: `2026-11-20T09:00:00Z`.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

_DURATION = re.compile(r"^([1-9][0-9]*)([hdw])$")
_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}


def parse_duration(text: str) -> timedelta:
    match = _DURATION.match(text.strip())
    if not match:
        raise ValueError(f"invalid duration {text!r}: expected e.g. '24h', '30d' or '52w'")
    return int(match.group(1)) * _UNITS[match.group(2)]


def parse_timestamp(text: str) -> datetime:
    """Parse an RFC 3339 timestamp (or a bare date, taken as midnight UTC)."""
    value = text.strip()
    try:
        if len(value) == 10:
            parsed = datetime.strptime(value, "%Y-%m-%d")
        else:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"invalid timestamp {text!r}: expected RFC 3339, e.g. 2026-11-20T09:00:00Z"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def format_timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
