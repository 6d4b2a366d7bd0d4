"""The GCP collector: every configured project (or every project of an
organization), each service module in turn.

    sources:
      - id: gcp-prod
        collector: gcp
        config:
          projects: [acme-prod, acme-data]      # and/or:
          organization: "123456789012"          # every active project under it
          services: [storage, sql, compute]     # default: all (see services/registry.py)
          credentials_file: secrets/sa.json     # default: Application Default Credentials
          kms_locations: [us-east1, global]     # default: every location KMS lists
          endpoint_overrides:                   # testing / private endpoints only
            storage: https://storage-acme.p.googleapis.com

The credentials need only the custom role in role.json. A call that fails
(denied, API disabled, throttled past retries, not found) costs the field or
listing it was for, as a gap naming the resource and the permission to grant;
the other projects, services and resources go on.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Mapping
from datetime import UTC
from pathlib import Path
from typing import Any, ClassVar

import google.auth
from google.auth.credentials import Credentials
from google.oauth2 import credentials as user_credentials
from google.oauth2 import service_account

from hipaa_cac import __version__
from hipaa_cac.collectors.base import CollectContext, Gap, Observation, Record
from hipaa_cac.collectors.gcp.api import SCOPES, VERSIONS, GcpApi, Sleep
from hipaa_cac.collectors.gcp.faults import describe
from hipaa_cac.collectors.gcp.project import PROJECTS, Project
from hipaa_cac.collectors.gcp.resourcemanager import Found, find_projects
from hipaa_cac.collectors.gcp.services import GcpService
from hipaa_cac.collectors.gcp.services.orgpolicy import collect_organization
from hipaa_cac.collectors.gcp.services.registry import ALL

PROJECT = "gcp.project"
_NAMES = [s.name for s in ALL]


class GcpCollector:
    name: ClassVar[str] = "gcp"
    version: ClassVar[str] = __version__
    kinds: ClassVar[tuple[str, ...]] = tuple(sorted({PROJECT, *(k for s in ALL for k in s.kinds)}))
    max_age: ClassVar[str] = "1d"
    config_schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "additionalProperties": False,
        "anyOf": [{"required": ["projects"]}, {"required": ["organization"]}],
        "properties": {
            "projects": {
                "type": "array",
                "minItems": 1,
                "uniqueItems": True,
                # Legacy domain-scoped ids look like "example.com:acme-prod".
                "items": {
                    "type": "string",
                    "pattern": "^([a-z0-9.-]+:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$",
                },
            },
            "organization": {"type": "string", "pattern": "^[0-9]{1,20}$"},
            "services": {"type": "array", "uniqueItems": True, "items": {"enum": _NAMES}},
            "credentials_file": {"type": "string", "minLength": 1},
            "kms_locations": {
                "type": "array",
                "minItems": 1,
                "items": {"type": "string", "pattern": "^[a-z0-9-]+$"},
            },
            "endpoint_overrides": {
                "description": "API name -> root URL, for tests and private endpoints.",
                "type": "object",
                "propertyNames": {"enum": sorted(VERSIONS)},
                "additionalProperties": {"type": "string", "pattern": "^https?://[^/\\s]+/?$"},
            },
            "timeout_seconds": {"type": "integer", "minimum": 1, "maximum": 600},
            "max_wait_seconds": {"type": "integer", "minimum": 0, "maximum": 3600},
        },
    }

    def __init__(self, *, sleep: Sleep = time.sleep) -> None:
        self._sleep = sleep  # tests record Retry-After waits instead of sleeping

    def collect(self, config: Mapping[str, Any], context: CollectContext) -> Iterator[Record]:
        wanted = set(config.get("services", _NAMES))  # [] means none, not all
        chosen = [s for s in ALL if s.name in wanted]
        try:
            credentials = _credentials(config, context.root)
        except Exception as exc:
            yield from (Gap(kind, _credentials_fault(exc, config)) for kind in self.kinds)
            return
        api = GcpApi(
            credentials,
            endpoints=config.get("endpoint_overrides"),
            sleep=self._sleep,
            timeout=float(config.get("timeout_seconds", 30)),
            max_wait=float(config.get("max_wait_seconds", 60)),
        )
        found, failures = find_projects(api, config)
        for message in failures:
            yield from (Gap(kind, message) for kind in self.kinds)
        now = context.now if context.now.tzinfo else context.now.replace(tzinfo=UTC)
        locations = config.get("kms_locations")
        for entry in found:
            yield _project(entry)
            project = Project(
                entry.project_id, api, now, None if locations is None else tuple(locations)
            )
            for service in chosen:
                yield from _run(service, project)
        organization = config.get("organization")
        if organization and "orgpolicy" in wanted:
            yield from collect_organization(api, str(organization))


def _credentials(config: Mapping[str, Any], root: Path) -> Credentials:
    path = config.get("credentials_file")
    if not path:
        found: Credentials = google.auth.default(scopes=list(SCOPES))[0]
        return found
    file = Path(path) if Path(path).is_absolute() else root / path
    # Only the two key-file types, each loaded by its own class: a generic loader
    # would also accept external-account configs, which run commands or fetch
    # URLs named in the file. Those belong in Application Default Credentials.
    kind = json.loads(file.read_text(encoding="utf-8")).get("type")
    # google-auth's from_*_file classmethods are untyped.
    loaded: Credentials
    if kind == "service_account":
        accounts = service_account.Credentials
        loaded = accounts.from_service_account_file(str(file), scopes=list(SCOPES))  # type: ignore[no-untyped-call]
    elif kind == "authorized_user":
        users = user_credentials.Credentials
        loaded = users.from_authorized_user_file(str(file), list(SCOPES))  # type: ignore[no-untyped-call]
    else:
        raise UnsupportedKeyFile(f"its type is {kind!r}, not service_account or authorized_user")
    return loaded


class UnsupportedKeyFile(ValueError):
    pass


def _credentials_fault(exc: Exception, config: Mapping[str, Any]) -> str:
    path = config.get("credentials_file")
    if path:
        # Never the library's message: it may quote the file's content.
        reason = str(exc) if isinstance(exc, UnsupportedKeyFile) else exc.__class__.__name__
        return f"cannot load credentials_file {path}: {reason}"
    return describe(exc, "google.auth.default", None, "this source")


def _project(entry: Found) -> Observation:
    data = {
        "project_id": entry.project_id,
        "project_number": entry.number,
        "parent": entry.parent,
        "source": "configured" if entry.parent is None else "organization",
    }
    return Observation(PROJECT, f"{PROJECTS}{entry.project_id}", data)


def _run(service: GcpService, project: Project) -> Iterator[Record]:
    """One service in one project; never raises, keeps what was yielded."""
    try:
        yield from service.collect(project)
    except Exception as exc:
        message = describe(exc, service.name, None, project.where)
        yield from (Gap(kind, message) for kind in service.kinds)
