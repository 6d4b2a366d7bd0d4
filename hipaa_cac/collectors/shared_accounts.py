"""What identity collectors share: telling a person's account from a shared one.

A HIPAA audit trail must name a person (164.312(a)(2)(i) unique user
identification), so accounts that name a role or a machine are flagged.
"""

from __future__ import annotations

from collections.abc import Sequence
from fnmatch import fnmatchcase

# Logins that name a role or a machine rather than a person (fnmatch globs,
# compared case-insensitively).
SHARED_ACCOUNT_PATTERNS = (
    "admin",
    "administrator",
    "root",
    "shared",
    "shared[-_.]*",
    "*[-_.]shared",
    "test",
    "test[-_.]*",
    "guest",
    "demo",
    "temp",
    "support",
    "helpdesk",
    "service",
    "deploy",
    "backup",
    "ci[-_.]*",
    "svc[-_.]*",
    "*[-_.]svc",
    "sa[-_.]*",
    "service[-_.]*",
    "bot[-_.]*",
    "*[-_.]bot",
)


def is_shared(login: str, patterns: Sequence[str]) -> bool:
    return any(fnmatchcase(login.casefold(), p.casefold()) for p in patterns)
