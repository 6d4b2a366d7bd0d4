"""Evidence as it flows: items, the collection run that produced them, and
how well each kind is covered.

    EvidenceItem(kind="aws.s3.bucket", subject="arn:aws:s3:::uploads",
                 source={"collector": "aws", "version": "0.1.0", "scope": "aws:1234"},
                 collected_at="2026-11-20T09:00:02Z", max_age="1d",
                 data={"encryption": {"enabled": True}}, sha256="sha256:…")
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hipaa_cac.canonical import content_hash

COLLECTION_SCHEMA = "hipaa-cac/evidence-collection/v1"


@dataclass(frozen=True)
class EvidenceItem:
    kind: str
    subject: str
    source: dict[str, str]
    collected_at: str
    max_age: str
    data: dict[str, Any]
    sha256: str

    def document(self) -> dict[str, Any]:
        """The item as stored, without its hash (what the hash is computed over)."""
        return {
            "kind": self.kind,
            "subject": self.subject,
            "source": self.source,
            "collected_at": self.collected_at,
            "max_age": self.max_age,
            "data": self.data,
        }

    def computed_hash(self) -> str:
        return content_hash(self.document())

    def policy_view(self) -> dict[str, Any]:
        """What a Rego rule sees: small on purpose (regopy's cost grows with input size)."""
        return {"subject": self.subject, "scope": self.source.get("scope", ""), "data": self.data}


@dataclass(frozen=True)
class KindStatus:
    status: str  # complete | partial | error
    error: str | None = None


@dataclass(frozen=True)
class Collection:
    """One collector run, as read from one file under evidence/."""

    path: str
    sha256: str  # of the file's bytes
    collector: str
    collector_version: str
    scope: str
    started_at: str
    finished_at: str
    kinds: dict[str, KindStatus]
    items: tuple[EvidenceItem, ...]

    def reference(self) -> dict[str, str]:
        return {
            "collection": self.path,
            "sha256": self.sha256,
            "collector": self.collector,
            "collector_version": self.collector_version,
            "scope": self.scope,
            "finished_at": self.finished_at,
        }


@dataclass(frozen=True)
class KindCoverage:
    """How one evidence kind stands across the current collections.

    status is the worst of them (error > partial > complete); collected_at the
    oldest, so freshness is judged by the least fresh source.
    """

    kind: str
    status: str
    errors: tuple[str, ...]
    collected_at: str
    collections: tuple[Collection, ...]
