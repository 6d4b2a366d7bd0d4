"""A small JSON-over-HTTPS client for the hosted APIs collectors read (GitHub, GitLab, Okta).

Our own rather than PyGithub or python-gitlab because we read a handful of
endpoints and need three things those libraries hide: every failure in words an
auditor can read, a hard cap on how long a run waits for a rate limit, and a
guarantee that the token never appears in an error.

    client = ApiClient.github(token)                       # https://api.github.com
    client = ApiClient.github(token, "https://ghe.example/api/v3")
    client = ApiClient.gitlab(token)                       # https://gitlab.com/api/v4
    repo = client.get_json("/repos/acme/api")
    alerts = client.get_all("/repos/acme/api/dependabot/alerts", {"state": "open"})

Every failure is an `ApiError(status, message)`; a rate limit longer than
`max_wait` is a `RateLimitError` saying when it resets.
"""

from __future__ import annotations

import email.utils
import math
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypedDict, Unpack
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import requests

from hipaa_cac import __version__

GITHUB_API = "https://api.github.com"
GITLAB_API = "https://gitlab.com/api/v4"

Sleep = Callable[[float], None]
Params = Mapping[str, str | int]

_REDIRECTS = (301, 302, 303, 307, 308)
_MAX_REDIRECTS = 5
_MAX_RATE_LIMIT_WAITS = 3  # a run that is throttled again and again should stop and say so
_MAX_PAGES = 1000  # a server that always answers rel="next" must not loop a run forever
_UNHINTED_WAIT = 60.0  # GitHub's advice when a rate limit comes without a time: wait a minute
_MESSAGE_LIMIT = 300  # the API's own message is quoted, but never a whole error page


class ApiError(Exception):
    """A hosted API refused or failed a request; `message` says why in plain words.

    status       the HTTP status, or None when no answer came (connection, timeout)
    api_message  the API's own message ("Branch not protected"), token scrubbed
    """

    def __init__(self, status: int | None, message: str, *, api_message: str | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.api_message = api_message

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status!r}, message={self.message!r})"


class RateLimitError(ApiError):
    """Rate limited for longer than this run may wait; `reset_at` is when it lifts."""

    def __init__(self, status: int, message: str, *, reset_at: datetime | None):
        super().__init__(status, message)
        self.reset_at = reset_at


@dataclass(frozen=True)
class ApiResponse:
    """A successful (2xx) answer. `body` is parsed JSON, or None when there was none."""

    status: int
    headers: Mapping[str, str]
    body: Any
    url: str
    next_url: str | None  # the next page, from `Link: rel="next"` or GitLab's x-next-page


class ClientOptions(TypedDict, total=False):
    timeout: float  # seconds for one request
    max_wait: float  # longest single wait for a rate limit or a retry, in seconds
    retries: int  # extra attempts after a 5xx or a connection failure
    sleep: Sleep  # time.sleep; tests pass a recorder so rate-limit tests do not wait


class _TokenAuth(requests.auth.AuthBase):
    # Set as session.auth rather than a plain header: with no `auth`, requests
    # would apply ~/.netrc credentials and overwrite the Authorization header.
    def __init__(self, header: str, value: str):
        self._header = header
        self._value = value

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers[self._header] = self._value
        return request

    def __repr__(self) -> str:
        return f"_TokenAuth({self._header}: ***)"


