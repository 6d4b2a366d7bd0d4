"""One directory user as `idp.user` data.

What LDAP cannot say is recorded as unknown, never guessed in the user's
favour:

- `mfa_enrolled` is always null. A directory holds passwords, not second
  factors (those live in the IdP or VPN in front of it), so MFA controls fail
  closed for these users unless that IdP's own evidence shows enrollment.
- `shared_account` is a heuristic on the login (`SHARED_ACCOUNT_PATTERNS`, or
  the source's `shared_account_patterns`): it flags admin/root/ci-*/svc-*...
  but cannot see that "jsmith2" is used by a whole team.
- `privileged` is null when groups could not be read (unless a membership
  the user entry itself shows already makes it true).
- `last_login`: AD's lastLogonTimestamp is replicated, but only updated when
  the previous value is older than about 14 days (msDS-LogonTimeSyncInterval);
  OpenLDAP records binds only with the lastbind overlay (authTimestamp).
  Without either it is null ("not shown"), not "never".
- `groups` are the groups the user is directly in (AD's primary group
  included); nesting counts for `privileged` and `disabled_groups`, not here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hipaa_cac.collectors.ldap.connection import Entry
from hipaa_cac.collectors.ldap.flavors import Flavor
from hipaa_cac.collectors.ldap.groups import GroupGraph, normalize_dn, rdn_value
from hipaa_cac.collectors.ldap.values import (
    filetime,
    generalized_time,
    guid,
    parse_int,
    primary_group_sid,
    rfc3339,
    sid,
)
from hipaa_cac.collectors.shared_accounts import is_shared

ACCOUNTDISABLE = 0x2  # userAccountControl bit


@dataclass(frozen=True)
class Membership:
    """What the collector learned about groups before reading users."""

    graph: GroupGraph
    complete: bool  # False: the group search failed; the graph is empty
    privileged_groups: frozenset[str]  # names, for when the graph is empty
    privileged: set[str] = field(default_factory=set)  # group DNs, nested included
    disabled: set[str] = field(default_factory=set)  # group DNs, nested included
    privileged_users: set[str] = field(default_factory=set)  # user DNs (AD in-chain)
    disabled_users: set[str] = field(default_factory=set)  # user DNs (disabled_filter)


def login_of(entry: Entry, flavor: Flavor) -> str:
    # An entry without the login attribute still has a name: its RDN value.
    return entry.first(flavor.login) or rdn_value(entry.dn)


def user_data(
    entry: Entry,
    flavor: Flavor,
    membership: Membership,
    now: datetime,
    shared_patterns: Sequence[str],
) -> dict[str, Any]:
    login = login_of(entry, flavor)
    ad = flavor.name == "ad"
    dn = normalize_dn(entry.dn)
    primary = primary_group_sid(sid(entry.raw("objectSid")), entry.first("primaryGroupID"))
    direct = membership.graph.direct(entry.dn, login, entry.values("memberOf"), primary)

    suspended = dn in membership.disabled_users or bool(direct.keys() & membership.disabled)
    if ad:
        suspended |= _ad_disabled(entry, now)
    else:
        # ppolicy sets pwdAccountLockedTime on lockout (000001010000Z: locked
        # by an administrator until unlocked); while present, binds fail.
        suspended |= entry.first("pwdAccountLockedTime") is not None

    names = {n.casefold() for n in direct.values()}
    privileged: bool | None = (
        dn in membership.privileged_users
        or bool(direct.keys() & membership.privileged)
        or bool(names & membership.privileged_groups)
    )
    if not privileged and not membership.complete:
        privileged = None

    if ad:
        user_id = guid(entry.raw("objectGUID"))
        last_login = filetime(entry.first("lastLogonTimestamp"))
        password_set = filetime(entry.first("pwdLastSet"))
    else:
        user_id = entry.first("entryUUID")
        last_login = generalized_time(entry.first("authTimestamp"))
        password_set = generalized_time(entry.first("pwdChangedTime"))
    # OpenLDAP's memberships come only from the groups read; AD's user entry
    # carries its own (memberOf), so those are known either way.
    groups = sorted(set(direct.values())) if (membership.complete or ad) else None
    return {
        "user_id": user_id or login,
        "display_id": login,
        "status": "suspended" if suspended else "active",
        "mfa_enrolled": None,
        "shared_account": is_shared(login, shared_patterns),
        "last_login": rfc3339(last_login),
        "privileged": privileged,
        "password_last_set": rfc3339(password_set),
        "groups": groups,
    }


def _ad_disabled(entry: Entry, now: datetime) -> bool:
    """Disabled (ACCOUNTDISABLE) or expired (accountExpires in the past).
    lockoutTime is not: a lockout lifts by itself after the lockout duration."""
    control = parse_int(entry.first("userAccountControl")) or 0
    expires = filetime(entry.first("accountExpires"))
    return bool(control & ACCOUNTDISABLE) or (expires is not None and expires <= now)
