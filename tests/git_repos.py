"""Real git repositories for tests, built with the git binary and fixed
identities and dates (no global config is read or written)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


def git(
    repo: Path, *args: str, author: str = "Test Dev", date: str | None = "2026-11-01T10:00:00Z"
) -> str:
    """Run git in `repo` as `author` (email: first name @example.com); `date`
    None leaves git's clock alone."""
    email = f"{author.split()[0].lower()}@example.com"
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": author,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": author,
        "GIT_COMMITTER_EMAIL": email,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }
    if date is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
    done = subprocess.run(
        ["git", "-c", "commit.gpgsign=false", *args],
        cwd=repo,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def new_repo(path: Path, files: dict[str, str], remote: str | None = None) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    if remote:
        git(path, "remote", "add", "origin", remote)
    commit(path, files, "initial")
    return path


def commit(
    repo: Path, files: dict[str, str | None], message: str, date: str = "2026-11-01T10:00:00Z"
) -> None:
    """Write (or, for None, delete) files and commit them."""
    for name, text in files.items():
        file = repo / name
        if text is None:
            file.unlink()
            continue
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message, date=date)
