"""Redaction of credentials in anything we print or store.

Error messages echo git remotes, HTTP requests and config lines; evidence holds
API responses. Before any of that reaches a terminal, a log or the ledger it
goes through `redact` (text) or `redact_mapping` (JSON-like data), which swap
what looks like a credential for a marker:

    https://{user}:{password}@git.example.com  ->  https://[REDACTED]@git.example.com
    Authorization: Bearer eyJhbGciOi...        ->  Authorization: Bearer [REDACTED:Authorization]
    ?X-Amz-Signature=9f86d0...                 ->  ?X-Amz-Signature=[REDACTED:X-Amz-Signature]
    key = "AKIA..."                            ->  key = "[REDACTED:AWS Access Key]"

What counts as a credential: the token formats detect-secrets knows (its
plugins), plus shapes it does not cover in free text: URL userinfo,
Authorization headers, bearer tokens, secret-named query parameters and
`password=...` / `"password": "..."` pairs, and whole PEM private-key blocks.

Deliberately not redacted: content hashes (`sha256:<64 hex>`), git SHAs, ARNs,
UUIDs, timestamps and IP addresses. They are what our evidence is made of, so
treating them as secrets would destroy it. That is why detect-secrets'
Base64/Hex high-entropy plugins are off here: a quoted 64-hex digest has about
4 bits of entropy per character, above the Hex plugin's 3.0 limit, and no limit
separates a digest from a hex API secret. The public-IP plugin is off because
an IP is not a credential and "0.0.0.0/0" in a security-group rule is the
evidence.

Markers already in the text are never redacted again, so redaction is
idempotent: redact(redact(x)) == redact(x).

This module is also where detect-secrets' plugins are run over a line
(`plugin_matches`) for hipaa_cac.detect.secrets: it is the bottom layer, since
git errors are redacted and redaction therefore cannot import detection.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from typing import Any, cast

from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
from detect_secrets.plugins.base import BasePlugin, RegexBasedDetector
from detect_secrets.plugins.keyword import (
    DENYLIST,
    QUOTES_REQUIRED_DENYLIST_REGEX_TO_GROUP,
    KeywordDetector,
)

# detect-secrets' default plugin set is every plugin class it ships.
_DEFAULT_PLUGINS: Mapping[str, type[BasePlugin]] = get_mapping_from_secret_type_to_class()

# Off for redaction and detection: see the module docstring and hipaa_cac.detect.secrets.
NOISY_PLUGINS = frozenset({"Base64HighEntropyString", "HexHighEntropyString", "IPPublicDetector"})


def default_plugins(excluding: frozenset[str] = NOISY_PLUGINS) -> tuple[BasePlugin, ...]:
    """detect-secrets' default plugins, with default settings, but those named in `excluding`."""
    return tuple(
        plugin_class()
        for plugin_class in _DEFAULT_PLUGINS.values()
        if plugin_class.__name__ not in excluding
    )


# Plugin objects hold only compiled patterns, so one set serves every thread.
_PLUGINS = default_plugins()

# Plugins whose pattern captures only the token's prefix, which detect-secrets
# then reports in its place: "ghp" for every GitHub token, and nothing at all
# for a GitLab "glcbt-" token without the optional group (Yelp/detect-secrets#858).
# For these the whole match is the token.
_WHOLE_MATCH = frozenset({"GitHubTokenDetector", "GitLabTokenDetector"})

# JwtTokenDetector's pattern ends lazily (`[...]*?`), so it stops before the
# signature; the token runs on to the end of these characters.
_TOKEN_TAIL = {"JwtTokenDetector": re.compile(r"[A-Za-z0-9_=+/.-]*")}

_MARKER = re.compile(r"\[REDACTED(?::[^\]\n]*)?\]")

# A whole private key, not just the BEGIN line detect-secrets matches; a key cut
# off before its END line is redacted to the end of the text.
_PRIVATE_KEY = re.compile(
    r"-{4,5} ?BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)? ?-{4,5}"
    r".*?(?:-{4,5} ?END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)? ?-{4,5}|\Z)"
    r"|PuTTY-User-Key-File-\d+:.*?(?:^Private-MAC:[^\n]*|\Z)",
    re.DOTALL | re.MULTILINE,
)

# Greedy up to the last "@" before the path: a password may hold an unencoded "@".
# The scheme's length is bounded so that "a.a.a.a..." is not read once per dot.
_URL_USERINFO = re.compile(r"\b[A-Za-z][A-Za-z0-9+.-]{0,31}://([^/?#\s\"'<>]+)@")

_AUTH_HEADER = re.compile(
    r"\b(?:proxy-)?authorization[\"']?\s*[:=]\s*[\"']?"
    r"(?:(?:bearer|token|basic|digest|negotiate|ntlm|aws4-hmac-sha256)\s+)?"
    r"([^\"'\r\n]+)",
    re.IGNORECASE,
)

# A bearer token outside a header. Requiring a digit keeps prose ("bearer
# authentication failed") intact; real tokens have digits.
_BEARER = re.compile(r"\bbearer\s+(?=[A-Za-z0-9._~+/-]*\d)([A-Za-z0-9._~+/-]{8,}=*)", re.IGNORECASE)

