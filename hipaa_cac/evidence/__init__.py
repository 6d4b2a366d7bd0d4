"""Evidence: what collectors and attestations record, read from `evidence/`."""

from hipaa_cac.evidence.model import Collection, EvidenceItem, KindCoverage, KindStatus
from hipaa_cac.evidence.store import EvidenceSet, EvidenceStore, read_collection

__all__ = [
    "Collection",
    "EvidenceItem",
    "EvidenceSet",
    "EvidenceStore",
    "KindCoverage",
    "KindStatus",
    "read_collection",
]
