"""The Okta collector: users, groups and sign-on (session) policies of an Okta org.

    sources:
      - id: okta
        collector: okta
        config:
          org_url: https://acme-health.okta.com
          token_env: OKTA_API_TOKEN          # default; an API token (SSWS), never in config
          privileged_groups: [IT Admins]     # optional: members count as privileged

Read with the Management API, through hosted.http.ApiClient (token-free
errors, Link-header pagination, bounded waits on 429):

- `idp.user` (`okta:<host>/users/<okta user id>`), from `GET /api/v1/users`
  (every page), `/users/{id}/factors` and `/users/{id}/roles`:
  - `display_id` is `profile.login`; no other profile field is read (names,
    email, phone numbers never reach the evidence), and of factors only the
    type (`factorType`), never their profile (phone number, e-mail, device).
  - `status`: ACTIVE, PASSWORD_EXPIRED, RECOVERY, STAGED, PROVISIONED and any
    status Okta adds later -> `active` (the account exists and can sign in,
    or will once activated: rules keep checking it); SUSPENDED and LOCKED_OUT
    -> `suspended`; DEPROVISIONED -> `deprovisioned`. Okta's own word is kept
    in `okta_status`. Okta leaves DEPROVISIONED users out of the list unless
    searched for, so they seldom appear.
  - `mfa_enrolled`: true when the user has an ACTIVE factor other than
    `email` or `question` (a mailbox or a security question is not a second
    factor distinct from the password); `mfa_factors` lists the ACTIVE
    factor types. Null when factors could not be read.
  - `shared_account`: the LDAP collector's login heuristic (admin, svc-*,
    ci-*...) on the login's local part ("svc-backup" of svc-backup@acme.com).
  - `privileged`: an admin role is assigned (`admin_roles`: role types such
    as SUPER_ADMIN, directly or through a group) or the user is a member of
    a `privileged_groups` group. Null when roles (or those groups' members)
    could not be read and nothing else shows the user privileged.
  - `last_login`: `lastLogin` (null: never signed in).
- `idp.group` (`okta:<host>/groups/<name>`), from `GET /api/v1/groups?expand=stats`:
  `name`, `privileged` (named in `privileged_groups`), `members` (Okta's
  user count, null when Okta does not give it), `type` (OKTA_GROUP,
  APP_GROUP, BUILT_IN).
- `idp.session_policy` (`okta:<host>/policies/<id>`), one per ACTIVE
  OKTA_SIGN_ON policy: the weakest ACTIVE rule that allows sign-in decides,
  since a user matching it gets that session: `idle_timeout_minutes` is the
  largest `maxSessionIdleMinutes`, `max_session_minutes` the largest
  `maxSessionLifetimeMinutes` (null when a rule sets none: Okta's 0 means
  "no limit"), `persistent_cookie` whether any such rule keeps sessions
  across browser restarts. INACTIVE policies and rules are not enforced and
  are skipped; DENY rules create no session.

Failures are gaps, never guesses: no token in the environment -> every kind;
401 (token rejected) -> every kind not yet read; 403 on roles or factors ->
one gap on `idp.user` and the field null (the remaining users are not asked);
other failures -> a gap on the kind they concern.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import quote, urlsplit

import requests

from hipaa_cac import __version__
from hipaa_cac.collectors.base import CollectContext, Gap, Observation, Record
from hipaa_cac.collectors.http_client import ApiClient, ApiError, Sleep
from hipaa_cac.collectors.shared_accounts import SHARED_ACCOUNT_PATTERNS, is_shared

USER = "idp.user"
GROUP = "idp.group"
SESSION = "idp.session_policy"

PAGE_SIZE = 200
STATUSES = {
    "SUSPENDED": "suspended",
    "LOCKED_OUT": "suspended",
    "DEPROVISIONED": "deprovisioned",
}
# Active factor types that do not make a second factor.
NOT_MFA = frozenset({"email", "question", "password"})

_STRINGS = {"type": "array", "items": {"type": "string", "minLength": 1}}


class OktaCollector:
    name: ClassVar[str] = "okta"
    version: ClassVar[str] = __version__
    kinds: ClassVar[tuple[str, ...]] = (USER, GROUP, SESSION)
    max_age: ClassVar[str] = "1d"
    config_schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "additionalProperties": False,
        "required": ["org_url"],
        "properties": {
            "org_url": {"type": "string", "pattern": "^https://[^/]+/?$"},
            "token_env": {
                "description": "Environment variable holding the API token.",
                "default": "OKTA_API_TOKEN",
                "type": "string",
                "pattern": "^[A-Za-z_][A-Za-z0-9_]*$",
            },
            "privileged_groups": {
                **_STRINGS,
                "description": "Group names; members are privileged.",
            },
            "shared_account_patterns": {
                **_STRINGS,
                "description": "Login globs of shared accounts (replace the defaults).",
            },
            "timeout_seconds": {"type": "integer", "minimum": 1, "maximum": 600},
            "max_wait_seconds": {"type": "integer", "minimum": 0, "maximum": 3600},
        },
    }

    def __init__(
        self,
        *,
        api_url: str | None = None,
        sleep: Sleep = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        # api_url: where requests go instead of org_url (tests); subjects keep org_url's host.
        self._api_url = api_url
        self._sleep = sleep
        self._clock = clock

    def collect(self, config: Mapping[str, Any], context: CollectContext) -> Iterator[Record]:
        org_url = config["org_url"].rstrip("/")
        host = (urlsplit(org_url).hostname or org_url).lower()
        token_env = config.get("token_env", "OKTA_API_TOKEN")
        token = os.environ.get(token_env)
        if not token:
            for kind in self.kinds:
                yield Gap(
                    kind,
                    f"environment variable {token_env} (token_env) is not set: "
                    f"no API token for {host}",
                )
            return
        with OktaClient(
            self._api_url or org_url,
            token,
            clock=self._clock,
            sleep=self._sleep,
            timeout=float(config.get("timeout_seconds", 30)),
            max_wait=float(config.get("max_wait_seconds", 60)),
        ) as client:
            yield from _Reader(client, config, f"okta:{host}").read()


class OktaClient(ApiClient):
    """ApiClient with Okta's ways: `SSWS` tokens, X-Rate-Limit-Reset, errorSummary."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Sleep = time.sleep,
        timeout: float = 30.0,
        max_wait: float = 60.0,
    ) -> None:
        super().__init__(
            base_url,
            token,
            token_header="Authorization",
            token_prefix="SSWS ",
            label="Okta",
            headers={"Accept": "application/json"},
            timeout=timeout,
            max_wait=max_wait,
            sleep=sleep,
        )
        self._clock = clock

    def _rate_limit_wait(self, response: requests.Response) -> float | None:
        # Okta answers 429 with X-Rate-Limit-Reset (epoch seconds), seldom Retry-After.
        reset = response.headers.get("X-Rate-Limit-Reset", "").strip()
        if response.status_code == 429 and not response.headers.get("Retry-After") and reset:
            try:
                return max(0.0, float(reset) - self._clock())
            except ValueError:
                pass
        return super()._rate_limit_wait(response)

    def _error(self, response: requests.Response, shown: str, attempts: int) -> ApiError:
        error = super()._error(response, shown, attempts)
        if error.api_message:
            return error
        summary = _error_summary(response)
        if not summary:
            return error
        said = self._scrub(summary)
        return ApiError(error.status, f"{error.message} (Okta says: {said})", api_message=said)


