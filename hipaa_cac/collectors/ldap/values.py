"""Directory values in the forms evidence uses: RFC 3339 UTC times, UUID and
SID strings. Each returns None for "not set", which directories spell in
their own ways (0, the largest FILETIME, an absent attribute)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

from hipaa_cac.durations import format_timestamp

_FILETIME_EPOCH = datetime(1601, 1, 1, tzinfo=UTC)
FILETIME_NEVER = 0x7FFFFFFFFFFFFFFF  # AD's "never" (accountExpires, lastLogon...)

_GENERALIZED = re.compile(
    r"^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})?(\d{2})?(?:[.,]\d+)?(Z|[+-]\d{2}(?:\d{2})?)$"
)


def parse_int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def filetime(text: str | None) -> datetime | None:
    """AD's large-integer times: 100 ns intervals since 1601-01-01 UTC.
    0 means never (or, for pwdLastSet, "must change at next logon")."""
    ticks = parse_int(text)
    if ticks is None or ticks <= 0 or ticks >= FILETIME_NEVER:
        return None
    try:
        return _FILETIME_EPOCH + timedelta(microseconds=ticks // 10)
    except OverflowError:
        return None


def generalized_time(text: str | None) -> datetime | None:
    """LDAP GeneralizedTime (RFC 4517), e.g. `20261119160200Z`."""
    match = _GENERALIZED.match(text or "")
    if not match:
        return None
    year, month, day, hour, minute, second, zone = match.groups()
    try:
        moment = datetime(int(year), int(month), int(day), int(hour), int(minute or 0))
    except ValueError:  # e.g. ppolicy's "000001010000Z" (locked for good): not a time
        return None
    moment += timedelta(seconds=int(second or 0))
    if zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        offset = timedelta(hours=int(zone[1:3]), minutes=int(zone[3:5] or 0))
        moment -= sign * offset
    return moment.replace(tzinfo=UTC)


def rfc3339(moment: datetime | None) -> str | None:
    return format_timestamp(moment) if moment else None


def guid(raw: bytes | None) -> str | None:
    """AD objectGUID: 16 bytes, the first three fields little-endian."""
    if raw is None or len(raw) != 16:
        return None
    return str(uuid.UUID(bytes_le=raw))


def sid(raw: bytes | None) -> str | None:
    """A binary SID as `S-1-5-21-...-<RID>` (MS-DTYP 2.4.2)."""
    if raw is None or len(raw) < 8 or len(raw) != 8 + 4 * raw[1]:
        return None
    authority = int.from_bytes(raw[2:8], "big")
    subs = [int.from_bytes(raw[8 + 4 * i : 12 + 4 * i], "little") for i in range(raw[1])]
    return "-".join(["S", str(raw[0]), str(authority), *map(str, subs)])


def primary_group_sid(user_sid: str | None, primary_group_id: str | None) -> str | None:
    """AD leaves a user's primary group (Domain Users, or Domain Admins if
    someone chose so) out of memberOf; its SID is the user's domain SID plus
    primaryGroupID as the last part."""
    rid = parse_int(primary_group_id)
    if not user_sid or rid is None or user_sid.count("-") < 3:
        return None
    return f"{user_sid.rsplit('-', 1)[0]}-{rid}"
