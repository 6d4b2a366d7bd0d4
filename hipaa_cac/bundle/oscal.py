"""OSCAL 1.1 documents for the auditor bundle: Assessment Results and the catalog.

Assessment Results hold one `result` per evaluation run in the period; in it,
per control, one observation (what was examined: the evidence collections,
with `relevant-evidence` links into the bundle, and every finding) and one
finding whose target is the control, `satisfied` or `not-satisfied`:

    pass, not_applicable      -> satisfied      reason pass / other
    fail                      -> not-satisfied  reason fail
    anything else             -> not-satisfied  reason other (stale, insufficient
                                 evidence, error, attestation missing/expired, waived)

Our own status is kept in a `status` prop (namespace NS) so nothing is lost.
UUIDs are name-based (uuid5 of the ledger entry hash), so the same ledger
gives the same document byte for byte.
"""

from __future__ import annotations

import uuid
from typing import Any

from hipaa_cac import __version__
from hipaa_cac.bundle.period import LedgerExcerpt, Period
from hipaa_cac.controls import Catalog, Control
from hipaa_cac.ledger import LedgerEntry
from hipaa_cac.ledger.record import CONTROL_STATUS, RUN

OSCAL_VERSION = "1.1.2"
NS = "https://github.com/hipaa-cac/hipaa-cac/ns/oscal"
_UUIDS = uuid.UUID("5f0c8a52-3c1e-4e8e-9a57-7d7f1c0e2b11")  # this tool's uuid5 namespace

_STATE = {"pass": ("satisfied", "pass"), "not_applicable": ("satisfied", "other")}


def assessment_results(
    organization: str,
    period: Period,
    excerpt: LedgerExcerpt,
    collection_files: dict[str, dict[str, str]],
) -> dict[str, Any]:
    runs = [excerpt.entries(run_id) for run_id in excerpt.runs]
    last_recorded = max(entries[0].recorded_at for entries in runs)
    return {
        "assessment-results": {
            "uuid": _uuid("assessment-results", excerpt.head_hash, period.start, period.end),
            "metadata": {
                "title": f"HIPAA Security Rule assessment results: {organization}, "
                f"{period.start[:10]} to {period.last_day}",
                "last-modified": last_recorded,
                "version": excerpt.head_hash,
                "oscal-version": OSCAL_VERSION,
                "props": [
                    _prop("generator", f"hipaa-cac {__version__}"),
                    _prop("ledger-head", excerpt.head_hash),
                ],
            },
            # hipaa-cac assesses continuously from its catalog; there is no separate plan.
            "import-ap": {"href": "catalog/oscal-catalog.json"},
            "results": [_result(entries, collection_files) for entries in runs],
        }
    }


def _result(entries: list[LedgerEntry], files: dict[str, dict[str, str]]) -> dict[str, Any]:
    run = entries[0]
    assert run.type == RUN, run  # excerpt.entries(run_id) starts with the run entry
    statuses = [e for e in entries if e.type == CONTROL_STATUS]
    observations = [_observation(e, run, files) for e in statuses]
    p = run.payload
    return {
        "uuid": _uuid("result", run.hash),
        "title": f"Evaluation {run.run_id}",
        "description": (
            f"Every control of the catalog evaluated as of {p['as_of']} with the "
            f"{p['engine']} Rego engine (hipaa-cac {p['tool_version']}); recorded in the "
            f"ledger at {run.recorded_at} as entries {run.seq}-{entries[-1].seq}."
        ),
        "start": p["as_of"],
        "props": [
            _prop("run-id", run.run_id),
            _prop("catalog-hash", p["catalog_hash"]),
            _prop("policy-hash", p["policy_hash"]),
            _prop("ledger-entry-hash", run.hash),
        ],
        "reviewed-controls": {
            "control-selections": [
                {"include-controls": [{"control-id": e.payload["control"]} for e in statuses]}
            ]
        },
        "observations": observations,
        "findings": [_finding(e, o["uuid"]) for e, o in zip(statuses, observations, strict=True)],
    }


