"""Check one attestation document: its type's JSON Schema, then what a schema
cannot say (real calendar dates, no past event dated in the future, dates in
order). Every error names the field and, when known, its line.

The schemas stay the single source of truth: which dates must not be in the
future is read from them (`$ref: #/$defs/past_date`), and so are the required
fields `hipaa-cac attest` asks for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from typing import Any

from jsonschema.exceptions import ValidationError

from hipaa_cac import schemas
from hipaa_cac.attestations.model import ALL_TYPES, schema_name
from hipaa_cac.errors import InputError

LineOf = Callable[[list[str | int]], int | None]
JsonPath = tuple[str | int, ...]

_DATE_REFS = {"#/$defs/date": False, "#/$defs/past_date": True}  # ref -> must be past

# Keywords whose own message is unhelpful ("… is not valid under any of the
# given schemas", a regex): the schema's description says it in words instead.
_DESCRIBED = {"anyOf", "oneOf", "not", "contains", "pattern"}

# (earlier field, later field) pairs per type that must be in that order.
_ORDER = {
    "baa": (("signed_on", "expires_on"),),
    "policies_procedures": (("last_reviewed_on", "next_review_on"),),
}


def schema_of(type_: str) -> dict[str, Any]:
    schema = schemas.validator(schema_name(type_)).schema
    assert isinstance(schema, dict)  # ours are objects, never boolean schemas
    return schema


def validate_document(data: Any, shown: str, line_of: LineOf, now: datetime) -> str:
    """Raise InputError at the first problem; return the document's type."""
    if not isinstance(data, dict):
        raise InputError("an attestation must be a YAML mapping with a 'type'", shown, 1)
    type_ = data.get("type")
    if type_ not in ALL_TYPES:
        raise InputError(
            f"type: {type_!r} is not an attestation type (hipaa-cac attest --list)",
            shown,
            line_of(["type"]),
        )
    _check_schema(type_, data, shown, line_of)
    _check_dates(type_, data, shown, line_of, now)
    return str(type_)


def _check_schema(type_: str, data: dict[str, Any], shown: str, line_of: LineOf) -> None:
    errors = schemas.validator(schema_name(type_)).iter_errors(data)
    first = min(errors, key=lambda e: list(map(str, e.absolute_path)), default=None)
    if first is None:
        return
    error = _explained(first)
    path = list(error.absolute_path)
    where = "/".join(str(step) for step in path) or "(document)"
    described = isinstance(error.schema, dict) and "description" in error.schema
    if error.validator in _DESCRIBED and described:
        assert isinstance(error.schema, dict)
        prefix = f"{error.instance!r} must be " if error.validator == "pattern" else ""
        message = prefix + str(error.schema["description"])
    else:
        message = error.message
    raise InputError(f"{where}: {message}", shown, line_of(path))


def _explained(error: ValidationError) -> ValidationError:
    # A described anyOf says what is missing better than any branch; an
    # undescribed one wraps the useful error, so show the deepest branch.
    while error.context and not (isinstance(error.schema, dict) and "description" in error.schema):
        error = max(error.context, key=lambda e: len(e.absolute_path))
    return error


def date_fields(
    schema: dict[str, Any], data: Any, path: JsonPath = ()
) -> Iterator[tuple[JsonPath, Any, bool]]:
    """(json path, value, must_be_past) for every date field present in `data`."""
    ref = schema.get("$ref")
    if ref in _DATE_REFS:
        yield path, data, _DATE_REFS[ref]
    elif isinstance(data, dict):
        properties = schema.get("properties", {})
        for key, value in data.items():
            if key in properties:
                yield from date_fields(properties[key], value, (*path, key))
    elif isinstance(data, list) and isinstance(schema.get("items"), dict):
        for index, value in enumerate(data):
            yield from date_fields(schema["items"], value, (*path, index))


def latest_past_date(now: datetime) -> date:
    # A date written today in the furthest-ahead timezone (UTC+14) is not in
    # the future for its writer, even while it is still yesterday in UTC.
    return (now + timedelta(hours=14)).date()


def parse_date(value: str, field: str, shown: str, line: int | None) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{field}: {value!r} is not a real calendar date", shown, line) from None


def _check_dates(
    type_: str, data: dict[str, Any], shown: str, line_of: LineOf, now: datetime
) -> None:
    latest = latest_past_date(now)
    for path, value, past in date_fields(schema_of(type_), data):
        field = "/".join(map(str, path))
        day = parse_date(value, field, shown, line_of(list(path)))
        if past and day > latest:
            raise InputError(
                f"{field}: {value} is in the future (today is {now.date().isoformat()}); "
                "record the day it happened",
                shown,
                line_of(list(path)),
            )
    for earlier, later in _ORDER.get(type_, ()):
        if earlier in data and later in data and data[later] <= data[earlier]:
            raise InputError(
                f"{later}: {data[later]} is not after {earlier} {data[earlier]}",
                shown,
                line_of([later]),
            )
