"""A small OPA-compatible REST server for tests, evaluated by regopy.

The OPA binary cannot be installed where the suite runs, so the `opa` engine
is tested against this stand-in. It is test infrastructure, not a product: it
implements exactly the slice of OPA's v1 REST API that opa-python-client and
OpaEngine use, with OPA's paths, status codes and JSON bodies:

    GET    /health                  -> 200 {}
    GET    /v1/policies             -> 200 {"result": [{"id", "raw"}, ...]}
    GET    /v1/policies/<id>        -> 200 {"result": {"id", "raw"}} | 404
    PUT    /v1/policies/<id>        -> 200 {} | 400 {"code": "invalid_parameter", "errors": [...]}
    DELETE /v1/policies/<id>        -> 200 {} | 404
    POST   /v1/data/<path>          -> 200 {"result": value} | 200 {} (undefined)
    GET    /v1/data/<path>             | 500 {"code": "internal_error", "errors": [...]}

Like OPA's current router, "GET /v1/policies/" means "the policy with id ''".
A PUT is checked the way regopy can check it (rego-cpp rejects syntax errors
when a module is added; it is laxer than OPA's compiler about the rest).
Built-in errors are errors only with `?strict-builtin-errors=true`, as in OPA.

    with OpaTestServer() as url:
        engine = OpaEngine(url)
"""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import regopy

_ERROR_AT = re.compile(r"\(error \d+:(?P<file>[^|\s]+)\|(?P<offset>\d+)\|")
_ERROR_MESSAGE = re.compile(r"\(errormsg \d+:(?P<message>[^)\n]*)\)")


class OpaTestServer:
    def __init__(self) -> None:
        self.policies: dict[str, str] = {}  # id -> raw Rego text
        self._lock = threading.Lock()  # regopy interpreters are not thread-safe
        self._rego = regopy.Interpreter()
        self._http: ThreadingHTTPServer | None = None
        self.url = ""

    def __enter__(self) -> str:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._reply(*server.handle("GET", self.path, b""))

            def do_PUT(self) -> None:
                self._reply(*server.handle("PUT", self.path, self._body()))

            def do_DELETE(self) -> None:
                self._reply(*server.handle("DELETE", self.path, b""))

            def do_POST(self) -> None:
                self._reply(*server.handle("POST", self.path, self._body()))

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def _reply(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
                pass

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._http.server_address[1]}"
        threading.Thread(target=self._http.serve_forever, daemon=True).start()
        return self.url

    def __exit__(self, *exc: object) -> None:
        assert self._http is not None
        self._http.shutdown()
        self._http.server_close()

    def handle(self, method: str, target: str, body: bytes) -> tuple[int, dict[str, Any]]:
        parts = urlsplit(target)
        path, params = parts.path, parse_qs(parts.query)
        with self._lock:
            if path == "/health" and method == "GET":
                return 200, {}
            if path == "/v1/policies" and method == "GET":
                return 200, {"result": [{"id": i, "raw": r} for i, r in self.policies.items()]}
            if path.startswith("/v1/policies/"):
                return self._policy(method, unquote(path.removeprefix("/v1/policies/")), body)
            if path.startswith("/v1/data/") and method in ("GET", "POST"):
                strict = params.get("strict-builtin-errors", ["false"])[-1].lower() == "true"
                document = json.loads(body) if body.strip() else {}
                return self._data(path.removeprefix("/v1/data/"), document.get("input"), strict)
        return 405, {"code": "method_not_allowed", "message": f"{method} {path}"}

    def _policy(self, method: str, pid: str, body: bytes) -> tuple[int, dict[str, Any]]:
        if method == "PUT":
            candidate = {**self.policies, pid: body.decode("utf-8")}
            error = self._rebuild(candidate)
            if error is not None:
                return 400, error
            self.policies = candidate
            return 200, {}
        if pid not in self.policies:
            message = f'storage_not_found_error: policy id "{pid}"'
            return 404, {"code": "resource_not_found", "message": message}
        if method == "GET":
            return 200, {"result": {"id": pid, "raw": self.policies[pid]}}
        if method == "DELETE":
            del self.policies[pid]
            self._rebuild(self.policies)
            return 200, {}
        return 405, {"code": "method_not_allowed", "message": method}

    def _rebuild(self, policies: dict[str, str]) -> dict[str, Any] | None:
        """A fresh interpreter holding `policies`, or OPA's 400 body for the first error."""
        rego = regopy.Interpreter()
        try:
            for pid, raw in sorted(policies.items()):
                rego.add_module(pid, raw)
        except regopy.RegoError as exc:
            return _compile_error(str(exc), policies)
        self._rego = rego
        return None

    def _data(self, path: str, input_value: Any, strict: bool) -> tuple[int, dict[str, Any]]:
        ref = "data" + "".join(f"[{json.dumps(unquote(s))}]" for s in path.split("/") if s)
        self._rego.strict_built_in_errors = strict
        self._rego.set_input(input_value if input_value is not None else {})
        try:
            output = self._rego.query(f"x := {ref}")
            text = str(output)
            if output.ok():
                return 200, {} if text == "undefined" else {
                    "result": json.loads(text)["bindings"]["x"]
                }
            detail = "rego-cpp reported an error while evaluating (regopy hides the details)"
        except (regopy.RegoError, ValueError) as exc:
            detail = f"rego-cpp failed: {exc.__class__.__name__}"
        error = {"code": "eval_error", "message": detail}
        return 500, {
            "code": "internal_error",
            "message": "error(s) occurred while evaluating query",
            "errors": [error],
        }


def _compile_error(text: str, policies: dict[str, str]) -> dict[str, Any]:
    found = _ERROR_MESSAGE.search(text)
    error: dict[str, Any] = {
        "code": "rego_parse_error",
        "message": found.group("message").strip() if found else text.strip().splitlines()[0],
    }
    located = _ERROR_AT.search(text)
    if located is not None:
        file, offset = located.group("file"), int(located.group("offset"))
        before = policies.get(file, "").encode("utf-8")[:offset]
        row = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        error["location"] = {"file": file, "row": row, "col": col}
    return {
        "code": "invalid_parameter",
        "message": "error(s) occurred while compiling module(s)",
        "errors": [error],
    }
