"""The Microsoft Entra ID collector: users, groups and session policies of a tenant.

    sources:
      - id: entra
        collector: entra
        config:
          tenant_id: acme-health.onmicrosoft.com   # or the tenant's GUID
          client_id: 1f0c5b9e-…                    # app registration (client credentials)
          client_secret_env: AZURE_CLIENT_SECRET   # default; the secret, never in config
          # token_env: GRAPH_TOKEN                 # instead: a ready Graph access token
          privileged_groups: [IT Admins]           # optional: members count as privileged

Read from Microsoft Graph v1.0 over REST (collectors.http_client.ApiClient: token-free
errors, bounded waits on 429 Retry-After, same-origin `@odata.nextLink`
paging), with a token from the OAuth2 client-credentials grant at
`<authority_url>/<tenant_id>/oauth2/v2.0/token`. Application permissions,
the least Graph documents for each call:

    User.Read.All                   /users
    AuditLog.Read.All               signInActivity, userRegistrationDetails
    GroupMember.Read.All            /groups, /groups/{id}/transitiveMembers
    RoleManagement.Read.Directory   role definitions and assignments
    Policy.Read.All                 conditional access, activity-based timeout

- `idp.user` (`entra:<tenant>/users/<object id>`), `$select`ed to id,
  userPrincipalName, accountEnabled, userType, signInActivity: no name,
  e-mail or phone number is read.
  - `display_id`: userPrincipalName. `status`: `suspended` when
    accountEnabled is false, else `active` (deleted users are not listed).
  - `last_login`: signInActivity.lastSignInDateTime (null: never). Without
    AuditLog.Read.All or a P1 licence Graph refuses the field (403): users
    are read again without it, `last_login` is null and a gap says why.
  - `mfa_enrolled`: isMfaRegistered from userRegistrationDetails;
    `mfa_factors` its methodsRegistered (types such as fido2 or
    microsoftAuthenticatorPush, never a number). Null when the report could
    not be read, or does not list the user (it leaves out disabled users).
  - `privileged`: a directory role is assigned to the user, or to a
    role-assignable group the user is in, or the user is in a
    `privileged_groups` group (nested membership counts). `admin_roles`: the
    role definitions' display names ("Global Administrator"). Null when
    assignments, or the members of a group that holds a role, are unknown.
  - `guest`: userType is Guest. `shared_account`: the shared-account
    heuristic (admin, svc-*, ci-*…) on the UPN's local part.
- `idp.group` (`entra:<tenant>/groups/<object id>`: display names are not
  unique in Entra): `name`, `privileged` (role-assignable, or named in
  `privileged_groups`), `members` (null: Graph's list does not count them),
  `type` (microsoft365, security, distribution).
- `idp.session_policy`: one per *enabled* conditional access policy
  (`entra:<tenant>/policies/<id>`; report-only and disabled ones enforce
  nothing), see sessions.py, plus `entra:<tenant>/policies/default`, the
  session every user not covered by a policy gets (`source`
  `tenant_default`): no fixed lifetime, so `max_session_minutes` null. It is
  always there, so a tenant without conditional access still has a session
  policy to check. `idle_timeout_minutes` on every item is the tenant's
  activity-based timeout for web sessions (organisation default, app
  `default`), null when none is set: Entra has no idle timeout otherwise,
  and a value nobody configured is not evidence.

Failures are gaps, never guesses: no secret or token in the environment ->
every kind; the token endpoint refusing -> every kind, quoting its error code
(never the secret); 401 -> every kind not yet read; 403 on a part of users
(sign-ins, MFA report, roles) -> that field null and one gap; session
policies are read whole or not at all (a gap).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar
from urllib.parse import urlsplit

from hipaa_cac import __version__
from hipaa_cac.collectors.base import CollectContext, Gap, Record
from hipaa_cac.collectors.entra.graph import GraphClient, TokenError, request_token
from hipaa_cac.collectors.entra.reader import GROUP, SESSION, USER, Reader
from hipaa_cac.collectors.http_client import Sleep

GRAPH_URL = "https://graph.microsoft.com"
AUTHORITY_URL = "https://login.microsoftonline.com"

_ENV_NAME = {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"}
_STRINGS = {"type": "array", "items": {"type": "string", "minLength": 1}}
_ORIGIN = {"type": "string", "pattern": "^https://[^/]+/?$"}


class EntraCollector:
    name: ClassVar[str] = "entra"
    version: ClassVar[str] = __version__
    kinds: ClassVar[tuple[str, ...]] = (USER, GROUP, SESSION)
    max_age: ClassVar[str] = "1d"
    config_schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "additionalProperties": False,
        "required": ["tenant_id"],
        "anyOf": [{"required": ["client_id"]}, {"required": ["token_env"]}],
        "properties": {
            "tenant_id": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9.-]*$"},
            "client_id": {"type": "string", "minLength": 1},
            "client_secret_env": {
                **_ENV_NAME,
                "description": "Environment variable holding the client secret.",
                "default": "AZURE_CLIENT_SECRET",
            },
            "token_env": {
                **_ENV_NAME,
                "description": "Environment variable holding a ready Graph access token.",
            },
            "privileged_groups": {
                **_STRINGS,
                "description": "Group names; members are privileged.",
            },
            "shared_account_patterns": {
                **_STRINGS,
                "description": "Login globs of shared accounts (replace the defaults).",
            },
            "graph_url": {**_ORIGIN, "description": "National clouds: Graph's origin."},
            "authority_url": {**_ORIGIN, "description": "National clouds: the login origin."},
            "timeout_seconds": {"type": "integer", "minimum": 1, "maximum": 600},
            "max_wait_seconds": {"type": "integer", "minimum": 0, "maximum": 3600},
        },
    }

    def __init__(
        self,
        *,
        graph_api_url: str | None = None,
        login_url: str | None = None,
        sleep: Sleep = time.sleep,
    ) -> None:
        # Where requests go instead of graph_url / authority_url (tests); the
        # token's scope and the subjects keep the configured values.
        self._graph_api_url = graph_api_url
        self._login_url = login_url
        self._sleep = sleep

    def collect(self, config: Mapping[str, Any], context: CollectContext) -> Iterator[Record]:
        tenant = str(config["tenant_id"]).lower()
        graph_url = str(config.get("graph_url", GRAPH_URL)).rstrip("/")
        timeout = float(config.get("timeout_seconds", 30))
        try:
            token = self._token(config, tenant, graph_url, timeout)
        except TokenError as error:
            for kind in self.kinds:
                yield Gap(kind, error.message)
            return
        client = GraphClient(
            f"{self._graph_api_url or graph_url}/v1.0",
            token,
            timeout=timeout,
            max_wait=float(config.get("max_wait_seconds", 60)),
            sleep=self._sleep,
        )
        with client:
            yield from Reader(client, config, f"entra:{tenant}").read()

    def _token(self, config: Mapping[str, Any], tenant: str, graph_url: str, timeout: float) -> str:
        if "token_env" in config:
            token = os.environ.get(config["token_env"])
            if not token:
                raise TokenError(
                    f"environment variable {config['token_env']} (token_env) is not set: "
                    f"no Graph access token for {tenant}"
                )
            return token
        secret_env = config.get("client_secret_env", "AZURE_CLIENT_SECRET")
        secret = os.environ.get(secret_env)
        if not secret:
            raise TokenError(
                f"environment variable {secret_env} (client_secret_env) is not set: "
                f"no client secret for {tenant}"
            )
        host = urlsplit(graph_url).netloc
        return request_token(
            self._login_url or str(config.get("authority_url", AUTHORITY_URL)),
            tenant,
            client_id=str(config["client_id"]),
            client_secret=secret,
            scope=f"https://{host}/.default",
            timeout=timeout,
        )
