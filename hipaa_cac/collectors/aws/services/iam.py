"""IAM (global): the root user, users, the account password policy, and
customer-managed policies that grant full admin.

    aws.iam.root             arn:aws:iam::<acct>:root
    aws.iam.user             user ARN                      (_iam_users.py)
    aws.iam.password_policy  arn:aws:iam::<acct>:account-password-policy
    aws.iam.policy           customer-managed policy ARN   (admin: _iam_admin.py)

Each part fails alone: a denied GetAccountPasswordPolicy is a gap for that
kind only.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from hipaa_cac.collectors.aws.faults import fault_message
from hipaa_cac.collectors.aws.services import AwsService
from hipaa_cac.collectors.aws.services import _iam_admin as admin
from hipaa_cac.collectors.aws.services._iam_users import USER, users
from hipaa_cac.collectors.aws.services._records import Gaps, error_code, rfc3339
from hipaa_cac.collectors.aws.target import AwsTarget
from hipaa_cac.collectors.base import Gap, Observation, Record

ROOT = "aws.iam.root"
PASSWORD_POLICY = "aws.iam.password_policy"
POLICY = "aws.iam.policy"
ROOT_ROW = "<root_account>"
ROOT_USE_COLUMNS = (
    "password_last_used",
    "access_key_1_last_used_date",
    "access_key_2_last_used_date",
)
# GenerateCredentialReport is asynchronous; AWS usually finishes in seconds.
REPORT_WAITS = (0.5, 1.0, 2.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0)  # ~31 s in all


def collect(target: AwsTarget, region: str) -> Iterator[Record]:
    where = target.account_id
    yield from _guarded(ROOT, where, lambda: _root(target))
    yield from _guarded(PASSWORD_POLICY, where, lambda: iter([_password_policy(target)]))
    user_gaps = Gaps(USER, "iam", where)
    auth: admin.Authorization | None = None
    try:
        auth = admin.load(target, user_gaps)
    except Exception as exc:
        # Users are still listed (admin fields null); the policies cannot be.
        user_gaps.add(exc)
        yield Gap(POLICY, fault_message(exc, "iam", where))
    if auth is not None:
        for policy in auth.policies:
            yield Observation(
                POLICY,
                policy.arn,
                {"name": policy.name, "admin": policy.admin, "attached": policy.attached},
            )
    yield from _guarded(USER, where, lambda: users(target, auth, user_gaps))
    yield from user_gaps.records()


def _guarded(kind: str, where: str, produce: Callable[[], Iterable[Record]]) -> Iterator[Record]:
    """What `produce()` yields, or a gap for `kind` if it fails part-way."""
    try:
        yield from produce()
    except Exception as exc:
        yield Gap(kind, fault_message(exc, "iam", where))


def _root(target: AwsTarget) -> Iterator[Record]:
    iam = target.client("iam")
    summary = iam.get_account_summary()["SummaryMap"]
    last_used: str | None = None
    failure: Exception | None = None
    try:
        last_used = _root_last_used(_credential_report(iam))
    except (ClientError, BotoCoreError, TimeoutError) as exc:  # the summary still stands
        failure = exc
    yield Observation(
        ROOT,
        f"arn:{target.partition}:iam::{target.account_id}:root",
        {
            "mfa_enabled": _flag(summary.get("AccountMFAEnabled")),
            "access_keys_present": _flag(summary.get("AccountAccessKeysPresent")),
            "last_used": last_used,
        },
    )
    if failure is not None:
        yield Gap(ROOT, fault_message(failure, "iam", target.account_id))


def _credential_report(iam: Any) -> str:
    for wait in REPORT_WAITS:
        if iam.generate_credential_report().get("State") == "COMPLETE":
            content = iam.get_credential_report()["Content"]
            return content.decode() if isinstance(content, bytes) else str(content)
        time.sleep(wait)
    raise TimeoutError("the IAM credential report was not ready after 30 s")


def _root_last_used(report: str) -> str | None:
    """The root user's latest sign-in or access-key use; None if never (or
    the report has no root row, as moto's does not)."""
    for row in csv.DictReader(io.StringIO(report)):
        if row.get("user") == ROOT_ROW:
            times = [rfc3339(row.get(c)) for c in ROOT_USE_COLUMNS]
            known = [t for t in times if t is not None]
            return max(known) if known else None  # same format and zone: sorts as time
    return None


def _password_policy(target: AwsTarget) -> Observation:
    iam = target.client("iam")
    subject = f"arn:{target.partition}:iam::{target.account_id}:account-password-policy"
    try:
        policy = iam.get_account_password_policy()["PasswordPolicy"]
    except ClientError as exc:
        if error_code(exc) != "NoSuchEntity":
            raise
        policy = None
    get = (policy or {}).get
    return Observation(
        PASSWORD_POLICY,
        subject,
        {
            "exists": policy is not None,
            "minimum_length": get("MinimumPasswordLength"),
            "require_symbols": get("RequireSymbols"),
            "require_numbers": get("RequireNumbers"),
            "require_uppercase": get("RequireUppercaseCharacters"),
            "require_lowercase": get("RequireLowercaseCharacters"),
            # Absent MaxPasswordAge: passwords never expire.
            "max_age_days": get("MaxPasswordAge"),
            "reuse_prevention": get("PasswordReusePrevention"),
        },
    )


def _flag(value: object) -> bool | None:
    # The summary map counts: 1 / 0.
    return bool(value) if isinstance(value, int) else None


SERVICE = AwsService(
    name="iam",
    kinds=(ROOT, USER, PASSWORD_POLICY, POLICY),
    regional=False,
    collect=collect,
)
