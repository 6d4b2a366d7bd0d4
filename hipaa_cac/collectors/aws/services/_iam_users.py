"""IAM users (kind `aws.iam.user`): console access, MFA, access keys and
admin paths, one Observation per user.

Per-user calls (GetLoginProfile, ListMFADevices, ListAccessKeys,
GetAccessKeyLastUsed) rather than the credential report: they are current
(the report can be four hours old) and name each key, which the report does
not. Access keys are recorded by their last four characters only.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from hipaa_cac.collectors.aws.services._iam_admin import Authorization
from hipaa_cac.collectors.aws.services._records import Gaps, error_code, rfc3339
from hipaa_cac.collectors.aws.target import AwsTarget
from hipaa_cac.collectors.base import Observation, Record

USER = "aws.iam.user"


def users(target: AwsTarget, auth: Authorization | None, gaps: Gaps) -> Iterator[Record]:
    """Raises when the users cannot be listed; per-user failures are gaps."""
    iam = target.client("iam")
    for page in iam.get_paginator("list_users").paginate():
        for user in page.get("Users", []):
            name = user["UserName"]
            admin = (
                auth.admin_fields(name)
                if auth is not None
                else {"attached_admin": None, "admin_via": None}
            )
            yield Observation(
                USER,
                user["Arn"],
                {
                    "name": name,
                    "created": rfc3339(user.get("CreateDate")),
                    "console_access": _console_access(iam, name, gaps),
                    "mfa_enabled": _mfa_enabled(iam, name, gaps),
                    "access_keys": _access_keys(iam, name, gaps),
                    "password_last_used": rfc3339(user.get("PasswordLastUsed")),
                    **admin,
                },
            )


def _console_access(iam: Any, name: str, gaps: Gaps) -> bool | None:
    # A login profile is what gives an IAM user a console password.
    try:
        iam.get_login_profile(UserName=name)
    except (ClientError, BotoCoreError) as exc:
        if error_code(exc) == "NoSuchEntity":
            return False
        gaps.add(exc)
        return None
    return True


def _mfa_enabled(iam: Any, name: str, gaps: Gaps) -> bool | None:
    answer = gaps.attempt(lambda: iam.list_mfa_devices(UserName=name))
    return None if answer is None else bool(answer.get("MFADevices"))


def _access_keys(iam: Any, name: str, gaps: Gaps) -> list[dict[str, Any]] | None:
    answer = gaps.attempt(lambda: iam.list_access_keys(UserName=name))
    if answer is None:
        return None
    keys = []
    for key in answer.get("AccessKeyMetadata", []):
        key_id = key["AccessKeyId"]
        keys.append(
            {
                # The id is not a secret, but four characters are enough to find the key.
                "id_suffix": key_id[-4:],
                "status": key.get("Status"),
                "created": rfc3339(key.get("CreateDate")),
                "last_used": _last_used(iam, key_id, gaps),
            }
        )
    return sorted(keys, key=lambda k: (k["created"] or "", k["id_suffix"]))


def _last_used(iam: Any, key_id: str, gaps: Gaps) -> str | None:
    """None: never used (no LastUsedDate), or the lookup failed (with a gap)."""
    answer = gaps.attempt(lambda: iam.get_access_key_last_used(AccessKeyId=key_id))
    if answer is None:
        return None
    return rfc3339(answer.get("AccessKeyLastUsed", {}).get("LastUsedDate"))
