"""Which clouds are in use, so a GCP-only team is not asked for AWS evidence.

A provider is in use when a source for it is configured in hipaa-cac.yaml, or
when any of its evidence exists. A kind of a cloud not in use is not needed:
rules reading it are skipped as out of scope and the control does not wait
for it. Everything else stays fail closed:

- without a `sources:` list nothing is out of scope (Scope(None));
- a configured provider whose source fails is in use, so its missing or
  errored evidence still blocks a pass;
- a control none of whose evidence is in scope is insufficient_evidence,
  never pass (decide.py): nothing shows it.

    Scope(frozenset({"gcp"})).excludes("aws.s3.bucket")   -> True
    Scope(frozenset({"gcp"})).excludes("cloud.database")  -> False (every cloud)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from hipaa_cac.evidence import EvidenceSet

CLOUD_PROVIDERS = ("aws", "gcp", "azure")


@dataclass(frozen=True)
class Scope:
    providers: frozenset[str] | None = None  # clouds in use; None: all

    def excludes(self, kind: str) -> bool:
        provider = kind.partition(".")[0]
        return (
            self.providers is not None
            and provider in CLOUD_PROVIDERS
            and provider not in self.providers
        )

    def reason(self, kind: str) -> str:
        provider = kind.partition(".")[0]
        return f"{provider} is not in use (no {provider} source configured, no {provider} evidence)"


ALL_IN_SCOPE = Scope()


def scope_of(collectors: Iterable[str], evidence: EvidenceSet) -> Scope:
    """`collectors`: the collector names of the configured sources."""
    configured = list(collectors)
    if not configured:
        return Scope(None)
    in_use = {c for c in configured if c in CLOUD_PROVIDERS}
    in_use |= {
        kind.partition(".")[0]
        for collection in evidence.collections
        for kind in collection.kinds
        if kind.partition(".")[0] in CLOUD_PROVIDERS
    }
    return Scope(frozenset(in_use))
