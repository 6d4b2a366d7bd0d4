"""The bundle as a zip: a manifest of every file's hash, an optional signature
over the manifest, and byte-identical output for identical content.

    manifest.json   {"format": FORMAT, …, "files": [{"path", "sha256", "bytes"}, …]}
    manifest.sig    base64 Ed25519 signature of manifest.json's exact bytes

Every other member is listed in the manifest; a member that is not, or one
listed twice, makes the bundle invalid. Members are written in path order
with a fixed timestamp and mode, so two builds of the same content give the
same bytes (and, Ed25519 being deterministic, the same signature).
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from hipaa_cac.canonical import pretty_json, sha256_hex
from hipaa_cac.errors import InputError

FORMAT = "hipaa-cac/auditor-bundle/v1"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the zip epoch: no build time leaks into the bytes


def manifest_files(files: dict[str, bytes]) -> list[dict[str, Any]]:
    return [
        {"path": path, "sha256": sha256_hex(data), "bytes": len(data)}
        for path, data in sorted(files.items())
    ]


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    return pretty_json(manifest).encode("utf-8")


def write_zip(out: Path, members: dict[str, bytes]) -> None:
    """Write `members` to `out` atomically: a failure leaves no partial bundle behind."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            with zipfile.ZipFile(handle, "w") as archive:
                for path in sorted(members):
                    info = zipfile.ZipInfo(path, date_time=_FIXED_TIME)
                    info.compress_type = zipfile.ZIP_DEFLATED
                    info.create_system = 3  # unix, so external_attr means a file mode
                    info.external_attr = 0o644 << 16
                    archive.writestr(info, members[path], compresslevel=9)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_zip(path: Path) -> dict[str, bytes]:
    """Every member; InputError if `path` is not a readable zip or names a member twice."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            duplicates = sorted({n for n in names if names.count(n) > 1})
            if duplicates:
                raise InputError(f"the zip holds {duplicates[0]} more than once", path)
            return {name: archive.read(name) for name in names if not name.endswith("/")}
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise InputError(f"not a readable zip file ({exc.__class__.__name__})", path) from None