_QUERY_PARAM = re.compile(
    r"[?&;]((?:access_token|id_token|refresh_token|auth_token|token|api_key|apikey|key|"
    r"client_secret|secret|password|passwd|sig|signature|x-amz-signature|x-amz-credential|"
    r"x-amz-security-token|x-goog-signature|x-goog-credential))=([^&#\s\"'<>]+)",
    re.IGNORECASE,
)

# `db_password=...`, `"api_key": "..."`: the secret word must end the key, so
# `secret_arn`, `kms_key_id`, `max_tokens` and `password_policy` are left alone.
# Not after ":" or "/", which would hit ARNs such as `...:secret:db-AbCdEf`.
_PAIR = re.compile(
    r"(?<![\w:/.-])([\"']?)([\w-]*?(?:password|passwd|passphrase|secret|token|api[_-]?key|"
    r"private[_-]?key|secret[_-]?key|access[_-]?key))\1\s*[:=]\s*"
    r"(?:\"([^\"\r\n]*)\"|'([^'\r\n]*)'|([^\s,;&\"'{}\[\]()<>]+))",
    re.IGNORECASE,
)
_NOT_A_VALUE = frozenset({"", "null", "none", "nil", "true", "false"})

# `secret_arn = "arn:aws:secretsmanager:...:secret:db"`: KeywordDetector's kind
# of match, but an ARN names a resource; it grants nothing.
_ARN = re.compile(r"arn:[\w-]+:[\w-]+:")

_SECRET_KEY_WORDS: tuple[tuple[str, ...], ...] = (
    ("password",),
    ("passwd",),
    ("passphrase",),
    ("secret",),
    ("token",),
    ("apikey",),
    ("api", "key"),
    ("private", "key"),
    ("secret", "key"),
    ("client", "secret"),
    ("authorization",),
    ("cookie",),
    ("session",),
)
_KEY_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")

_Span = tuple[int, int, str]

# See _keyword_parts.
_KEYWORD_HINT = re.compile("|".join(DENYLIST), re.IGNORECASE)
_LONG_WORD = re.compile(r"(?<!\w)\w{256,}")
_WINDOW = 512
_OVERLAP = 256


def redact(text: str) -> str:
    """`text` with credentials replaced by `[REDACTED:<type>]` markers."""
    try:
        return _redact(text)
    except Exception:
        # Used on error paths: raising here would hide the original error, and
        # returning the input could leak. Say that something was withheld.
        return "[REDACTED:unredactable]"


