"""`hipaa-cac.yaml`, the policy repository's configuration.

version: 1
organization: Acme Telehealth
controls: [builtin]          # or [controls] after `hipaa-cac init` copied them
policies: [builtin]
evidence: evidence
ledger: .hipaa-cac/ledger.sqlite  # or postgresql://ci@db.internal/compliance
engine: embedded             # or opa, with opa_url
sources:                     # what `hipaa-cac collect` runs
  - id: attestations
    collector: attestations
  - id: api-repo
    collector: git
    config: {path: ../api}
retention: {evidence: 2192d}  # unreferenced evidence; the ledger's is kept forever
waivers: {path: waivers, max_duration: 365d}  # both optional (docs/waivers.md)
notify:                      # what `hipaa-cac run` tells (docs/notifications.md)
  - {type: slack, url_env: SLACK_WEBHOOK_URL}
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hipaa_cac import schemas
from hipaa_cac.errors import InputError
from hipaa_cac.ledger.location import LedgerUrl, ledger_location
from hipaa_cac.paths import builtin_dir
from hipaa_cac.yamlfile import load_yaml

if TYPE_CHECKING:
    from hipaa_cac.notify.targets import Target

CONFIG_FILE = "hipaa-cac.yaml"


DEFAULT_RETENTION = "2192d"  # six years (164.316(b)(2)(i)), the safe default


@dataclass(frozen=True)
class SourceConfig:
    id: str
    collector: str
    config: dict[str, Any]
    line: int | None  # of its entry in hipaa-cac.yaml, for error messages


@dataclass(frozen=True)
class RepoConfig:
    root: Path
    organization: str
    controls: tuple[Path, ...]
    policies: tuple[Path, ...]
    evidence: Path
    ledger: Path | LedgerUrl  # a URL is never joined to the root
    engine: str
    opa_url: str
    sources: tuple[SourceConfig, ...] = ()
    evidence_retention: str = DEFAULT_RETENTION
    # Set only when hipaa-cac.yaml names it (then it must exist); else waivers/ if present.
    waivers: Path | None = None
    waiver_max_duration: str | None = None  # None: one calendar year
    notify: tuple[Target, ...] = ()  # notification targets of `hipaa-cac run`


def load_config(root: Path) -> RepoConfig:
    # Imported here: notify renders evaluation results, and the evaluator reads config.
    from hipaa_cac.notify.targets import load_targets

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
        ledger=_ledger(root, data.get("ledger", ".hipaa-cac/ledger.sqlite"), document.line_of),
        engine=data.get("engine", "embedded"),
        opa_url=data.get("opa_url", "http://127.0.0.1:8181"),
        sources=_sources(data.get("sources", []), document.line_of),
        evidence_retention=data.get("retention", {}).get("evidence", DEFAULT_RETENTION),
        waivers=root / data["waivers"]["path"] if "path" in data.get("waivers", {}) else None,
        waiver_max_duration=data.get("waivers", {}).get("max_duration"),
        notify=load_targets(data.get("notify"), document.line_of),
    )


def _sources(
    entries: list[dict[str, Any]], line_of: Callable[[list[str | int]], int | None]
) -> tuple[SourceConfig, ...]:
    seen: set[str] = set()
    sources = []
    for index, entry in enumerate(entries):
        line = line_of(["sources", index])
        if entry["id"] in seen:
            message = f"sources/{index}: id {entry['id']!r} is used twice"
            raise InputError(message, CONFIG_FILE, line)
        seen.add(entry["id"])
        sources.append(SourceConfig(entry["id"], entry["collector"], entry.get("config", {}), line))
    return tuple(sources)


def _ledger(
    root: Path, value: str, line_of: Callable[[list[str | int]], int | None]
) -> Path | LedgerUrl:
    try:
        return ledger_location(value, root)
    except ValueError as exc:
        raise InputError(f"ledger: {exc}", CONFIG_FILE, line_of(["ledger"])) from None


def _dirs(root: Path, entries: list[str], builtin: str) -> tuple[Path, ...]:
    return tuple(builtin_dir(builtin) if entry == "builtin" else root / entry for entry in entries)
