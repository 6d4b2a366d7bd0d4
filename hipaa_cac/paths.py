"""Where things are: the shipped catalog and policy library, and display paths."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def builtin_dir(name: str) -> Path:
    """The shipped `controls` or `policies` directory.

    In a wheel they are copied into the package (`hipaa_cac/_builtin/`); in a
    source checkout or editable install they are the repository's top-level
    folders, which is where people review and change them.
    """
    packaged = _PACKAGE / "_builtin" / name
    if packaged.is_dir():
        return packaged
    return _PACKAGE.parent / name


def display_path(file: Path, directory: Path, display_root: Path | None) -> str:
    """A short, stable path for messages and hashes: relative to the repo root
    when the file is inside it, else `<dir-name>/<path-within-dir>`."""
    if display_root is not None and file.is_relative_to(display_root):
        return file.relative_to(display_root).as_posix()
    return (Path(directory.name) / file.relative_to(directory)).as_posix()
