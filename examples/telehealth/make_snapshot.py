"""Write the example's evidence snapshot (evidence/*.json).

The team behind this example runs one AWS account, Okta for its workforce, and
keeps its attestations in the policy repo. Until the collectors land (AWS,
identity, attestations), this script stands in for them: it writes the
collection files they would have written on 2026-11-20, in the evidence
format (docs/evidence-format.md), hashes and all. Rerun it after changing the
facts below; the output is deterministic.

Planted for the demo: an unencrypted, half-public exports bucket; a log bucket
without access logging; CloudTrail without log file validation; RDS that the
collector was denied (AccessDenied) so its controls cannot be decided; a
shared CI account without MFA; a 30-minute idle timeout; an expired BAA with a
log vendor; overdue training; an expired contingency plan.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hipaa_cac.canonical import content_hash, pretty_json

HERE = Path(__file__).parent
ACCOUNT = "123456789012"
ELB = f"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}"


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


def bucket(
    name: str,
    *,
    encrypted: bool,
    public_block: bool,
    tls_only: bool,
    versioning: str,
    logging: bool,
) -> tuple[str, str, str, dict[str, Any]]:
    flags = (
        "block_public_acls",
        "ignore_public_acls",
        "block_public_policy",
        "restrict_public_buckets",
    )
    return (
        "aws.s3.bucket",
        f"arn:aws:s3:::{name}",
        "2026-11-20T06:00:03Z",
        {
            "name": name,
            "account_id": ACCOUNT,
            "region": "us-east-1",
            "encryption": {
                "enabled": encrypted,
                "algorithm": "aws:kms" if encrypted else None,
                "kms_key_id": None,
            },
            "public_access_block": {
                f: public_block or f.startswith("block_public_acls") for f in flags
            },
            "policy": {"is_public": False, "denies_insecure_transport": tls_only},
            "acl": {"is_public": False},
            "versioning": versioning,
            "logging": {
                "enabled": logging,
                "target_bucket": "northwind-access-logs" if logging else None,
            },
        },
    )


def aws() -> dict[str, Any]:
    at = "2026-11-20T06:00:04Z"
    items = [
        ("aws.account", f"arn:aws:iam::{ACCOUNT}:root", at, {"account_id": ACCOUNT}),
        bucket(
            "northwind-patient-uploads",
            encrypted=True,
            public_block=True,
            tls_only=True,
            versioning="Enabled",
            logging=True,
        ),
        bucket(
            "northwind-exports",
            encrypted=False,
            public_block=False,
            tls_only=False,
            versioning="Suspended",
            logging=False,
        ),
        bucket(
            "northwind-access-logs",
            encrypted=True,
            public_block=True,
            tls_only=True,
            versioning="Enabled",
            logging=False,
        ),
        (
            "aws.cloudtrail.trail",
            f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/org-trail",
            at,
            {
                "name": "org-trail",
                "account_id": ACCOUNT,
                "is_multi_region": True,
                "is_logging": True,
                "log_file_validation": False,
                "kms_key_id": None,
            },
        ),
        (
            "aws.elbv2.listener",
            f"{ELB}:listener/app/api/50dc6c495c0c9188/f2f7dc8efc522ab2",
            at,
            {
                "load_balancer_arn": f"{ELB}:loadbalancer/app/api/50dc6c495c0c9188",
                "protocol": "HTTPS",
                "port": 443,
                "ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
                "min_tls_version": "1.2",
                "redirects_to_https": False,
            },
        ),
        (
            "aws.elbv2.listener",
            f"{ELB}:listener/app/api/50dc6c495c0c9188/0467ef3c8400ae65",
            at,
            {
                "load_balancer_arn": f"{ELB}:loadbalancer/app/api/50dc6c495c0c9188",
                "protocol": "HTTP",
                "port": 80,
                "ssl_policy": None,
                "min_tls_version": None,
                "redirects_to_https": True,
            },
        ),
    ]
    kinds = {
        k: {"status": "complete"}
        for k in ("aws.account", "aws.s3.bucket", "aws.cloudtrail.trail", "aws.elbv2.listener")
    }
    kinds["aws.rds.instance"] = {
        "status": "error",
        "error": "AccessDenied: rds:DescribeDBInstances not allowed",
    }
    return collection("aws", f"aws:{ACCOUNT}", "2026-11-20", kinds, items, "1d")


def okta() -> dict[str, Any]:
    at = "2026-11-20T06:00:05Z"
    tenant = "okta:northwind.okta.com"

    def user(
        uid: str, login: str, status: str, mfa: bool, shared: bool
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
                "privileged": False,
            },
        )

    items = [
        user("00u1a", "dev-lead", "active", True, False),
        user("00u1b", "backend-2", "active", True, False),
        user("00u1c", "ci-deploy", "active", False, True),
        user("00u1d", "former-contractor", "suspended", False, False),
        (
            "idp.session_policy",
            f"{tenant}/policies/default",
            at,
            {"name": "Default Policy", "idle_timeout_minutes": 30, "max_session_minutes": 720},
        ),
    ]
    kinds = {"idp.user": {"status": "complete"}, "idp.session_policy": {"status": "complete"}}
    return collection("okta", tenant, "2026-11-20", kinds, items, "1d")


def attestations() -> dict[str, Any]:
    def attest(
        kind: str, name: str, on: str, data: dict[str, Any]
    ) -> tuple[str, str, str, dict[str, Any]]:
        return (
            f"attestation.{kind}",
            f"attestation:{kind}/{name}",
            f"{on}T00:00:00Z",
            {"attested_by": "security-official@northwind.example", **data},
        )

    def decision(
        control: str, on: str, choice: str, rationale: str
    ) -> tuple[str, str, str, dict[str, Any]]:
        return (
            "attestation.addressable_decision",
            control,
            f"{on}T00:00:00Z",
            {
                "decision": choice,
                "rationale": rationale,
                "attested_by": "security-official@northwind.example",
            },
        )

    doc = "sha256:" + "ab" * 32
    items = [
        attest(
            "baa",
            "northside-clinic",
            "2026-03-01",
            {
                "party": "Northside Clinic",
                "role": "covered_entity",
                "services": ["telehealth API"],
                "signed_on": "2025-03-01",
                "expires_on": "2027-03-01",
                "document_sha256": doc,
            },
        ),
        attest(
            "baa",
            "aws",
            "2026-01-10",
            {
                "party": "Amazon Web Services",
                "role": "subprocessor",
                "services": ["hosting"],
                "signed_on": "2024-06-01",
                "expires_on": None,
                "document_sha256": doc,
            },
        ),
        attest(
            "baa",
            "logstream",
            "2026-02-01",
            {
                "party": "LogStream Inc.",
                "role": "subprocessor",
                "services": ["log aggregation"],
                "signed_on": "2024-10-01",
                "expires_on": "2026-10-01",
                "document_sha256": doc,
            },
        ),
        attest(
            "training",
            "p-101",
            "2026-04-02",
            {"person_id": "p-101", "course": "HIPAA Security 2026", "completed_on": "2026-04-02"},
        ),
        attest(
            "training",
            "p-102",
            "2026-04-09",
            {"person_id": "p-102", "course": "HIPAA Security 2026", "completed_on": "2026-04-09"},
        ),
        attest(
            "training",
            "p-103",
            "2025-06-12",
            {"person_id": "p-103", "course": "HIPAA Security 2025", "completed_on": "2025-06-12"},
        ),
        attest(
            "risk_analysis",
            "2026",
            "2026-02-10",
            {
                "statement": "Annual risk analysis of all ePHI systems",
                "scope": "AWS account 123456789012, Okta, API",
            },
        ),
        attest(
            "risk_management_plan",
            "2026",
            "2026-02-24",
            {"statement": "Risk treatment plan for the 2026 analysis"},
        ),
        attest(
            "sanctions_policy",
            "v3",
            "2026-01-15",
            {"statement": "Sanctions policy v3 approved and published"},
        ),
        attest(
            "security_official",
            "designation",
            "2026-01-05",
            {"statement": "Security official designated in writing"},
        ),
        attest(
            "contingency_plan",
            "2025",
            "2025-09-01",
            {"statement": "Contingency plan covering backups and restore"},
        ),
        decision("hipaa-164-312-a-2-iv", "2026-02-10", "implemented", "SSE-KMS on every PHI store"),
        decision("hipaa-164-312-e-2-ii", "2026-02-10", "implemented", "TLS 1.2+ on every endpoint"),
        decision(
            "hipaa-164-312-c-2",
            "2026-02-10",
            "implemented",
            "CloudTrail log validation and S3 versioning",
        ),
        decision("hipaa-164-312-a-2-iii", "2026-02-10", "implemented", "Okta session idle timeout"),
        decision(
            "hipaa-164-310-a-2-iii",
            "2026-02-10",
            "alternative_measure",
            "No own facilities: AWS data centers under the AWS BAA; SOC 2 report reviewed yearly",
        ),
        decision(
            "hipaa-164-310-a-2-ii",
            "2026-02-10",
            "not_reasonable_and_appropriate",
            "Fully remote team without offices; facility controls are the hosting provider's",
        ),
    ]
    kinds = {k: {"status": "complete"} for k in sorted({i[0] for i in items})}
    return collection("attestations", "repo:northwind-policies", "2026-11-20", kinds, items, "365d")


def main() -> None:
    for name, document in (
        ("aws-123456789012", aws()),
        ("okta", okta()),
        ("attestations", attestations()),
    ):
        (HERE / "evidence" / f"2026-11-20-{name}.json").write_text(pretty_json(document))


if __name__ == "__main__":
    main()
