"""Where a ledger lives: an SQLite file, or a PostgreSQL database named by URL.

    .hipaa-cac/ledger.sqlite                     -> Path (relative to the repo in hipaa-cac.yaml)
    postgresql://ci@db.internal:5432/compliance  -> LedgerUrl
    postgres://ci:s3cret@db.internal/compliance  -> LedgerUrl, shown as
                                                    postgres://ci:***@db.internal/compliance

A `LedgerUrl` prints (str, repr, f-strings, InputError's file) with its password
masked, so a password someone put in hipaa-cac.yaml cannot reach a terminal or
a CI log through any message that names the ledger. Only `.url` holds it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

SCHEMES = ("postgresql", "postgres")
MASK = "***"

_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_QUERY_PASSWORD = re.compile(r"([?&]password=)([^&]*)", re.IGNORECASE)


@dataclass(frozen=True, repr=False)
class LedgerUrl:
    """A PostgreSQL connection URL: `LedgerUrl("postgresql://ci@db.internal/compliance")`."""

    url: str

    def __post_init__(self) -> None:
        match = _URL.match(self.url)
        scheme = match.group(1).lower() if match else ""
        if scheme not in SCHEMES:
            raise ValueError(
                f"unsupported ledger URL {mask_password(self.url)!r}: "
                "use postgresql://… or an SQLite file path"
            )

    def __str__(self) -> str:
        return mask_password(self.url)

    def __repr__(self) -> str:
        return f"LedgerUrl({str(self)!r})"

    def scrub(self, text: str) -> str:
        """`text` (say, a driver's error message) with this URL's password masked."""
        for secret in sorted(_passwords(self.url), key=len, reverse=True):
            text = text.replace(secret, MASK)
        return text


def is_url(text: str) -> bool:
    return _URL.match(text) is not None


def ledger_location(text: str, root: Path | None = None) -> Path | LedgerUrl:
    """A URL as is, anything else as a file path (joined to `root` when given).

    Raises ValueError for a URL of a scheme we cannot store a ledger in, rather
    than treating `mysql://…` as a relative directory name.
    """
    if is_url(text):
        return LedgerUrl(text)
    path = Path(text).expanduser()
    return path if root is None else root / path


def mask_password(url: str) -> str:
    """`postgresql://ci:s3cret@db/x` -> `postgresql://ci:***@db/x` (and `?password=***`)."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    at = rest.rfind("@")
    if at != -1:
        user, colon, _ = rest[:at].partition(":")
        if colon:
            rest = f"{user}:{MASK}{rest[at:]}"
    return scheme + sep + _QUERY_PASSWORD.sub(lambda m: m.group(1) + MASK, rest)


def _passwords(url: str) -> set[str]:
    """Every form of a password in `url` that a message might quote."""
    _, sep, rest = url.partition("://")
    found: list[str] = [m.group(2) for m in _QUERY_PASSWORD.finditer(rest)] if sep else []
    # The same rule as mask_password: the last '@' ends the user info, because a
    # password may hold an unescaped '@', '/' or '?' (masking too much is safe).
    at = rest.rfind("@")
    if sep and at != -1:
        _, colon, password = rest[:at].partition(":")
        if colon:
            found.append(password)
    return {form for secret in found for form in (secret, unquote(secret)) if form}
