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

from dataclasses import dataclass
from pathlib import Path

from hipaa_cac import schemas
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
    schemas.check("config", data, CONFIG_FILE, document.line_of)
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
