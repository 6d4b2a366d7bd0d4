"""Writing attestations (for `hipaa-cac attest`): which fields a type still
needs, turning `key=value` text into the schema's types, and YAML that
reads as if written by hand.

All of it is read from the type's schema, so the command asks for exactly
what the loader will demand.
"""

from __future__ import annotations

from typing import Any

import yaml

from hipaa_cac.attestations.model import GENERIC_TYPES, SPECIFIC_TYPES
from hipaa_cac.attestations.schema import schema_of
from hipaa_cac.errors import InputError

ENTRY_FIELDS = ("person_id", "course", "completed_on")  # one training completion
INPUT_ONLY = {"type", "signature"}  # set by the command, never by --field


def requirements(type_: str) -> list[str]:
    """What a complete `type_` document needs, for `attest --list`: fields,
    `a|b` where one of several will do, and conditional ones."""
    schema = schema_of(type_)
    if type_ == "training":
        return [f"entries: {', '.join(ENTRY_FIELDS)}"]
    needs = [f for f in schema["required"] if f != "type"]
    for rule in schema.get("allOf", []):
        if "anyOf" in rule:
            needs.append("|".join(alt["required"][0] for alt in rule["anyOf"]))
        elif "if" in rule:
            (field, test), *_ = rule["if"]["properties"].items()
            for then in rule["then"]["required"]:
                needs.append(f"{then} (when {field} is {test['const']})")
    return needs


def missing(type_: str, document: dict[str, Any]) -> list[str]:
    """Required fields `document` lacks: names, or `a|b` alternatives."""
    schema = schema_of(type_)
    if type_ == "training":
        entry = document["entries"][-1] if document.get("entries") else {}
        return [f for f in ENTRY_FIELDS if f not in entry]
    result = [f for f in schema["required"] if f not in document]
    for rule in schema.get("allOf", []):
        if "anyOf" in rule:
            options = [alt["required"][0] for alt in rule["anyOf"]]
            if not any(option in document for option in options):
                result.append("|".join(options))
        elif "if" in rule:
            (field, test), *_ = rule["if"]["properties"].items()
            if document.get(field) == test["const"]:
                result += [f for f in rule["then"]["required"] if f not in document]
    return result


def field_schema(type_: str, key: str) -> dict[str, Any] | None:
    """The property schema for `key` (a training entry's for entry fields),
    with its $ref resolved; None when the type has no such field."""
    schema = schema_of(type_)
    properties = schema["properties"]
    if type_ == "training" and key in ENTRY_FIELDS:
        properties = properties["entries"]["items"]["properties"]
    if key in INPUT_ONLY or key not in properties:
        return None
    prop: dict[str, Any] = properties[key]
    ref = prop.get("$ref", "")
    if ref.startswith("#/$defs/"):
        prop = {**schema["$defs"][ref.removeprefix("#/$defs/")], **prop}
    return prop


def fields_of(type_: str) -> list[str]:
    schema = schema_of(type_)
    names = [k for k in schema["properties"] if k not in INPUT_ONLY]
    if type_ == "training":
        names = [n for n in names if n != "entries"] + list(ENTRY_FIELDS)
    return names


def coerce(type_: str, key: str, values: list[str]) -> Any:
    """`--field key=value` text as the schema's type: lists split on commas
    (and repeated flags add up), integers, `true` for flags."""
    prop = field_schema(type_, key)
    if prop is None:
        raise InputError(f"{type_} has no field {key!r}; its fields: {', '.join(fields_of(type_))}")
    if prop.get("type") == "array":
        return [part.strip() for value in values for part in value.split(",") if part.strip()]
    if len(values) > 1:
        raise InputError(f"field {key!r} is given more than once")
    value = values[0].strip()
    if prop.get("type") == "integer":
        try:
            return int(value)
        except ValueError:
            raise InputError(f"field {key!r}: {value!r} is not a whole number") from None
    if prop.get("const") is True:
        if value.lower() not in ("true", "yes"):
            raise InputError(f"field {key!r}: only 'true' is allowed")
        return True
    return value


def is_flag(type_: str, key: str) -> bool:
    prop = field_schema(type_, key)
    return prop is not None and prop.get("const") is True


def ordered(type_: str, document: dict[str, Any]) -> dict[str, Any]:
    """`document` in reading order: who and when first, then the type's own
    fields in schema order, the document and signature last."""
    head = ["type", "attested_by", "attested_on", "controls", "statement"]
    tail = ["document", "document_sha256", "signature"]
    middle = [k for k in schema_of(type_)["properties"] if k not in head and k not in tail]
    order = head + middle + tail
    return {k: document[k] for k in sorted(document, key=order.index)}


class _HandWritten(yaml.SafeDumper):
    """Dates are written bare (2026-03-01), as a person would; the loader
    reads them back as the same text."""


_HandWritten.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeDumper.yaml_implicit_resolvers.items()
}

HEADER = "# Written by `hipaa-cac attest`; edit freely (docs/attestations.md).\n"


def render(document: dict[str, Any]) -> str:
    body = yaml.dump(document, Dumper=_HandWritten, sort_keys=False, allow_unicode=True, width=88)
    return HEADER + body


def appended_entry(text: str, root: yaml.Node | None, entry: dict[str, Any]) -> str:
    """`text` (a training log whose node tree is `root`) with `entry` added at
    the end of its block list of entries, keeping the author's comments. The
    caller checks that the result parses to exactly one more entry, and
    rewrites the whole log if not (entries not last, or in flow style)."""
    pairs = root.value if isinstance(root, yaml.MappingNode) else []
    entries = next((v for k, v in pairs if getattr(k, "value", None) == "entries"), None)
    indent = entries.start_mark.column if isinstance(entries, yaml.SequenceNode) else 2
    lines = yaml.dump([entry], Dumper=_HandWritten, sort_keys=False, allow_unicode=True)
    block = "".join(" " * indent + line for line in lines.splitlines(keepends=True))
    return text.rstrip("\n") + "\n" + block


def type_help() -> list[str]:
    """One line per type with its required fields, for `attest --list`."""
    rows = [(t, ", ".join(requirements(t))) for t in SPECIFIC_TYPES]
    rows += [(t, ", ".join(requirements(t)) + "  (statement type)") for t in GENERIC_TYPES]
    width = max(len(t) for t, _ in rows)
    return [f"{t.ljust(width)}  {needs}" for t, needs in rows]
