"""Replay recorded HTTP exchanges from a real local server, for testing API clients.

Clients under test make real HTTP requests (requests, sockets, headers,
pagination links) to 127.0.0.1; only the far end is recorded. Generic on
purpose: GitHub, GitLab, Okta and Microsoft Graph fixtures all use it.

Fixture file (JSON):

    {"exchanges": [
      {"request":  {"method": "GET", "path": "/repos/o/r",
                    "query": {"page": "2"},                        optional, default {}
                    "headers": {"Authorization": "Bearer test-token"}},  optional
       "response": {"status": 200,
                    "headers": {"Link": "<{base}/repos/o/r?page=3>; rel=\\"next\\""},
                    "body": {...} | [...] | "text" | null}}
    ]}

- A request matches on method, path exactly as sent (percent-encoding
  included: "/projects/acme%2Fapi"), the whole query (parsed; a key given
  twice is a list), and each listed header (name case-insensitive).
- Each exchange is served once, in file order: list the same request twice
  for "first 429, then 200".
- "{base}" in response header values becomes the server's URL, so Link and
  Location headers lead back to it.
- A JSON body is sent as application/json, a string as text/plain, null as
  no body, unless the fixture sets Content-Type itself.
- An unmatched request gets status 599 and a message naming it, and is kept
  in `unmatched`, so a test fails loudly rather than on a confusing value.

    with ReplayServer(FIXTURES / "github" / "protected.json") as server:
        client = ApiClient.github("test-token", server.url)
        ...
        assert [r.path for r in server.requests] == [...]
        assert server.unused() == []

HTTPS: `ReplayServer(fixture, tls=certificate_files())` (tests/tls_cert.py)
serves the same over TLS with that certificate; `server.url` is then
https://127.0.0.1:<port> and clients trust the certificate's CA file. Some
SDKs (azure-core) refuse to send a bearer token over plain HTTP.
"""

from __future__ import annotations

import json
import ssl
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

Fixture = Path | str | Mapping[str, Any]  # a fixture file, or its parsed content


class TlsFiles(Protocol):
    """A server certificate and its key, PEM files (tests/tls_cert.py makes them)."""

    @property
    def cert(self) -> Path: ...

    @property
    def key(self) -> Path: ...


@dataclass(frozen=True)
class Received:
    """One request as the server saw it."""

    method: str
    path: str
    query: dict[str, str | list[str]]
    headers: dict[str, str]  # names lower-cased
    body: bytes


class ReplayServer:
    def __init__(self, *fixtures: Fixture, tls: TlsFiles | None = None):
        self._tls = tls
        self.exchanges: list[dict[str, Any]] = []
        for fixture in fixtures:
            content = fixture if isinstance(fixture, Mapping) else _load(Path(fixture))
            self.exchanges.extend(content["exchanges"])
        self._served = [False] * len(self.exchanges)
        self.requests: list[Received] = []
        self.unmatched: list[Received] = []
        self._lock = threading.Lock()  # the server is threaded; requests may overlap
        self._http: ThreadingHTTPServer | None = None
        self.url = ""

    def __enter__(self) -> ReplayServer:
        replay = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._answer()

            do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_GET

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                parts = urlsplit(self.path)
                received = Received(
                    method=self.command,
                    path=parts.path,
                    query=_query(parts.query),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=self.rfile.read(length) if length else b"",
                )
                status, headers, data = replay._respond(received)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
                pass

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        scheme = "http"
        if self._tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(self._tls.cert, self._tls.key)
            # The handshake runs in the handler thread (on first read), not in
            # accept(), so one slow client cannot stall the others.
            self._http.socket = context.wrap_socket(
                self._http.socket, server_side=True, do_handshake_on_connect=False
            )
            scheme = "https"
        self.url = f"{scheme}://127.0.0.1:{self._http.server_address[1]}"
        # A short poll interval: shutdown() waits up to one interval, per server.
        threading.Thread(target=self._http.serve_forever, args=(0.01,), daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
            self._http = None

    def unused(self) -> list[dict[str, Any]]:
        """The requests of exchanges never served: what the client did not ask."""
        with self._lock:
            return [
                e["request"]
                for e, done in zip(self.exchanges, self._served, strict=True)
                if not done
            ]

    def _respond(self, received: Received) -> tuple[int, dict[str, str], bytes]:
        with self._lock:
            self.requests.append(received)
            for index, exchange in enumerate(self.exchanges):
                if not self._served[index] and _matches(exchange["request"], received):
                    self._served[index] = True
                    return self._render(exchange["response"])
            self.unmatched.append(received)
        query = "&".join(f"{k}={v}" for k, v in received.query.items())
        message = f"replay: no recorded exchange left for {received.method} {received.path}"
        message += f"?{query}" if query else ""
        return 599, {"Content-Type": "application/json"}, json.dumps({"message": message}).encode()

    def _render(self, response: Mapping[str, Any]) -> tuple[int, dict[str, str], bytes]:
        headers = {
            k: str(v).replace("{base}", self.url) for k, v in response.get("headers", {}).items()
        }
        body = response.get("body")
        if body is None:
            return int(response["status"]), headers, b""
        if isinstance(body, str):
            data, content_type = body.encode(), "text/plain; charset=utf-8"
        else:
            data, content_type = json.dumps(body).encode(), "application/json"
        if not any(k.lower() == "content-type" for k in headers):
            headers["Content-Type"] = content_type
        return int(response["status"]), headers, data


def _load(path: Path) -> dict[str, Any]:
    content = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(content, dict) or not isinstance(content.get("exchanges"), list):
        raise ValueError(f"{path}: a replay fixture is {{'exchanges': [...]}}")
    return content


def _query(raw: str) -> dict[str, str | list[str]]:
    parsed = parse_qs(raw, keep_blank_values=True)
    return {k: v[0] if len(v) == 1 else v for k, v in parsed.items()}


def _matches(recorded: Mapping[str, Any], received: Received) -> bool:
    return (
        recorded.get("method", "GET").upper() == received.method
        and recorded["path"] == received.path
        and recorded.get("query", {}) == received.query
        and all(
            received.headers.get(name.lower()) == value
            for name, value in recorded.get("headers", {}).items()
        )
    )
