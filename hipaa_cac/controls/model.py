"""One control, as the evaluator needs it.

Control(id="hipaa-164-312-a-2-iv", version="1.0.0",
        citation="45 CFR 164.312(a)(2)(iv)", title="Encryption and decryption",
        safeguard="technical", requirement="addressable",
        evidence=(EvidenceNeed("aws.s3.bucket", "1d"),),
        checks=("data.hipaa.technical.encryption.storage_encrypted_at_rest",),
        attestation=None, content_hash="sha256:…", ...)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class EvidenceNeed:
    kind: str
    max_age: str  # "1d", "24h", "52w"


@dataclass(frozen=True)
class Attestation:
    kind: str  # "attestation.risk_analysis"
    statement: str
    max_age: str


@dataclass(frozen=True)
class Control:
    id: str
    version: str
    citation: str
    title: str
    safeguard: str
    type: str  # standard | implementation_specification | requirement
    requirement: str  # required | addressable
    owner: str
    rationale: str
    evidence: tuple[EvidenceNeed, ...]
    checks: tuple[str, ...]
    attestation: Attestation | None
    standard: str | None
    source: str  # the file it came from, as shown to users
    content_hash: str  # "sha256:…" of the canonical JSON of the document

    @property
    def addressable(self) -> bool:
        return self.requirement == "addressable"

    @classmethod
    def from_document(cls, doc: dict[str, Any], source: str, content_hash: str) -> Control:
        attestation = doc.get("attestation")
        return cls(
            id=doc["id"],
            version=doc["version"],
            citation=doc["citation"],
            title=doc["title"],
            safeguard=doc["safeguard"],
            type=doc["type"],
            requirement=doc["requirement"],
            owner=doc["owner"],
            rationale=doc["rationale"],
            evidence=tuple(EvidenceNeed(e["kind"], e["max_age"]) for e in doc["evidence"]),
            checks=tuple(doc["checks"]),
            attestation=Attestation(**attestation) if attestation else None,
            standard=doc.get("standard"),
            source=source,
            content_hash=content_hash,
        )
