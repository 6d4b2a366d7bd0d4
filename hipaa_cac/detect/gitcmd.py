"""Running git with a pinned environment.

What we parse must not depend on the user's locale, system config or pager,
and git must never stop to ask for a password. Inherited repository variables
(GIT_DIR, GIT_INDEX_FILE, ...; `git rev-parse --local-env-vars`) are dropped:
inside a git hook they point at the hook's repository, not at `repo`.

git's stderr can echo a remote URL with a token in it, so errors carry it redacted.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from hipaa_cac.redact import redact

_REPOSITORY_VARIABLES = frozenset(
    {
        "GIT_ALTERNATE_OBJECT_DIRECTORIES",
        "GIT_CONFIG",
        "GIT_CONFIG_PARAMETERS",
        "GIT_CONFIG_COUNT",
        "GIT_OBJECT_DIRECTORY",
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_IMPLICIT_WORK_TREE",
        "GIT_GRAFT_FILE",
        "GIT_INDEX_FILE",
        "GIT_NO_REPLACE_OBJECTS",
        "GIT_REPLACE_REF_BASE",
        "GIT_PREFIX",
        "GIT_INTERNAL_SUPER_PREFIX",
        "GIT_SHALLOW_FILE",
        "GIT_COMMON_DIR",
    }
)


class GitError(Exception):
    """git is missing or failed; the message holds git's stderr, redacted."""


def run_git(repo: Path, *args: str) -> str:
    """git's stdout for `git -C repo <args>`; GitError if it fails."""
    try:
        done = subprocess.run(
            _command(repo, args),
            env=_environment(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            check=False,
        )
    except OSError as error:
        raise GitError(redact(f"cannot run git: {error}")) from None
    if done.returncode != 0:
        raise _failure(repo, args, done.returncode, done.stderr)
    return done.stdout.decode("utf-8", errors="replace")


def iter_git_lines(repo: Path, *args: str) -> Iterator[bytes]:
    """git's stdout line by line as bytes (with their b"\\n"), for output too big to hold.

    Raises GitError once the output is exhausted if git failed. Stopping early
    (closing the generator) stops git.
    """
    # stderr goes to a file: a pipe nobody reads could fill up and stall git.
    with tempfile.TemporaryFile() as stderr:
        try:
            process = subprocess.Popen(
                _command(repo, args),
                env=_environment(),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=stderr,
            )
        except OSError as error:
            raise GitError(redact(f"cannot run git: {error}")) from None
        assert process.stdout is not None  # PIPE was asked for
        finished = False
        try:
            yield from process.stdout
            finished = True
        finally:
            process.stdout.close()
            if not finished:  # the caller stopped reading: git need not go on
                process.kill()
            returncode = process.wait()
        if returncode != 0:
            stderr.seek(0)
            raise _failure(repo, args, returncode, stderr.read())


def _command(repo: Path, args: tuple[str, ...]) -> list[str]:
    return ["git", "-C", str(repo), "--no-pager", *args]


def _environment() -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in _REPOSITORY_VARIABLES and not name.startswith("GIT_CONFIG_KEY_")
    }
    env.update(
        LC_ALL="C",
        GIT_CONFIG_NOSYSTEM="1",
        GIT_TERMINAL_PROMPT="0",
    )
    return env


def _failure(repo: Path, args: tuple[str, ...], returncode: int, stderr: bytes) -> GitError:
    message = stderr.decode("utf-8", errors="replace").strip()
    return GitError(
        redact(f"git {_subcommand(args)} failed in {repo} (exit {returncode}): {message}")
    )


def _subcommand(args: tuple[str, ...]) -> str:
    """`log` for `-c core.quotepath=false log --all`: what failed, without the noise."""
    after_c = False
    for arg in args:
        if not after_c and not arg.startswith("-"):
            return arg
        after_c = arg == "-c"
    return "(no command)"
