"""`hipaa-cac bundle verify`: is this the bundle that was signed, whole and consistent?

Checks, each reported by the file it concerns:

  1. manifest.sig verifies over manifest.json with the given public key, and
     that key is the `signer` the manifest names;
  2. every file the manifest lists is present with its SHA-256 and size, and
     the zip holds nothing else;
  3. ledger/entries.jsonl is an unbroken chain from `ledger.anchor` to
     `ledger.head_hash`, holding every run the manifest names;
  4. every evidence collection a period run recorded is in the bundle with the
     hash the run recorded, and each of its items matches its own hash;
  5. the catalog and policy hashes recompute from the bundled files.

A bundle that is not a readable zip, or has no manifest, is bad input
(InputError, exit 2); a failed check is a verification failure (exit 1).
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from hipaa_cac import signing
from hipaa_cac.bundle import archive
from hipaa_cac.bundle.create import LEDGER_FILE
from hipaa_cac.bundle.files import CATALOG, EVIDENCE, POLICIES
from hipaa_cac.canonical import canonical_json, content_hash, sha256_hex
from hipaa_cac.controls import load_catalog
from hipaa_cac.errors import InputError
from hipaa_cac.evidence.objects import ObjectStore
from hipaa_cac.evidence.store import read_collection
from hipaa_cac.ledger import StoredEntry, verify_chain
from hipaa_cac.ledger.record import RUN


@dataclass
class BundleVerification:
    problems: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)  # what was checked, for the summary
    not_checked: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_bundle(path: Path, public_key: Path | None) -> BundleVerification:
    members = archive.read_zip(path)
    raw_manifest = members.get(archive.MANIFEST)
    if raw_manifest is None:
        raise InputError(f"no {archive.MANIFEST}: not a hipaa-cac auditor bundle", path)
    try:
        manifest = json.loads(raw_manifest)
    except ValueError:
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != archive.FORMAT:
        raise InputError(f"{archive.MANIFEST} is not a {archive.FORMAT} manifest", path)
    try:
        return _verify(members, manifest, public_key)
    except (KeyError, TypeError, AttributeError):
        # The format line is right but a field is missing or of the wrong type.
        raise InputError(f"{archive.MANIFEST} is malformed", path) from None


def _verify(
    members: dict[str, bytes], manifest: dict[str, Any], public_key: Path | None
) -> BundleVerification:
    result = BundleVerification()
    _signature(result, members, manifest, public_key)
    listed = _files(result, members, manifest)
    if LEDGER_FILE in listed:
        runs = _ledger(result, members[LEDGER_FILE], manifest["ledger"])
        _evidence(result, members, manifest.get("evidence", {}), runs, listed)
    _hashes(result, members, manifest, listed)
    return result


def _signature(
    result: BundleVerification,
    members: dict[str, bytes],
    manifest: dict[str, Any],
    key: Path | None,
) -> None:
    if key is None:
        result.not_checked.append("signature (no --pubkey given): integrity only, not origin")
        return
    public = signing.load_public_key(key)
    signature = members.get(archive.SIGNATURE)
    if signature is None:
        result.problems.append(f"{archive.SIGNATURE}: missing: the bundle is not signed")
        return
    if not signing.verify(public, members[archive.MANIFEST], signature.decode("ascii", "replace")):
        result.problems.append(
            f"{archive.SIGNATURE}: does not verify {archive.MANIFEST} with {key.name} "
            "(the manifest changed, or another key signed it)"
        )
        return
    if manifest.get("signer") != signing.fingerprint(public):
        result.problems.append(f"{archive.MANIFEST}: names signer {manifest.get('signer')}")
        return
    result.checked.append(f"signature by {manifest['signer']}")


def _files(
    result: BundleVerification, members: dict[str, bytes], manifest: dict[str, Any]
) -> set[str]:
    """The listed files that are present and intact."""
    intact: set[str] = set()
    listed = {entry["path"]: entry for entry in manifest.get("files", [])}
    for path, entry in sorted(listed.items()):
        data = members.get(path)
        if data is None:
            result.problems.append(f"{path}: listed in the manifest, missing from the bundle")
        elif sha256_hex(data) != entry["sha256"] or len(data) != entry["bytes"]:
            result.problems.append(f"{path}: content does not match its manifest hash (modified)")
        else:
            intact.add(path)
    extra = set(members) - set(listed) - {archive.MANIFEST, archive.SIGNATURE}
    result.problems.extend(f"{p}: not listed in the manifest (added)" for p in sorted(extra))
    result.checked.append(f"{len(intact)} of {len(listed)} files match the manifest")
    return intact


def _ledger(result: BundleVerification, raw: bytes, expected: dict[str, Any]) -> list[StoredEntry]:
    """The run entries of the period, once the chain checks out."""
    rows = []
    for number, line in enumerate(raw.decode("utf-8").splitlines(), start=1):
        try:
            fields = json.loads(line)
            rows.append(
                StoredEntry(
                    seq=fields["seq"],
                    run_id=fields["run_id"],
                    type=fields["type"],
                    payload_json=canonical_json(fields["payload"]),
                    recorded_at=fields["recorded_at"],
                    prev_hash=fields["prev_hash"],
                    hash=fields["hash"],
                )
            )
        except (ValueError, KeyError, TypeError):
            result.problems.append(f"{LEDGER_FILE}:{number}: not a ledger entry")
            return []
    chain = verify_chain(rows, first_seq=expected["first_seq"], anchor=expected["anchor"])
    if not chain.ok:
        result.problems.append(f"{LEDGER_FILE}: {chain.problem}")
        return []
    if chain.head_hash != expected["head_hash"]:
        result.problems.append(
            f"{LEDGER_FILE}: ends at {chain.head_hash}, not the head {expected['head_hash']}"
        )
        return []
    runs = [row for row in rows if row.type == RUN and row.run_id in expected["runs"]]
    if sorted({row.run_id for row in runs}) != sorted(expected["runs"]):
        result.problems.append(f"{LEDGER_FILE}: does not hold every run the manifest names")
    result.checked.append(f"ledger chain of {chain.entries} entries to {chain.head_hash}")
    return runs


def _evidence(
    result: BundleVerification,
    members: dict[str, bytes],
    where: dict[str, dict[str, str]],
    runs: list[StoredEntry],
    intact: set[str],
) -> None:
    references = {
        r["collection"]: r["sha256"]
        for run in runs
        for r in json.loads(run.payload_json)["collections"]
    }
    with tempfile.TemporaryDirectory(prefix="hipaa-cac-verify-") as tmp:
        # read_collection checks items against objects on disk, as `evaluate` reads them.
        root = Path(tmp)
        for path in intact:
            if path.startswith(f"{EVIDENCE}/"):
                target = root / PurePosixPath(path)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(members[path])
        objects = ObjectStore(root / EVIDENCE)
        for shown, sha256 in sorted(references.items()):
            located = where.get(shown)
            if located is None or located["file"] not in intact:
                result.problems.append(f"{shown}: evidence a run recorded is not in the bundle")
                continue
            if "sha256:" + sha256_hex(members[located["file"]]) != sha256:
                result.problems.append(f"{located['file']}: not the evidence the run recorded")
                continue
            try:
                read_collection(root / located["file"], located["file"], objects)
            except InputError as exc:
                result.problems.append(str(exc))
    result.checked.append(f"{len(references)} evidence collections the runs recorded")


def _hashes(
    result: BundleVerification,
    members: dict[str, bytes],
    manifest: dict[str, Any],
    intact: set[str],
) -> None:
    prefix = f"{POLICIES}/"
    modules = [
        [path.removeprefix(prefix), "sha256:" + sha256_hex(members[path])]
        for path in intact
        if path.startswith(prefix)
    ]
    if content_hash(sorted(modules)) != manifest.get("policy_hash"):
        result.problems.append(
            f"{POLICIES}/: policy files do not hash to {manifest.get('policy_hash')}"
        )
    with tempfile.TemporaryDirectory(prefix="hipaa-cac-verify-") as tmp:
        controls = Path(tmp) / "controls"
        for path in intact:
            if path.startswith(f"{CATALOG}/controls/"):
                target = controls / path.removeprefix(f"{CATALOG}/controls/")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(members[path])
        try:
            catalog_hash = load_catalog([controls]).hash if controls.is_dir() else None
        except InputError as exc:
            catalog_hash = f"unreadable ({exc})"
    if catalog_hash != manifest.get("catalog_hash"):
        result.problems.append(
            f"{CATALOG}/controls/: do not hash to {manifest.get('catalog_hash')}"
        )
    result.checked.append("catalog and policy hashes")
