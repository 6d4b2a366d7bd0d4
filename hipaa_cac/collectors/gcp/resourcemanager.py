"""Which projects a run covers: the configured ids, and every active project
under the configured organization (its folders walked breadth-first).

    projects, failures = find_projects(api, {"organization": "123456789012"})
    # [Found("acme-prod", number="415104041262", parent="folders/2001")], []

Listing needs resourcemanager.projects.list and resourcemanager.folders.list
on the organization (or the folders). A folder that cannot be listed is a
failure naming it; the projects found elsewhere are still collected.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hipaa_cac.collectors.gcp.api import GcpApi
from hipaa_cac.collectors.gcp.faults import GcpCallError

MAX_FOLDERS = 10000  # a hierarchy is at most 10 levels; this bounds a runaway walk


@dataclass(frozen=True)
class Found:
    project_id: str
    number: str | None  # from the listing; None for a configured id (not looked up)
    parent: str | None  # organizations/<id> or folders/<id>; None when configured


def find_projects(api: GcpApi, config: Mapping[str, Any]) -> tuple[list[Found], list[str]]:
    found = {p: Found(p, None, None) for p in config.get("projects", [])}
    failures: list[str] = []
    organization = config.get("organization")
    if organization:
        parents = [f"organizations/{organization}"]
        seen = 0
        while parents and seen < MAX_FOLDERS:
            parent = parents.pop(0)
            seen += 1
            where = parent.replace("s/", " ", 1)  # "organization 123", "folder 456"
            try:
                for project in api.pages(
                    "cloudresourcemanager", "projects.list", "projects", {"parent": parent}, where
                ):
                    if project.get("state", "ACTIVE") == "ACTIVE" and project.get("projectId"):
                        project_id = str(project["projectId"])
                        number = str(project.get("name", "")).removeprefix("projects/") or None
                        found[project_id] = Found(project_id, number, parent)
                parents.extend(
                    str(folder["name"])
                    for folder in api.pages(
                        "cloudresourcemanager", "folders.list", "folders", {"parent": parent}, where
                    )
                    if folder.get("state", "ACTIVE") == "ACTIVE"
                )
            except GcpCallError as exc:
                failures.append(str(exc))
    return [found[p] for p in sorted(found)], failures
