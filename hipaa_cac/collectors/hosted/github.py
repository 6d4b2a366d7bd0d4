"""GitHub repository settings for `git.hosted_settings`, from the REST API.

Endpoints read (all GET, relative to https://api.github.com or a GHES /api/v3):

    /repos/{o}/{r}                        visibility, default branch, security_and_analysis
    /repos/{o}/{r}/branches/{b}/protection         classic branch protection
    /repos/{o}/{r}/rules/branches/{b}              rulesets' active rules for the branch
    /repos/{o}/{r}/rulesets/{id}                   a ruleset's bypass actors
    /repos/{o}/{r}/vulnerability-alerts            204 on, 404 off
    /repos/{o}/{r}/dependabot/alerts?state=open    counted over every page

Branch protection has two sources on GitHub and both are enforced at once:
classic protection and rulesets (repository or organisation level). Both are
read and merged strictly (model.merge_protection): the branch counts as
protected if either protects it. These ruleset rule types count as protection:
pull_request (reviews), required_status_checks, non_fast_forward (no force
push), deletion (no deletion) and required_signatures. A ruleset binds
administrators (enforce_admins) when it has no bypass actors.

The repository itself must be readable: if not, ApiError propagates. Any other
endpoint that fails leaves its fields None and records a gap.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from hipaa_cac.collectors.hosted.model import (
    Gaps,
    HostedSettings,
    all_true,
    merge_protection,
    no_protection,
    unknown_protection,
)
from hipaa_cac.collectors.http_client import ApiClient, ApiError
from hipaa_cac.errors import InputError

PROTECTIVE_RULES = frozenset(
    {
        "pull_request",
        "required_status_checks",
        "non_fast_forward",
        "deletion",
        "required_signatures",
    }
)


def github_settings(client: ApiClient, repository: str) -> HostedSettings:
    """Read `owner/name`'s settings; raises ApiError if the repository is unreadable."""
    owner, _, name = repository.strip().partition("/")
    if not owner or not name or "/" in name:
        raise InputError(f"GitHub repository must be 'owner/name', got {repository!r}")
    base = f"/repos/{quote(owner, safe='')}/{quote(name, safe='')}"
    repo = client.get_json(base)
    if not isinstance(repo, dict):
        raise ApiError(200, f"GitHub GET {base} answered something other than a repository")
    gaps = Gaps("GitHub")

    branch = repo.get("default_branch")
    if isinstance(branch, str) and branch:
        protection = _branch_protection(client, base, branch, gaps)
    else:
        gaps.add("branch_protection", "GitHub reports no default branch (empty repository)")
        protection = unknown_protection()

    alerts = gaps.read("dependabot_alerts", lambda: _vulnerability_alerts(client, base))
    open_alerts: int | None = None
    if alerts is not False:
        open_alerts = gaps.read(
            "open_dependabot_alerts",
            lambda: len(
                client.get_all(f"{base}/dependabot/alerts", {"state": "open", "per_page": 100})
            ),
        )

    analysis = repo.get("security_and_analysis")
    return gaps.settle(
        {
            "host": "github",
            "repository": repo.get("full_name") or f"{owner}/{name}",
            "visibility": repo.get("visibility")
            or ("private" if repo.get("private") else "public"),
            "default_branch": branch,
            "branch_protection": protection,
            "secret_scanning": _analysis_flag(analysis, "secret_scanning", gaps),
            "secret_scanning_push_protection": _analysis_flag(
                analysis, "secret_scanning_push_protection", gaps
            ),
            "dependabot_alerts": alerts,
            "open_dependabot_alerts": open_alerts,
        }
    )


def _branch_protection(client: ApiClient, base: str, branch: str, gaps: Gaps) -> dict[str, Any]:
    path = f"{base}/branches/{quote(branch, safe='')}"
    classic = gaps.read("branch_protection", lambda: _classic(client, f"{path}/protection", gaps))
    rules = gaps.read("branch_protection", lambda: _rulesets(client, base, branch, gaps))
    return merge_protection(classic or unknown_protection(), rules or unknown_protection())


