"""Facts about a local git repository that no hosting API is needed for.

{"remote": "github.com/acme/api", "default_branch": "main",
 "head_commit": "9fceb02…",
 "codeowners": {"path": ".github/CODEOWNERS", "covers_all": true},
 "gitignore": {"env_files_ignored": true, "private_keys_ignored": false,
               "not_ignored": ["id_rsa", "server.key"]},
 "sensitive_files_tracked": [".env.production"],
 "commits": {"window_days": 90, "total": 41, "signed": 40, "unsigned": 1}}
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

from hipaa_cac.detect.gitcmd import GitError, iter_git_lines, run_git

CODEOWNERS_PATHS = ("CODEOWNERS", ".github/CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS")
# What .gitignore must keep out of commits. Probed with `git check-ignore`, so
# git's own matching rules (negations, nested .gitignore files) decide.
ENV_PROBES = (".env", ".env.local", ".env.production", "config/.env")
KEY_PROBES = ("id_rsa", "id_ed25519", "server.key", "private.pem", "keystore.p12", "cert.pfx")
SENSITIVE_TRACKED = (".env", ".env.*", "*.pem", "*.key", "*.p12", "*.pfx", "id_rsa", "id_ed25519")
SENSITIVE_ALLOWED = (".env.example", ".env.sample", ".env.template", "*.pub.pem")


def repository_subject(remote: str | None, path: Path) -> str:
    return f"git:{remote}" if remote else f"git:local/{path.resolve().name}"


def normalized_remote(repo: Path) -> str | None:
    """`git@github.com:acme/api.git` and `https://tok@github.com/acme/api` → `github.com/acme/api`;
    credentials in a remote URL never reach evidence."""
    try:
        url = run_git(repo, "remote", "get-url", "origin").strip()
    except GitError:
        return None
    url = re.sub(r"^[a-z+]+://", "", url)
    url = re.sub(r"^[^@/]*@", "", url)  # userinfo: a token or a user:password
    url = re.sub(r"^([^/:]+):(?!\d+/)", r"\1/", url)  # scp-like host:path
    url = re.sub(r":\d+/", "/", url, count=1)
    return url.removesuffix(".git").rstrip("/") or None


def repository_facts(repo: Path, now: datetime, window_days: int) -> dict[str, Any]:
    tracked = run_git(repo, "ls-files", "-z").split("\0")
    tracked = [t for t in tracked if t]
    return {
        "remote": normalized_remote(repo),
        "default_branch": _default_branch(repo),
        "head_commit": _head(repo),
        "codeowners": _codeowners(repo, tracked),
        "gitignore": _gitignore(repo),
        "sensitive_files_tracked": sorted(t for t in tracked if _sensitive(t)),
        "commits": _signed_commits(repo, now, window_days),
    }


def _default_branch(repo: Path) -> str | None:
    for args in (
        ("symbolic-ref", "--short", "refs/remotes/origin/HEAD"),
        ("symbolic-ref", "--short", "HEAD"),
    ):
        try:
            return run_git(repo, *args).strip().removeprefix("origin/") or None
        except GitError:
            continue
    return None


def _head(repo: Path) -> str | None:
    try:
        return run_git(repo, "rev-parse", "--verify", "-q", "HEAD").strip() or None
    except GitError:
        return None  # no commits yet


def _codeowners(repo: Path, tracked: list[str]) -> dict[str, Any]:
    path = next((p for p in CODEOWNERS_PATHS if p in tracked), None)
    covers_all = False
    if path is not None:
        for line in (repo / path).read_text(encoding="utf-8", errors="replace").splitlines():
            fields = line.split("#", 1)[0].split()
            # `* @team` (or `/** @team`) with at least one owner covers every file.
            if len(fields) >= 2 and fields[0] in ("*", "/*", "**", "/**"):
                covers_all = True
    return {"path": path, "covers_all": covers_all}


def _gitignore(repo: Path) -> dict[str, Any]:
    probes = (*ENV_PROBES, *KEY_PROBES)
    try:
        # Probe names are ours (no newlines), so line output is unambiguous.
        out = run_git(repo, "check-ignore", "--no-index", "--", *probes)
    except GitError:
        out = ""  # exit 1: none of them is ignored
    ignored = set(out.splitlines())
    not_ignored = sorted(p for p in probes if p not in ignored)
    return {
        "env_files_ignored": all(p in ignored for p in ENV_PROBES),
        "private_keys_ignored": all(p in ignored for p in KEY_PROBES),
        "not_ignored": not_ignored,
    }


def _sensitive(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    if any(fnmatch(name, pattern) for pattern in SENSITIVE_ALLOWED):
        return False
    return any(fnmatch(name, pattern) for pattern in SENSITIVE_TRACKED)


def _signed_commits(repo: Path, now: datetime, window_days: int) -> dict[str, Any]:
    """Commits whose committer date falls in the window, and how many carry a
    signature. Read from raw commit headers: `--since` stops at the first
    older commit (a rebased branch hides newer ones behind it), and `%G?`
    would run gpg on every signed commit. Whether the signing key is trusted
    is the hosting service's check (required_signatures)."""
    since = (now - timedelta(days=window_days)).timestamp()
    total = signed = 0
    in_window, has_signature = False, False
    try:
        for raw in iter_git_lines(repo, "log", "--no-merges", "--pretty=raw", "HEAD"):
            line = raw.decode("utf-8", errors="replace")
            if line.startswith("commit "):
                total, signed = _count(total, signed, in_window, has_signature)
                in_window, has_signature = False, False
            elif line.startswith("committer "):
                in_window = since <= int(line.rsplit(" ", 2)[-2]) <= now.timestamp()
            elif line.startswith("gpgsig"):  # gpgsig and gpgsig-sha256
                has_signature = True
    except GitError:
        pass  # no commits yet
    total, signed = _count(total, signed, in_window, has_signature)
    return {
        "window_days": window_days,
        "total": total,
        "signed": signed,
        "unsigned": total - signed,
    }


def _count(total: int, signed: int, in_window: bool, has_signature: bool) -> tuple[int, int]:
    return (total + 1, signed + has_signature) if in_window else (total, signed)
