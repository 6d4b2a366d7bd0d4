"""The LDAP collector: users and groups of Active Directory or OpenLDAP.

    sources:
      - id: corp-ad
        collector: ldap
        config:
          url: ldaps://dc1.corp.example          # or ldap://... with start_tls: true
          bind_dn: CN=hipaa-cac,OU=Service,DC=corp,DC=example
          password_env: LDAP_BIND_PASSWORD       # the password itself is never in config
          base_dn: DC=corp,DC=example
          ca_file: certs/corp-ca.pem             # relative to the policy repo

`flavor` (ad | openldap) is detected from the root DSE when not given: only
a domain controller has forestFunctionality / isGlobalCatalogReady.

Each user becomes an `idp.user` item (subject `ldap:<host>/users/<login>`),
each group an `idp.group` item (`ldap:<host>/groups/<cn>`: name, privileged
(named in privileged_groups or nested in one), members (direct members, users
and groups; AD lists no one whose *primary* group it is)). See users.py for
what a directory cannot tell (MFA above all). Searches are paged (RFC 2696),
so directories bigger than the server's size limit are read whole. Only the
attributes in flavors.py are requested: never passwords or their hashes.

Failures are gaps, never guesses: no password in the environment, an
unreachable server, a refused bind or TLS certificate -> both kinds; a failed
group search -> `idp.group` (users are still read, `privileged` unknown).
"""

from __future__ import annotations

import os
import re
from collections.abc import Generator, Iterator, Mapping, Sequence
from typing import Any, ClassVar

from ldap3 import Connection
from ldap3.utils.conv import escape_filter_chars

from hipaa_cac import __version__
from hipaa_cac.collectors.base import CollectContext, Gap, Observation, Record
from hipaa_cac.collectors.ldap.connection import (
    NO_ATTRIBUTES,
    Entry,
    LdapFailure,
    close,
    connect,
    paged_search,
    parse_url,
    root_dse,
)
from hipaa_cac.collectors.ldap.flavors import AD, AD_ROOT_DSE, FLAVORS, Flavor
from hipaa_cac.collectors.ldap.groups import Group, GroupGraph, normalize_dn
from hipaa_cac.collectors.ldap.users import Membership, user_data
from hipaa_cac.collectors.ldap.values import sid
from hipaa_cac.collectors.shared_accounts import SHARED_ACCOUNT_PATTERNS

USER = "idp.user"
GROUP = "idp.group"

# AD's LDAP_MATCHING_RULE_IN_CHAIN: the DC walks nested membership itself.
IN_CHAIN = "1.2.840.113556.1.4.1941"

_UID_SUFFIX = re.compile(r"#'[01]*'B$")
_STRINGS = {"type": "array", "items": {"type": "string", "minLength": 1}}


class LdapCollector:
    name: ClassVar[str] = "ldap"
    version: ClassVar[str] = __version__
    kinds: ClassVar[tuple[str, ...]] = (USER, GROUP)
    max_age: ClassVar[str] = "1d"
    config_schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "additionalProperties": False,
        "required": ["url", "bind_dn", "password_env", "base_dn"],
        "properties": {
            "url": {"type": "string", "pattern": "^ldaps?://[^/]+/?$"},
            "bind_dn": {"type": "string", "minLength": 1},
            "password_env": {
                "description": "Environment variable holding the bind password.",
                "type": "string",
                "pattern": "^[A-Za-z_][A-Za-z0-9_]*$",
            },
            "base_dn": {"type": "string", "minLength": 1},
            "user_base_dn": {"type": "string", "description": "Default: base_dn."},
            "group_base_dn": {"type": "string", "description": "Default: base_dn."},
            "flavor": {"enum": ["ad", "openldap"]},
            "user_filter": {"type": "string", "pattern": r"^\(.*\)$"},
            "group_filter": {"type": "string", "pattern": r"^\(.*\)$"},
            "privileged_groups": _STRINGS,
            "disabled_groups": {**_STRINGS, "description": "Members count as suspended."},
            "disabled_filter": {
                "description": "LDAP filter: users matching it count as suspended.",
                "type": "string",
                "pattern": r"^\(.*\)$",
            },
            "shared_account_patterns": {
                **_STRINGS,
                "description": "Login globs of shared accounts (replace the defaults).",
            },
            "start_tls": {"type": "boolean"},
            "ca_file": {"type": "string", "description": "PEM CA bundle, relative to the repo."},
            "page_size": {"type": "integer", "minimum": 1, "maximum": 10000},
            "timeout_seconds": {"type": "integer", "minimum": 1, "maximum": 600},
        },
    }

    def collect(self, config: Mapping[str, Any], context: CollectContext) -> Iterator[Record]:
        try:
            endpoint = parse_url(config["url"])
            password = os.environ.get(config["password_env"])
            if not password:
                raise LdapFailure(
                    f"environment variable {config['password_env']} (password_env) is not "
                    f"set: no password to bind as {config['bind_dn']}"
                )
            ca_file = config.get("ca_file")
            if ca_file is not None:
                ca_file = str((context.root / ca_file).resolve())
                if not os.path.isfile(ca_file):
                    raise LdapFailure(f"ca_file {config['ca_file']} does not exist")
            connection = connect(
                endpoint,
                config["bind_dn"],
                password,
                start_tls=config.get("start_tls", False),
                ca_file=ca_file,
                timeout=config.get("timeout_seconds", 30),
            )
        except LdapFailure as failure:
            for kind in self.kinds:
                yield Gap(kind, str(failure))
            return
        try:
            yield from _Reader(connection, config, context, endpoint.host).read()
        finally:
            close(connection)


