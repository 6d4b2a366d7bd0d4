"""Write the example's evidence snapshot (evidence/*.json).

The team behind this example uses Okta for its workforce. Until the identity
collectors land, this script stands in for them: it writes the collection
file they would have written on 2026-11-20, in the evidence format
(docs/evidence-format.md), hashes and all. Rerun it after changing the facts
below; the output is deterministic. (Everything else is collected for real:
see hipaa-cac.yaml and record_aws.py.)

Planted for the demo: a shared CI account without MFA; a 30-minute idle
timeout. Joined with the HR roster and access attestations in attestations/:
backend-3 still active after its owner left on 2026-11-02; breakglass-2, a
break-glass account the emergency access procedure does not list; ops-admin,
privileged and last reviewed in March; support-2, whose owner has no training
record; qa-temp, which belongs to no one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hipaa_cac.canonical import content_hash, pretty_json

HERE = Path(__file__).parent


def collection(
    name: str,
    scope: str,
    day: str,
    kinds: dict[str, Any],
    items: list[tuple[str, str, str, dict[str, Any]]],
    max_age: str,
) -> dict[str, Any]:
    source = {"collector": name, "version": "0.1.0", "scope": scope}
    documents = []
    for kind, subject, collected_at, data in items:
        item = {
            "kind": kind,
            "subject": subject,
            "source": source,
            "collected_at": collected_at,
            "max_age": max_age,
            "data": data,
        }
        documents.append({**item, "sha256": content_hash(item)})
    return {
        "schema": "hipaa-cac/evidence-collection/v1",
        "collector": {"name": name, "version": "0.1.0"},
        "scope": scope,
        "started_at": f"{day}T06:00:00Z",
        "finished_at": f"{day}T06:00:09Z",
        "kinds": kinds,
        "items": documents,
    }


def okta() -> dict[str, Any]:
    at = "2026-11-20T06:00:05Z"
    tenant = "okta:northwind.okta.com"

    def user(
        uid: str, login: str, status: str, mfa: bool, shared: bool, privileged: bool = False
    ) -> tuple[str, str, str, dict[str, Any]]:
        return (
            "idp.user",
            f"{tenant}/users/{uid}",
            at,
            {
                "user_id": uid,
                "display_id": login,
                "status": status,
                "mfa_enrolled": mfa,
                "shared_account": shared,
                "last_login": "2026-11-19T16:02:00Z",
                "privileged": privileged,
            },
        )

    items = [
        user("00u1a", "dev-lead", "active", True, False, privileged=True),
        user("00u1b", "backend-2", "active", True, False),
        user("00u1c", "ci-deploy", "active", False, True),
        user("00u1d", "former-contractor", "suspended", False, False),
        user("00u1e", "backend-3", "active", True, False),
        user("00u1f", "support-1", "active", True, False),
        user("00u1g", "support-2", "active", True, False),
        user("00u1h", "ops-admin", "active", True, False, privileged=True),
        user("00u1i", "emergency-admin", "active", True, False, privileged=True),
        user("00u1j", "breakglass-2", "active", True, False, privileged=True),
        user("00u1k", "qa-temp", "active", True, False),
        (
            "idp.session_policy",
            f"{tenant}/policies/default",
            at,
            {"name": "Default Policy", "idle_timeout_minutes": 30, "max_session_minutes": 720},
        ),
    ]
    kinds = {"idp.user": {"status": "complete"}, "idp.session_policy": {"status": "complete"}}
    return collection("okta", tenant, "2026-11-20", kinds, items, "1d")


def main() -> None:
    for name, document in (
        ("okta", okta()),
    ):
        (HERE / "evidence" / f"2026-11-20-{name}.json").write_text(pretty_json(document))


if __name__ == "__main__":
    main()
