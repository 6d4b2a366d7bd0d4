"""GitLab project settings for `git.hosted_settings`, from the REST API (v4).

Endpoints read (all GET, relative to https://gitlab.com/api/v4 or a self-managed /api/v4):

    /projects/:id                      visibility, default branch, pipeline-must-succeed,
                                       secret push protection (Ultimate, when reported)
    /projects/:id/protected_branches   every rule, matched against the default branch
    /projects/:id/approval_rules       approvals required (Premium)
    /projects/:id/approvals            reset_approvals_on_push (Premium)
    /projects/:id/push_rule            reject_unsigned_commits, prevent_secrets (Premium)

How GitLab's settings map onto the shared shape (model.HostedSettings):

- Protection: the whole protected-branch list is read rather than
  /protected_branches/:name, because wildcard rules ("rel*", "*") protect a
  branch too, and an exact rule does not override them. When several rules
  match, GitLab applies the most permissive one, except for code-owner
  approval, where the strictest wins; the merge here does the same.
- enforce_admins: true when the matching rules allow nobody to push (push
  access "No one"), so every change goes through a merge request; a role,
  user, group or deploy key allowed to push can skip review, as a GitHub
  admin can without enforce_admins.
- allow_deletions: false for any protected branch (git cannot delete one).
- required_approving_reviews: the largest approvals_required among the
  project's regular / any_approver approval rules that cover the branch.
- dismiss_stale_reviews: reset_approvals_on_push.
- required_status_checks: ["pipeline"] when merge requests can only merge
  after a successful pipeline; external status checks are not read.
- required_signatures: push rule reject_unsigned_commits (project-wide, so it
  holds on an unprotected branch too).
- secret_scanning_push_protection: push rule prevent_secrets (blocks files
  that look like secrets) or Secret Push Protection, whichever is on.
- secret_scanning, dependabot_alerts, open_dependabot_alerts: GitLab runs
  secret detection and dependency scanning as CI jobs; the REST API does not
  say whether they run, so these are None with a gap.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any
from urllib.parse import quote

from hipaa_cac.collectors.hosted.model import (
    Gaps,
    HostedSettings,
    all_true,
    any_true,
    no_protection,
    unknown_protection,
)
from hipaa_cac.collectors.http_client import ApiClient, ApiError
from hipaa_cac.errors import InputError

NO_ACCESS = 0  # GitLab access level "No one"
APPROVAL_RULE_TYPES = frozenset({"regular", "any_approver"})  # not report_approver / code_owner


def gitlab_settings(client: ApiClient, project: str) -> HostedSettings:
    """Read a project (`group/sub/name` or numeric id); raises ApiError if unreadable."""
    path = project.strip().strip("/")
    if not path:
        raise InputError("GitLab project must be a path like 'group/name' or a numeric id")
    base = f"/projects/{quote(path, safe='')}"
    proj = client.get_json(base)
    if not isinstance(proj, dict):
        raise ApiError(200, f"GitLab GET {base} answered something other than a project")
    gaps = Gaps("GitLab")

    push_rule = gaps.read(
        ("branch_protection.required_signatures", "secret_scanning_push_protection"),
        lambda: _push_rule(client, base),
    )
    branch = proj.get("default_branch")
    if isinstance(branch, str) and branch:
        protection = _branch_protection(client, base, branch, proj, gaps)
    else:
        gaps.add("branch_protection", "GitLab reports no default branch (empty repository)")
        protection = unknown_protection()
    protection["required_signatures"] = _flag(push_rule, "reject_unsigned_commits")

    # Secret Push Protection (Ultimate): `secret_push_protection_enabled`, called
    # `pre_receive_secret_detection_enabled` in older releases; absent without it.
    spp = [
        proj.get(k)
        for k in ("secret_push_protection_enabled", "pre_receive_secret_detection_enabled")
    ]
    push_protection = any_true(
        [_flag(push_rule, "prevent_secrets"), *(v for v in spp if v is True)]
    )

    gaps.add(
        "secret_scanning",
        "GitLab runs secret detection as a CI job; the REST API does not say whether it runs",
    )
    gaps.add(
        ("dependabot_alerts", "open_dependabot_alerts"),
        "GitLab has no Dependabot; dependency scanning runs as a CI job "
        "and its results are not read",
    )
    return gaps.settle(
        {
            "host": "gitlab",
            "repository": proj.get("path_with_namespace") or path,
            "visibility": proj.get("visibility"),
            "default_branch": branch,
            "branch_protection": protection,
            "secret_scanning": None,
            "secret_scanning_push_protection": push_protection,
            "dependabot_alerts": None,
            "open_dependabot_alerts": None,
        }
    )


def _push_rule(client: ApiClient, base: str) -> dict[str, Any]:
    # 200 with a JSON null means "no push rule configured": everything off.
    # Free tier answers 404 (feature unavailable), which stays a gap: the
    # token may simply not see it.
    body = client.get_json(f"{base}/push_rule")
    if body is None:
        return {"reject_unsigned_commits": False, "prevent_secrets": False}
    return body if isinstance(body, dict) else {}


def _branch_protection(
    client: ApiClient, base: str, branch: str, proj: dict[str, Any], gaps: Gaps
) -> dict[str, Any]:
    rules = gaps.read(
        "branch_protection",
        lambda: client.get_all(f"{base}/protected_branches", {"per_page": 100}),
    )
    if rules is None:
        return unknown_protection()
    matching = [r for r in rules if isinstance(r, dict) and _matches(r.get("name"), branch)]
    if not matching:
        return no_protection()

    approvals = gaps.read(
        "branch_protection.required_approving_reviews",
        lambda: _required_approvals(client, base, branch),
    )
    settings = gaps.read(
        "branch_protection.dismiss_stale_reviews", lambda: client.get_json(f"{base}/approvals")
    )
    pipeline = proj.get("only_allow_merge_if_pipeline_succeeds")
    checks = (["pipeline"] if pipeline else []) if isinstance(pipeline, bool) else None
    return {
        "enabled": True,
        "required_approving_reviews": approvals,
        "dismiss_stale_reviews": _flag(settings, "reset_approvals_on_push"),
        "require_code_owner_reviews": any_true(
            _flag(r, "code_owner_approval_required") for r in matching
        ),
        "required_status_checks": checks,
        "enforce_admins": all_true(_nobody_pushes(r) for r in matching),
        "allow_force_pushes": any_true(_flag(r, "allow_force_push") for r in matching),
        "allow_deletions": False,
        "required_signatures": None,  # set by the caller from the push rule
    }


def _required_approvals(client: ApiClient, base: str, branch: str) -> int:
    rules = client.get_all(f"{base}/approval_rules", {"per_page": 100})
    required = [
        rule["approvals_required"]
        for rule in rules
        if isinstance(rule, dict)
        and rule.get("rule_type", "regular") in APPROVAL_RULE_TYPES
        and isinstance(rule.get("approvals_required"), int)
        and _covers(rule, branch)
    ]
    return max(required, default=0)


def _covers(rule: dict[str, Any], branch: str) -> bool:
    """Whether an approval rule applies to merge requests into `branch` (already protected)."""
    if rule.get("applies_to_all_protected_branches") is True:
        return True
    scoped = [pb for pb in rule.get("protected_branches") or [] if isinstance(pb, dict)]
    # A rule scoped to no branch applies to every branch.
    return not scoped or any(_matches(pb.get("name"), branch) for pb in scoped)


def _nobody_pushes(rule: dict[str, Any]) -> bool | None:
    levels = rule.get("push_access_levels")
    if not isinstance(levels, list):
        return None
    return all(
        isinstance(level, dict)
        and level.get("access_level") == NO_ACCESS
        and not any(level.get(k) for k in ("user_id", "group_id", "deploy_key_id"))
        for level in levels
    )


def _matches(pattern: Any, branch: str) -> bool:
    # GitLab's only wildcard is "*" (any characters, "/" included); git ref
    # names cannot contain "?" or "[", so fnmatch adds nothing unintended.
    if not isinstance(pattern, str):
        return False
    return pattern == branch or ("*" in pattern and fnmatchcase(branch, pattern))


def _flag(source: Any, key: str) -> bool | None:
    value = source.get(key) if isinstance(source, dict) else None
    return value if isinstance(value, bool) else None
