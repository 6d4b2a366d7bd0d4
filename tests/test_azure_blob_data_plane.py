"""Blob containers' public access on the data plane: a real Azurite, reached with
the same Entra token as the replayed management plane (tests/fixtures/azure/dataplane.json).

Azurite holds two accounts. In devstoreaccount1 the management plane's
answer for `scans` is stale (None) while Get Container ACL says Container:
the more open level counts. In phiarchive the management plane refuses to
list containers (403): the data plane lists them and its levels are the record.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from azure.storage.blob import PublicAccess
from azure_replay import CLIENT_ID, CLIENT_SECRET, TENANT, AzureReplay, token_exchanges
from azurite_server import AzuriteServer, azurite  # noqa: F401  (the session fixture)
from tls_cert import certificate_files

from hipaa_cac.collectors.azure import AzureCollector
from hipaa_cac.collectors.base import CollectContext, Gap, Observation, Record

FIXTURES = Path(__file__).parent / "fixtures" / "azure"
PROD = "0b1f6471-1bf0-4dda-aec3-111122223333"
ACCOUNTS = (
    f"/subscriptions/{PROD}/resourceGroups/emulated/providers/Microsoft.Storage/storageAccounts"
)
DEV = f"{ACCOUNTS}/devstoreaccount1/blobServices/default/containers"
ARCHIVE = f"{ACCOUNTS}/phiarchive/blobServices/default/containers"
CONTAINERS = {
    "devstoreaccount1": {
        "intake": PublicAccess.BLOB,
        "reports": None,
        "scans": PublicAccess.CONTAINER,
    },
    "phiarchive": {"exports": None, "old-scans": PublicAccess.BLOB},
}


@pytest.fixture(scope="module")
def records(azurite: AzuriteServer) -> list[Record]:  # noqa: F811
    for account, containers in CONTAINERS.items():
        admin = azurite.admin(account)
        for name, level in containers.items():
            admin.create_container(name, public_access=level)
            # A blob whose content must never be read into evidence.
            admin.get_blob_client(name, "note.txt").upload_blob(b"patient: Jane Roe, MRN 0012345")
    context = CollectContext(
        root=Path("/"), now=datetime(2026, 11, 20, tzinfo=UTC), fingerprint=lambda v: "fp:0"
    )
    with pytest.MonkeyPatch.context() as env:
        env.setenv("AZURE_CLIENT_SECRET", CLIENT_SECRET)
        fixtures = ({"exchanges": token_exchanges(2)}, FIXTURES / "dataplane.json")
        with AzureReplay(*fixtures, tls=certificate_files()) as server:
            config: dict[str, Any] = {
                "tenant_id": TENANT,
                "client_id": CLIENT_ID,
                "authority_host": server.url,
                "management_endpoint": server.url,
                "ca_bundle": str(certificate_files().ca),
                "services": ["storage"],
                "blob_endpoint_template": f"{azurite.origin}/{{account}}",
            }
            found = list(AzureCollector().collect(config, context))
            assert server.unmatched == [] and server.unused() == []
    return found


def container(records: list[Record], subject: str) -> dict[str, Any]:
    [found] = [
        r.data
        for r in records
        if isinstance(r, Observation)
        and (r.kind, r.subject) == ("azure.storage.container", subject)
    ]
    return found


def public(records: list[Record], subject: str) -> Any:
    [found] = [
        r.data["public"]
        for r in records
        if isinstance(r, Observation) and (r.kind, r.subject) == ("cloud.object_storage", subject)
    ]
    return found


def test_data_plane_levels_per_container(records: list[Record]) -> None:
    levels = {
        r.subject: (
            r.data["public_access"],
            r.data["data_plane_public_access"],
            r.data["public_access_effective"],
        )
        for r in records
        if isinstance(r, Observation) and r.kind == "azure.storage.container"
    }
    assert levels == {
        f"{DEV}/intake": ("Blob", "Blob", "Blob"),
        f"{DEV}/reports": ("None", "None", "None"),
        f"{DEV}/scans": ("None", "Container", "Container"),  # the stale record loses
        f"{ARCHIVE}/exports": (None, "None", "None"),  # listed on the data plane only
        f"{ARCHIVE}/old-scans": (None, "Blob", "Blob"),
    }
    assert container(records, f"{DEV}/scans") == {
        "name": "scans",
        "storage_account": f"{ACCOUNTS}/devstoreaccount1",
        "public_access": "None",
        "data_plane_public_access": "Container",
        "public_access_effective": "Container",
    }
    assert public(records, f"{DEV}/scans") is True
    assert public(records, f"{DEV}/reports") is False
    assert public(records, f"{ARCHIVE}/old-scans") is True


def test_the_refused_listing_is_a_gap_and_no_content_is_read(records: list[Record]) -> None:
    refused = (
        f"AuthorizationFailed on Microsoft.Storage/storageAccounts/blobServices/containers/read "
        f"for {ACCOUNTS}/phiarchive: grant "
        "Microsoft.Storage/storageAccounts/blobServices/containers/read "
        "(it is in hipaa_cac/collectors/azure/role.json)"
    )
    assert [(r.kind, r.error) for r in records if isinstance(r, Gap)] == [
        ("azure.storage.container", refused),
        ("cloud.object_storage", refused),
    ]
    text = repr(records)
    assert "Jane Roe" not in text and "note.txt" not in text
