"""What a person attested, as loaded from `attestations/**/*.yaml`.

Attestation(type="baa", name="aws", source_file="attestations/baa/aws.yaml",
            attested_by="Dana Reyes <dana@example.com>", attested_on="2026-01-10",
            fields={"party": "Amazon Web Services", ...}, controls=None,
            document=None, document_sha256="sha256:…", signature=None)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Types with fields of their own, each with a schema attestation-<type>.schema.json.
SPECIFIC_TYPES = (
    "baa",
    "training",
    "sanctions_policy",
    "security_official",
    "risk_analysis",
    "risk_management_plan",
    "contingency_plan",
    "contingency_plan_test",
    "policies_procedures",
    "breach_notification_procedure",
    "addressable_decision",
    "workforce_roster",
    "access_review",
    "subprocessor",
)

# Every other attestation kind the catalog asks for: a statement and an
# optional scope and next review, one shared schema (attestation-generic).
GENERIC_TYPES = (
    "access_management",
    "deidentification",
    "device_media_controls",
    "documentation_retention",
    "emergency_access",
    "enforcement_cooperation",
    "evaluation",
    "facility_access",
    "incident_response",
    "information_system_activity_review",
    "login_monitoring",
    "malware_protection",
    "minimum_necessary",
    "password_management",
    "permitted_uses",
    "security_awareness",
    "termination_procedure",
    "workforce_security",
    "workstation_security",
    "workstation_use",
)

ALL_TYPES = SPECIFIC_TYPES + GENERIC_TYPES
KINDS = tuple(f"attestation.{t}" for t in ALL_TYPES)

# Fields every type may carry; everything else in a file is type-specific.
COMMON_FIELDS = (
    "type",
    "attested_by",
    "attested_on",
    "controls",
    "statement",
    "document",
    "document_sha256",
    "signature",
)

# How long an attestation counts unless the control says otherwise (the
# evaluator applies the control's own max_age as well): a year, the cycle
# HIPAA reviews, training and agreements are usually renewed on.
MAX_AGE = "365d"


def schema_name(type_: str) -> str:
    """The schema file (without .schema.json) that validates `type_`."""
    return "attestation-generic" if type_ in GENERIC_TYPES else f"attestation-{type_}"


@dataclass(frozen=True)
class Signature:
    """A signature that verified: an invalid one never gets this far."""

    method: str  # "ed25519" or "ssh"
    key: str  # key id (keys/<key>.pub) or SSH principal


@dataclass(frozen=True)
class Attestation:
    type: str
    name: str  # file stem: the subject is attestation:<type>/<name>
    source_file: str  # repo-relative, posix
    attested_by: str
    attested_on: str  # YYYY-MM-DD
    fields: dict[str, Any]  # the type-specific fields as written
    controls: tuple[str, ...] | None
    statement: str | None
    document: str | None
    document_sha256: str | None  # "sha256:<hex>"
    signature: Signature | None

    @property
    def kind(self) -> str:
        return f"attestation.{self.type}"
