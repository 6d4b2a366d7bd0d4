"""Groups as a graph: who is directly in what, and which groups confer a role.

Groups nest (a group can be a `member` of another), so "privileged" is not a
name check: a user in `deployers`, itself a member of `admins`, is an admin.
`GroupGraph.within(names)` is the named groups plus every group nested in
them, however deep (cycles are harmless); a user is inside if any group they
are directly in is.

DNs are compared normalised (attribute names and values lower-cased), since
directories compare them case-insensitively and write them as they like.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ldap3.core.exceptions import LDAPInvalidDnError
from ldap3.utils.dn import parse_dn


@dataclass(frozen=True)
class Group:
    dn: str  # normalised
    name: str
    members: tuple[str, ...]  # normalised DNs (member, uniqueMember)
    member_uids: tuple[str, ...] = ()  # posixGroup memberUid: logins, not DNs
    sid: str | None = None  # AD objectSid, to find users' primary groups


def normalize_dn(dn: str) -> str:
    try:
        parts = parse_dn(dn, escape=False, strip=True)
    except LDAPInvalidDnError:
        return dn.strip().lower()
    return ",".join(f"{attr.lower()}={value.lower()}" for attr, value, _ in parts)


def rdn_value(dn: str) -> str:
    """`CN=Domain Admins,CN=Users,...` -> `Domain Admins`: a group's name when
    only its DN is known (AD memberOf pointing outside the groups read)."""
    try:
        value = str(parse_dn(dn, escape=False, strip=True)[0][1])
    except (LDAPInvalidDnError, IndexError):
        return dn
    return _unescape(value)


_ESCAPE = re.compile(rb"\\([0-9a-fA-F]{2}|.)", re.DOTALL)


def _unescape(value: str) -> str:
    """RFC 4514 escapes: `\\,` is a comma, `\\c3\\a9` the UTF-8 bytes of an é."""

    def one(match: re.Match[bytes]) -> bytes:
        escaped = match.group(1)
        return bytes.fromhex(escaped.decode()) if len(escaped) == 2 else escaped

    return _ESCAPE.sub(one, value.encode()).decode("utf-8", "replace")


class GroupGraph:
    def __init__(self, groups: Iterable[Group]) -> None:
        self.groups = {g.dn: g for g in groups}
        self._by_member: dict[str, set[str]] = defaultdict(set)
        self._by_uid: dict[str, set[str]] = defaultdict(set)
        self._by_sid = {g.sid: g.dn for g in self.groups.values() if g.sid}
        for group in self.groups.values():
            for member in group.members:
                self._by_member[member].add(group.dn)
            for uid in group.member_uids:
                self._by_uid[uid.lower()].add(group.dn)

    def direct(
        self, dn: str, login: str, member_of: Iterable[str] = (), primary_sid: str | None = None
    ) -> dict[str, str]:
        """The groups `dn` is directly in (normalised DN -> name), from every
        place that says so: member lists, posixGroup memberUid, AD's memberOf
        (which may name groups outside those read) and AD's primary group."""
        found = {g: self.groups[g].name for g in self._by_member.get(normalize_dn(dn), ())}
        found |= {g: self.groups[g].name for g in self._by_uid.get(login.lower(), ())}
        for group in member_of:
            key = normalize_dn(group)
            found.setdefault(key, self.groups[key].name if key in self.groups else rdn_value(group))
        if primary_sid and primary_sid in self._by_sid:
            key = self._by_sid[primary_sid]
            found[key] = self.groups[key].name
        return found

    def within(self, names: Iterable[str]) -> set[str]:
        """The groups named (case-insensitively) and all groups nested in them."""
        wanted = {n.casefold() for n in names}
        todo = [dn for dn, g in self.groups.items() if g.name.casefold() in wanted]
        seen: set[str] = set()
        while todo:
            dn = todo.pop()
            if dn in seen:
                continue
            seen.add(dn)
            todo.extend(m for m in self.groups[dn].members if m in self.groups)
        return seen