def redact_mapping(value: Any) -> Any:
    """JSON-like `value` with secret-named keys' values replaced and strings redacted."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, Mapping):
        return {
            key: (
                f"[REDACTED:{key}]"
                if isinstance(key, str) and is_secret_key(key)
                else redact_mapping(item)
            )
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [redact_mapping(item) for item in value]
    return value


def is_arn(value: str) -> bool:
    """Whether `value` is an Amazon Resource Name (an identifier, never a credential)."""
    return bool(_ARN.match(value))


def is_secret_key(key: str) -> bool:
    """Whether a mapping key names a credential: its last words are a secret word.

    `db_password`, `X-Api-Key`, `Set-Cookie`, `clientSecret` are; `max_session_minutes`,
    `password_policy`, `kms_key_id`, `token_endpoint` are not.
    """
    words = tuple(word.lower() for word in _KEY_WORD.findall(key))
    return any(words[-len(tail) :] == tail for tail in _SECRET_KEY_WORDS)


def _redact(text: str) -> str:
    markers = [(match.start(), match.end()) for match in _MARKER.finditer(text)]
    spans = [
        piece
        for span in _candidate_spans(text)
        for piece in _outside(span, markers)
        if piece[0] < piece[1]
    ]
    if not spans:
        return text
    out: list[str] = []
    position = 0
    for start, end, label in _merged(spans):
        out.append(text[position:start])
        out.append(f"[REDACTED:{label}]" if label else "[REDACTED]")
        position = end
    out.append(text[position:])
    return "".join(out)


def _candidate_spans(text: str) -> Iterator[_Span]:
    for match in _PRIVATE_KEY.finditer(text):
        yield match.start(), match.end(), "Private Key"
    for match in _URL_USERINFO.finditer(text):
        yield match.start(1), match.end(1), ""
    for match in _AUTH_HEADER.finditer(text):
        value = match.group(1).rstrip()
        yield match.start(1), match.start(1) + len(value), "Authorization"
    for match in _BEARER.finditer(text):
        yield match.start(1), match.end(1), "Authorization"
    for match in _QUERY_PARAM.finditer(text):
        yield match.start(2), match.end(2), match.group(1)
    for match in _PAIR.finditer(text):
        group = next(g for g in (3, 4, 5) if match.group(g) is not None)
        value = match.group(group)
        if value.lower() not in _NOT_A_VALUE and not is_arn(value):
            yield match.start(group), match.end(group), match.group(2)
    yield from _plugin_spans(text)


def _plugin_spans(text: str) -> Iterator[_Span]:
    offset = 0
    for line in text.split("\n"):
        for plugin, start, end in plugin_matches(line, _PLUGINS):
            if not _ARN.match(line, start):
                yield offset + start, offset + end, str(plugin.secret_type)
        offset += len(line) + 1


def plugin_matches(
    line: str,
    plugins: Iterable[BasePlugin],
    keyword_regexes: Mapping[re.Pattern[str], int] = QUOTES_REQUIRED_DENYLIST_REGEX_TO_GROUP,
) -> Iterator[tuple[BasePlugin, int, int]]:
    """(plugin, start, end) of each secret detect-secrets' `plugins` report in `line`.

    Plugins report values, not where they are, and a value can be short
    (BasicAuthDetector reports "p" for `https://ci:p@ss@host`), so each plugin's
    own patterns are rerun for positions and the matches it reported are kept.
    `keyword_regexes` are KeywordDetector's patterns for the file type
    (`detect_secrets.plugins.keyword.REGEX_BY_FILETYPE`). No filters are applied.

    Whole tokens where detect-secrets reports part of one: see _WHOLE_MATCH
    and _TOKEN_TAIL.
    """
    for plugin in plugins:
        kind = _kind(type(plugin))
        if kind is KeywordDetector:
            yield from _keyword_matches(cast(KeywordDetector, plugin), line, keyword_regexes)
        elif kind is RegexBasedDetector:
            yield from _regex_matches(cast(RegexBasedDetector, plugin), line)
        else:
            # A plugin of a kind we do not know the patterns of: every occurrence.
            for value in {value for value in plugin.analyze_string(line) if value}:
                for match in re.finditer(re.escape(value), line):
                    yield plugin, match.start(), match.end()


@cache
def _kind(plugin_class: type[BasePlugin]) -> type[BasePlugin]:
    """Which of our ways to read `plugin_class` applies (isinstance on ABCs is slow per line)."""
    for kind in (KeywordDetector, RegexBasedDetector):
        if issubclass(plugin_class, kind):
            return kind
    return BasePlugin


def _regex_matches(plugin: RegexBasedDetector, line: str) -> Iterator[tuple[BasePlugin, int, int]]:
    name = type(plugin).__name__
    whole = name in _WHOLE_MATCH
    tail = _TOKEN_TAIL.get(name)
    # analyze_string, not our regex run, decides: some plugins validate (JWT decodes).
    reported = set() if whole else {value for value in plugin.analyze_string(line) if value}
    if not whole and not reported:
        return
    for regex in plugin.denylist:
        for match in regex.finditer(line):
            if whole or not match.re.groups:
                numbers = [0]
            else:
                numbers = [n for n in range(1, match.re.groups + 1) if match.group(n)]
            for number in numbers:
                if whole or match.group(number) in reported:
                    end = match.end(number)
                    if tail is not None and (rest := tail.match(line, end)):
                        end = rest.end()
                    yield plugin, match.start(number), end


def _keyword_matches(
    plugin: KeywordDetector, line: str, regexes: Mapping[re.Pattern[str], int]
) -> Iterator[tuple[BasePlugin, int, int]]:
    if not _KEYWORD_HINT.search(line):
        return  # every keyword pattern holds one of these words; most lines have none
    for base, part in _keyword_parts(line):
        reported = {
            value
            for value in plugin.analyze_string(part, denylist_regex_to_group=dict(regexes))
            if value
        }
        for regex, group in regexes.items() if reported else ():
            for match in regex.finditer(part):
                if match.group(group) in reported:
                    yield plugin, base + match.start(group), base + match.end(group)


def _keyword_parts(line: str) -> list[tuple[int, str]]:
    """`line` as (offset, piece) for KeywordDetector: whole, or in overlapping windows.

    KeywordDetector's regexes take time (keywords in a word) x (word length) on
    each word: 14 kB of "api_keyapi_key..." takes 25 s. Such a line is read in
    windows (under 2 s); any other line whole, exactly as detect-secrets reads it.
    The overlap keeps a `name = "value"` shorter than it whole in one window.
    """
    if not any(len(_KEYWORD_HINT.findall(word)) > 2 for word in _LONG_WORD.findall(line)):
        return [(0, line)]
    step = _WINDOW - _OVERLAP
    return [(start, line[start : start + _WINDOW]) for start in range(0, len(line), step)]


def _outside(span: _Span, markers: list[tuple[int, int]]) -> Iterator[_Span]:
    """The parts of `span` not inside an existing marker (what makes redact idempotent)."""
    start, end, label = span
    for marker_start, marker_end in markers:
        if marker_end <= start or marker_start >= end:
            continue
        yield start, min(end, marker_start), label
        start = max(start, marker_end)
    yield start, end, label


def _merged(spans: list[_Span]) -> Iterator[_Span]:
    """Overlapping spans as one, labelled by the one that starts first (the widest on ties)."""
    ordered = sorted(spans, key=lambda span: (span[0], -span[1]))
    current = ordered[0]
    for span in ordered[1:]:
        if span[0] < current[1]:
            current = (current[0], max(current[1], span[1]), current[2])
        else:
            yield current
            current = span
    yield current
