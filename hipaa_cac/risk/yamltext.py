"""YAML as the register is read and written.

Read: PyYAML follows YAML 1.1, where `on`, `yes` and `no` are booleans and
dates become `date` objects. The register's review entries are written

    - {on: 2026-11-20, by: jdoe, note: "...", next: 2027-02-01}

so `on` must stay a key, and a date like 2026-02-30 must reach our own check
(file:line) rather than raise a bare ValueError. `parse_text` reads scalars
the YAML 1.2 way for booleans (only true/false) and keeps dates as text.

Write: `scalar("R-004")` gives `R-004`, `scalar("a: b")` gives `"a: b"`:
plain when the loader reads the plain text back as the same string (and a
YAML 1.1 reader would not take it for a boolean), else a double-quoted
(JSON-escaped) string, which YAML reads the same.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from hipaa_cac.yamlfile import YamlDocument, parse_with_loader

_BOOL = "tag:yaml.org,2002:bool"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_YAML12_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
# What YAML 1.1 tools (PyYAML's safe_load, yq v3) read as booleans: we write
# them quoted so that the register means the same to every reader.
_YAML11_BOOL = re.compile(r"^(?:yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF)$")


class RegisterLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans and dates left as text."""


RegisterLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_BOOL, _TIMESTAMP)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
RegisterLoader.add_implicit_resolver(_BOOL, _YAML12_BOOL, list("tTfF"))


def parse_text(text: str, file: Path, shown: str) -> YamlDocument:
    """The data and node tree of `text`; malformed YAML is an InputError at its line."""
    return parse_with_loader(RegisterLoader, text, file, shown)


def scalar(value: str | int) -> str:
    """`value` as YAML text that reads back as exactly `value`, in block or flow context."""
    if isinstance(value, int):
        return str(value)
    if value and "\n" not in value and not _YAML11_BOOL.match(value) and _reads_back(value):
        return value
    return json.dumps(value, ensure_ascii=False)


def flow_list(values: list[str]) -> str:
    """`[a, b]`: the form the register uses for assets and controls."""
    return "[" + ", ".join(scalar(value) for value in values) + "]"


def _reads_back(plain: str) -> bool:
    # Both contexts: in a flow collection `,` `[` `{` end a plain scalar.
    for text, expected in ((f"k: {plain}", {"k": plain}), (f"[{plain}]", [plain])):
        try:
            if yaml.load(text, Loader=RegisterLoader) != expected:  # a SafeLoader
                return False
        except yaml.YAMLError:
            return False
    return True