class _Reader:
    """One run over a bound connection: flavor, groups, then users."""

    def __init__(
        self, connection: Connection, config: Mapping[str, Any], context: CollectContext, host: str
    ) -> None:
        self.connection = connection
        self.config = config
        self.context = context
        self.tenant = f"ldap:{host}"
        self.user_base = config.get("user_base_dn", config["base_dn"])
        self.group_base = config.get("group_base_dn", config["base_dn"])
        self.page_size = config.get("page_size", 500)

    def read(self) -> Iterator[Record]:
        try:
            flavor = FLAVORS[self.config["flavor"]] if "flavor" in self.config else self._detect()
        except LdapFailure as failure:
            for kind in LdapCollector.kinds:
                yield Gap(kind, f"{failure} (set `flavor` to skip detection)")
            return
        user_filter = self.config.get("user_filter", flavor.user_filter)
        membership = yield from self._groups(flavor)
        yield from self._user_sets(flavor, user_filter, membership)
        try:
            entries = self._search(self.user_base, user_filter, flavor.user_attributes)
            patterns = self.config.get("shared_account_patterns", SHARED_ACCOUNT_PATTERNS)
            for entry in entries:
                data = user_data(entry, flavor, membership, self.context.now, patterns)
                yield Observation(USER, f"{self.tenant}/users/{data['display_id']}", data)
        except LdapFailure as failure:
            yield Gap(USER, str(failure))

    def _detect(self) -> Flavor:
        dse = root_dse(self.connection, AD_ROOT_DSE)
        return AD if any(dse.values(a) for a in AD_ROOT_DSE) else FLAVORS["openldap"]

    def _groups(self, flavor: Flavor) -> Generator[Record, None, Membership]:
        """Yield the groups as evidence; return what users need to know of them."""
        privileged_names = self.config.get("privileged_groups", flavor.privileged_groups)
        group_filter = self.config.get("group_filter", flavor.group_filter)
        try:
            found = self._search(self.group_base, group_filter, flavor.group_attributes)
            groups = [_group(e) for e in found]
        except LdapFailure as failure:
            yield Gap(GROUP, str(failure))
            groups, complete = [], False
        else:
            complete = True
        graph = GroupGraph(groups)
        membership = Membership(
            graph,
            complete,
            frozenset(n.casefold() for n in privileged_names),
            privileged=graph.within(privileged_names),
            disabled=graph.within(self.config.get("disabled_groups", ())),
        )
        for group in groups:
            yield Observation(
                GROUP,
                f"{self.tenant}/groups/{group.name}",
                {
                    "name": group.name,
                    "privileged": group.dn in membership.privileged,
                    "members": len(group.members) + len(group.member_uids),
                },
            )
        return membership

    def _user_sets(self, flavor: Flavor, user_filter: str, membership: Membership) -> Iterator[Gap]:
        """Users the server itself places in privileged groups (AD) or marks
        disabled (`disabled_filter`), added to `membership`."""
        try:
            if flavor is AD:
                # The DC's own answer for nested membership, groups outside the
                # ones read included; the group graph covers other servers.
                named = membership.privileged_groups
                groups = membership.graph.groups
                roots = [dn for dn, g in groups.items() if g.name.casefold() in named]
                for dn in sorted(roots):
                    membership.privileged_users.update(self._dns(in_chain(user_filter, dn)))
            if "disabled_filter" in self.config:
                disabled = f"(&{user_filter}{self.config['disabled_filter']})"
                membership.disabled_users.update(self._dns(disabled))
        except LdapFailure as failure:
            yield Gap(USER, str(failure))

    def _search(self, base: str, search_filter: str, attributes: Sequence[str]) -> Iterator[Entry]:
        return paged_search(self.connection, base, search_filter, attributes, self.page_size)

    def _dns(self, search_filter: str) -> set[str]:
        found = self._search(self.user_base, search_filter, (NO_ATTRIBUTES,))
        return {normalize_dn(e.dn) for e in found}


def in_chain(user_filter: str, group_dn: str) -> str:
    """Users in `group_dn` directly or through nested groups, as AD evaluates it."""
    return f"(&{user_filter}(memberOf:{IN_CHAIN}:={escape_filter_chars(group_dn)}))"


def _group(entry: Entry) -> Group:
    name = entry.first("cn") or entry.dn
    # uniqueMember may carry an optional UID after the DN: "<dn>#'0101'B".
    unique = [_UID_SUFFIX.sub("", m) for m in entry.values("uniqueMember")]
    members = entry.values("member") + unique
    return Group(
        dn=normalize_dn(entry.dn),
        name=name,
        members=tuple(normalize_dn(m) for m in members),
        member_uids=tuple(entry.values("memberUid")),
        sid=sid(entry.raw("objectSid")),
    )
