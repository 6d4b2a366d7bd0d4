"""The evidence a hosted git service gives about one repository: `git.hosted_settings`.

GitHub and GitLab readers both fill the same shape (see HostedSettings), so a
policy asks "are force pushes to the default branch blocked?" once, whatever
the host. Values are three-valued: true, false, or None for "could not be
determined", and every None comes with a gap saying why (with one documented
exception, see HostedSettings).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from hipaa_cac.collectors.http_client import ApiError, RateLimitError

KIND = "git.hosted_settings"

T = TypeVar("T")


@dataclass(frozen=True)
class HostedSettings:
    """Normalised repository settings, and what could not be read.

    data = {
      "host": "github" | "gitlab",
      "repository": "owner/name"           (as the host spells it; GitLab: full path),
      "visibility": "private" | "internal" | "public",
      "default_branch": "main" | None,
      "branch_protection": {               what binds pushes to the default branch
        "enabled": bool,                   any protection applies at all
        "required_approving_reviews": int, approvals a change needs (0: none)
        "dismiss_stale_reviews": bool,     approvals reset when new commits are pushed
        "require_code_owner_reviews": bool,
        "required_status_checks": [str],   sorted check names that must pass
        "enforce_admins": bool,            nobody, admins included, may skip the rules
        "allow_force_pushes": bool,
        "allow_deletions": bool,
        "required_signatures": bool,       commits must be signed
      },
      "secret_scanning": bool,             the host scans the repository for secrets
      "secret_scanning_push_protection": bool,  pushes containing secrets are blocked
      "dependabot_alerts": bool,           vulnerable-dependency alerts are on
      "open_dependabot_alerts": int,       how many such alerts are open
    }

    Every value above may also be None: not determined. gaps holds one line
    per unreadable part, "<field>[, <field>]: <why>", e.g.
    "branch_protection: GitHub GET /repos/a/b/branches/main/protection answered
    403: token lacks permission (needs administration=read)". Every None field
    is named by a gap (a gap on "branch_protection" covers its sub-fields),
    except open_dependabot_alerts when dependabot_alerts is false: with alerts
    off there is nothing to count, and that is not a failure to read.
    """

    data: dict[str, Any]
    gaps: tuple[str, ...] = ()


PROTECTION_FIELDS = (
    "enabled",
    "required_approving_reviews",
    "dismiss_stale_reviews",
    "require_code_owner_reviews",
    "required_status_checks",
    "enforce_admins",
    "allow_force_pushes",
    "allow_deletions",
    "required_signatures",
)


def unknown_protection() -> dict[str, Any]:
    """Nothing could be read."""
    return dict.fromkeys(PROTECTION_FIELDS)


def no_protection() -> dict[str, Any]:
    """An unprotected branch: nothing is enforced, which is a known answer, not a gap."""
    return {
        "enabled": False,
        "required_approving_reviews": 0,
        "dismiss_stale_reviews": False,
        "require_code_owner_reviews": False,
        "required_status_checks": [],
        "enforce_admins": False,
        "allow_force_pushes": True,
        "allow_deletions": True,
        "required_signatures": False,
    }


def any_true(values: Iterable[bool | None]) -> bool | None:
    """True if one source requires it; None if one is unknown and none requires it."""
    seen = list(values)
    if True in seen:
        return True
    return None if None in seen else False


def all_true(values: Iterable[bool | None]) -> bool | None:
    """Allowed only if every source allows it; one known "no" settles it."""
    seen = list(values)
    if False in seen:
        return False
    return None if None in seen else True


def merge_protection(*views: dict[str, Any]) -> dict[str, Any]:
    """Combine protection sources that all apply at once (classic rules and rulesets).

    The host enforces every source, so the strictest wins: a requirement holds
    if any source requires it, a permission holds only if every source grants
    it, counts take the maximum, status checks the union. An unknown source
    makes a field unknown unless a known source already settles it.
    """

    def requirement(field: str) -> bool | None:
        return any_true(view[field] for view in views)

    def permission(field: str) -> bool | None:
        return all_true(view[field] for view in views)

    counts = [view["required_approving_reviews"] for view in views]
    checks = [view["required_status_checks"] for view in views]
    return {
        "enabled": requirement("enabled"),
        "required_approving_reviews": None if None in counts else max(counts, default=0),
        "dismiss_stale_reviews": requirement("dismiss_stale_reviews"),
        "require_code_owner_reviews": requirement("require_code_owner_reviews"),
        "required_status_checks": (
            None if None in checks else sorted({name for names in checks for name in names})
        ),
        "enforce_admins": requirement("enforce_admins"),
        "allow_force_pushes": permission("allow_force_pushes"),
        "allow_deletions": permission("allow_deletions"),
        "required_signatures": requirement("required_signatures"),
    }


class Gaps:
    """The parts that could not be read, each naming the fields it leaves unknown."""

    def __init__(self, label: str):
        self.label = label  # "GitHub", "GitLab", for the "not reported" fallback
        self._entries: list[tuple[tuple[str, ...], str]] = []

    def add(self, fields: str | tuple[str, ...], why: str) -> None:
        names = (fields,) if isinstance(fields, str) else fields
        self._entries.append((names, why))

    def read(self, fields: str | tuple[str, ...], fetch: Callable[[], T]) -> T | None:
        """fetch(), or None with a gap when the API refuses this one part.

        A rejected token and an exhausted rate limit are not partial failures:
        every later request would fail the same way, so they propagate.
        """
        try:
            return fetch()
        except RateLimitError:
            raise
        except ApiError as exc:
            if exc.status == 401:
                raise
            self.add(fields, str(exc))
            return None

    def settle(self, data: dict[str, Any]) -> HostedSettings:
        """The result, with a gap added for any None that no gap explains yet.

        A safety net for answers missing a field we expected: the invariant
        "every None has a reason" holds even for shapes we did not foresee.
        """
        covered = {name for names, _ in self._entries for name in names}
        for field in _unknown_fields(data):
            parent = field.split(".")[0]
            if field not in covered and parent not in covered:
                self.add(field, f"{self.label} did not report it")
        gaps = tuple(f"{', '.join(names)}: {why}" for names, why in self._entries)
        return HostedSettings(data=data, gaps=gaps)


def _unknown_fields(data: dict[str, Any]) -> list[str]:
    unknown = [key for key, value in data.items() if value is None]
    protection = data.get("branch_protection") or {}
    unknown += [f"branch_protection.{k}" for k, v in protection.items() if v is None]
    if data.get("dependabot_alerts") is False and "open_dependabot_alerts" in unknown:
        unknown.remove("open_dependabot_alerts")  # alerts off: nothing to count
    return unknown
