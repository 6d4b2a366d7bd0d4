"""Who attested a file that does not say: the author of the last commit that
changed it, from real `git log`.

The commit is only evidence of authorship for the content it recorded, so a
file with uncommitted changes, an untracked file, and any file in a shallow
clone (whose boundary commit seems to add every file, naming the wrong
author) have no git author: the attestation must then name its signer.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path


class NoGitAuthor(Exception):
    """Why git cannot name the author; the message completes "the file …"."""


@dataclass(frozen=True)
class GitAuthor:
    identity: str  # "Name <email>"
    day: str  # YYYY-MM-DD of the author date, in the author's own timezone


def git_author(file: Path) -> GitAuthor:
    cwd = file.parent
    name = file.name
    if _git(["rev-parse", "--is-inside-work-tree"], cwd) != "true":
        raise NoGitAuthor("is not in a git repository")
    if _git(["rev-parse", "--is-shallow-repository"], cwd) == "true":
        raise NoGitAuthor(
            "is in a shallow clone, whose history cannot name its author "
            "(fetch the full history, e.g. actions/checkout with fetch-depth: 0)"
        )
    line = _git(["log", "-1", "--format=%an <%ae>%x00%aI", "--", name], cwd)
    if not line or "\x00" not in line:
        raise NoGitAuthor("is not committed")
    if _git(["status", "--porcelain", "--", name], cwd):
        raise NoGitAuthor("has changes that are not committed")
    identity, when = line.split("\x00", 1)
    # %aI is strict ISO 8601 in the author's timezone: its date is the day the
    # author would have written by hand.
    return GitAuthor(identity=identity, day=when[:10])


def in_git(directory: Path) -> bool:
    """Whether `directory` is inside a git work tree (so commits can sign)."""
    return _git(["rev-parse", "--is-inside-work-tree"], directory) == "true"


def _git(args: list[str], cwd: Path) -> str | None:
    """Stripped stdout, or None when git is missing or the command failed."""
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None
