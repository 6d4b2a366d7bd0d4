"""Reading Pulumi resource properties: plain values, and values unknown at preview.

The engine sends properties as JSON-like values. A value that will only be
known after an update (an id, an ARN, anything computed from another
resource's output) arrives as one of the sentinel strings below; secrets
arrive unwrapped, in plain text, which is why mappers copy no strings.

A mapper writes `Unknown(compliant=...)` where a property it needs is unknown:

    {"storage_encrypted": Unknown(compliant=True), "publicly_accessible": False}

and the checker evaluates the evidence twice: `pessimistic` (every unknown is
null: "not shown", fails) and `optimistic` (every unknown takes the value no
rule objects to). A finding present in the optimistic reading holds whatever
the unknowns turn out to be; one present only in the pessimistic reading
cannot be decided before the update.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pulumi_policy.proxy import (
    UNKNOWN_ARCHIVE_VALUE,
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_ASSET_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
)

# pulumi/runtime/rpc.py marshals every unknown as UNKNOWN_STRING_VALUE
# ("04da6b54-80e4-46f7-96ec-b56ff0331ba9"); older engines typed them.
SENTINELS = frozenset(
    {
        UNKNOWN_ARCHIVE_VALUE,
        UNKNOWN_ARRAY_VALUE,
        UNKNOWN_ASSET_VALUE,
        UNKNOWN_BOOLEAN_VALUE,
        UNKNOWN_NUMBER_VALUE,
        UNKNOWN_OBJECT_VALUE,
        UNKNOWN_STRING_VALUE,
    }
)


@dataclass(frozen=True)
class Unknown:
    """A value the engine will know only after the update."""

    compliant: Any  # the reading no rule objects to (see `element` for list elements)
    field: str  # the property it stands for, e.g. "storageEncrypted" (a name, never a value)


def is_unknown(value: Any) -> bool:
    return isinstance(value, str) and value in SENTINELS


def plain(value: Any) -> Any:
    """pulumi_policy wraps properties in proxies that raise on an unknown;
    read through them to the values themselves (unknowns stay sentinels)."""
    if isinstance(value, Mapping | Sequence) and not isinstance(value, str | bytes):
        inner = _target(value)
        if isinstance(inner, Mapping):
            return {str(k): plain(v) for k, v in inner.items()}
        return [plain(v) for v in inner]
    return value


def _target(value: Any) -> Any:
    """What a pulumi_policy proxy wraps (its "__target"); anything else as it is."""
    if isinstance(value, dict | list):
        return value
    try:
        return value["__target"]
    except (KeyError, IndexError, TypeError):
        return value


def get(props: Mapping[str, Any] | None, *path: str | int) -> Any:
    """props["a"]["b"][0]...; None where the path is absent or not a container.
    An unknown container on the way is returned as the sentinel."""
    value: Any = props
    for step in path:
        if is_unknown(value):
            return value
        if isinstance(step, int):
            if not isinstance(value, list) or step >= len(value):
                return None
            value = value[step]
        else:
            if not isinstance(value, Mapping):
                return None
            value = value.get(step)
    return value


def flag(value: Any, field: str, absent: bool | None, compliant: bool) -> Any:
    """A boolean property: itself, `absent` when unset, Unknown when unknown."""
    if is_unknown(value):
        return Unknown(compliant, field)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return absent


def number(value: Any, field: str, compliant: int) -> Any:
    if is_unknown(value):
        return Unknown(compliant, field)
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def present(value: Any, field: str) -> Any:
    """Whether a reference (a key ARN, a log group) is set: "set" or None.
    The value itself never reaches a rule."""
    if is_unknown(value):
        return Unknown("set", field)
    return "set" if isinstance(value, str) and value != "" else None


def choice(value: Any, field: str, allowed: Mapping[str, str], compliant: str) -> Any:
    """An enumerated string, normalized through `allowed` (lower-cased keys);
    anything else is "other", so no free text reaches a rule."""
    if is_unknown(value):
        return Unknown(compliant, field)
    if not isinstance(value, str):
        return None
    return allowed.get(value.lower(), "other")


def has_unknowns(value: Any) -> bool:
    if isinstance(value, Unknown):
        return True
    if isinstance(value, dict):
        return any(has_unknowns(v) for v in value.values())
    if isinstance(value, list):
        return any(has_unknowns(v) for v in value)
    return False


def pessimistic(value: Any) -> Any:
    """Every unknown as null; a conditional list element (see `element`) kept."""
    if isinstance(value, Unknown):
        if isinstance(value.compliant, UnknownElement):
            return pessimistic(value.compliant.element)
        return None
    if isinstance(value, dict):
        return {k: pessimistic(v) for k, v in value.items()}
    if isinstance(value, list):
        return [pessimistic(v) for v in value]
    return value


def optimistic(value: Any) -> Any:
    if isinstance(value, Unknown):
        return optimistic(value.compliant)
    if isinstance(value, dict):
        return {k: optimistic(v) for k, v in value.items()}
    if isinstance(value, list):
        return [optimistic(v) for v in value if not _conditional(v)]
    return value


def _conditional(value: Any) -> bool:
    return isinstance(value, Unknown) and isinstance(value.compliant, UnknownElement)


@dataclass(frozen=True)
class UnknownElement:
    """An Unknown's compliant reading for a list element: absent."""

    element: Any


def element(known: Any, field: str) -> Unknown:
    """A list element that applies only if an unknown turns out badly: kept
    (as `known`) in the pessimistic reading, left out in the optimistic one."""
    return Unknown(UnknownElement(known), field)


def unknown_fields(value: Any) -> list[str]:
    found: set[str] = set()

    def walk(v: Any) -> None:
        if isinstance(v, Unknown):
            found.add(v.field)
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    walk(value)
    return sorted(found)
