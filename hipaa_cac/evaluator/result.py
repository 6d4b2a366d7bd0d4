"""What an evaluation produces, per control. Every field is documented because
auditors read these (through the JSON report and the ledger).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    PASS = "pass"  # every needed piece of evidence is current and complete, no rule found anything
    FAIL = "fail"  # at least one rule produced a finding
    INSUFFICIENT_EVIDENCE = "insufficient_evidence"  # evidence never collected, errored or partial
    STALE = "stale"  # evidence exists but is older than the control allows
    ATTESTATION_MISSING = "attestation_missing"  # a person must attest and nobody has
    ATTESTATION_EXPIRED = "attestation_expired"  # the attestation is older than the control allows
    NOT_APPLICABLE = (
        "not_applicable"  # addressable spec documented as not reasonable and appropriate
    )
    WAIVED = "waived"  # active waivers cover every finding of a control that would otherwise pass
    ERROR = "error"  # a rule could not be evaluated

    @property
    def passing(self) -> bool:
        """Statuses that do not fail a CI gate."""
        return self in (Status.PASS, Status.NOT_APPLICABLE, Status.WAIVED)


@dataclass(frozen=True)
class Finding:
    control: str  # control id the finding counts against
    resource: str  # canonical id: an ARN, a resource id, or path:line for code
    message: str  # what is wrong; never a secret or PHI value
    severity: str  # critical | high | medium | low
    rule: str  # the Rego rule that produced it: data.hipaa.<family>.<rule>
    evidence_sha256: str | None = None  # hash of the evidence item the resource was read from
    # {"path": "app/views.py", "line": 42, "repository": "git:github.com/acme/api"} when the
    # evidence item is located in a file (code, config, logs, secrets): what SARIF annotates.
    location: dict[str, Any] | None = None
    # Id of the active waiver whose scope covers the resource (evaluator/waive.py): the finding
    # is kept so auditors see it, but not counted against the control. None: it counts.
    waiver: str | None = None


@dataclass(frozen=True)
class EvidenceUse:
    """One evidence kind a control relied on, and where it came from."""

    kind: str
    status: str  # complete | partial | error | missing | stale | out_of_scope
    max_age: str
    collected_at: str | None  # oldest current collection of this kind
    items: int
    collections: tuple[dict[str, str], ...] = ()  # Collection.reference() of each source


@dataclass(frozen=True)
class RuleUse:
    rule: str
    findings: int
    error: str | None = None
    skipped: str | None = None  # why the rule did not run (its evidence is unusable)


@dataclass(frozen=True)
class ControlResult:
    control: str
    version: str
    citation: str
    title: str
    requirement: str
    content_hash: str  # of the control document evaluated
    status: Status
    reason: str  # one sentence a person reads first
    findings: tuple[Finding, ...] = ()
    missing: tuple[str, ...] = ()  # each thing that must be supplied for the control to be decided
    evidence: tuple[EvidenceUse, ...] = ()
    rules: tuple[RuleUse, ...] = ()
    attestations: tuple[dict[str, str], ...] = field(
        default=()
    )  # kind, subject, sha256, attested_at
    # Waivers that covered at least one finding here: id, file, sha256 (of the waiver file),
    # expires. Only a `fail` is ever waived; the status says whether anything still counts.
    waivers: tuple[dict[str, str], ...] = ()
    # Waivers (same fields) that would have covered a finding but had expired: they no longer
    # apply, and the reason says so.
    expired_waivers: tuple[dict[str, str], ...] = ()

    @property
    def counted(self) -> tuple[Finding, ...]:
        """The findings that count against the control: those no waiver covers."""
        return tuple(f for f in self.findings if f.waiver is None)

    def to_dict(self) -> dict[str, Any]:
        document = asdict(self)
        document["status"] = str(self.status)
        return document
