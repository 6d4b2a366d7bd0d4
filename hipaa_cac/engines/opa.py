"""The `opa` engine: a running OPA server, driven through opa-python-client.

`load` makes the server hold exactly our library: every module is pushed with
the Policy API (`PUT /v1/policies/<id>`) under an id derived from its path
("hipaa-cac/policies/technical/encryption.rego"), and policies under our id
prefix that the library no longer has are deleted; policies of other owners
are left alone. `query` asks the Data API (`POST /v1/data/<path>` with
`{"input": ...}` and `strict-builtin-errors=true`, so that a built-in given a
value of the wrong type is an error, as in the embedded engine).

OPA compiles the whole set of stored modules on every PUT and DELETE, so one
step can be refused only because another module is not updated yet (a rule
that moved between files, a helper function not pushed yet). `load` therefore
retries refused steps as long as a pass makes progress, and reports a compile
error only once nothing more can be applied.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from opa_client import OpaClient
from opa_client.errors import RegoParseError

from hipaa_cac.engines.base import EngineError, modules_to_load, ref_to_path
from hipaa_cac.errors import InputError
from hipaa_cac.policy import PolicyLibrary, PolicyModule

ID_PREFIX = "hipaa-cac/"

# Characters that stay as they are in a policy id. Anything else is written as
# "~XX" per UTF-8 byte, so an id needs no percent-encoding in a URL: old OPA
# servers take the id from the still-encoded path, newer ones decode it first.
_ID_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-/")
# (connect, read) seconds. The client's own default (1.5 s for everything) is
# too short for a query over a batch of evidence on a busy server.
_TIMEOUT = (5.0, 60.0)
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
_ERRNO = re.compile(r"\[Errno -?\d+\] [^'\")\]]+")


def policy_id(module_path: str) -> str:
    """The Policy API id of a module: "policies/a.rego" -> "hipaa-cac/policies/a.rego"."""
    escaped = "".join(
        char if char in _ID_SAFE else "".join(f"~{byte:02X}" for byte in char.encode("utf-8"))
        for char in module_path
    )
    return ID_PREFIX + escaped


@dataclass(frozen=True)
class _Refusal:
    """OPA refused a PUT or DELETE because the resulting module set does not compile."""

    module: str  # the module we were pushing or removing
    body: dict[str, Any]  # OPA's error: {"code", "message", "errors": [{"message", "location"}]}


class OpaEngine:
    name = "opa"

    def __init__(self, url: str) -> None:
        self.url = url
        parts = urlsplit(url)
        try:
            port = parts.port
        except ValueError:
            port = -1
        if (
            parts.scheme not in ("http", "https")
            or not parts.hostname
            or port == -1
            or parts.username is not None
            or parts.path not in ("", "/")
            or parts.query
            or parts.fragment
        ):
            raise InputError("--opa-url must look like http://127.0.0.1:8181 (scheme, host, port)")
        host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
        https = parts.scheme == "https"
        self._client = OpaClient(
            host=host, port=port or (443 if https else 80), ssl=https, timeout=_TIMEOUT
        )
        self._module_paths: dict[str, str] = {}  # policy id -> module path

    # -- load -------------------------------------------------------------------

    def load(self, library: PolicyLibrary, tests: PolicyModule | None = None) -> None:
        modules = modules_to_load(library, tests)
        wanted = {policy_id(module.path): module for module in modules}
        self._module_paths = {pid: module.path for pid, module in wanted.items()}
        stale = sorted(
            pid for pid in self._stored_ids() if pid.startswith(ID_PREFIX) and pid not in wanted
        )
        # Deletions first: a rule that moved from a removed file into another
        # would otherwise conflict with its old copy.
        pending: list[tuple[str, str]] = [("delete", pid) for pid in stale]
        pending += [("put", pid) for pid in wanted]
        while pending:
            refused: list[tuple[tuple[str, str], _Refusal]] = []
            for step in pending:
                action, pid = step
                if action == "delete":
                    refusal = self._delete(pid)
                else:
                    refusal = self._put(pid, wanted[pid].source)
                if refusal is not None:
                    refused.append((step, refusal))
            if len(refused) == len(pending):
                raise self._compile_error([refusal for _, refusal in refused])
            pending = [step for step, _ in refused]

    def _stored_ids(self) -> list[str]:
        # Not OpaClient.get_policies_list(): it asks for "/v1/policies/" (trailing
        # slash), which OPA's current router takes for "GET the policy with id ''"
        # and answers 404. Same session, same root URL, exact path.
        try:
            response = self._client._session.get(
                f"{self._client.root_url}/policies", timeout=self._client.timeout
            )
            response.raise_for_status()
            listing = response.json().get("result", [])
        except requests.RequestException as exc:
            raise InputError(f"cannot reach OPA at {self.url}: {_describe(exc)}") from None
        except (ValueError, AttributeError):
            raise InputError(
                f"cannot reach OPA at {self.url}: GET /v1/policies did not answer like OPA"
            ) from None
        return [policy["id"] for policy in listing if isinstance(policy, dict) and "id" in policy]

    def _put(self, pid: str, source: str) -> _Refusal | None:
        try:
            # rego_compat=False: the client would otherwise rewrite a module that
            # OPA refuses as v0 syntax and retry; the server must hold our text.
            self._client.update_policy_from_string(source, pid, rego_compat=False)
        except RegoParseError as exc:
            body = {"code": exc.expression, "message": exc.message, "errors": exc.errors}
            if exc.expression != "invalid_parameter":  # e.g. unauthorized, internal_error
                raise InputError(
                    f"OPA at {self.url} did not store {self._module_paths[pid]}: "
                    f"{exc.expression}: {exc.message}"
                ) from None
            return _Refusal(self._module_paths[pid], body)
        except requests.RequestException as exc:  # includes a non-JSON error body
            raise InputError(f"cannot reach OPA at {self.url}: {_describe(exc)}") from None
        return None

    def _delete(self, pid: str) -> _Refusal | None:
        # Not OpaClient.delete_policy(): on a refusal it keeps OPA's code and
        # message but drops the error list, which holds the file and line.
        url = f"{self._client.root_url}/policies/{pid}"
        try:
            response = self._client._session.delete(url, timeout=self._client.timeout)
            body = response.json() if response.content else {}
        except requests.RequestException as exc:
            raise InputError(f"cannot reach OPA at {self.url}: {_describe(exc)}") from None
        if response.status_code in (200, 204, 404):  # 404: already gone
            return None
        if response.status_code == 400 and isinstance(body, dict):
            return _Refusal(pid.removeprefix(ID_PREFIX), body)
        raise InputError(
            f"OPA at {self.url} did not delete policy {pid}: HTTP {response.status_code}"
        )

    def _compile_error(self, refusals: list[_Refusal]) -> InputError:
        # A parse error is the root cause; other refusals may only follow from it
        # (a module calling a function of the one that cannot be parsed).
        def parse_error_first(refusal: _Refusal) -> bool:
            codes = [e.get("code") for e in refusal.body.get("errors") or [] if isinstance(e, dict)]
            return "rego_parse_error" not in codes

        refusal = sorted(refusals, key=parse_error_first)[0]
        errors = [e for e in refusal.body.get("errors") or [] if isinstance(e, dict)]
        if not errors:
            message = refusal.body.get("message") or "OPA refused the module"
            return InputError(f"Rego compile error: {message}", refusal.module)
        first = errors[0]
        location = first.get("location") or {}
        file = location.get("file")
        row = location.get("row")
        shown = self._module_paths.get(file, file) if isinstance(file, str) else refusal.module
        return InputError(
            f"Rego compile error: {first.get('message', '')}".rstrip(),
            shown,
            row if isinstance(row, int) else None,
        )

    # -- query ------------------------------------------------------------------

    def query(self, ref: str, input_document: dict[str, Any]) -> Any:
        path = ref_to_path(ref)
        try:
            response = self._client.query_rule(
                input_document, path, query_params={"strict-builtin-errors": "true"}
            )
        except requests.HTTPError as exc:
            raise EngineError(f"{ref}: {self._server_error(exc.response)}") from None
        except requests.RequestException as exc:
            raise EngineError(f"{ref}: cannot reach OPA at {self.url}: {_describe(exc)}") from None
        if not isinstance(response, dict):
            raise EngineError(f"{ref}: OPA answered something other than a JSON object")
        if "result" not in response:
            return None
        return response["result"]

    def _server_error(self, response: requests.Response | None) -> str:
        """OPA's error, located, with quoted strings blanked out: an evaluation
        error can quote a value of the input ("parsing time \"...\""), and input
        never goes into a message."""
        if response is None:
            return "OPA answered with an error"
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return f"OPA answered HTTP {response.status_code}"
        errors = [e for e in body.get("errors") or [] if isinstance(e, dict)]
        if not errors:
            text = f"{body.get('code', 'error')}: {body.get('message', '')}"
        else:
            first = errors[0]
            text = f"{first.get('code', 'error')}: {first.get('message', '')}"
            location = first.get("location") or {}
            file, row = location.get("file"), location.get("row")
            if isinstance(file, str):
                text += f" (at {self._module_paths.get(file, file)}:{row})"
        return _QUOTED.sub('"..."', text)[:500]


def _describe(exc: requests.RequestException) -> str:
    """Why a request failed, in a few words (never the request itself)."""
    if isinstance(exc, requests.Timeout):
        return "timed out"
    if isinstance(exc, requests.exceptions.SSLError):
        return "TLS handshake failed"
    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        return f"HTTP {exc.response.status_code}"
    if isinstance(exc, requests.exceptions.JSONDecodeError):
        return "the answer is not JSON (is this an OPA server?)"
    found = _ERRNO.search(str(exc))
    if found:
        return found.group(0).strip()
    return exc.__class__.__name__
