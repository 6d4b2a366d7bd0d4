"""GCP service modules. Each collects one service's evidence in one project:

    SERVICE = GcpService(
        name="storage",                                     # config `services:` selects by it
        kinds=("gcp.storage.bucket", "cloud.object_storage"),  # what it yields
        collect=collect,                                    # (Project) -> Iterator[Record]
    )

A module yields an Observation per resource (subject: its full resource name,
"//storage.googleapis.com/projects/_/buckets/scans") and, through
project.Reader, a Gap for each call that failed, keeping the rest. An
exception escaping `collect` marks the module's kinds as errors for that
project. Metadata only: never object contents, key material or secrets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from hipaa_cac.collectors.base import Record
from hipaa_cac.collectors.gcp.project import Project


@dataclass(frozen=True)
class GcpService:
    name: str
    kinds: tuple[str, ...]
    collect: Callable[[Project], Iterator[Record]]
