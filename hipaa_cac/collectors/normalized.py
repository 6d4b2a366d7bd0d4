"""Provider-neutral shapes for what every cloud has: object storage, databases,
and network rules open to the internet.

A cloud collector yields its provider's own kinds (`aws.s3.bucket`,
`gcp.storage.bucket`, `azure.storage.container`, ...) for the auditor, and
beside each one the neutral item built from the same facts, so one Rego rule
decides "object storage holding PHI is private, encrypted and access-logged"
for S3, GCS and Blob alike:

    ObjectStorage(
        resource_id="//storage.googleapis.com/projects/_/buckets/scans",
        provider="gcp", service="gcs", account="acme-prod", location="us-east1",
        public=True, public_via=("iam: allUsers has roles/storage.objectViewer",),
        encrypted_at_rest=True, encryption="provider_managed", kms_key=None,
        access_logged=False, access_logged_via=(),
        source_kind="gcp.storage.bucket",
    ).observation()
    -> Observation("cloud.object_storage", "//storage.googleapis.com/...", {...})

Facts a collector could not read are None, which rules treat as "not shown
to be compliant". Nothing here judges: `public` is what the provider's
settings allow, not whether that is wrong.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from hipaa_cac.collectors.base import Observation

OBJECT_STORAGE = "cloud.object_storage"
DATABASE = "cloud.database"
NETWORK_RULE = "cloud.network_rule"

# provider_managed: the cloud's own keys (SSE-S3, Google-managed, Microsoft-managed);
# customer_managed: a key the customer controls (SSE-KMS, CMEK, Key Vault key); none.
ENCRYPTION_TYPES = ("provider_managed", "customer_managed", "none")


@dataclass(frozen=True)
class _Neutral:
    resource_id: (
        str  # the provider's full id: ARN, //storage.googleapis.com/..., /subscriptions/...
    )
    provider: str  # aws | gcp | azure
    service: str  # s3 | gcs | blob | rds | cloudsql | azure_sql | security_group | firewall | nsg
    account: str  # AWS account id, GCP project id, Azure subscription id
    location: str | None  # region / location
    source_kind: str  # the provider-specific kind holding the same resource

    KIND = ""

    def observation(self) -> Observation:
        data: dict[str, Any] = asdict(self)
        del data["resource_id"]
        return Observation(self.KIND, self.resource_id, data)


@dataclass(frozen=True)
class ObjectStorage(_Neutral):
    """A bucket or container. `public`: anonymous or any-authenticated-user access is
    possible (read or write, through policy, ACL, IAM binding or access level);
    `public_via`: each setting that makes it so, named, never with object content."""

    public: bool | None
    public_via: tuple[str, ...]
    encrypted_at_rest: bool | None
    encryption: str | None  # one of ENCRYPTION_TYPES
    kms_key: str | None  # key id when customer_managed
    access_logged: bool | None  # object reads/writes are logged somewhere durable
    access_logged_via: tuple[str, ...]  # e.g. "server access logs", "data access audit logs"

    KIND = OBJECT_STORAGE


@dataclass(frozen=True)
class Database(_Neutral):
    """A managed database instance or server."""

    engine: str | None  # postgres, mysql, sqlserver, ...
    encrypted_at_rest: bool | None
    encryption: str | None  # one of ENCRYPTION_TYPES
    kms_key: str | None
    tls_required: bool | None  # the server refuses unencrypted connections
    min_tls_version: str | None  # "1.2", or None when the provider does not say
    publicly_accessible: bool | None  # reachable from the internet (public IP/endpoint open)
    public_via: tuple[str, ...]  # e.g. "authorized network 0.0.0.0/0", "public network access"
    backups_enabled: bool | None

    KIND = DATABASE


@dataclass(frozen=True)
class NetworkRule(_Neutral):
    """An inbound allow rule whose source is the whole internet (0.0.0.0/0, ::/0,
    `*`, `Internet`). Only such rules are recorded; `ports` are inclusive ranges,
    [[0, 65535]] for "all"."""

    protocol: str  # tcp | udp | icmp | all
    ports: tuple[tuple[int, int], ...]
    sources: tuple[str, ...]  # the internet-wide sources the rule admits
    applies_to: str | None  # the network, group or NSG it belongs to

    KIND = NETWORK_RULE
