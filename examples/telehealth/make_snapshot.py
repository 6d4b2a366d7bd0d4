"""Write the example's evidence snapshot (evidence/*.json).

The team behind this example runs one AWS account and Okta for its workforce.
Until the AWS and identity collectors land, this script stands in for them:
it writes the collection files they would have written on 2026-11-20, in the
evidence format (docs/evidence-format.md), hashes and all. Rerun it after
changing the facts below; the output is deterministic. (Attestations, the API
repository and its logs are collected for real: see hipaa-cac.yaml.)

Planted for the demo: an unencrypted, half-public exports bucket; a log bucket
without access logging; CloudTrail without log file validation; RDS that the
collector was denied (AccessDenied) so its controls cannot be decided; a
shared CI account without MFA; a 30-minute idle timeout.
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


def main() -> None:
    for name, document in (
        ("aws-123456789012", aws()),
        ("okta", okta()),
    ):
        (HERE / "evidence" / f"2026-11-20-{name}.json").write_text(pretty_json(document))


if __name__ == "__main__":
    main()
