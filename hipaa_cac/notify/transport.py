"""HTTP for notification targets: one request, bounded, and errors that hold no secret.

    http = Transport(secrets=("s3cret-token",), timeout=10)
    answer = http.send("POST", "https://hooks.example.com/x/T0K3N", "webhook hooks.example.com",
                       json_text='{"schema":"hipaa-cac/notice/v1",...}',
                       headers={"X-Token": "s3cret-token"})
    answer.status   # 200
    # failures raise SendError("webhook hooks.example.com: POST answered 500 (server error)")

Not collectors/http_client.ApiClient, which is GET-only and retries every 5xx:
a POST that reached the server may have been acted on (a Slack message
posted, an issue opened), so retrying it could say everything twice. Here a
request is retried when it was not processed: the connection was never made,
the server answered 429/503 with a Retry-After this run may wait for, or the
connection dropped before any answer came. That last case might have been
processed, and is retried anyway: a lost compliance notice is worse than a
repeated one, and every notice carries its run_id for a receiver to
de-duplicate. A 5xx answer or a timeout is never retried.

Redirects are not followed (the notice and its headers go only to the
configured host). Messages name the target by type and host, never a URL path
or query (a Slack webhook's path is its secret); whatever the server said is
quoted short, with every known secret (header values, the URL's path and
query) replaced by ***, then passed through hipaa_cac.redact.
"""

from __future__ import annotations

import ipaddress
import os
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from hipaa_cac import __version__
from hipaa_cac.redact import redact

Sleep = Callable[[float], None]

_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_SAID_LIMIT = 200  # quote the server's reason, never a whole error page
_REASONS = {
    400: "request refused",
    401: "credentials rejected",
    403: "forbidden",
    404: "not found (wrong URL or no access)",
    410: "gone (the webhook was removed)",
    413: "payload too large",
    422: "request refused",
    429: "rate limited",
}


class SendError(Exception):
    """A target could not be notified; `str()` is safe to show, log and store."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Answer:
    """A 2xx answer: status and body (parsed JSON, or text; None when empty)."""

    status: int
    body: Any


def expand(value: str, env: Mapping[str, str], label: str) -> str:
    """`${VAR}` from `env`; a variable that is not set (or empty) is a SendError."""

    def variable(match: re.Match[str]) -> str:
        name = match.group(1)
        if not env.get(name):
            raise SendError(f"{label}: environment variable {name} is not set")
        return env[name]

    return _VAR.sub(variable, value)


def references(value: str) -> list[str]:
    """The variables `value` refers to: `"Bearer ${TOKEN}"` -> `["TOKEN"]`."""
    return _VAR.findall(value)


def dangling(value: str) -> bool:
    """A `$` + `{` that is not a well-formed `${NAME}`: a typo that would send a literal."""
    return "${" in _VAR.sub("", value)


def destination(url: str) -> str:
    """Host and explicit port only: `https://hooks.slack.com/services/T/B/X` -> hooks.slack.com."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{host}:{port}" if port else host


