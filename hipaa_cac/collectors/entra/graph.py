"""Microsoft Graph over the shared ApiClient, and the client-credentials token it needs.

    token = request_token(
        "https://login.microsoftonline.com", "acme.onmicrosoft.com",
        client_id="1f0c…", client_secret=os.environ["AZURE_CLIENT_SECRET"],
        scope="https://graph.microsoft.com/.default",
    )                                        # TokenError(message) on any failure
    with GraphClient("https://graph.microsoft.com/v1.0", token) as graph:
        users = graph.get_values("/users", {"$select": "id,userPrincipalName"})

Graph lists are `{"value": [...], "@odata.nextLink": "<absolute url>"}`;
`get_values` follows nextLink (same origin only, like every ApiClient request)
and returns the `value` items of every page. Graph errors are
`{"error": {"code", "message", "innerError": {"request-id", "date"}}}`: the
message quotes code and message only, so a gap reads the same run after run.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlsplit

import requests

from hipaa_cac import __version__
from hipaa_cac.collectors.http_client import ApiClient, ApiError, Params, Sleep

LABEL = "Microsoft Graph"
_MAX_PAGES = 1000  # a server that always answers a nextLink must not loop a run forever
_MESSAGE_LIMIT = 300


class TokenError(Exception):
    """No access token: `message` says why, without the client secret."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def request_token(
    authority_url: str,
    tenant: str,
    *,
    client_id: str,
    client_secret: str,
    scope: str,
    timeout: float = 30.0,
) -> str:
    """OAuth2 client credentials (Microsoft identity platform v2.0): the access token."""
    path = f"/{quote(tenant, safe='')}/oauth2/v2.0/token"
    shown = f"{urlsplit(authority_url).netloc}{path}"
    form = {
        "grant_type": "client_credentials",
        "client_id": client_id,
        "client_secret": client_secret,
        "scope": scope,
    }
    try:
        response = requests.post(
            authority_url.rstrip("/") + path,
            data=form,
            headers={"Accept": "application/json", "User-Agent": f"hipaa-cac/{__version__}"},
            timeout=timeout,
            allow_redirects=False,  # the secret goes to the authority and nowhere else
        )
    except requests.RequestException as exc:
        # `from None`: the exception holds the prepared request, secret in its body.
        raise TokenError(f"token request to {shown}: no answer ({type(exc).__name__})") from None
    body = _json(response)
    if response.status_code != 200:
        said = _oauth_error(body)
        message = f"token request to {shown} answered {response.status_code}"
        message += f": client credentials refused ({said})" if said else ""
        raise TokenError(_scrub(message, client_secret))
    token = body.get("access_token") if isinstance(body, dict) else None
    if not isinstance(token, str) or not token:
        raise TokenError(f"token request to {shown} answered 200 without an access_token")
    return token


def _oauth_error(body: Any) -> str | None:
    """`invalid_client: AADSTS7000215: Invalid client secret provided.` (no trace ids)."""
    if not isinstance(body, dict):
        return None
    code = str(body.get("error") or "")
    # error_description continues with Trace ID, Correlation ID and Timestamp
    # lines: new on every attempt, so only the first line is quoted.
    description = str(body.get("error_description") or "").splitlines()
    first = description[0].strip()[:_MESSAGE_LIMIT] if description else ""
    return ": ".join(part for part in (code, first) if part) or None


class GraphClient(ApiClient):
    """ApiClient for Graph: Bearer token, `value`/`@odata.nextLink` paging, Graph's error body."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: float = 30.0,
        max_wait: float = 60.0,
        sleep: Sleep = time.sleep,
    ) -> None:
        super().__init__(
            base_url,
            token,
            label=LABEL,
            headers={"Accept": "application/json"},
            timeout=timeout,
            max_wait=max_wait,
            sleep=sleep,
        )

    def get_values(self, path: str, params: Params | None = None) -> list[dict[str, Any]]:
        """The object items of `value` on every page, in order."""
        items: list[dict[str, Any]] = []
        url: str | None = path
        query = params
        for _ in range(_MAX_PAGES):
            if url is None:
                return items
            page = self.get(url, query)
            body = page.body
            if not isinstance(body, dict) or not isinstance(body.get("value"), list):
                raise ApiError(
                    page.status,
                    f"{LABEL} GET {urlsplit(page.url).path} answered no `value` list",
                )
            items.extend(item for item in body["value"] if isinstance(item, dict))
            next_link = body.get("@odata.nextLink")
            # The link carries the whole query ($select, $skiptoken).
            url, query = (next_link if isinstance(next_link, str) and next_link else None), None
        raise ApiError(None, f"{LABEL} GET {urlsplit(path).path}: more than {_MAX_PAGES} pages")

    def _error(self, response: requests.Response, shown: str, attempts: int) -> ApiError:
        error = super()._error(response, shown, attempts)
        said = _graph_error(response)
        if said is None:
            return error
        # The base client quoted the whole `error` object (request id and date
        # included); keep its wording up to that quote and quote code and message.
        base = error.message
        if error.api_message and base.endswith(f" ({LABEL} says: {error.api_message})"):
            base = base[: -len(f" ({LABEL} says: {error.api_message})")]
        said = self._scrub(said)
        return ApiError(error.status, f"{base} ({LABEL} says: {said})", api_message=said)


def _graph_error(response: requests.Response) -> str | None:
    body = _json(response)
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, Mapping):
        return None
    code, message = str(error.get("code") or ""), str(error.get("message") or "")
    said = ": ".join(part for part in (code, message[:_MESSAGE_LIMIT]) if part)
    return said or None


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _scrub(text: str, secret: str) -> str:
    return text.replace(secret, "***") if secret else text
