"""The one exception type for a user's mistake.

Anything the user can fix (a malformed file, an unknown control, a bad flag)
raises `InputError`; the CLI prints it as `file:line: message` and exits 2.
Anything else is a bug and is allowed to show a traceback.
"""

from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """Bad input, located where possible: `controls/x.yaml:12: 'version' is required`."""

    def __init__(self, message: str, file: str | Path | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line

    def __str__(self) -> str:
        if self.file is None:
            return self.message
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.message}"
