"""The control catalog: HIPAA safeguards as versioned YAML documents."""

from hipaa_cac.controls.catalog import Catalog, load_catalog
from hipaa_cac.controls.model import Attestation, Control, EvidenceNeed

__all__ = ["Attestation", "Catalog", "Control", "EvidenceNeed", "load_catalog"]
