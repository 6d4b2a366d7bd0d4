"""Cloud KMS: each key's purpose, state and rotation.

    gcp.kms.key
      //cloudkms.googleapis.com/projects/acme-prod/locations/us-east1/keyRings/phi/cryptoKeys/scans
        {"name": "scans", "key_ring": "phi", "location": "us-east1", "project_id": "acme-prod",
         "purpose": "ENCRYPT_DECRYPT", "primary_state": "ENABLED",
         "protection_level": "SOFTWARE", "rotation_period_days": 90,
         "next_rotation_time": "2026-12-01T00:00:00+00:00"}

Key rings are listed per location: the configured `kms_locations`, else
every location `locations.list` names (that call needs no permission). Only
key metadata is read, never key material. `rotation_period_days` is null when
the key has no automatic rotation (asymmetric keys cannot have one), rounded
up so that 365 days and a second reads as 366.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from hipaa_cac.collectors.base import Observation, Record
from hipaa_cac.collectors.gcp.project import Project, Reader, rfc3339, seconds
from hipaa_cac.collectors.gcp.services import GcpService

KEY = "gcp.kms.key"
KMS = "//cloudkms.googleapis.com/"


def collect(project: Project) -> Iterator[Record]:
    read = Reader(project, (KEY,))
    records: list[Record] = []
    for location in _locations(read, project):
        parent = f"projects/{project.project_id}/locations/{location}"
        rings = read.pages(
            "cloudkms", "projects.locations.keyRings.list", "keyRings", {"parent": parent}
        )
        for ring in rings or []:
            ring_name = str(ring["name"])
            keys = read.pages(
                "cloudkms",
                "projects.locations.keyRings.cryptoKeys.list",
                "cryptoKeys",
                {"parent": ring_name},
                where=f"key ring {ring_name}",
            )
            records.extend(_key(project, location, key) for key in keys or [])
    yield from read.gaps()
    yield from records


def _locations(read: Reader, project: Project) -> list[str]:
    if project.kms_locations is not None:
        return list(project.kms_locations)
    found = read.pages(
        "cloudkms",
        "projects.locations.list",
        "locations",
        {"name": f"projects/{project.project_id}"},
    )
    return sorted({str(loc["locationId"]) for loc in found or [] if loc.get("locationId")})


def _key(project: Project, location: str, key: dict[str, Any]) -> Observation:
    name = str(key["name"])  # projects/p/locations/l/keyRings/r/cryptoKeys/k
    parts = name.split("/")
    period = seconds(key.get("rotationPeriod"))
    data = {
        "name": parts[-1],
        "key_ring": parts[5] if len(parts) == 8 else None,
        "location": location,
        "project_id": project.project_id,
        "purpose": key.get("purpose"),
        "primary_state": (key.get("primary") or {}).get("state"),
        "protection_level": (key.get("versionTemplate") or {}).get("protectionLevel"),
        "rotation_period_days": None if period is None else math.ceil(period / 86400),
        "next_rotation_time": rfc3339(key.get("nextRotationTime")),
    }
    return Observation(KEY, f"{KMS}{name}", data)


SERVICE = GcpService(name="kms", kinds=(KEY,), collect=collect)
