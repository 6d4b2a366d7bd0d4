"""Derive the architecture inventory from the current evidence. Pure: no I/O.

    aws.rds.instance  arn:aws:rds:us-east-1:1234:db:visits
        -> data_store   arn:aws:rds:us-east-1:1234:db:visits  (database)
        -> environment  aws:account:1234, aws:1234:us-east-1
        -> third_party  vendor:aws (the cloud provider is a subprocessor too)
    git.third_party   git:github.com/acme/api/requirements.txt:3#datadog
        -> third_party  vendor:datadog (detected at requirements.txt:3)
    idp.user          okta:acme.okta.com/users/00u1
        -> identity_provider okta:acme.okta.com, third_party vendor:okta
    attestation.subprocessor  (declared by hand; may say a detected vendor
                               never receives PHI, which then wins)

Each category's evidence status is the worst of the kinds it was derived
from, so an errored or partial source never yields a "complete" inventory.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

from hipaa_cac.evidence import EvidenceItem, EvidenceSet
from hipaa_cac.inventory.model import MAX_DETECTED_AT, Inventory, InventoryEntry

# kind -> (data store type, the data field holding its name)
DATA_STORES = {
    "aws.s3.bucket": ("object_storage", "name"),
    "aws.rds.cluster": ("database", "identifier"),
    "aws.rds.instance": ("database", "identifier"),
    "aws.dynamodb.table": ("database", "name"),
    "aws.redshift.cluster": ("data_warehouse", "identifier"),
    "aws.opensearch.domain": ("search", "name"),
    "aws.backup.vault": ("backup", "name"),
    "cloud.object_storage": ("object_storage", "name"),
    "cloud.database": ("database", "name"),
}
ACCOUNT_KINDS = ("aws.account",)
IDP_KINDS = ("idp.user", "idp.group", "idp.session_policy")
THIRD_PARTY_KINDS = ("git.third_party", "attestation.subprocessor")
# Providers whose presence in the evidence makes them a subprocessor:
# (vendor id, name, may handle PHI). A workforce IdP holds staff identities, not PHI.
PROVIDERS = {
    "aws": ("aws", "Amazon Web Services", True),
    "gcp": ("gcp", "Google Cloud", True),
    "azure": ("azure", "Microsoft Azure", True),
    "okta": ("okta", "Okta", False),
    "entra": ("microsoft", "Microsoft Entra ID", False),
}

ACCOUNT_TYPES = {"aws": "cloud_account", "gcp": "project", "azure": "subscription"}

SOURCE_KINDS = {
    "data_store": tuple(DATA_STORES),
    "environment": (*ACCOUNT_KINDS, *DATA_STORES),
    "identity_provider": IDP_KINDS,
    "third_party": (*THIRD_PARTY_KINDS, *ACCOUNT_KINDS, *DATA_STORES, *IDP_KINDS),
}


@dataclass(frozen=True)
class CategoryStatus:
    """How trustworthy one category is: the worst status of the kinds it came from."""

    status: str  # complete | partial | error
    collected_at: str  # the oldest of those collections
    errors: tuple[str, ...]
    kinds: tuple[str, ...]  # the source kinds that were collected


class _Builder:
    def __init__(self) -> None:
        self.entries: dict[tuple[str, str], InventoryEntry] = {}
        self.places: dict[tuple[str, str], list[str]] = defaultdict(list)

    def add(self, entry: InventoryEntry, place: str) -> None:
        known = self.entries.get(entry.key)
        if known is None or (entry.may_handle_phi and not known.may_handle_phi):
            # Seen twice with different stances (Okta as the workforce IdP, and its SDK in
            # the app signing in patients): "may handle PHI" wins, short of a declaration.
            self.entries[entry.key] = entry
        self.places[entry.key].append(place)

    def set(self, entry: InventoryEntry) -> None:
        """A declaration replaces what detection guessed, but keeps where it was seen."""
        self.entries[entry.key] = entry
        self.places[entry.key].extend(entry.detected_at)

    def build(self) -> Inventory:
        result = []
        for key, entry in self.entries.items():
            places = sorted(set(self.places[key]))
            result.append(
                InventoryEntry(
                    entry.category,
                    entry.id,
                    entry.type,
                    entry.name,
                    entry.may_handle_phi,
                    tuple(places[:MAX_DETECTED_AT]),
                    len(places),
                )
            )
        return Inventory.of(result)


def derive_inventory(evidence: EvidenceSet) -> Inventory:
    builder = _Builder()
    for kind, (store_type, name_field) in DATA_STORES.items():
        for item in evidence.items(kind):
            if kind == "aws.rds.instance" and item.data.get("cluster_identifier"):
                continue  # a cluster member: the cluster is the data store
            name = str(item.data.get(name_field) or item.subject)
            builder.add(InventoryEntry("data_store", item.subject, store_type, name), item.subject)
            _environment(builder, item)
    for item in evidence.items("aws.account"):
        account = str(item.data.get("account_id") or _arn_part(item.subject, 4))
        builder.add(
            InventoryEntry("environment", f"aws:account:{account}", "cloud_account", account),
            item.subject,
        )
        _provider(builder, "aws", item.subject)
    for kind in IDP_KINDS:
        for item in evidence.items(kind):
            tenant = item.subject.split("/", 1)[0]
            idp = tenant.split(":", 1)[0]
            builder.add(InventoryEntry("identity_provider", tenant, idp, tenant), tenant)
            if idp in PROVIDERS:
                _provider(builder, idp, tenant)
    for item in evidence.items("git.third_party"):
        builder.add(_vendor_entry(item), item.subject)
    for item in evidence.items("attestation.subprocessor"):
        builder.set(replace(_vendor_entry(item, "name"), detected_at=(item.subject,)))
    return builder.build()


def category_status(evidence: EvidenceSet, category: str) -> CategoryStatus | None:
    """None when no kind this category is derived from was ever collected."""
    coverages = [c for k in SOURCE_KINDS[category] if (c := evidence.coverage(k)) is not None]
    if not coverages:
        return None
    order = {"complete": 0, "partial": 1, "error": 2}
    worst = max((c.status for c in coverages), key=order.__getitem__)
    errors = sorted({f"{c.kind}: {e}" for c in coverages for e in c.errors})
    return CategoryStatus(
        worst,
        min(c.collected_at for c in coverages),
        tuple(errors),
        tuple(c.kind for c in coverages),
    )


def _environment(builder: _Builder, item: EvidenceItem) -> None:
    provider = str(item.data.get("provider") or "aws")
    account = item.data.get("account") or item.data.get("account_id")
    account = account or _arn_part(item.subject, 4)
    region = item.data.get("location") or item.data.get("region")
    region = region or _arn_part(item.subject, 3)
    if not account:
        return
    kind = ACCOUNT_TYPES.get(provider, "cloud_account")
    builder.add(
        InventoryEntry("environment", f"{provider}:account:{account}", kind, str(account)),
        item.subject,
    )
    if region:
        builder.add(
            InventoryEntry(
                "environment", f"{provider}:{account}:{region}", "region", f"{account} {region}"
            ),
            item.subject,
        )
    _provider(builder, provider, item.subject)


def _provider(builder: _Builder, provider: str, place: str) -> None:
    if provider not in PROVIDERS:
        return
    vendor, name, may_handle_phi = PROVIDERS[provider]
    category = "identity" if provider in ("okta", "entra") else "cloud"
    builder.add(
        InventoryEntry("third_party", f"vendor:{vendor}", category, name, may_handle_phi), place
    )


def _vendor_entry(item: EvidenceItem, name_field: str = "vendor_name") -> InventoryEntry:
    """A vendor as detected (`git.third_party`) or declared (`attestation.subprocessor`,
    whose name is in `name`)."""
    data = item.data
    vendor = str(data.get("vendor"))
    may = data.get("may_handle_phi")
    return InventoryEntry(
        "third_party",
        f"vendor:{vendor}",
        str(data.get("category") or "service"),
        str(data.get(name_field) or vendor),
        # Unknown is treated as "may": a BAA question nobody answered is still open.
        may if isinstance(may, bool) else True,
    )


def _arn_part(subject: str, index: int) -> str | None:
    parts = subject.split(":")
    if len(parts) > 5 and parts[0] == "arn" and parts[index]:
        return parts[index]
    return None
