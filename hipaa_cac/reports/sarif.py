"""`--format sarif`: a SARIF 2.1.0 log for code scanning (GitHub, Azure DevOps, IDE viewers).

One run. Each control that has findings or is not passing is a rule
(`reportingDescriptor`, id = control id); the results are:

- one per finding, level from its severity (critical/high: error, medium:
  warning, low: note). A finding located in a file (code, config, log, secret)
  points at that file and line, relative to its repository (`%SRCROOT%`).
- one per control that cannot be decided (insufficient_evidence, stale,
  attestation_missing, attestation_expired, error): level warning (error for
  `error`), the reason and everything still missing in the message, so CI
  shows "not proven" instead of nothing.
- findings of a control that passes anyway (an addressable decision, a
  waiver), and findings a waiver covers in a control that still fails, are
  kept, with an accepted external suppression naming why (the waiver id).

A result with no file (a cloud resource, an identity-provider user, an
undecided control) names its resource in a logical location and in its
message, and is anchored at line 1 of `hipaa-cac.yaml`: GitHub code scanning
rejects a whole upload if one result has no physical location.

`partialFingerprints` carry a hash of control + resource + rule (control +
status for undecided controls) and an occurrence number, so alerts are tracked
across runs even when a message changes ("161 days overdue"). Output is
deterministic: sorted keys, rules by control id, results by control, resource
and rule; the only time in it is `as_of`. Nothing beyond what findings already
hold (never an evidence value).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from hipaa_cac.canonical import canonical_json, pretty_json, sha256_hex
from hipaa_cac.config import CONFIG_FILE
from hipaa_cac.controls import Catalog, Control
from hipaa_cac.evaluator import ControlResult, Evaluation, Finding, Status

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
TOOL = "hipaa-cac"
SRCROOT = "%SRCROOT%"
FINGERPRINT = "hipaaCac/v1"
LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
UNDECIDED = (
    Status.INSUFFICIENT_EVIDENCE,
    Status.STALE,
    Status.ATTESTATION_MISSING,
    Status.ATTESTATION_EXPIRED,
    Status.ERROR,
)
_CITATION = re.compile(r"45 CFR (\d+\.\d+)((?:\([0-9A-Za-z]+\))*)")


def to_document(evaluation: Evaluation, catalog: Catalog | None = None) -> dict[str, Any]:
    """`catalog` (optional) adds each control's rationale and safeguard to its rule."""
    controls = catalog.controls if catalog is not None else {}
    reported = sorted(
        (r for r in evaluation.results if r.findings or not r.status.passing),
        key=lambda r: r.control,
    )
    results: list[dict[str, Any]] = []
    for r in reported:
        findings = sorted(r.findings, key=lambda f: (f.resource, f.rule, f.message))
        results += [_finding_result(r, f) for f in findings]
        if r.status in UNDECIDED or (not r.status.passing and not r.findings):
            results.append(_undecided_result(r))
    _number_fingerprints(results)
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": TOOL,
                "version": evaluation.tool_version,
                "rules": [_rule(r, controls.get(r.control)) for r in reported],
            }
        },
        "invocations": [
            {
                "executionSuccessful": True,
                "properties": {
                    "as_of": evaluation.as_of,
                    "passed": evaluation.passed,
                    "counts": evaluation.counts,
                },
            }
        ],
        "results": results,
        "properties": evaluation.provenance(),
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _number_fingerprints(results: list[dict[str, Any]]) -> None:
    """`<hash>:<n>`: the n-th result with that identity (one rule can report a
    resource twice), so no two results of a run share a fingerprint."""
    seen: dict[str, int] = {}
    for result in results:
        base = result["partialFingerprints"][FINGERPRINT]
        seen[base] = seen.get(base, 0) + 1
        result["partialFingerprints"][FINGERPRINT] = f"{base}:{seen[base]}"


def render(evaluation: Evaluation, catalog: Catalog | None = None) -> str:
    return pretty_json(to_document(evaluation, catalog))


