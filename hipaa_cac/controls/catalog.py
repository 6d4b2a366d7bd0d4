"""Load and validate `controls/`: every YAML file is one control.

Validation is in three layers, each naming file and line: YAML syntax, the
JSON Schema (hipaa_cac/schemas/control.schema.json), then what a schema cannot
say (unique ids, id matches file name, an implementation specification's
standard exists). Cross-checks against the policy library live in
`validation.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hipaa_cac import schemas
from hipaa_cac.canonical import content_hash
from hipaa_cac.controls.model import Control
from hipaa_cac.errors import InputError
from hipaa_cac.paths import display_path
from hipaa_cac.yamlfile import load_yaml


@dataclass(frozen=True)
class Catalog:
    controls: dict[str, Control]  # by id, sorted
    hash: str  # content hash over every control's id, version and hash

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.controls.values())

    def __len__(self) -> int:
        return len(self.controls)


def load_catalog(directories: list[Path], display_root: Path | None = None) -> Catalog:
    controls: dict[str, Control] = {}
    for directory in directories:
        if not directory.is_dir():
            raise InputError("control directory does not exist", directory)
        for file in sorted([*directory.rglob("*.yaml"), *directory.rglob("*.yml")]):
            control = load_control(file, display_path(file, directory, display_root))
            if control.id in controls:
                raise InputError(
                    f"duplicate control id {control.id} (also in {controls[control.id].source})",
                    control.source,
                )
            controls[control.id] = control
    for control in controls.values():
        if control.standard is not None and control.standard not in controls:
            raise InputError(f"standard {control.standard} is not in the catalog", control.source)
    ordered = dict(sorted(controls.items()))
    summary = [[c.id, c.version, c.content_hash] for c in ordered.values()]
    return Catalog(controls=ordered, hash=content_hash(summary))


def load_control(file: Path, shown: str) -> Control:
    document = load_yaml(file)
    data: Any = document.data
    if not isinstance(data, dict):
        raise InputError("a control must be a YAML mapping", shown, 1)
    schemas.check("control", data, shown, document.line_of)
    expected = file.stem
    if data["id"] != expected:
        raise InputError(
            f"id {data['id']!r} does not match file name {expected!r}",
            shown,
            document.line_of(["id"]),
        )
    return Control.from_document(data, shown, content_hash(data))
