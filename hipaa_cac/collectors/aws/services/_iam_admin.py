"""Which IAM policies grant full administrator access (`*` on `*`), and
through which path each user holds it.

One paginated GetAccountAuthorizationDetails gives every user, group and
customer-managed policy with its documents; AWS-managed policies attached to
a user or group are read once each (GetPolicy, GetPolicyVersion). Only the
verdict is recorded (`admin: true`), never a policy document.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from hipaa_cac.collectors.aws.services._records import Gaps
from hipaa_cac.collectors.aws.target import AwsTarget

ADMIN_ACTIONS = {"*", "*:*"}


@dataclass(frozen=True)
class CustomerPolicy:
    arn: str
    name: str
    admin: bool
    attached: int


@dataclass
class Authorization:
    policies: list[CustomerPolicy] = field(default_factory=list)
    # managed policy ARN / group name / user name → grants admin (None: not shown)
    policy_admin: dict[str, bool | None] = field(default_factory=dict)
    group_admin: dict[str, bool | None] = field(default_factory=dict)
    user_paths: dict[str, dict[str, bool | None]] = field(default_factory=dict)

    def admin_fields(self, user: str) -> dict[str, Any]:
        """`attached_admin` and `admin_via` (the paths that grant it) of a user."""
        paths = self.user_paths.get(user)
        if paths is None:  # the user appeared after the details were read
            return {"attached_admin": None, "admin_via": None}
        return {
            "attached_admin": _any(paths.values()),
            "admin_via": sorted(p for p, admin in paths.items() if admin is True),
        }


def grants_admin(document: object) -> bool:
    """Whether a policy document allows every action on every resource.

    Conditions are not evaluated and Deny statements not subtracted: a policy
    that allows `*` on `*` at all counts as admin (fail closed)."""
    document = _decoded(document)
    if not isinstance(document, dict):
        return False
    statements = document.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list):
        return False
    return any(
        isinstance(s, dict)
        and s.get("Effect") == "Allow"
        and bool(_strings(s.get("Action")) & ADMIN_ACTIONS)
        and "*" in _strings(s.get("Resource"))
        for s in statements
    )


def load(target: AwsTarget, gaps: Gaps) -> Authorization:
    """Raises when the authorization details cannot be read (the caller
    records that); a failed AWS-managed policy lookup only leaves it unknown."""
    iam = target.client("iam")
    users: list[dict[str, Any]] = []
    groups: list[dict[str, Any]] = []
    auth = Authorization()
    paginator = iam.get_paginator("get_account_authorization_details")
    for page in paginator.paginate(Filter=["User", "Group", "LocalManagedPolicy"]):
        users.extend(page.get("UserDetailList", []))
        groups.extend(page.get("GroupDetailList", []))
        for policy in page.get("Policies", []):
            default = [v for v in policy.get("PolicyVersionList", []) if v.get("IsDefaultVersion")]
            admin = any(grants_admin(v.get("Document")) for v in default)
            auth.policy_admin[policy["Arn"]] = admin
            # moto leaves PolicyName out; the ARN ends with it (after the path).
            name = policy.get("PolicyName") or policy["Arn"].rsplit("/", 1)[-1]
            attached = policy.get("AttachmentCount", 0)
            auth.policies.append(CustomerPolicy(policy["Arn"], name, admin, attached))
    attached = {
        p["PolicyArn"] for e in users + groups for p in e.get("AttachedManagedPolicies", [])
    }
    for arn in sorted(attached - auth.policy_admin.keys()):
        auth.policy_admin[arn] = _aws_managed_admin(iam, arn, gaps)
    for group in groups:
        auth.group_admin[group["GroupName"]] = _any(
            [
                _any(
                    auth.policy_admin.get(p["PolicyArn"])
                    for p in group.get("AttachedManagedPolicies", [])
                ),
                any(
                    grants_admin(p.get("PolicyDocument")) for p in group.get("GroupPolicyList", [])
                ),
            ]
        )
    for user in users:
        auth.user_paths[user["UserName"]] = {
            "attached": _any(
                auth.policy_admin.get(p["PolicyArn"])
                for p in user.get("AttachedManagedPolicies", [])
            ),
            "inline": any(
                grants_admin(p.get("PolicyDocument")) for p in user.get("UserPolicyList", [])
            ),
            "group": _any(auth.group_admin.get(g) for g in user.get("GroupList", [])),
        }
    return auth


def _aws_managed_admin(iam: Any, arn: str, gaps: Gaps) -> bool | None:
    policy = gaps.attempt(lambda: iam.get_policy(PolicyArn=arn))
    if policy is None:
        return None
    version_id = policy["Policy"]["DefaultVersionId"]
    version = gaps.attempt(lambda: iam.get_policy_version(PolicyArn=arn, VersionId=version_id))
    if version is None:
        return None
    return grants_admin(version["PolicyVersion"].get("Document"))


def _any(values: Iterable[bool | None]) -> bool | None:
    """True if any is True; else None if any is unknown; else False."""
    seen = list(values)
    if any(v is True for v in seen):
        return True
    return None if any(v is None for v in seen) else False


def _strings(value: object) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, list):
        return {v for v in value if isinstance(v, str)}
    return set()


def _decoded(document: object) -> object:
    # botocore decodes IAM policy documents; a raw URL-encoded string is decoded here.
    if isinstance(document, str):
        try:
            return json.loads(urllib.parse.unquote(document))
        except ValueError:
            return None
    return document
