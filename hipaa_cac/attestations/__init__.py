"""Human evidence: attestations written as YAML in the policy repo
(docs/attestations.md). model -> load (schema, signer, signature) -> to_evidence."""

from hipaa_cac.attestations.load import (
    Problem,
    load_attestation,
    load_attestations,
    scan_attestations,
)
from hipaa_cac.attestations.model import ALL_TYPES, KINDS, Attestation, Signature
from hipaa_cac.attestations.signature import sign_attestation, sign_attestation_ssh
from hipaa_cac.attestations.to_evidence import all_observations, observations

__all__ = [
    "ALL_TYPES",
    "KINDS",
    "Attestation",
    "Problem",
    "Signature",
    "all_observations",
    "load_attestation",
    "load_attestations",
    "observations",
    "scan_attestations",
    "sign_attestation",
    "sign_attestation_ssh",
]