def _rule(result: ControlResult, control: Control | None) -> dict[str, Any]:
    tags = ["HIPAA"] + ([control.safeguard] if control is not None else [])
    full = control.rationale if control is not None else f"{result.citation}: {result.title}"
    rule: dict[str, Any] = {
        "id": result.control,
        "name": "".join(w[:1].upper() + w[1:] for w in re.split(r"[^0-9A-Za-z]+", result.title)),
        "shortDescription": {"text": result.title},
        "fullDescription": {"text": full},
        "help": {
            "text": (
                f"{result.citation} ({result.requirement}): {result.title}. "
                "Fix each finding as its message says, then evaluate again. A control "
                "reported as not proven lists what must still be supplied: evidence to "
                "collect (hipaa-cac collect) or an attestation to record (hipaa-cac attest)."
            )
        },
        "properties": {
            "citation": result.citation,
            "requirement": result.requirement,
            "tags": tags,
        },
    }
    uri = regulation_uri(result.citation)
    if uri is not None:
        rule["helpUri"] = uri
    return rule


def regulation_uri(citation: str) -> str | None:
    """The eCFR page (and paragraph) of a `45 CFR …` citation."""
    match = _CITATION.fullmatch(citation)
    if match is None:
        return None
    section, paragraph = match.groups()
    uri = f"https://www.ecfr.gov/current/title-45/section-{section}"
    return uri + (f"#p-{section}{paragraph}" if paragraph else "")


def _finding_result(result: ControlResult, finding: Finding) -> dict[str, Any]:
    physical = _file_location(finding.location)
    message = finding.message if physical is not None else f"{finding.resource}: {finding.message}"
    properties: dict[str, Any] = {
        "control_status": str(result.status),
        "resource": finding.resource,
        "rule": finding.rule,
        "severity": finding.severity,
    }
    if finding.evidence_sha256 is not None:
        properties["evidence_sha256"] = finding.evidence_sha256
    if finding.waiver is not None:
        properties["waiver"] = finding.waiver
    entry: dict[str, Any] = {
        "ruleId": result.control,
        "level": LEVELS.get(finding.severity, "warning"),
        "message": {"text": message},
        "locations": [
            {"physicalLocation": physical}
            if physical is not None
            else _logical_location(finding.resource, "resource")
        ],
        "partialFingerprints": {
            FINGERPRINT: sha256_hex(
                canonical_json([result.control, finding.resource, finding.rule])
            )
        },
        "properties": properties,
    }
    justification = _waiver_justification(result, finding.waiver) if finding.waiver else None
    if justification is None and result.status.passing:
        justification = f"{result.status}: {result.reason}"
    if justification is not None:
        entry["suppressions"] = [
            {"kind": "external", "status": "accepted", "justification": justification}
        ]
    return entry


def _waiver_justification(result: ControlResult, waiver_id: str) -> str:
    waiver = next((w for w in result.waivers if w["id"] == waiver_id), None)
    if waiver is None:
        return f"waived by {waiver_id}"
    return f"waived by {waiver_id} until {waiver['expires']} ({waiver['file']})"


def _undecided_result(result: ControlResult) -> dict[str, Any]:
    text = f"{result.control} {result.title} is not proven ({result.status}): "
    text += result.reason.rstrip(".")
    still = [m for m in result.missing if m != result.reason]
    if still:
        text += ". Still needed: " + "; ".join(still)
    return {
        "ruleId": result.control,
        "level": "error" if result.status is Status.ERROR else "warning",
        "message": {"text": text},
        "locations": [_logical_location(result.control, "control")],
        "partialFingerprints": {
            FINGERPRINT: sha256_hex(canonical_json([result.control, "status", str(result.status)]))
        },
        "properties": {
            "control_status": str(result.status),
            "reason": result.reason,
            "missing": list(result.missing),
        },
    }


def _file_location(location: dict[str, Any] | None) -> dict[str, Any] | None:
    if not location or not location.get("path"):
        return None
    artifact: dict[str, Any] = {"uri": quote(str(location["path"]), safe="/"), "uriBaseId": SRCROOT}
    if location.get("repository"):
        artifact["properties"] = {"repository": location["repository"]}
    physical: dict[str, Any] = {"artifactLocation": artifact}
    line = location.get("line")
    physical["region"] = {"startLine": line if isinstance(line, int) and line >= 1 else 1}
    return physical


def _logical_location(name: str, kind: str) -> dict[str, Any]:
    """A named resource or control, anchored where code scanning can show it."""
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": CONFIG_FILE, "uriBaseId": SRCROOT},
            "region": {"startLine": 1},
        },
        "logicalLocations": [{"fullyQualifiedName": name, "kind": kind}],
    }
