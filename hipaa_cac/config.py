"""`hipaa-cac.yaml`, the policy repository's configuration.

version: 1
organization: Acme Telehealth
controls: [builtin]          # or [controls] after `hipaa-cac init` copied them
policies: [builtin]
evidence: evidence
ledger: .hipaa-cac/ledger.sqlite
engine: embedded             # or opa, with opa_url
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from jsonschema import Draft202012Validator

from hipaa_cac.errors import InputError
from hipaa_cac.paths import builtin_dir
from hipaa_cac.yamlfile import load_yaml

CONFIG_FILE = "hipaa-cac.yaml"


@dataclass(frozen=True)
class RepoConfig:
    root: Path
    organization: str
    controls: tuple[Path, ...]
    policies: tuple[Path, ...]
    evidence: Path
    ledger: Path
    engine: str
    opa_url: str


def load_config(root: Path) -> RepoConfig:
    file = root / CONFIG_FILE
    if not file.is_file():
        raise InputError(
            f"no {CONFIG_FILE} here: run 'hipaa-cac init {root}' or pass --repo DIR", root
        )
    document = load_yaml(file)
    data = document.data if document.data is not None else {}
    schema = json.loads(
        resources.files("hipaa_cac.schemas").joinpath("config.schema.json").read_text()
    )
    for error in Draft202012Validator(schema).iter_errors(data):
        path = list(error.absolute_path)
        where = "/".join(str(p) for p in path) or "(document)"
        raise InputError(f"{where}: {error.message}", CONFIG_FILE, document.line_of(path))
    return RepoConfig(
        root=root,
        organization=data.get("organization", root.resolve().name),
        controls=_dirs(root, data.get("controls", ["controls"]), "controls"),
        policies=_dirs(root, data.get("policies", ["policies"]), "policies"),
        evidence=root / data.get("evidence", "evidence"),
        ledger=root / data.get("ledger", ".hipaa-cac/ledger.sqlite"),
        engine=data.get("engine", "embedded"),
        opa_url=data.get("opa_url", "http://127.0.0.1:8181"),
    )


def _dirs(root: Path, entries: list[str], builtin: str) -> tuple[Path, ...]:
    return tuple(builtin_dir(builtin) if entry == "builtin" else root / entry for entry in entries)
