"""IAM service accounts and their user-managed keys.

    gcp.iam.service_account
      //iam.googleapis.com/projects/acme-prod/serviceAccounts/etl@acme-prod.iam.gserviceaccount.com
        {"email": "etl@acme-prod.iam.gserviceaccount.com", "project_id": "acme-prod",
         "unique_id": "104729...", "disabled": false,
         "keys": [{"key_id": "3f1c...", "created": "2025-06-01T00:00:00+00:00",
                   "age_days": 537, "expires": null, "disabled": false,
                   "origin": "GOOGLE_PROVIDED"}]}

Only user-managed keys (Google-managed keys rotate themselves). A key is named
by its id, which Google shows in the console; key material is never asked
for (`keys.list` does not return private keys, and public key data is not
requested). `keys` is null when they could not be read. `expires` is null for
Google's "never" (9999-12-31).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hipaa_cac.collectors.base import Observation, Record
from hipaa_cac.collectors.gcp.project import Project, Reader, parse_time, rfc3339
from hipaa_cac.collectors.gcp.services import GcpService

ACCOUNT = "gcp.iam.service_account"
IAM = "//iam.googleapis.com/"


def collect(project: Project) -> Iterator[Record]:
    read = Reader(project, (ACCOUNT,))
    accounts = read.pages(
        "iam",
        "projects.serviceAccounts.list",
        "accounts",
        {"name": f"projects/{project.project_id}"},
    )
    records: list[Record] = []
    for account in accounts or []:
        email = str(account.get("email"))
        keys = read.call(
            "iam",
            "projects.serviceAccounts.keys.list",
            {"name": account["name"], "keyTypes": "USER_MANAGED"},
            where=f"service account {email} in {project.where}",
        )
        data = {
            "email": email,
            "project_id": project.project_id,
            "unique_id": account.get("uniqueId"),
            "disabled": account.get("disabled") is True,
            "keys": None if keys is None else _keys(project, keys),
        }
        subject = f"{IAM}projects/{project.project_id}/serviceAccounts/{email}"
        records.append(Observation(ACCOUNT, subject, data))
    yield from read.gaps()
    yield from records


def _keys(project: Project, answer: dict[str, Any]) -> list[dict[str, Any]]:
    keys = []
    for key in answer.get("keys") or []:
        created = parse_time(key.get("validAfterTime"))
        expires = parse_time(key.get("validBeforeTime"))
        keys.append(
            {
                "key_id": str(key.get("name", "")).rsplit("/", 1)[-1],
                "created": rfc3339(key.get("validAfterTime")),
                "age_days": None if created is None else (project.now - created).days,
                "expires": None
                if expires is None or expires.year >= 9999
                else rfc3339(key.get("validBeforeTime")),
                "disabled": key.get("disabled") is True,
                "origin": key.get("keyOrigin"),
            }
        )
    return sorted(keys, key=lambda k: str(k["key_id"]))


SERVICE = GcpService(name="iam", kinds=(ACCOUNT,), collect=collect)
