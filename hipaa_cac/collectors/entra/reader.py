"""One Entra collection run: groups, role assignments, users, then session policies.

    Reader(graph_client, config, "entra:acme-health.onmicrosoft.com").read()
    -> Observation("idp.group", "entra:…/groups/<id>", {...}), …,
       Observation("idp.user", "entra:…/users/<id>", {...}), …,
       Observation("idp.session_policy", "entra:…/policies/default", {...}), …,
       Gap("idp.user", "Microsoft Graph GET /v1.0/users answered 403: …")

The fields are documented in the package docstring (entra/__init__.py).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from hipaa_cac.collectors.base import Gap, Observation, Record
from hipaa_cac.collectors.entra.graph import GraphClient
from hipaa_cac.collectors.entra.sessions import (
    DefinitionError,
    idle_timeout_minutes,
    session_facts,
)
from hipaa_cac.collectors.http_client import ApiError
from hipaa_cac.collectors.shared_accounts import SHARED_ACCOUNT_PATTERNS, is_shared

USER = "idp.user"
GROUP = "idp.group"
SESSION = "idp.session_policy"

USER_FIELDS = "id,userPrincipalName,accountEnabled,userType"
GROUP_FIELDS = "id,displayName,isAssignableToRole,groupTypes,securityEnabled"
CA_FIELDS = "id,displayName,state,conditions,grantControls,sessionControls"
PAGE_SIZE = 999  # Graph's largest page for users and groups


class _Rejected(Exception):
    """The token was refused (401): nothing more can be read."""

    def __init__(self, error: ApiError):
        super().__init__(error.message)
        self.error = error


@dataclass
class _Directory:
    """What groups and roles show about privilege, and whether it is known in full."""

    groups: dict[str, str] | None = None  # id -> name; None when groups could not be listed
    members: dict[str, set[str]] = field(default_factory=dict)  # privileged group id -> ids
    privileged_groups: set[str] = field(default_factory=set)
    roles: dict[str, set[str]] | None = None  # principal id -> role names; None: unknown
    complete: bool = True


class Reader:
    def __init__(self, client: GraphClient, config: Mapping[str, Any], tenant: str) -> None:
        self.client = client
        self.config = config
        self.tenant = tenant
        self.done: set[str] = set()

    def read(self) -> Iterator[Record]:
        try:
            directory = _Directory()
            yield from self._finish(GROUP, self._groups(directory))
            user_gaps = self._roles(directory)
            yield from self._finish(USER, self._users(directory) + user_gaps)
            yield from self._finish(SESSION, self._sessions())
        except _Rejected as rejected:
            for kind in (USER, GROUP, SESSION):
                if kind not in self.done:
                    yield Gap(kind, rejected.error.message)

    def _finish(self, kind: str, records: list[Record]) -> Iterator[Record]:
        # A kind is read whole before any of it is yielded: a 401 midway
        # leaves it a gap, not a silently shortened list.
        self.done.add(kind)
        yield from records

    def _get(
        self, path: str, params: Mapping[str, str | int] | None = None
    ) -> list[dict[str, Any]]:
        try:
            return self.client.get_values(path, params)
        except ApiError as error:
            if error.status == 401:
                raise _Rejected(error) from None
            raise

    def _groups(self, directory: _Directory) -> list[Record]:
        named = {n.casefold() for n in self.config.get("privileged_groups", ())}
        try:
            groups = self._get("/groups", {"$select": GROUP_FIELDS, "$top": PAGE_SIZE})
        except ApiError as error:
            # Privileged groups named in config are now unknown; groups that
            # hold roles are caught by _unresolved.
            directory.complete = not named
            return [Gap(GROUP, error.message)]
        directory.groups = {}
        records: list[Record] = []
        for group in groups:
            group_id, name = str(group.get("id")), str(group.get("displayName") or group.get("id"))
            directory.groups[group_id] = name
            privileged = group.get("isAssignableToRole") is True or name.casefold() in named
            records.append(
                Observation(
                    GROUP,
                    f"{self.tenant}/groups/{group_id}",
                    {"name": name, "privileged": privileged, "members": None, "type": _type(group)},
                )
            )
            if not privileged:
                continue
            directory.privileged_groups.add(group_id)
            try:
                members = self._get(
                    f"/groups/{_segment(group_id)}/transitiveMembers", {"$select": "id"}
                )
            except ApiError as error:
                directory.complete = False
                records.append(Gap(USER, f"{error.message}: members of {name} unknown"))
                continue
            directory.members[group_id] = {str(m.get("id")) for m in members}
        return records

    def _roles(self, directory: _Directory) -> list[Record]:
        """Role names by principal; a failure leaves `roles` None and is one gap."""
        try:
            definitions = self._get(
                "/roleManagement/directory/roleDefinitions", {"$select": "id,displayName"}
            )
            assignments = self._get(
                "/roleManagement/directory/roleAssignments",
                {"$select": "principalId,roleDefinitionId"},
            )
        except ApiError as error:
            return [Gap(USER, f"{error.message}: directory roles of every user unknown")]
        names = {str(d.get("id")): str(d.get("displayName") or d.get("id")) for d in definitions}
        directory.roles = {}
        for assignment in assignments:
            role = str(assignment.get("roleDefinitionId"))
            principal = str(assignment.get("principalId"))
            directory.roles.setdefault(principal, set()).add(names.get(role, role))
        return []

    def _users(self, directory: _Directory) -> list[Record]:
        records: list[Record] = []
        params: dict[str, str | int] = {"$top": PAGE_SIZE}
        try:
            users = self._get("/users", {**params, "$select": f"{USER_FIELDS},signInActivity"})
            sign_ins = True
        except ApiError as error:
            if error.status != 403:
                return [Gap(USER, error.message)]
            # signInActivity needs AuditLog.Read.All and a P1 licence; the rest does not.
            records.append(Gap(USER, f"{error.message}: last sign-in of every user unknown"))
            sign_ins = False
            try:
                users = self._get("/users", {**params, "$select": USER_FIELDS})
            except ApiError as again:
                return [Gap(USER, again.message)]
        registration = self._registration(records)
        user_ids = {str(u.get("id")) for u in users}
        unresolved = self._unresolved(directory, user_ids)
        patterns: Sequence[str] = self.config.get(
            "shared_account_patterns", SHARED_ACCOUNT_PATTERNS
        )
        observations: list[Record] = []
        for user in users:
            user_id = str(user.get("id"))
            upn = str(user.get("userPrincipalName") or user_id)
            details = registration.get(user_id) if registration is not None else None
            roles = _user_roles(directory, user_id)
            in_group = any(
                user_id in directory.members.get(g, ()) for g in directory.privileged_groups
            )
            privileged: bool | None = bool(roles) or in_group
            if not privileged and (roles is None or unresolved or not directory.complete):
                privileged = None
            observations.append(
                Observation(
                    USER,
                    f"{self.tenant}/users/{user_id}",
                    {
                        "user_id": user_id,
                        "display_id": upn,
                        "status": "suspended" if user.get("accountEnabled") is False else "active",
                        "mfa_enrolled": _bool(details, "isMfaRegistered"),
                        "mfa_factors": _methods(details),
                        "shared_account": is_shared(upn.partition("@")[0], patterns),
                        "last_login": _last_sign_in(user) if sign_ins else None,
                        "privileged": privileged,
                        "admin_roles": sorted(roles) if roles is not None else None,
                        "guest": user.get("userType") == "Guest",
                    },
                )
            )
        return observations + records

    def _registration(self, gaps: list[Record]) -> dict[str, dict[str, Any]] | None:
        # No $select: v1.0 documents only $filter/$orderby/$top here. Only
        # isMfaRegistered and methodsRegistered are read from each item.
        try:
            items = self._get("/reports/authenticationMethods/userRegistrationDetails")
        except ApiError as error:
            gaps.append(Gap(USER, f"{error.message}: MFA registration of every user unknown"))
            return None
        return {str(i.get("id")): i for i in items}

    def _unresolved(self, directory: _Directory, user_ids: set[str]) -> bool:
        """Whether a role is held by a principal whose members are unknown."""
        for principal in directory.roles or {}:
            if principal in user_ids or principal in directory.members:
                continue
            if directory.groups is None or principal in directory.groups:
                return True  # a group (or maybe one) whose members were not read
        return False  # the rest are service principals: applications, not users

    def _sessions(self) -> list[Record]:
        try:
            timeouts = self._get("/policies/activityBasedTimeoutPolicies")
            idle = idle_timeout_minutes(timeouts)
            policies = self._get("/identity/conditionalAccess/policies", {"$select": CA_FIELDS})
        except (ApiError, DefinitionError) as error:
            return [Gap(SESSION, str(error))]
        records: list[Record] = [
            Observation(
                SESSION,
                f"{self.tenant}/policies/default",
                {
                    "name": "Entra ID default session (no conditional access policy)",
                    "source": "tenant_default",
                    "idle_timeout_minutes": idle,
                    "max_session_minutes": None,
                    "persistent_cookie": None,
                },
            )
        ]
        for policy in sorted(policies, key=lambda p: str(p.get("id"))):
            if policy.get("state") != "enabled":
                continue  # report-only and disabled policies enforce nothing
            records.append(
                Observation(
                    SESSION,
                    f"{self.tenant}/policies/{policy.get('id')}",
                    session_facts(policy, idle),
                )
            )
        return records


def _user_roles(directory: _Directory, user_id: str) -> set[str] | None:
    if directory.roles is None:
        return None
    roles = set(directory.roles.get(user_id, ()))
    for group_id, members in directory.members.items():
        if user_id in members:
            roles |= directory.roles.get(group_id, set())
    return roles


def _type(group: Mapping[str, Any]) -> str:
    if "Unified" in (group.get("groupTypes") or []):
        return "microsoft365"
    return "security" if group.get("securityEnabled") is True else "distribution"


def _bool(item: Mapping[str, Any] | None, key: str) -> bool | None:
    value = item.get(key) if item is not None else None
    return value if isinstance(value, bool) else None


def _methods(item: Mapping[str, Any] | None) -> list[str] | None:
    methods = item.get("methodsRegistered") if item is not None else None
    if not isinstance(methods, list):
        return None
    return sorted({str(m) for m in methods if isinstance(m, str) and m})


def _last_sign_in(user: Mapping[str, Any]) -> str | None:
    activity = user.get("signInActivity")
    value = activity.get("lastSignInDateTime") if isinstance(activity, dict) else None
    return value if isinstance(value, str) and value else None


def _segment(value: str) -> str:
    return quote(value, safe="")