def _classic(client: ApiClient, path: str, gaps: Gaps) -> dict[str, Any]:
    try:
        body = client.get_json(path)
    except ApiError as exc:
        # GitHub answers 404 "Branch not protected" for a readable, unprotected
        # branch; any other 404 means the token cannot see it, which is a gap.
        if exc.status == 404 and (exc.api_message or "").strip().lower() == "branch not protected":
            return no_protection()
        raise
    body = body if isinstance(body, dict) else {}
    reviews = _dict(body.get("required_pull_request_reviews"))
    checks = _dict(body.get("required_status_checks"))
    contexts = {str(c) for c in checks.get("contexts") or []}
    contexts |= {c["context"] for c in checks.get("checks") or [] if _has_str(c, "context")}
    view: dict[str, Any] = {
        "enabled": True,
        "required_approving_reviews": _int(reviews.get("required_approving_review_count")) or 0,
        "dismiss_stale_reviews": reviews.get("dismiss_stale_reviews") is True,
        "require_code_owner_reviews": reviews.get("require_code_owner_reviews") is True,
        "required_status_checks": sorted(contexts),
    }
    for field in ("enforce_admins", "allow_force_pushes", "allow_deletions", "required_signatures"):
        view[field] = _dict(body.get(field)).get("enabled")
        if not isinstance(view[field], bool):
            view[field] = None
            gaps.add(f"branch_protection.{field}", f"GitHub GET {path} did not include {field}")
    return view


def _rulesets(client: ApiClient, base: str, branch: str, gaps: Gaps) -> dict[str, Any]:
    # Only active rules are returned ("evaluate" and "disabled" rulesets are not).
    path = f"{base}/rules/branches/{quote(branch, safe='')}"
    rules = [r for r in client.get_all(path, {"per_page": 100}) if isinstance(r, dict)]
    protective = [r for r in rules if r.get("type") in PROTECTIVE_RULES]
    if not protective:
        return no_protection()
    types = {r["type"] for r in protective}
    reviews = [_dict(r.get("parameters")) for r in protective if r["type"] == "pull_request"]
    checks = {
        check["context"]
        for r in protective
        if r["type"] == "required_status_checks"
        for check in _dict(r.get("parameters")).get("required_status_checks") or []
        if _has_str(check, "context")
    }
    ruleset_ids = sorted(
        {r["ruleset_id"] for r in protective if isinstance(r.get("ruleset_id"), int)}
    )
    return {
        "enabled": True,
        "required_approving_reviews": max(
            (_int(p.get("required_approving_review_count")) or 0 for p in reviews), default=0
        ),
        "dismiss_stale_reviews": any(
            p.get("dismiss_stale_reviews_on_push") is True for p in reviews
        ),
        "require_code_owner_reviews": any(
            p.get("require_code_owner_review") is True for p in reviews
        ),
        "required_status_checks": sorted(checks),
        # No ruleset ids to look up means no evidence either way: unknown, not "none".
        "enforce_admins": (
            all_true(_no_bypass(client, base, i, gaps) for i in ruleset_ids)
            if ruleset_ids
            else None
        ),
        "allow_force_pushes": "non_fast_forward" not in types,
        "allow_deletions": "deletion" not in types,
        "required_signatures": "required_signatures" in types,
    }


def _no_bypass(client: ApiClient, base: str, ruleset_id: int, gaps: Gaps) -> bool | None:
    """Whether nobody may bypass the ruleset; None if its bypass list is not visible."""
    field = "branch_protection.enforce_admins"
    ruleset = gaps.read(field, lambda: client.get_json(f"{base}/rulesets/{ruleset_id}"))
    if ruleset is None:
        return None
    actors = _dict(ruleset).get("bypass_actors")
    if not isinstance(actors, list):
        # GitHub shows bypass_actors only to tokens with write access to the ruleset.
        gaps.add(field, f"GitHub did not show the bypass actors of ruleset {ruleset_id}")
        return None
    return not actors


def _vulnerability_alerts(client: ApiClient, base: str) -> bool:
    try:
        client.get(f"{base}/vulnerability-alerts")
    except ApiError as exc:
        if exc.status == 404:  # this endpoint's documented "disabled" answer
            return False
        raise
    return True


def _analysis_flag(analysis: Any, feature: str, gaps: Gaps) -> bool | None:
    # security_and_analysis is returned only to admins (and only lists features
    # the plan has); "enabled"/"disabled" are the only statuses GitHub documents.
    status = _dict(_dict(analysis).get(feature)).get("status")
    flag = {"enabled": True, "disabled": False}.get(status) if isinstance(status, str) else None
    if flag is None:
        gaps.add(
            feature,
            f"GitHub did not report security_and_analysis.{feature} "
            "(shown only to repository admins, and only where the plan has the feature)",
        )
    return flag


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _has_str(value: Any, key: str) -> bool:
    return isinstance(value, dict) and isinstance(value.get(key), str)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
