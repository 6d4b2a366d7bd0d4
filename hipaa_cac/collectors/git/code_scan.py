"""Scan a repository's tracked files: logging of PHI in code, production
logging configuration, and secrets in the tree and in history.

Only locations, types and keyed fingerprints leave this module; the text read
is dropped as soon as the detectors have seen it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from fnmatch import fnmatch
from pathlib import Path

from hipaa_cac.collectors.base import Gap, Observation, Record
from hipaa_cac.detect import SCRIPT_LANGUAGES, Detection
from hipaa_cac.detect.js_logging import scan_javascript
from hipaa_cac.detect.logging_config import scan_logging_config
from hipaa_cac.detect.python_logging import scan_python
from hipaa_cac.detect.secrets import HistoryDetection, scan_text

PHI_LOG = "phi.log_statement"
LOG_CONFIG = "phi.logging_config"
SECRET = "secrets.finding"
MAX_BYTES = 1_000_000  # larger files are data or bundles, not code anyone reviews

# Test code logs made-up patients; vendored and built code is not the team's.
DEFAULT_EXCLUDE = (
    "node_modules/*",
    "*/node_modules/*",
    "vendor/*",
    "dist/*",
    "build/*",
    "*.min.js",
    "tests/*",
    "test/*",
    "*/tests/*",
    "*/test/*",
    "*/__tests__/*",
    "*.test.js",
    "*.test.ts",
    "*.spec.js",
    "*.spec.ts",
    "test_*.py",
    "*_test.py",
)
SECRETS_EXCLUDE = ("node_modules/*", "*/node_modules/*", "vendor/*")
CONFIG_NAMES = (
    ".env*",
    "*.env",
    "*.yaml",
    "*.yml",
    "*.json",
    "*.toml",
    "*.ini",
    "*.cfg",
    "*.conf",
    "*.properties",
    "settings*.py",
    "production.py",
    "prod.py",
)
LANGUAGES = SCRIPT_LANGUAGES


def scan_tree(
    repo: Path,
    tracked: list[str],
    subject: str,
    exclude: tuple[str, ...],
    fp: Callable[[str], str],
    history: list[HistoryDetection],
) -> Iterator[Record]:
    """PHI logging, logging config and secrets in the working tree; a secret
    found in `history` too is reported here, with the commit that introduced it."""
    introduced = {h.detection.fingerprint: h for h in reversed(history)}
    for path in tracked:
        text = read_tracked_text(repo / path)
        if text is None:
            continue
        if not _matches(path, SECRETS_EXCLUDE + exclude):
            for d in scan_text(path, text, fp):
                first = introduced.get(d.fingerprint)
                commit, at = (first.commit, first.committed_at) if first else (None, None)
                yield _secret(subject, d, commit, at, in_tree=True)
        if _matches(path, DEFAULT_EXCLUDE + exclude):
            continue
        language = LANGUAGES.get(Path(path).suffix)
        if language is not None:
            yield from _phi_logging(subject, path, text, language)
        if _matches(path.rsplit("/", 1)[-1], CONFIG_NAMES) or "/settings/" in f"/{path}":
            for d in scan_logging_config(path, text):
                yield Observation(LOG_CONFIG, _located(subject, d), _data(subject, d))


def removed_secrets(
    subject: str,
    history: list[HistoryDetection],
    in_tree: set[str | None],
    exclude: tuple[str, ...],
) -> Iterator[Record]:
    """Secrets that were committed and are no longer in the tree: deleting a
    file does not un-leak a key, it must be rotated."""
    for found in history:
        d = found.detection
        if d.fingerprint in in_tree or _matches(d.path, SECRETS_EXCLUDE + exclude):
            continue
        yield _secret(subject, d, found.commit, found.committed_at, in_tree=False)


def _phi_logging(subject: str, path: str, text: str, language: str) -> Iterator[Record]:
    if language == "python":
        found = scan_python(path, text)
    else:
        found = scan_javascript(
            path, text, typescript=language == "typescript", tsx=language == "tsx"
        )
    for d in found:
        if d.rule == "parse-error":
            yield Gap(
                PHI_LOG,
                f"{path}:{d.line}: cannot parse {language}, so its logging calls were not "
                "checked (fix it, or list it under 'exclude' if it is not code)",
            )
        else:
            data = {**_data(subject, d), "language": language}
            yield Observation(PHI_LOG, _located(subject, d), data)


def _secret(
    subject: str, d: Detection, commit: str | None, committed_at: str | None, in_tree: bool
) -> Observation:
    data = {
        **_data(subject, d),
        "commit": commit,
        "committed_at": committed_at,
        "in_tree": in_tree,
        "fingerprint": d.fingerprint,
    }
    where = _located(subject, d) + (f"@{commit[:12]}" if commit else "")
    return Observation(SECRET, where, data)


def _located(subject: str, d: Detection) -> str:
    return f"{subject}/{d.path}:{d.line}#{d.category}"


def _data(subject: str, d: Detection) -> dict[str, object]:
    return {
        "repository": subject,
        "path": d.path,
        "line": d.line,
        "rule": d.rule,
        "category": d.category,
        "message": d.message,
    }


def _matches(path: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch(path, pattern) for pattern in patterns)


def read_tracked_text(file: Path) -> str | None:
    """A tracked file's text, or None for what no scan reads: symlinks, files over
    MAX_BYTES, binaries, unreadable files."""
    try:
        if file.is_symlink() or not file.is_file() or file.stat().st_size > MAX_BYTES:
            return None
        raw = file.read_bytes()
    except OSError:
        return None
    if b"\0" in raw[:8192]:
        return None  # binary
    return raw.decode("utf-8", errors="replace")
