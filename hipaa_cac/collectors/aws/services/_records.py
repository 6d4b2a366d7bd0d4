"""Helpers for building records in the service modules: timestamps in the one
form policies read, and gaps for per-resource calls that failed.

    gaps = Gaps("aws.iam.user", "iam", "123456789012")
    mfa = gaps.attempt(lambda: iam.list_mfa_devices(UserName=name))  # None on failure
    policy = gaps(lambda: s3.get_bucket_policy(Bucket=b), absent={"NoSuchBucketPolicy"})
    # a dict: the answer; {}: AWS says there is none; None: failed, and a gap
    ...
    yield from gaps.records()        # each distinct failure once (also: gaps.gaps)

A failed call costs one field, not the resource, nor the task's other resources.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar

from botocore.exceptions import BotoCoreError, ClientError

from hipaa_cac.collectors.aws.faults import fault_message
from hipaa_cac.collectors.base import Gap, Record

T = TypeVar("T")


def rfc3339(value: object) -> str | None:
    """A timestamp as RFC 3339 in UTC to the second, `2026-11-20T06:00:00+00:00`.

    The `+00:00` offset (never `Z`) is what rego-cpp's time.parse_rfc3339_ns
    accepts. boto3 gives datetimes; the credential report and some APIs give
    strings, which may also be placeholders such as "N/A" (→ None).
    """
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    if value.tzinfo is None:  # AWS times are UTC even when unmarked
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).replace(microsecond=0).isoformat()


def error_code(exc: Exception) -> str:
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code", ""))
    return ""


class Gaps:
    """Failures of per-resource calls for one kind, each distinct message once:
    a denied ListMFADevices fails the same way for every user, and one gap
    says so; the resources themselves are still recorded, the field null."""

    def __init__(self, kind: str, service: str, where: str) -> None:
        self.kind, self.service, self.where = kind, service, where
        self._messages: dict[str, None] = {}  # ordered set: stable output

    def add(self, exc: Exception) -> None:
        self._messages[fault_message(exc, self.service, self.where)] = None

    def attempt(self, call: Callable[[], T]) -> T | None:
        try:
            return call()
        except (ClientError, BotoCoreError) as exc:  # AWS said no: a gap for this field
            self.add(exc)
            return None

    def __call__(
        self, call: Callable[[], Mapping[str, Any]], absent: Collection[str] = ()
    ) -> dict[str, Any] | None:
        """`attempt` for calls answering a mapping, where error codes in
        `absent` mean "there is none" ({}), not a failure."""
        try:
            return dict(call())
        except (ClientError, BotoCoreError) as exc:
            if error_code(exc) in absent:
                return {}
            self.add(exc)
            return None

    def records(self) -> Iterator[Gap]:
        for message in self._messages:
            yield Gap(self.kind, message)

    @property
    def gaps(self) -> list[Gap]:
        return list(self.records())


def section(kind: str, service: str, where: str, records: Iterator[Record]) -> Iterator[Record]:
    """Yield `records`; a failure ends only this kind, as a gap, keeping what
    was yielded before (one module collecting several kinds)."""
    try:
        yield from records
    except Exception as exc:
        yield Gap(kind, fault_message(exc, service, where))
