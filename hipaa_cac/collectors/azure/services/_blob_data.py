"""Blob containers' public access level from the data plane (azure-storage-blob).

    data_plane_levels(target, "https://acct.blob.core.windows.net/", account_id)
    -> ({"scans": "Container", "reports": "None"}, [])     # levels by container, gaps

One List Containers call per account (paged by the SDK): each container's
properties carry its public access level (the x-ms-blob-public-access
fact), None (private), "blob" or "container", reported in the management
plane's words (None, Blob, Container).

Why List Containers and not Get Container ACL: both state the same level,
but Get Container ACL is refused to Entra tokens by Azurite ("not available
with OAuth") and reading it otherwise needs the account key, which this
collector never asks for. List Containers takes the same Entra token
(scope https://storage.azure.com) and
Microsoft.Storage/storageAccounts/blobServices/containers/read. Only names
and levels are kept: no metadata values, stored access policies or blobs.
"""

from __future__ import annotations

from typing import Any

from hipaa_cac.collectors.azure.services import Reader
from hipaa_cac.collectors.azure.target import AzureTarget
from hipaa_cac.collectors.base import Gap
from hipaa_cac.collectors.normalized import OBJECT_STORAGE

CONTAINER = "azure.storage.container"
_WORDS = {None: "None", "blob": "Blob", "container": "Container"}


def data_plane_levels(
    target: AzureTarget, account_url: str, account_id: str
) -> tuple[dict[str, str | None] | None, list[Gap]]:
    """Levels by container name, or None when the account's containers could not be listed."""
    read = Reader(CONTAINER, f"{account_id} (data plane)")
    blob = target.connection.blob_service(account_url)
    listed = read(
        "blob.list_containers",
        lambda: [(str(c.name), _word(c.public_access)) for c in blob.list_containers()],
        kinds=(CONTAINER, OBJECT_STORAGE),
    )
    return (None if listed is None else dict(listed)), read.gaps


def _word(value: Any) -> str | None:
    value = getattr(value, "value", value)
    return _WORDS.get(None if value is None else str(value).lower())