def _error_summary(response: requests.Response) -> str | None:
    """Okta's errors are {errorCode, errorSummary, errorId, errorCauses}."""
    try:
        body = response.json()
    except ValueError:
        return None
    if not isinstance(body, dict) or not body.get("errorSummary"):
        return None
    code = body.get("errorCode")
    summary = str(body["errorSummary"])[:300]
    return f"{code}: {summary}" if code else summary


class _Rejected(Exception):
    """The token was refused (401): nothing more can be read."""

    def __init__(self, error: ApiError):
        super().__init__(error.message)
        self.error = error


@dataclass
class _Privilege:
    """Who the privileged groups hold, and whether that is known in full."""

    names: frozenset[str]
    members: set[str] = field(default_factory=set)
    complete: bool = True


class _Reader:
    """One run: groups (and privileged groups' members), users, then policies."""

    def __init__(self, client: ApiClient, config: Mapping[str, Any], tenant: str) -> None:
        self.client = client
        self.config = config
        self.tenant = tenant
        self.done: set[str] = set()

    def read(self) -> Iterator[Record]:
        try:
            privilege = _Privilege(
                frozenset(n.casefold() for n in self.config.get("privileged_groups", ()))
            )
            yield from self._finish(GROUP, self._groups(privilege))
            yield from self._finish(USER, self._users(privilege))
            yield from self._finish(SESSION, self._policies())
        except _Rejected as rejected:
            for kind in OktaCollector.kinds:
                if kind not in self.done:
                    yield Gap(kind, rejected.error.message)

    def _finish(self, kind: str, records: list[Record]) -> Iterator[Record]:
        # A section is read whole before any of it is yielded: a 401 midway
        # leaves the kind a gap, not a silently shortened list.
        self.done.add(kind)
        yield from records

    def _get_all(self, path: str, params: Mapping[str, str | int] | None = None) -> list[Any]:
        try:
            return [item for item in self.client.get_all(path, params) if isinstance(item, dict)]
        except ApiError as error:
            if error.status == 401:
                raise _Rejected(error) from None
            raise

    def _groups(self, privilege: _Privilege) -> list[Record]:
        records: list[Record] = []
        try:
            groups = self._get_all("/api/v1/groups", {"limit": PAGE_SIZE, "expand": "stats"})
        except ApiError as error:
            privilege.complete = not privilege.names
            return [Gap(GROUP, error.message)]
        for group in groups:
            name = str(_get(group, "profile", "name") or group.get("id"))
            privileged = name.casefold() in privilege.names
            count = _get(group, "_embedded", "stats", "usersCount")
            records.append(
                Observation(
                    GROUP,
                    f"{self.tenant}/groups/{name}",
                    {
                        "name": name,
                        "privileged": privileged,
                        "members": count if isinstance(count, int) else None,
                        "type": group.get("type"),
                    },
                )
            )
            if privileged:
                path = f"/api/v1/groups/{_segment(group.get('id'))}/users"
                try:
                    members = self._get_all(path, {"limit": PAGE_SIZE})
                except ApiError as error:
                    privilege.complete = False
                    records.append(Gap(USER, f"{error.message}: members of {name} unknown"))
                    continue
                privilege.members.update(str(m.get("id")) for m in members)
        return records

    def _users(self, privilege: _Privilege) -> list[Record]:
        try:
            users = self._get_all("/api/v1/users", {"limit": PAGE_SIZE})
        except ApiError as error:
            return [Gap(USER, error.message)]
        patterns: Sequence[str] = self.config.get(
            "shared_account_patterns", SHARED_ACCOUNT_PATTERNS
        )
        factors = _PerUser(self, "factors")
        roles = _PerUser(self, "roles")
        records: list[Record] = []
        for user in users:
            user_id = str(user.get("id"))
            login = str(_get(user, "profile", "login") or user_id)
            okta_status = str(user.get("status") or "")

            active_types = _types(factors.read(user_id), "factorType")
            mfa = None if active_types is None else bool(set(active_types) - NOT_MFA)
            admin_roles = _types(roles.read(user_id), "type")

            privileged: bool | None = bool(admin_roles) or user_id in privilege.members
            if not privileged and (admin_roles is None or not privilege.complete):
                privileged = None
            records.append(
                Observation(
                    USER,
                    f"{self.tenant}/users/{user_id}",
                    {
                        "user_id": user_id,
                        "display_id": login,
                        "status": STATUSES.get(okta_status, "active"),
                        "okta_status": okta_status or None,
                        "mfa_enrolled": mfa,
                        "mfa_factors": active_types,
                        "shared_account": is_shared(login.partition("@")[0], patterns),
                        "last_login": user.get("lastLogin"),
                        "privileged": privileged,
                        "admin_roles": admin_roles,
                    },
                )
            )
        records.extend(factors.gaps + roles.gaps)
        return records

    def _policies(self) -> list[Record]:
        try:
            policies = self._get_all("/api/v1/policies", {"type": "OKTA_SIGN_ON"})
        except ApiError as error:
            return [Gap(SESSION, error.message)]
        records: list[Record] = []
        for policy in policies:
            if policy.get("status") != "ACTIVE":
                continue
            policy_id = str(policy.get("id"))
            try:
                rules = self._get_all(f"/api/v1/policies/{_segment(policy_id)}/rules")
            except ApiError as error:
                records.append(Gap(SESSION, error.message))
                continue
            sessions = [
                _get(rule, "actions", "signon", "session") or {}
                for rule in rules
                if rule.get("status") == "ACTIVE"
                and _get(rule, "actions", "signon", "access") != "DENY"
            ]
            records.append(
                Observation(
                    SESSION,
                    f"{self.tenant}/policies/{policy_id}",
                    {
                        "name": policy.get("name"),
                        "idle_timeout_minutes": _weakest(sessions, "maxSessionIdleMinutes"),
                        "max_session_minutes": _weakest(sessions, "maxSessionLifetimeMinutes"),
                        "persistent_cookie": any(
                            s.get("usePersistentCookie") is True for s in sessions
                        ),
                    },
                )
            )
        return records


