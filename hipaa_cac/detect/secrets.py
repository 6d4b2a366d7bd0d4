"""Secrets in a file's text and in a repository's git history, found by detect-secrets.

The token formats come from detect-secrets' plugins and the false-positive
heuristics from its filters; we do not keep patterns of our own. We call them
directly instead of through `detect_secrets.settings` and `scan_line`:

- the settings are a process-wide singleton that `transient_settings` swaps in
  and out, so two threads scanning at once would reconfigure each other;
- `scan_line` turns on "eager search", under which the high-entropy plugins
  report every unquoted word and skip their entropy limit;
- `BasePlugin.analyze_line` sends each match to the provider to verify it
  (AWS, GitHub, Slack, ...) whenever the global settings hold the verification
  filter, which the detect-secrets CLI turns on. `analyze_string` never does.
  Secrets in a HIPAA codebase are not to be sent anywhere.

Plugins: detect-secrets' default set (every plugin it ships) minus three:

- Base64HighEntropyString, HexHighEntropyString: they flag quoted content
  hashes and git SHAs, which our evidence and test fixtures are full of (a
  quoted 64-hex digest has ~4 bits of entropy per character, above the Hex
  limit of 3.0), and no limit separates those from a hex API secret;
- IPPublicDetector: a public IP address is not a credential.

Filters: detect-secrets' defaults (its `Settings.clear`), with two changes:

- `is_indirect_reference` drops a whole line for every plugin in
  detect-secrets, so `s3 = boto3.client("s3", aws_access_key_id="AKIA...")` is
  never reported. Here it applies only to KeywordDetector, whose guesses it was
  written for; a string in a provider's own token format is reported wherever
  it sits.
- an ARN is never a secret (`secret_arn = "arn:aws:secretsmanager:..."` is
  KeywordDetector's most common false positive in infrastructure code).

`pragma: allowlist secret` (and `pragma: allowlist nextline secret` on the
line above) silences a line as in detect-secrets.

Fingerprints are of the whole token (see `hipaa_cac.redact.plugin_matches`):
detect-secrets reports "ghp" for every GitHub token and a JWT without its
signature. For a private key the plugin reports the PEM header's words (BEGIN,
the key type, PRIVATE KEY), the same for every RSA key, so the fingerprint is
of the whole block, BEGIN to END.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from detect_secrets.filters.allowlist import is_line_allowlisted
from detect_secrets.filters.heuristic import (
    is_indirect_reference,
    is_likely_id_string,
    is_lock_file,
    is_non_text_file,
    is_not_alphanumeric_string,
    is_potential_uuid,
    is_prefixed_with_dollar_sign,
    is_sequential_string,
    is_swagger_file,
    is_templated_secret,
)
from detect_secrets.plugins.base import BasePlugin, RegexBasedDetector
from detect_secrets.plugins.keyword import (
    QUOTES_REQUIRED_DENYLIST_REGEX_TO_GROUP,
    REGEX_BY_FILETYPE,
)
from detect_secrets.plugins.private_key import PrivateKeyDetector
from detect_secrets.util.code_snippet import CodeSnippet
from detect_secrets.util.filetype import determine_file_type

from hipaa_cac.detect import Detection
from hipaa_cac.detect.gitcmd import iter_git_lines, run_git
from hipaa_cac.durations import format_timestamp
from hipaa_cac.redact import NOISY_PLUGINS, default_plugins, is_arn, plugin_matches

RULE = "secret"

# Plugin objects hold only compiled patterns, so one set serves every thread.
PLUGINS: tuple[BasePlugin, ...] = default_plugins(excluding=NOISY_PLUGINS)

_PRIVATE_KEY = str(PrivateKeyDetector.secret_type)
_KEY_END = re.compile(r"END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)? ?-*|^Private-MAC:[^\n]*", re.MULTILINE)
_MAX_KEY_LINES = 200

_LOG_ARGS = (
    # Pin what user config could change about the output we parse.
    *("-c", "core.quotepath=false", "-c", "diff.noprefix=false"),
    *("-c", "diff.mnemonicPrefix=false", "-c", "log.showSignature=false"),
    "log",
    "--all",
    "--date-order",
    "--reverse",
    "--patch",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--no-renames",
    "--no-relative",
    "--diff-merges=first-parent",
    # One line of context: the line above an added line, for `pragma:
    # allowlist nextline secret`.
    "--unified=1",
    "--src-prefix=a/",
    "--dst-prefix=b/",
    "--format=%x01%H %ct",
)
# git prints this (commit sha, committer time) before each commit's diff; \x01
# cannot start a diff line.
_COMMIT_MARK = b"\x01"
_HUNK = re.compile(rb"^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_C_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}


@dataclass(frozen=True)
class HistoryDetection:
    """A secret as first committed: `commit` is the full sha, `committed_at` RFC 3339 UTC."""

    detection: Detection
    commit: str
    committed_at: str


def scan_text(path: str, text: str, fingerprint: Callable[[str], str]) -> list[Detection]:
    """Secrets in the text of one file, ordered by line and category.

    `path` is repository-relative; its extension picks detect-secrets' keyword
    rules and file filters (lock files, images, ...). Lines are counted by "\\n".
    """
    lines = [line.rstrip("\r") for line in text.split("\n")]
    return _scan_block(path, lines, 1, range(len(lines)), fingerprint)


def scan_history(
    repo: Path, fingerprint: Callable[[str], str], *, max_commits: int | None = None
) -> list[HistoryDetection]:
    """Secrets ever added in commits reachable from any ref, each at the commit that added it.

    A secret is reported once per (path, fingerprint), at the oldest commit
    that added it there (parents before children, then by commit date), with
    the line it had in that commit. Paths are relative to the top of the work
    tree. Binary files are skipped. Merge commits are read as their diff
    against the first parent, so a secret added while resolving a merge counts.
    `max_commits` limits the scan to the newest that many commits.
    Raises GitError if `repo` is not a git repository.
    """
    if max_commits is not None and max_commits < 0:
        raise ValueError(f"max_commits must be 0 or more, not {max_commits}")
    run_git(repo, "rev-parse", "--git-dir")  # GitError here rather than an empty scan
    found: list[HistoryDetection] = []
    seen: set[tuple[str, str]] = set()
    for commit, committed_at, path, hunk in _added_hunks(repo, max_commits):
        for detection in _scan_block(path, hunk.lines, hunk.first, hunk.added, fingerprint):
            key = (detection.path, detection.fingerprint or "")
            if key not in seen:
                seen.add(key)
                found.append(HistoryDetection(detection, commit, committed_at))
    return found


@dataclass
class _Hunk:
    """The new-file side of one diff hunk: lines from `first`, and which were added.

    `path` is None in a deleted file's hunk, which is read only to be skipped.
    """

    path: str | None
    first: int
    lines: list[str]
    added: list[int]


def _scan_block(
    path: str,
    lines: Sequence[str],
    first: int,
    wanted: Iterable[int],
    fingerprint: Callable[[str], str],
) -> list[Detection]:
    """Detections on lines[i] for i in `wanted`; lines[0] is line number `first`."""
    if is_non_text_file(path) or is_lock_file(path) or is_swagger_file(path):
        return []
    # What KeywordDetector.analyze_line does: the file type picks the regexes.
    keyword_regexes = REGEX_BY_FILETYPE.get(
        determine_file_type(path), QUOTES_REQUIRED_DENYLIST_REGEX_TO_GROUP
    )
    found: dict[tuple[int, str, str], Detection] = {}
    for index in wanted:
        line = lines[index].rstrip()
        hits = _secrets_in_line(line, keyword_regexes)
        # Checked only when there is something to silence: it costs a dozen regexes.
        if not hits or _allowlisted(path, lines, index, line):
            continue
        for plugin, value in hits:
            category = str(plugin.secret_type)
            if category == _PRIVATE_KEY:
                value = _private_key_block(lines, index, value)
            key = (first + index, category, fingerprint(value))
            found.setdefault(key, _detection(path, key, plugin))
    return [found[key] for key in sorted(found)]


def _allowlisted(path: str, lines: Sequence[str], index: int, line: str) -> bool:
    previous = lines[index - 1] if index > 0 else ""
    return bool(is_line_allowlisted(path, line, CodeSnippet([previous, line], 0, 1)))


def _secrets_in_line(
    line: str, keyword_regexes: Mapping[re.Pattern[str], int]
) -> list[tuple[BasePlugin, str]]:
    """(plugin, value) for what the plugins find in `line` and detect-secrets' filters keep."""
    found: dict[tuple[str, str], tuple[BasePlugin, str]] = {}
    for plugin, start, end in plugin_matches(line, PLUGINS, keyword_regexes):
        value = line[start:end]
        trusts_format = isinstance(plugin, RegexBasedDetector)
        if not (
            is_sequential_string(value)
            or is_potential_uuid(value)
            or is_likely_id_string(value, line, plugin)
            or is_templated_secret(value)
            or is_prefixed_with_dollar_sign(value)
            or is_not_alphanumeric_string(value)
            or (not trusts_format and is_indirect_reference(line))
            or is_arn(value)
        ):
            found.setdefault((type(plugin).__name__, value), (plugin, value))
    return list(found.values())


