"""Reading a Rego module's structure without an engine: package, rules, METADATA.

Neither regopy nor the OPA REST API hands back annotations, and we need them
before any query runs (which kinds to pass, which controls a rule decides), so
we read them from the source the way `opa inspect` does: a `# METADATA`
comment block is YAML that belongs to the rule on the line right after it.

    # METADATA
    # title: S3 buckets encrypt data at rest
    # custom:
    #   controls: [hipaa-164-312-a-2-iv]
    #   evidence: [aws.s3.bucket]
    #   severity: high
    storage_encrypted_at_rest contains finding if {
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from hipaa_cac.errors import InputError

_PACKAGE = re.compile(r"^package\s+([A-Za-z_][\w.]*)\s*$", re.MULTILINE)
_RULE_HEAD = re.compile(r"^(?:default\s+)?([A-Za-z_]\w*)\b")


@dataclass(frozen=True)
class ParsedRule:
    name: str
    line: int
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ParsedModule:
    package: str
    rules: tuple[ParsedRule, ...]


def parse_module(source: str, path: Path | str) -> ParsedModule:
    package = _PACKAGE.search(source)
    if package is None:
        raise InputError("Rego module has no 'package' line", path, 1)
    lines = source.splitlines()
    rules: dict[str, ParsedRule] = {}
    pending: tuple[int, dict[str, Any]] | None = None
    index = 0
    while index < len(lines):
        text = lines[index]
        if text.strip() == "# METADATA":
            start = index + 1
            index, block = _metadata_block(lines, index + 1)
            pending = (start, _parse_metadata(block, path, start))
            continue
        head = _RULE_HEAD.match(text)
        if head and head.group(1) not in ("package", "import"):
            name = head.group(1)
            metadata = pending[1] if pending else {}
            if name not in rules or metadata:
                rules[name] = ParsedRule(name=name, line=index + 1, metadata=metadata)
            pending = None
        elif text.strip() and not text.startswith((" ", "\t", "#", "}")):
            pending = None
        index += 1
    ordered = tuple(sorted(rules.values(), key=lambda rule: rule.line))
    return ParsedModule(package=package.group(1), rules=ordered)


def _metadata_block(lines: list[str], index: int) -> tuple[int, list[str]]:
    block = []
    while index < len(lines) and lines[index].startswith("#"):
        block.append(lines[index][1:].removeprefix(" "))
        index += 1
    return index, block


def _parse_metadata(block: list[str], path: Path | str, line: int) -> dict[str, Any]:
    try:
        value = yaml.safe_load("\n".join(block))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        offset = mark.line if mark is not None else 0
        raise InputError(
            "malformed METADATA block (YAML in comments)", path, line + offset
        ) from None
    if not isinstance(value, dict):
        raise InputError("METADATA block must be a YAML mapping", path, line)
    return value