class ApiClient:
    """GET-only JSON client: token auth, pagination, bounded retries, readable errors.

    Requests only ever go to `base_url`'s scheme, host and port: a redirect or
    a next-page link elsewhere is an error, so the token is never sent to
    another origin.
    """

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        token_header: str = "Authorization",
        token_prefix: str = "Bearer ",
        label: str = "API",
        headers: Mapping[str, str] | None = None,
        timeout: float = 30.0,
        max_wait: float = 60.0,
        retries: int = 2,
        sleep: Sleep = time.sleep,
    ):
        self.base_url = base_url.rstrip("/")
        self.label = label  # "GitHub", "GitLab": names the service in messages
        self.timeout = timeout
        self.max_wait = max_wait
        self.retries = retries
        self._sleep = sleep
        self._secrets: tuple[str, ...] = (f"{token_prefix}{token}", token) if token else ()
        self._session = requests.Session()
        self._session.headers["User-Agent"] = f"hipaa-cac/{__version__}"
        self._session.headers.update(headers or {})
        if token:
            self._session.auth = _TokenAuth(token_header, f"{token_prefix}{token}")

    @classmethod
    def github(
        cls, token: str | None, base_url: str = GITHUB_API, **options: Unpack[ClientOptions]
    ) -> ApiClient:
        """GitHub.com, or GitHub Enterprise Server at `https://<host>/api/v3`."""
        github_headers = {
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
        }
        return cls(base_url, token, label="GitHub", headers=github_headers, **options)

    @classmethod
    def gitlab(
        cls, token: str | None, base_url: str = GITLAB_API, **options: Unpack[ClientOptions]
    ) -> ApiClient:
        """GitLab.com, or self-managed GitLab at `https://<host>/api/v4`."""
        return cls(
            base_url,
            token,
            token_header="PRIVATE-TOKEN",
            token_prefix="",
            label="GitLab",
            headers={"Accept": "application/json"},
            **options,
        )

    def __repr__(self) -> str:
        return f"ApiClient({self.label} {self.base_url})"

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._session.close()

    def get(self, path: str, params: Params | None = None) -> ApiResponse:
        """GET `path` (relative to base_url, already percent-encoded); 2xx or ApiError."""
        return self._fetch(self._url(path), params)

    def get_json(self, path: str, params: Params | None = None) -> Any:
        return self.get(path, params).body

    def pages(self, path: str, params: Params | None = None) -> Iterator[ApiResponse]:
        """Every page of a list endpoint, following `Link: rel="next"`."""
        url: str | None = self._url(path)
        query = params
        for _ in range(_MAX_PAGES):
            if url is None:
                return
            page = self._fetch(url, query)
            yield page
            url, query = page.next_url, None  # the next link carries the whole query
        raise ApiError(None, f"{self.label} GET {_shown(path)}: more than {_MAX_PAGES} pages")

    def get_all(self, path: str, params: Params | None = None) -> list[Any]:
        """The items of every page of a list endpoint, in order."""
        items: list[Any] = []
        for page in self.pages(path, params):
            if not isinstance(page.body, list):
                raise ApiError(
                    page.status,
                    f"{self.label} GET {_shown(page.url)} answered "
                    f"{type(page.body).__name__}, expected a list",
                )
            items.extend(page.body)
        return items

    def _url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.base_url}/{path.lstrip('/')}"

    def _fetch(self, url: str, params: Params | None) -> ApiResponse:
        response = self._send(url, params)
        shown = _shown(response.url)
        body: Any = None
        if response.status_code != 204 and response.content:
            try:
                body = response.json()
            except ValueError:
                raise ApiError(
                    response.status_code,
                    f"{self.label} GET {shown} answered {response.status_code} with a body "
                    "that is not JSON",
                ) from None
        return ApiResponse(
            status=response.status_code,
            headers=response.headers,
            body=body,
            url=response.url,
            next_url=_next_url(response),
        )

    def _send(self, url: str, params: Params | None) -> requests.Response:
        failures = 0  # 5xx answers and connection failures retried so far
        waits = 0  # rate-limit waits so far
        redirects = 0
        while True:
            shown = _shown(url)
            if not self._same_origin(url):
                raise ApiError(
                    None,
                    self._scrub(
                        f"{self.label} GET {shown}: refusing to send the token to "
                        f"{_origin(url)} (only {_origin(self.base_url)} is trusted)"
                    ),
                )
            try:
                response = self._session.get(
                    url, params=params, timeout=self.timeout, allow_redirects=False
                )
            except requests.RequestException as exc:
                if failures < self.retries:
                    failures += 1
                    self._sleep(self._backoff(failures))
                    continue
                # `from None`: the requests exception holds the prepared request,
                # token header included; nothing of it may travel with our error.
                raise ApiError(
                    None,
                    self._scrub(
                        f"{self.label} GET {shown}: no answer after {failures + 1} attempts "
                        f"({type(exc).__name__})"
                    ),
                ) from None
            status = response.status_code
            if 200 <= status < 300:
                return response
            if status in _REDIRECTS and response.headers.get("Location"):
                # Followed by hand: requests keeps custom headers (PRIVATE-TOKEN)
                # on a redirect to another host; _same_origin stops that above.
                redirects += 1
                if redirects > _MAX_REDIRECTS:
                    raise ApiError(status, f"{self.label} GET {shown}: too many redirects")
                url, params = urljoin(response.url, response.headers["Location"]), None
                continue
            wait = self._rate_limit_wait(response)
            if wait is not None:
                if wait > self.max_wait or waits >= _MAX_RATE_LIMIT_WAITS:
                    raise self._rate_limited(response, shown, wait, waits)
                waits += 1
                self._sleep(wait)
                continue
            if status >= 500 and failures < self.retries:
                failures += 1
                self._sleep(self._backoff(failures, response))
                continue
            raise self._error(response, shown, failures + 1)

    def _same_origin(self, url: str) -> bool:
        return _origin(url) == _origin(self.base_url)

    def _backoff(self, attempt: int, response: requests.Response | None = None) -> float:
        hinted = _retry_after(response.headers.get("Retry-After")) if response else None
        return min(hinted if hinted is not None else float(2 ** (attempt - 1)), self.max_wait)

    def _rate_limit_wait(self, response: requests.Response) -> float | None:
        """Seconds to wait if `response` is a rate limit, None if it is not one.

        GitHub signals its primary limit with 403/429 and x-ratelimit-remaining: 0
        (wait until x-ratelimit-reset), its secondary limit with 403/429 and
        retry-after; GitLab with 429 and Retry-After. A 403 with none of these
        is a permission problem, not a rate limit.
        """
        status = response.status_code
        if status not in (403, 429):
            return None
        hinted = _retry_after(response.headers.get("Retry-After"))
        if hinted is not None:
            return hinted
        reset = _int(response.headers.get("X-RateLimit-Reset"))
        if response.headers.get("X-RateLimit-Remaining") == "0" and reset is not None:
            return max(0.0, reset - time.time())
        if status == 429 or "rate limit" in (_api_message(response) or "").lower():
            return _UNHINTED_WAIT
        return None

    def _rate_limited(
        self, response: requests.Response, shown: str, wait: float, waits: int
    ) -> RateLimitError:
        reset_at = datetime.fromtimestamp(time.time() + wait, UTC).replace(microsecond=0)
        when = reset_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        if waits >= _MAX_RATE_LIMIT_WAITS:
            why = f"still rate limited after {waits} waits"
        else:
            why = f"more than the {self.max_wait:g}s this run may wait"
        message = (
            f"{self.label} GET {shown} answered {response.status_code}: rate limit hit; "
            f"it resets at {when} (in {math.ceil(wait)}s, {why})"
        )
        return RateLimitError(response.status_code, self._scrub(message), reset_at=reset_at)

    def _error(self, response: requests.Response, shown: str, attempts: int) -> ApiError:
        status = response.status_code
        if status == 401:
            what = "token rejected"
        elif status == 403:
            needs = _needed_permission(response)
            what = f"token lacks permission (needs {needs})" if needs else "token lacks permission"
        elif status == 404:
            what = "not found or no access"
        elif status >= 500:
            what = f"server error after {attempts} attempts"
        else:
            what = "request refused"
        said = self._scrub(_api_message(response) or "") or None
        message = f"{self.label} GET {shown} answered {status}: {what}"
        if said:
            message += f" ({self.label} says: {said})"
        return ApiError(status, self._scrub(message), api_message=said)

    def _scrub(self, text: str) -> str:
        # Longest first, so "Bearer <token>" is replaced whole, not just its tail.
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, "***")
        return text


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def _shown(url: str) -> str:
    # The path identifies the endpoint; the host is in the client's label/config.
    return urlsplit(url).path or "/"


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _retry_after(value: str | None) -> float | None:
    """Retry-After is delta-seconds or an HTTP date (RFC 9110 §10.2.3)."""
    if value is None:
        return None
    seconds = _int(value.strip())
    if seconds is not None:
        return float(max(0, seconds))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _api_message(response: requests.Response) -> str | None:
    """The API's own explanation: GitHub and GitLab `message`, or OAuth `error_description`."""
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip()
        return text[:_MESSAGE_LIMIT] or None
    if not isinstance(body, dict):
        return None
    said = body.get("message") or body.get("error_description") or body.get("error")
    return str(said)[:_MESSAGE_LIMIT] if said else None


def _needed_permission(response: requests.Response) -> str | None:
    """What the token is missing, where the API says: GitHub headers, GitLab's `scope`."""
    headers = response.headers
    for name in ("X-Accepted-GitHub-Permissions", "X-Accepted-OAuth-Scopes"):
        if headers.get(name, "").strip():
            return headers[name].strip()
    try:
        body = response.json()
    except ValueError:
        return None
    scope = body.get("scope") if isinstance(body, dict) else None
    return f"scope {scope}" if isinstance(scope, str) and scope else None


def _next_url(response: requests.Response) -> str | None:
    link = response.links.get("next", {}).get("url")
    if link:
        return urljoin(response.url, link)
    # GitLab sends x-next-page too (and only it, behind some proxies that drop Link).
    next_page = response.headers.get("X-Next-Page", "").strip()
    if not next_page:
        return None
    parts = urlsplit(response.url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "page"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("page", next_page)])))