def _observation(
    entry: LedgerEntry, run: LedgerEntry, files: dict[str, dict[str, str]]
) -> dict[str, Any]:
    p = entry.payload
    evidence = [
        {
            "href": files[ref["collection"]]["file"],
            "description": f"{use['kind']} ({use['status']}) from {ref['collector']} "
            f"{ref['scope']}, collected {ref['finished_at']}",
        }
        for use in p["evidence"]
        for ref in use["collections"]
        if ref["collection"] in files
    ]
    observation: dict[str, Any] = {
        "uuid": _uuid("observation", entry.hash),
        "title": f"{p['control']}: {p['status']}",
        "description": p["reason"],
        "props": [
            _prop("status", p["status"]),
            _prop("control-version", p["version"]),
            _prop("control-hash", p["content_hash"]),
            _prop("ledger-entry-hash", entry.hash),
        ],
        "methods": ["EXAMINE"] if p.get("attestations") and not p["rules"] else ["TEST"],
        "collected": run.payload["as_of"],
    }
    if evidence:
        observation["relevant-evidence"] = evidence
    remarks = _remarks(p)
    if remarks:
        observation["remarks"] = remarks
    return observation


def _remarks(p: dict[str, Any]) -> str:
    lines = [f"- missing: {need}" for need in p.get("missing", [])]
    lines += [f"- [{f['severity']}] {f['resource']}: {f['message']}" for f in p["findings"]]
    return "\n".join(lines)


def _finding(entry: LedgerEntry, observation_uuid: str) -> dict[str, Any]:
    p = entry.payload
    state, reason = _STATE.get(p["status"], ("not-satisfied", "other"))
    if p["status"] == "fail":
        reason = "fail"
    return {
        "uuid": _uuid("finding", entry.hash),
        "title": f"{p['citation']} {p['title']}",
        "description": p["reason"],
        "props": [_prop("status", p["status"])],
        "target": {
            "type": "objective-id",
            "target-id": p["control"],
            "status": {"state": state, "reason": reason},
        },
        "related-observations": [{"observation-uuid": observation_uuid}],
    }


def catalog(catalog: Catalog, organization: str, last_modified: str) -> dict[str, Any]:
    """The control catalog as an OSCAL catalog, grouped by safeguard."""
    groups: dict[str, list[Control]] = {}
    for control in catalog:
        groups.setdefault(control.safeguard, []).append(control)
    return {
        "catalog": {
            "uuid": _uuid("catalog", catalog.hash),
            "metadata": {
                "title": f"HIPAA controls as code ({organization})",
                "last-modified": last_modified,
                "version": catalog.hash,
                "oscal-version": OSCAL_VERSION,
            },
            "groups": [
                {
                    "id": safeguard,
                    "title": f"{safeguard.capitalize()} safeguards",
                    "controls": [_control(c) for c in controls],
                }
                for safeguard, controls in sorted(groups.items())
            ],
        }
    }


def _control(control: Control) -> dict[str, Any]:
    props = [
        _prop("label", control.citation, ns=None),
        _prop("requirement", control.requirement),
        _prop("version", control.version),
        _prop("content-hash", control.content_hash),
    ]
    if control.standard:
        props.append(_prop("standard", control.standard))
    return {
        "id": control.id,
        "class": control.type.replace("_", "-"),
        "title": control.title,
        "props": props,
        "parts": [
            {"id": f"{control.id}_smt", "name": "statement", "prose": control.rationale.strip()}
        ],
    }


def _prop(name: str, value: str, ns: str | None = NS) -> dict[str, str]:
    prop = {"name": name, "value": value}
    if ns:
        prop["ns"] = ns
    return prop


def _uuid(*parts: str) -> str:
    return str(uuid.uuid5(_UUIDS, "/".join(parts)))