def _private_key_block(lines: Sequence[str], index: int, marker: str) -> str:
    """The key from its BEGIN line to its END line, each line stripped.

    Only the marker's line when there is no END: a partial key's other lines
    could be anything.
    """
    tail = "\n".join(line.strip() for line in lines[index : index + _MAX_KEY_LINES])
    found = tail.find(marker)
    start = len(tail[:found].rstrip("- "))  # back to the header's leading dashes
    end = _KEY_END.search(tail, found + len(marker))
    if end is None:
        line_end = tail.find("\n", found)
        return tail[start:] if line_end == -1 else tail[start:line_end]
    return tail[start : end.end()]


def _detection(path: str, key: tuple[int, str, str], plugin: BasePlugin) -> Detection:
    line, category, fingerprint = key
    return Detection(
        path=path,
        line=line,
        rule=RULE,
        category=category,
        message=f"{category} found by detect-secrets {type(plugin).__name__}; value not kept",
        fingerprint=fingerprint,
    )


def _added_hunks(repo: Path, max_commits: int | None) -> Iterator[tuple[str, str, str, _Hunk]]:
    """(commit, committed_at, path, hunk) for each hunk that adds lines, oldest commit first."""
    args = list(_LOG_ARGS)
    if max_commits is not None:
        args.append(f"--max-count={max_commits}")
    commit = committed_at = ""
    path: str | None = None
    hunk: _Hunk | None = None
    old_left = new_left = 0
    for raw in iter_git_lines(repo, *args):
        line = raw[:-1] if raw.endswith(b"\n") else raw
        if hunk is not None:
            tag = line[:1]
            if tag == b"\\":  # "\ No newline at end of file"
                continue
            if tag == b"-":
                old_left -= 1
            else:
                if tag == b"+":
                    hunk.added.append(len(hunk.lines))
                else:
                    old_left -= 1
                new_left -= 1
                hunk.lines.append(line[1:].decode("utf-8", errors="replace"))
            if old_left <= 0 and new_left <= 0:
                if hunk.added and hunk.path is not None:
                    yield commit, committed_at, hunk.path, hunk
                hunk = None
        elif line.startswith(_COMMIT_MARK):
            sha, _, seconds = line[1:].decode("ascii").partition(" ")
            commit = sha
            committed_at = format_timestamp(datetime.fromtimestamp(int(seconds), UTC))
            path = None
        elif line.startswith(b"diff --git "):
            path = None  # until "+++": binary and deleted files never get one
        elif line.startswith(b"+++ "):
            path = _new_path(line[4:])
        elif line.startswith(b"@@ ") and (match := _HUNK.match(line)):
            old_count, start, new_count = match.groups()
            old_left = 1 if old_count is None else int(old_count)
            new_left = 1 if new_count is None else int(new_count)
            if old_left > 0 or new_left > 0:
                # Read even a deleted file's hunk, so its lines are not taken for headers.
                hunk = _Hunk(path, int(start), [], [])


def _new_path(field: bytes) -> str | None:
    """The path in a "+++ " line: `b/dir/name`, `"b/tab\\tname"`, or None for /dev/null."""
    if field.startswith(b'"'):
        name = _unquote(field)
    else:
        # git appends a tab to names with a space in them (for GNU patch).
        name = field[:-1] if field.endswith(b"\t") else field
    if not name.startswith(b"b/"):
        return None  # /dev/null: the file was deleted
    return name[2:].decode("utf-8", errors="backslashreplace")


def _unquote(field: bytes) -> bytes:
    """git's C-style quoting: `"b/a\\tb\\303\\251"` -> b'b/a\\tb\\xc3\\xa9'."""
    body = field.rstrip(b"\t")[1:-1]
    out = bytearray()
    index = 0
    while index < len(body):
        char = body[index : index + 1]
        if char != b"\\":
            out += char
            index += 1
            continue
        escape = body[index + 1 : index + 2].decode("ascii", errors="replace")
        if escape.isdigit():
            out.append(int(body[index + 1 : index + 4], 8))
            index += 4
        else:
            out.append(_C_ESCAPES.get(escape, ord("?")))
            index += 2
    return bytes(out)