def url_problem(url: str) -> str | None:
    """Why `url` may not receive notices, or None: https, or plain http to this machine only."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return "is not a valid URL"
    if parts.scheme == "https" and parts.hostname:
        return None
    if parts.scheme == "http" and parts.hostname and _loopback(parts.hostname):
        return None
    if parts.scheme == "http":
        return "must be https:// (plain http only to localhost: the notice would travel in clear)"
    return "is not an https:// URL"


def _loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_secrets(url: str) -> tuple[str, ...]:
    """The parts of a URL that may be credentials: its path and its query."""
    parts = urlsplit(url)
    return tuple(piece for piece in (parts.path, parts.query) if len(piece) > 1)


class Transport:
    """Sends JSON to one target's host; see the module docstring for the rules."""

    def __init__(
        self,
        secrets: Sequence[str] = (),
        *,
        timeout: float = 10.0,
        retries: int = 2,
        max_wait: float = 30.0,
        sleep: Sleep = time.sleep,
    ):
        self.timeout = timeout
        self.retries = retries
        self.max_wait = max_wait
        self._sleep = sleep
        # Longest first, so a whole secret is replaced before any part of it.
        self._secrets = tuple(sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True))
        self._session = requests.Session()
        # An explicit no-op auth: with none, requests would add ~/.netrc credentials
        # and overwrite a configured Authorization header. Proxies from the
        # environment still apply (an HTTPS proxy sees the host, not the path).
        self._session.auth = _no_auth
        self._session.headers["User-Agent"] = f"hipaa-cac/{__version__}"

    def __enter__(self) -> Transport:
        return self

    def __exit__(self, *exc: object) -> None:
        self._session.close()

    def scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return redact(text)

    def send(
        self,
        method: str,
        url: str,
        label: str,
        *,
        json_text: str | None = None,
        headers: Mapping[str, str] | None = None,
        what: str | None = None,
    ) -> Answer:
        """One request; a 2xx Answer or SendError. `what` names it in messages ("POST")."""
        shown = f"{label}: {what or method}"
        sent_headers = dict(headers or {})
        data = json_text.encode("utf-8") if json_text is not None else None
        if data is not None:
            sent_headers["Content-Type"] = "application/json; charset=utf-8"
        attempts = 0
        while True:
            attempts += 1
            try:
                response = self._session.request(
                    method,
                    url,
                    data=data,
                    headers=sent_headers,
                    timeout=self.timeout,
                    allow_redirects=False,
                    # Local receivers directly: a plain-http proxy would see the path.
                    proxies={"http": "", "https": ""} if _loopback_url(url) else None,
                )
            except requests.RequestException as exc:
                if (_not_sent(exc) or _dropped(exc)) and attempts <= self.retries:
                    self._sleep(min(float(2 ** (attempts - 1)), self.max_wait))
                    continue
                # Only the exception's type: its text holds the URL (and so the secret path).
                raise SendError(self.scrub(f"{shown} got no answer ({_why(exc)})")) from None
            status = response.status_code
            if 200 <= status < 300:
                return Answer(status, _body(response))
            wait = _retry_after(response) if status in (429, 503) else None
            if wait is not None and wait <= self.max_wait and attempts <= self.retries:
                self._sleep(wait)
                continue
            raise SendError(self.scrub(self._refused(shown, response)), status)

    def _refused(self, shown: str, response: requests.Response) -> str:
        status = response.status_code
        if 300 <= status < 400:
            what = "a redirect, not followed: notices go only to the configured host"
        elif status >= 500:
            what = "server error"
        else:
            what = _REASONS.get(status, "request refused")
        message = f"{shown} answered {status} ({what})"
        said = _said(response)
        return f"{message}: {said}" if said else message


def _no_auth(request: requests.PreparedRequest) -> requests.PreparedRequest:
    return request


def _loopback_url(url: str) -> bool:
    return _loopback(urlsplit(url).hostname or "")


def _not_sent(exc: requests.RequestException) -> bool:
    """True when no byte of the request reached a server: safe to try again."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = exc.args[0] if exc.args else None
    inner = getattr(reason, "reason", reason)  # MaxRetryError wraps the cause
    return isinstance(inner, NewConnectionError | ConnectTimeoutError)


def _dropped(exc: requests.RequestException) -> bool:
    """The connection was made, then closed or reset before any answer (no timeout)."""
    return isinstance(exc, requests.ConnectionError) and not isinstance(exc, requests.Timeout)


def _why(exc: requests.RequestException) -> str:
    if isinstance(exc, requests.Timeout):
        return "timed out"
    if _not_sent(exc):
        return "connection refused or host unreachable"
    if isinstance(exc, requests.ConnectionError):
        return "connection failed"
    return type(exc).__name__


def _body(response: requests.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return response.text


def _said(response: requests.Response) -> str:
    """The server's own short reason: a JSON `message`/`error`, or the start of its text."""
    try:
        body = response.json()
    except ValueError:
        text = response.text
    else:
        said = body.get("message") or body.get("error") if isinstance(body, dict) else None
        text = str(said) if said else ""
    text = " ".join(text.split())
    return text[:_SAID_LIMIT] + ("…" if len(text) > _SAID_LIMIT else "")


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "").strip()
    return float(value) if value.isdigit() else None


def environment() -> Mapping[str, str]:
    """The process environment, read when a notice is sent (not when config is loaded)."""
    return os.environ
