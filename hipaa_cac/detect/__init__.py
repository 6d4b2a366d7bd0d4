"""Detectors: pure functions that find PHI and secrets in text and code.

A detector reads text it is given and returns Detections; it does no I/O of
its own (collectors read files and git history and hand text in), and it
never returns the value it found, only where, what kind, and a keyed
fingerprint of it (hipaa_cac.fingerprint).

    Detection(path="app/views.py", line=42, rule="phi-log-field",
              category="ssn", message="logging call passes patient.ssn",
              fingerprint=None)
"""

from __future__ import annotations

from dataclasses import dataclass

# Source files the code detectors read, by suffix: the parser each needs.
SCRIPT_LANGUAGES = {
    ".py": "python",
    ".js": "javascript",
    ".jsx": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".tsx": "tsx",
}


@dataclass(frozen=True)
class Detection:
    """path      repository-relative, POSIX separators
    line      1-based
    rule      stable id of the check that fired, e.g. "phi-log-field", "safe-harbor-ssn"
    category  what was found, e.g. "ssn", "request_body", "AWS Access Key"
    message   for people; names fields and types, never values
    fingerprint  "fp:<hex>" of the found value when there is one (secrets, log PHI)
    """

    path: str
    line: int
    rule: str
    category: str
    message: str
    fingerprint: str | None = None
