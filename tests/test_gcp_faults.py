"""The GCP collector when Google says no: a denied project, a denied call,
a disabled API, a listing throttled past its retries, refused credentials.

Each failure is a gap naming the resource and the permission to grant; what
could be read is kept, a field that could not be read is null. Secrets
planted in the key file, the token and error bodies never reach the output.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from gcp_replay import (
    FIXTURES,
    NOW,
    SECRET_IN_ERROR,
    GcpReplay,
    assert_no_secrets,
    run_collector,
)

from hipaa_cac.collectors.base import CollectContext, Gap, Observation, Record
from hipaa_cac.collectors.gcp import GcpCollector

ORG = "123456789012"
BUCKETS = "//storage.googleapis.com/projects/_/buckets/"
ROLE = "(it is in hipaa_cac/collectors/gcp/role.json)"


def gaps(records: list[Record]) -> list[tuple[str, str]]:
    return [(r.kind, r.error) for r in records if isinstance(r, Gap)]


def subjects(records: list[Record], kind: str) -> list[str]:
    return [r.subject for r in records if isinstance(r, Observation) and r.kind == kind]


def data(records: list[Record], kind: str, subject: str) -> dict[str, Any]:
    found = [
        r for r in records if isinstance(r, Observation) and (r.kind, r.subject) == (kind, subject)
    ]
    assert len(found) == 1
    return found[0].data


def test_a_denied_call_a_disabled_api_and_a_throttled_page(tmp_path: Path) -> None:
    config = {"projects": ["acme-prod"], "services": ["storage", "sql", "compute"]}
    with GcpReplay(FIXTURES / "faults.json") as server:
        run = run_collector(server, tmp_path, config)
        assert server.unmatched == [] and server.unused() == []
    throttled = (
        "HTTP 429 (RESOURCE_EXHAUSTED) on compute.firewalls.list for project acme-prod: "
        "still rate limited after retries"
    )
    disabled = (
        "HTTP 403 (PERMISSION_DENIED) on sqladmin.instances.list for project acme-prod: "
        "the sqladmin.googleapis.com API is not enabled in the project"
    )
    denied = (
        "HTTP 403 (PERMISSION_DENIED) on storage.buckets.getIamPolicy for bucket phi-scans "
        f"in project acme-prod: grant storage.buckets.getIamPolicy {ROLE}"
    )
    assert gaps(run.records) == [
        ("gcp.compute.firewall", throttled),
        ("cloud.network_rule", throttled),
        ("gcp.sql.instance", disabled),
        ("cloud.database", disabled),
        ("gcp.storage.bucket", denied),
        ("cloud.object_storage", denied),
    ]
    assert run.sleeps == [1.0, 1.0, 1.0]  # Retry-After three times, then give up
    # Partial: the first page of firewall rules is kept.
    assert [s.rsplit("/", 1)[1] for s in subjects(run.records, "gcp.compute.firewall")] == [
        "allow-ssh",
        "allow-rdp",
        "allow-internal",
    ]
    # The denied bucket is still recorded; what could not be read is null, not "private".
    scans = data(run.records, "gcp.storage.bucket", f"{BUCKETS}phi-scans")
    assert scans["public_members"] is None
    assert scans["public_access_prevention"] == "inherited"
    neutral = data(run.records, "cloud.object_storage", f"{BUCKETS}phi-scans")
    assert (neutral["public"], neutral["public_via"]) == (None, ())
    # The other buckets are complete.
    assert data(run.records, "cloud.object_storage", f"{BUCKETS}phi-archive")["public"] is False
    assert subjects(run.records, "gcp.sql.instance") == []
    assert_no_secrets(run)


def test_a_denied_project_leaves_the_others(tmp_path: Path) -> None:
    config = {"organization": ORG, "services": ["compute"]}
    with GcpReplay(FIXTURES / "organization.json") as server:
        run = run_collector(server, tmp_path, config)
        assert server.unmatched == [] and server.unused() == []
    projects = {
        r.subject.rsplit("/", 1)[1]: r.data
        for r in run.records
        if r.kind == "gcp.project" and isinstance(r, Observation)
    }
    assert projects == {  # sorted; acme-old (DELETE_REQUESTED) left out; the folder walked
        "acme-data": {
            "project_id": "acme-data",
            "project_number": "415104041265",
            "parent": "folders/2001",
            "source": "organization",
        },
        "acme-denied": {
            "project_id": "acme-denied",
            "project_number": "415104041264",
            "parent": f"organizations/{ORG}",
            "source": "organization",
        },
        "acme-web": {
            "project_id": "acme-web",
            "project_number": "415104041262",
            "parent": f"organizations/{ORG}",
            "source": "organization",
        },
    }
    message = (
        "HTTP 403 (PERMISSION_DENIED) on compute.firewalls.list for project acme-denied: "
        f"grant compute.firewalls.list {ROLE}"
    )
    assert gaps(run.records) == [("gcp.compute.firewall", message), ("cloud.network_rule", message)]
    assert subjects(run.records, "cloud.network_rule") == [
        "//compute.googleapis.com/projects/acme-data/global/firewalls/allow-ssh"
    ]
    assert_no_secrets(run)


def test_organization_policies_of_the_organization_itself(tmp_path: Path) -> None:
    with GcpReplay(FIXTURES / "org_policies.json") as server:
        run = run_collector(server, tmp_path, {"organization": ORG, "services": ["orgpolicy"]})
        assert server.unmatched == [] and server.unused() == []
    assert gaps(run.records) == []
    scope = f"//orgpolicy.googleapis.com/organizations/{ORG}/policies/"
    pap = data(run.records, "gcp.orgpolicy.policy", f"{scope}storage.publicAccessPrevention")
    assert pap == {
        "constraint": "storage.publicAccessPrevention",
        "scope": f"organizations/{ORG}",
        "type": "boolean",
        "enforced": False,  # an empty effective spec: Google's default, not enforced
        "allow_all": False,
        "deny_all": False,
        "allowed_values": [],
        "denied_values": [],
    }
    assert len(subjects(run.records, "gcp.orgpolicy.policy")) == 4


def test_refused_credentials_are_a_gap_on_every_kind(tmp_path: Path) -> None:
    with GcpReplay(FIXTURES / "token_refused.json") as server:
        run = run_collector(server, tmp_path, {"projects": ["acme-prod"]})
        assert server.unmatched == []
        # Asked once: later calls do not hammer the token endpoint.
        assert [r.path for r in server.requests] == ["/token"]
    message = (
        "could not get an access token for this source: the token endpoint answered invalid_grant"
    )
    expected = {k for k in GcpCollector.kinds if k != "gcp.project"}
    assert {kind for kind, _ in gaps(run.records)} == expected
    assert {error for _, error in gaps(run.records)} == {message}
    assert_no_secrets(run)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (None, "FileNotFoundError"),
        ("{not json", "JSONDecodeError"),
        (
            json.dumps({"type": "external_account", "credential_source": {"executable": {}}}),
            "its type is 'external_account', not service_account or authorized_user",
        ),
        (json.dumps({"type": "service_account", "private_key": SECRET_IN_ERROR}), "MalformedError"),
    ],
)
def test_an_unusable_key_file_is_a_gap_without_its_content(
    tmp_path: Path, content: str | None, reason: str
) -> None:
    if content is not None:
        (tmp_path / "key.json").write_text(content)
    context = CollectContext(root=tmp_path, now=NOW, fingerprint=lambda v: "fp:0")
    config = {"projects": ["acme-prod"], "credentials_file": "key.json"}
    records = list(GcpCollector().collect(config, context))
    assert {r.kind for r in records} == set(GcpCollector.kinds)
    assert {r.error for r in records if isinstance(r, Gap)} == {
        f"cannot load credentials_file key.json: {reason}"
    }