class _PerUser:
    """`/api/v1/users/{id}/<what>` for each user; after a 403 or 404 it stops asking."""

    def __init__(self, reader: _Reader, what: str) -> None:
        self.reader = reader
        self.what = what
        self.gaps: list[Record] = []
        self.refused = False

    def read(self, user_id: str) -> list[Any] | None:
        if self.refused:
            return None
        try:
            return self.reader._get_all(f"/api/v1/users/{_segment(user_id)}/{self.what}")
        except ApiError as error:
            if error.status in (403, 404):
                self.refused = True
                message = f"{error.message}: {self.what} of every user unknown"
            else:
                message = f"{error.message}: {self.what} of one user unknown"
            self.gaps.append(Gap(USER, message))
            return None


def _types(items: list[Any] | None, key: str) -> list[str] | None:
    """The sorted distinct `key` values of the ACTIVE items (factor or role types)."""
    if items is None:
        return None
    found = {str(i[key]) for i in items if i.get(key) and i.get("status", "ACTIVE") == "ACTIVE"}
    return sorted(found)


def _weakest(sessions: list[Any], key: str) -> int | None:
    """The largest value of `key` over the rules; None when any rule sets no limit (0 or none)."""
    values = [s.get(key) if isinstance(s, dict) else None for s in sessions]
    if not values or any(not isinstance(v, int) or v <= 0 for v in values):
        return None
    return max(v for v in values if isinstance(v, int))


def _get(item: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(item, dict):
            return None
        item = item.get(key)
    return item


def _segment(value: Any) -> str:
    return quote(str(value), safe="")
