"""The files an auditor bundle carries besides its reports, as `{bundle path: bytes}`.

    catalog/controls/technical/hipaa-164-312-b.yaml    the catalog, as loaded now
    policy-library/policies/technical/audit.rego       the policies, at their library paths
    evidence/runs/20261120T060000Z-aws-….json           every collection a period run used
    evidence/objects/ab/cdef….json                      and every object those runs refer to
    repository/attestations/baa/aws.yaml                attestation files behind that evidence
    repository/documents/baa-aws.pdf                    their signed documents (hash-checked)
    repository/waivers/W-2026-001.yaml                  waivers and the risk register, if any

Evidence is copied only when its bytes still have the hash the ledger
recorded; anything else is an InputError, because a bundle must not present
evidence the runs did not see. Attestation files and documents are the
repository's current copies (the evidence objects hold what was collected).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from hipaa_cac.canonical import sha256_hex
from hipaa_cac.config import RepoConfig
from hipaa_cac.errors import InputError
from hipaa_cac.evidence.objects import OBJECTS_DIR, ObjectStore
from hipaa_cac.ledger import LedgerEntry
from hipaa_cac.policy import load_library

CATALOG = "catalog"
POLICIES = "policy-library"
EVIDENCE = "evidence"
REPOSITORY = "repository"
# Repository folders copied whole when they exist: decisions the auditor must see.
REPOSITORY_DIRS = ("waivers", "risk")


@dataclass
class BundleFiles:
    files: dict[str, bytes] = field(default_factory=dict)
    # reference path in the ledger -> (bundle path, sha256), for `bundle verify`
    collections: dict[str, dict[str, str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what the auditor should know is absent

    def add(self, path: str, data: bytes) -> None:
        clean = PurePosixPath(path)
        if clean.is_absolute() or ".." in clean.parts:
            raise InputError(f"refusing to bundle a path outside the bundle: {path}")
        self.files[clean.as_posix()] = data


def gather(config: RepoConfig, runs: list[LedgerEntry]) -> BundleFiles:
    """Everything but the reports, for the period's `run` entries."""
    bundle = BundleFiles()
    for directory in config.controls:
        _copy_tree(bundle, directory, f"{CATALOG}/controls", ("*.yaml", "*.yml"))
    # At their library paths, so that `bundle verify` recomputes the policy bundle hash.
    for module in load_library(list(config.policies), display_root=config.root).modules:
        bundle.add(f"{POLICIES}/{module.path}", module.source.encode("utf-8"))
    references = {r["collection"]: r for run in runs for r in run.payload["collections"]}
    for shown in sorted(references):
        _copy_collection(bundle, config, references[shown])
    for name in REPOSITORY_DIRS:
        directory = config.waivers if name == "waivers" and config.waivers else config.root / name
        if directory.is_dir():
            _copy_tree(bundle, directory, f"{REPOSITORY}/{name}", ("*",))
    return bundle


def _copy_tree(
    bundle: BundleFiles, directory: Path, prefix: str, patterns: tuple[str, ...]
) -> None:
    files = {f for pattern in patterns for f in directory.rglob(pattern) if f.is_file()}
    for file in sorted(files):
        bundle.add(f"{prefix}/{file.relative_to(directory).as_posix()}", file.read_bytes())


def _copy_collection(bundle: BundleFiles, config: RepoConfig, reference: dict[str, str]) -> None:
    shown = reference["collection"]
    file = _locate(config, shown)
    try:
        raw = file.read_bytes()
    except OSError:
        raise InputError(
            "evidence a recorded run used is missing (pruned, or collected on another "
            "machine?): the bundle cannot show it",
            shown,
        ) from None
    if "sha256:" + sha256_hex(raw) != reference["sha256"]:
        raise InputError("evidence changed after the run that used it (hash differs)", shown)
    inside = f"{EVIDENCE}/{file.relative_to(config.evidence).as_posix()}"
    bundle.add(inside, raw)
    bundle.collections[shown] = {"file": inside, "sha256": reference["sha256"]}
    objects = ObjectStore(config.evidence)
    for entry in json.loads(raw)["items"]:
        if "data" in entry:  # an inline item: nothing more to copy
            item = entry
        else:
            path = objects.path_for(entry["sha256"])
            try:
                data = path.read_bytes()
            except OSError:
                raise InputError(
                    f"evidence object {entry['sha256']} it refers to is missing", shown
                ) from None
            relative = path.relative_to(config.evidence / OBJECTS_DIR).as_posix()
            bundle.add(f"{EVIDENCE}/{OBJECTS_DIR}/{relative}", data)
            item = json.loads(data)
        if item["kind"].startswith("attestation."):
            _copy_attestation_files(bundle, config, item["data"])


def _locate(config: RepoConfig, shown: str) -> Path:
    """The file a collection reference names: repo-relative, or `<evidence dir name>/…`."""
    in_repo = config.root / shown
    if in_repo.is_file():
        return in_repo
    first, _, rest = shown.partition("/")
    if first == config.evidence.name:
        return config.evidence / rest
    return in_repo


def _copy_attestation_files(bundle: BundleFiles, config: RepoConfig, data: dict[str, Any]) -> None:
    source = data.get("source_file")
    if isinstance(source, str):
        _copy_repository_file(bundle, config, source, None)
    document = data.get("document")
    if isinstance(document, str):
        _copy_repository_file(bundle, config, document, data.get("document_sha256"))


def _copy_repository_file(
    bundle: BundleFiles, config: RepoConfig, relative: str, expected_sha256: Any
) -> None:
    target = f"{REPOSITORY}/{relative}"
    if target in bundle.files:
        return
    file = config.root / relative
    if not file.is_file():
        bundle.notes.append(
            f"{relative}: referenced by attestation evidence, not in the repository"
        )
        return
    raw = file.read_bytes()
    if isinstance(expected_sha256, str) and expected_sha256.removeprefix("sha256:") != sha256_hex(
        raw
    ):
        bundle.notes.append(f"{relative}: changed since it was attested (hash differs); left out")
        return
    bundle.add(target, raw)
