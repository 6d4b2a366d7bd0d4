"""The JSON Schemas shipped with hipaa-cac, and one way to report a violation."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from hipaa_cac.errors import InputError


@cache
def validator(name: str) -> Draft202012Validator:
    """`validator("control")` for control.schema.json, and so on."""
    text = resources.files(__name__).joinpath(f"{name}.schema.json").read_text()
    return Draft202012Validator(json.loads(text))


def check(
    name: str, data: Any, file: str, line_of: Callable[[list[str | int]], int | None]
) -> None:
    """Raise InputError at the first violation: `file:line: evidence/0/kind: … is required`."""
    check_with(validator(name), data, file, line_of)


def check_with(
    schema: Draft202012Validator | dict[str, Any],
    data: Any,
    file: str,
    line_of: Callable[[list[str | int]], int | None],
    at: tuple[str | int, ...] = (),
) -> None:
    """`check` against any schema (a collector's config schema); `at` is where
    `data` sits in the file, so the line and the path shown are the real ones."""
    if isinstance(schema, dict):
        schema = Draft202012Validator(schema)
    errors = sorted(schema.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        error = _most_specific(errors[0])
        path = [*at, *error.absolute_path]
        where = "/".join(str(step) for step in path) or "(document)"
        raise InputError(f"{where}: {error.message}", file, line_of(path))


def _most_specific(error: ValidationError) -> ValidationError:
    # anyOf/allOf errors wrap the useful one; show the deepest.
    while error.context:
        error = max(error.context, key=lambda e: len(e.absolute_path))
    return error
