"""The engine contract: compile a policy library once, then answer queries.

Two engines implement it (embedded regopy, and a remote OPA server) and must
give the same answers; `tests/test_engines_agree.py` holds them to that.
"""

from __future__ import annotations

from typing import Any, Protocol

from hipaa_cac.policy import PolicyLibrary, PolicyModule


class EngineError(Exception):
    """A query could not be answered (runtime error in a rule, unreachable server).

    The evaluator turns it into an `error` status for the controls involved;
    it is never silently read as "no findings".
    """


class Engine(Protocol):
    name: str

    def load(self, library: PolicyLibrary, tests: PolicyModule | None = None) -> None:
        """Compile the library's decision modules (plus one test module, for
        `policy test`). A syntax error raises InputError(file, line)."""

    def query(self, ref: str, input_document: dict[str, Any]) -> Any:
        """Value of `ref` (e.g. "data.hipaa.technical.encryption.storage_encrypted_at_rest")
        for `input_document`, as plain JSON values (a Rego set comes back as a list);
        None when the rule is undefined. Raises EngineError when the query fails."""


def ref_to_path(ref: str) -> str:
    """ "data.a.b.c" -> "a/b/c", the form both engines' APIs take."""
    if not ref.startswith("data."):
        raise ValueError(f"not a data reference: {ref}")
    return ref.removeprefix("data.").replace(".", "/")


def modules_to_load(library: PolicyLibrary, tests: PolicyModule | None) -> list[PolicyModule]:
    return [*library.decision_modules, *([tests] if tests is not None else [])]
