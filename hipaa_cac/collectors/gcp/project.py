"""What a service module gets: one project, and a reader that turns failed
calls into gaps.

    read = Reader(project, ("gcp.storage.bucket", "cloud.object_storage"))
    buckets = read.pages("storage", "buckets.list", "items", {"project": "acme"})
    # a list: every item read (some, when a later page failed); None: nothing read
    policy = read.call("storage", "buckets.getIamPolicy", {"bucket": "scans"},
                       where="bucket scans in project acme")   # None on failure
    yield from read.gaps()   # each distinct failure once, for each of the kinds

Project-wide answers several modules need (the project IAM policy, effective
organization policies) are read once per project and shared, failure included.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from hipaa_cac.collectors.base import Gap
from hipaa_cac.collectors.gcp.api import GcpApi
from hipaa_cac.collectors.gcp.faults import GcpCallError

# Full resource names (Cloud Asset Inventory's form): "//<service host>/<resource name>".
STORAGE = "//storage.googleapis.com/"
PROJECTS = "//cloudresourcemanager.googleapis.com/projects/"
COMPUTE_URL = "https://www.googleapis.com/compute/v1/"


@dataclass
class Project:
    project_id: str
    api: GcpApi
    now: datetime
    kms_locations: tuple[str, ...] | None = None  # None: every location KMS lists
    _shared: dict[tuple[str, str], tuple[dict[str, Any] | None, str | None]] = field(
        default_factory=dict
    )

    @property
    def where(self) -> str:
        return f"project {self.project_id}"

    def iam_policy(self) -> tuple[dict[str, Any] | None, str | None]:
        """The project's IAM policy (auditConfigs included), or the failure."""
        body = {"options": {"requestedPolicyVersion": 3}}
        return self._once(
            ("iam", ""),
            lambda: self.api.call(
                "cloudresourcemanager",
                "projects.getIamPolicy",
                {"resource": f"projects/{self.project_id}", "body": body},
                self.where,
            ),
        )

    def effective_policy(self, constraint: str) -> tuple[dict[str, Any] | None, str | None]:
        """The organization policy in force on the project for `constraint`."""
        name = f"projects/{self.project_id}/policies/{constraint}"
        return self._once(
            ("orgpolicy", constraint),
            lambda: self.api.call(
                "orgpolicy", "projects.policies.getEffectivePolicy", {"name": name}, self.where
            ),
        )

    def _once(
        self, key: tuple[str, str], read: Callable[[], dict[str, Any]]
    ) -> tuple[dict[str, Any] | None, str | None]:
        if key not in self._shared:
            try:
                self._shared[key] = (read(), None)
            except GcpCallError as exc:
                self._shared[key] = (None, str(exc))
        return self._shared[key]


class Reader:
    """Calls for some kinds in one project; a failure costs a field or a
    listing, never the rest, and is recorded once as a gap on every kind."""

    def __init__(self, project: Project, kinds: tuple[str, ...]) -> None:
        self.project, self.kinds = project, kinds
        self._messages: dict[str, None] = {}  # ordered set: stable output

    def add(self, message: str) -> None:
        self._messages[message] = None

    def call(
        self, api: str, method: str, params: Mapping[str, Any], where: str | None = None
    ) -> dict[str, Any] | None:
        try:
            return self.project.api.call(api, method, params, where or self.project.where)
        except GcpCallError as exc:
            self.add(str(exc))
            return None

    def pages(
        self,
        api: str,
        method: str,
        items: str,
        params: Mapping[str, Any],
        where: str | None = None,
    ) -> list[dict[str, Any]] | None:
        found: list[dict[str, Any]] = []
        try:
            for item in self.project.api.pages(
                api, method, items, params, where or self.project.where
            ):
                found.append(item)
        except GcpCallError as exc:
            self.add(str(exc))
            return found or None
        return found

    def gaps(self) -> Iterator[Gap]:
        for message in self._messages:
            for kind in self.kinds:
                yield Gap(kind, message)


def rfc3339(value: object) -> str | None:
    """Google's timestamps ("2026-08-01T10:00:00.123456Z") as RFC 3339 in UTC
    to the second with a +00:00 offset, the one form policies read."""
    moment = parse_time(value)
    return None if moment is None else moment.replace(microsecond=0).isoformat()


def parse_time(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    text = value.replace("Z", "+00:00")
    # Python 3.11 reads at most 6 fractional digits; Google may send 9.
    if "." in text:
        head, _, rest = text.partition(".")
        digits = "".join(c for c in rest if c.isdigit())
        text = f"{head}.{digits[:6]}{rest[len(digits) :]}"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def seconds(duration: object) -> int | None:
    """A protobuf Duration in JSON ("7776000s") as whole seconds."""
    if not isinstance(duration, str) or not duration.endswith("s"):
        return None
    try:
        return int(float(duration[:-1]))
    except ValueError:
        return None


def compute_id(url: object) -> str | None:
    """A Compute selfLink as a full resource name:
    https://www.googleapis.com/compute/v1/projects/p/global/networks/default
    -> //compute.googleapis.com/projects/p/global/networks/default."""
    if not isinstance(url, str) or not url:
        return None
    _, found, rest = url.partition("/compute/v1/")
    return f"//compute.googleapis.com/{rest if found else url}"
