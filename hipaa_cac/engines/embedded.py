"""The default engine: rego-cpp in process, through regopy. No server needed.

Measured here: preparing entrypoints once and querying them costs ~0.07 ms per
input item and rule at batch sizes of 20-50, while one query's cost grows
faster than linearly past a few hundred items; the evaluator batches inputs
accordingly (see evaluator/rules.py).

regopy 1.5.2 neither escapes strings in the JSON it returns nor reads
backslashes in input strings faithfully. So strings cross the boundary
percent-encoded for exactly the characters that break (`%`, `"`, `\\` and
control characters) and are decoded on the way out. Strings without those
characters, which is every value policies compare against, are unchanged.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Callable, Iterator
from typing import Any

import regopy

from hipaa_cac.engines.base import EngineError, modules_to_load, ref_to_path
from hipaa_cac.errors import InputError
from hipaa_cac.policy import PolicyLibrary, PolicyModule

_ERROR_AT = re.compile(r"\(error \d+:(?P<file>[^|\s]+)\|(?P<offset>\d+)\|")
_ERROR_MESSAGE = re.compile(r"\(errormsg \d+:(?P<message>[^)\n]*)\)")
_UNSAFE = re.compile(r'[%"\\\x00-\x1f\x7f]')
_ENCODED = re.compile(r"%(25|22|5C|[01][0-9A-F]|7F)")


class EmbeddedEngine:
    name = "embedded"

    def __init__(self) -> None:
        self._rego = regopy.Interpreter()
        # Without this a built-in given the wrong type is silently "undefined",
        # which a findings rule would read as "compliant".
        self._rego.strict_built_in_errors = True
        self._bundle: Any = None
        self._entrypoints: set[str] = set()
        self._sources: dict[str, str] = {}
        self._last_input: dict[str, Any] | None = None

    def load(self, library: PolicyLibrary, tests: PolicyModule | None = None) -> None:
        modules = modules_to_load(library, tests)
        self._sources = {module.path: module.source for module in modules}
        entrypoints = [ref_to_path(ref) for ref in library.rules]
        try:
            with _stdout_silenced():
                for module in modules:
                    self._rego.add_module(module.path, module.source)
                self._bundle = self._rego.build("x := true", entrypoints or ["x"])
        except regopy.RegoError as exc:
            raise self._compile_error(str(exc)) from None
        self._entrypoints = set(entrypoints)

    def query(self, ref: str, input_document: dict[str, Any]) -> Any:
        path = ref_to_path(ref)
        try:
            # The evaluator asks every rule of a batch with the same document:
            # marshal it once (callers must not mutate a document between calls).
            if input_document is not self._last_input:
                self._rego.set_input(_encode(input_document))
                self._last_input = input_document
            if path in self._entrypoints:
                output = self._rego.query_bundle_entrypoint(self._bundle, path)
            else:
                output = self._rego.query(f"x := {ref}")
            if not output.ok():
                raise EngineError(
                    f"{ref}: runtime error (e.g. a built-in given a value of the wrong type)"
                )
            text = str(output)
            document = None if text == "undefined" else json.loads(text)
        except regopy.RegoError as exc:
            raise EngineError(f"{ref}: {_first_message(str(exc))}") from None
        except json.JSONDecodeError:
            raise EngineError(
                f"{ref}: the engine returned output that is not JSON (a string "
                "literal in the policy with a quote or backslash?)"
            ) from None
        if document is None:
            return None
        value = (
            document["expressions"][0] if path in self._entrypoints else document["bindings"]["x"]
        )
        return _decode(value)

    def _compile_error(self, text: str) -> InputError:
        located = _ERROR_AT.search(text)
        message = _first_message(text)
        if located is None:
            return InputError(f"Rego compile error: {message}")
        file = located.group("file")
        source = self._sources.get(file, "")
        line = source.encode("utf-8")[: int(located.group("offset"))].count(b"\n") + 1
        return InputError(f"Rego compile error: {message}", file, line)


def _encode(value: Any) -> Any:
    return _map_strings(value, lambda s: _UNSAFE.sub(lambda m: f"%{ord(m.group()):02X}", s))


def _decode(value: Any) -> Any:
    return _map_strings(value, lambda s: _ENCODED.sub(lambda m: chr(int(m.group(1), 16)), s))


def _map_strings(value: Any, change: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return change(value)
    if isinstance(value, dict):
        return {change(k): _map_strings(v, change) for k, v in value.items()}
    if isinstance(value, list):
        return [_map_strings(v, change) for v in value]
    return value


def _first_message(text: str) -> str:
    found = _ERROR_MESSAGE.search(text)
    return found.group("message").strip() if found else text.strip().splitlines()[0]


@contextlib.contextmanager
def _stdout_silenced() -> Iterator[None]:
    """rego-cpp prints compile errors to fd 1 itself; keep them out of our JSON output."""
    saved = os.dup(1)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
