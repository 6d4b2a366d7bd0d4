"""`hipaa-cac bundle create`: everything an auditor needs for a period, in one zip.

ledger (verified) -> excerpt for the period -> files (catalog, policies,
evidence, attestations, waivers) -> reports (OSCAL, HTML, README) ->
manifest -> signature -> zip, written atomically.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from hipaa_cac import __version__, signing
from hipaa_cac.bundle import archive, auditor_readme, html_report, oscal
from hipaa_cac.bundle.files import REPOSITORY, REPOSITORY_DIRS, BundleFiles, gather
from hipaa_cac.bundle.period import LedgerExcerpt, Period, select
from hipaa_cac.canonical import canonical_json, pretty_json
from hipaa_cac.config import RepoConfig
from hipaa_cac.controls import load_catalog
from hipaa_cac.ledger import open_ledger
from hipaa_cac.policy import load_library

LEDGER_FILE = "ledger/entries.jsonl"
OSCAL_RESULTS = "oscal/assessment-results.json"
OSCAL_CATALOG = "catalog/oscal-catalog.json"
REPORT = "report.html"
README = "README.md"


@dataclass(frozen=True)
class BundleSummary:
    out: Path
    runs: tuple[str, ...]
    files: int
    head_hash: str
    signer: str | None
    notes: tuple[str, ...]


def create_bundle(
    config: RepoConfig, period: Period, out: Path, sign_key: Path | None = None
) -> BundleSummary:
    # The key first: a missing or unreadable key must fail before any work is done.
    key = signing.load_private_key(sign_key) if sign_key is not None else None
    with open_ledger(config.ledger, create=False) as ledger:
        excerpt = select(ledger, period, str(config.ledger))
    runs = [excerpt.entries(run_id)[0] for run_id in excerpt.runs]
    catalog = load_catalog(list(config.controls), display_root=config.root)
    library = load_library(list(config.policies), display_root=config.root)
    bundle = gather(config, runs)
    last_recorded = runs[-1].recorded_at
    _add_json(bundle, OSCAL_CATALOG, oscal.catalog(catalog, config.organization, last_recorded))
    _add_json(
        bundle,
        OSCAL_RESULTS,
        oscal.assessment_results(config.organization, period, excerpt, bundle.collections),
    )
    report = html_report.render(config.organization, period, excerpt, _repository_yaml(bundle))
    bundle.add(REPORT, report.encode("utf-8"))
    bundle.add(LEDGER_FILE, _ledger_lines(excerpt))
    readme = auditor_readme.render(config.organization, period, excerpt, bundle.notes)
    bundle.add(README, readme.encode("utf-8"))

    signer = signing.fingerprint(key.public_key()) if key is not None else None
    manifest: dict[str, Any] = {
        "format": archive.FORMAT,
        "organization": config.organization,
        "period": {"from": period.start, "to": period.end},
        "generator": f"hipaa-cac {__version__}",
        "ledger": {
            "first_seq": excerpt.first_seq,
            "anchor": excerpt.anchor,
            "head_seq": excerpt.rows[-1].seq,
            "head_hash": excerpt.head_hash,
            "runs": list(excerpt.runs),
        },
        "catalog_hash": catalog.hash,
        "policy_hash": library.hash,
        # The catalog and policies are copied as they are now; runs judged with
        # other versions are named, so nobody mistakes these files for theirs.
        "runs_with_other_catalog": [
            r.run_id for r in runs if r.payload["catalog_hash"] != catalog.hash
        ],
        "runs_with_other_policies": [
            r.run_id for r in runs if r.payload["policy_hash"] != library.hash
        ],
        "evidence": bundle.collections,
        "notes": bundle.notes,
        "signer": signer,
        "files": archive.manifest_files(bundle.files),
    }
    members = dict(bundle.files)
    members[archive.MANIFEST] = archive.manifest_bytes(manifest)
    if key is not None:
        members[archive.SIGNATURE] = (signing.sign(key, members[archive.MANIFEST]) + "\n").encode()
    archive.write_zip(out, members)
    return BundleSummary(
        out, excerpt.runs, len(members), excerpt.head_hash, signer, tuple(bundle.notes)
    )


def _add_json(bundle: BundleFiles, path: str, document: dict[str, Any]) -> None:
    bundle.add(path, pretty_json(document).encode("utf-8"))


def _ledger_lines(excerpt: LedgerExcerpt) -> bytes:
    lines = []
    for row in excerpt.rows:
        entry = row.to_entry()
        fields = {
            "seq": entry.seq,
            "run_id": entry.run_id,
            "type": entry.type,
            "payload": entry.payload,
            "recorded_at": entry.recorded_at,
            "prev_hash": entry.prev_hash,
            "hash": entry.hash,
        }
        lines.append(canonical_json(fields) + "\n")
    return "".join(lines).encode("utf-8")


def _repository_yaml(bundle: BundleFiles) -> dict[str, Any]:
    """Waivers and risk-register files, parsed for the report (unparseable ones skipped:
    `validate` is where they are checked; the files themselves are in the bundle)."""
    parsed: dict[str, Any] = {}
    for path, data in bundle.files.items():
        folder = path.split("/")[1] if path.startswith(f"{REPOSITORY}/") else None
        if folder in REPOSITORY_DIRS and path.endswith((".yaml", ".yml")):
            try:
                parsed[path] = yaml.safe_load(data)
            except yaml.YAMLError:
                continue
    return parsed
