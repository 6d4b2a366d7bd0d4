"""Load `attestations/**/*.yaml`: one attestation document per file (and
`*.csv`: workforce rosters, roster.py).

Each file is checked in order, and the first problem is an InputError naming
file and line: YAML syntax, the type's schema and dates (schema.py), the
signer (attested_by, else the git author), the document's hash, and the
signature when there is one. `scan_attestations` keeps going past a broken
file and reports it with the kinds it could have been evidence of, so the
collector can mark those kinds incomplete (fail closed) and still record the
rest.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from hipaa_cac.attestations.model import ALL_TYPES, COMMON_FIELDS, KINDS, Attestation
from hipaa_cac.attestations.roster import check_roster, parse_roster_csv, person_subject
from hipaa_cac.attestations.schema import LineOf, latest_past_date, validate_document
from hipaa_cac.attestations.signature import verify
from hipaa_cac.attestations.signer import NoGitAuthor, git_author
from hipaa_cac.attestations.to_evidence import subject
from hipaa_cac.durations import utc_now
from hipaa_cac.errors import InputError
from hipaa_cac.paths import display_path
from hipaa_cac.yamlfile import YamlDocument, parse_with_loader


class _DatesAsText(yaml.SafeLoader):
    """Dates stay the strings the author wrote: the schema checks their form
    (PyYAML would raise a bare ValueError on 2026-02-30), and a signature
    covers the same value whether or not the date was quoted."""


_DatesAsText.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

_TYPE_LINE = re.compile(r"^type:\s*['\"]?([a-z0-9_]+)", re.MULTILINE)


@dataclass(frozen=True)
class Problem:
    """A file that does not count, and the kinds it could have been evidence of."""

    kinds: tuple[str, ...]
    error: InputError


def load_attestations(
    directory: Path, root: Path, now: datetime | None = None
) -> list[Attestation]:
    """Every attestation under `directory`; InputError at the first bad file."""
    found, problems = scan_attestations(directory, root, now)
    if problems:
        raise problems[0].error
    return found


def scan_attestations(
    directory: Path, root: Path, now: datetime | None = None
) -> tuple[list[Attestation], list[Problem]]:
    """The attestations that load, and a Problem for each file that does not."""
    if not directory.is_dir():
        shown = directory.relative_to(root) if directory.is_relative_to(root) else directory
        raise InputError("attestation directory does not exist", shown)
    now = now or utc_now()
    found: list[Attestation] = []
    problems: list[Problem] = []
    files = [*directory.rglob("*.yaml"), *directory.rglob("*.yml"), *directory.rglob("*.csv")]
    for file in sorted(files):
        try:
            found.append(load_attestation(file, root, now))
        except InputError as exc:
            problems.append(Problem(_kinds_for(file, directory), exc))
    return _without_duplicates(found, problems)


def load_attestation(file: Path, root: Path, now: datetime) -> Attestation:
    shown = display_path(file, file.parent, root)
    data: dict[str, Any]
    if file.suffix == ".csv":
        data, line_of = parse_roster_csv(file, shown)
    else:
        document = parse_attestation_yaml(file, shown)
        data, line_of = document.data, document.line_of
    type_ = validate_document(data, shown, line_of, now)
    if type_ == "workforce_roster":
        check_roster(data, shown, line_of)
    attested_by, attested_on = _signer(file, data, shown, now)
    return Attestation(
        type=type_,
        name=file.stem,
        source_file=shown,
        attested_by=attested_by,
        attested_on=attested_on,
        fields={k: v for k, v in data.items() if k not in COMMON_FIELDS},
        controls=tuple(data["controls"]) if "controls" in data else None,
        statement=data.get("statement"),
        document=data.get("document"),
        document_sha256=document_hash(data, root, shown, line_of),
        signature=verify(data, root, shown, line_of(["signature"])),
    )


def parse_attestation_yaml(file: Path, shown: str) -> YamlDocument:
    return parse_attestation_text(read_text(file, shown), file, shown)


def read_text(file: Path, shown: str) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read file: {exc.__class__.__name__}", shown) from None


def parse_attestation_text(text: str, file: Path, shown: str) -> YamlDocument:
    return parse_with_loader(_DatesAsText, text, file, shown)


def _signer(file: Path, data: dict[str, Any], shown: str, now: datetime) -> tuple[str, str]:
    """attested_by and attested_on as written, else from the file's last commit."""
    by, on = data.get("attested_by"), data.get("attested_on")
    if by is not None and on is not None:
        return by, on
    try:
        author = git_author(file)
    except NoGitAuthor as exc:
        missing = "missing signer: set attested_by" if by is None else "missing attested_on: set it"
        if file.suffix == ".csv":  # a CSV has nowhere to say who attests
            missing = "missing signer: a CSV roster is attested by its last commit"
        raise InputError(f"{missing}, or commit the file (it {exc})", shown, 1) from None
    on = on or author.day
    if datetime.fromisoformat(on).date() > latest_past_date(now):
        raise InputError(f"attested_on: {on} (the commit's date) is in the future", shown, 1)
    return by or author.identity, on


def document_hash(data: dict[str, Any], root: Path, shown: str, line_of: LineOf) -> str | None:
    """`sha256:<hex>` of `document` (checked against document_sha256 if both are given)."""
    given = data.get("document_sha256")
    if given is not None:
        given = "sha256:" + given.removeprefix("sha256:").lower()
    path = data.get("document")
    if path is None:
        return given
    line = line_of(["document"])
    target = (root / path).resolve()
    if not target.is_relative_to(root.resolve()):
        raise InputError(f"document: {path} is outside the policy repo", shown, line)
    digest = hashlib.sha256()
    try:
        with target.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise InputError(f"document: cannot read {path}: {reason}", shown, line) from None
    computed = "sha256:" + digest.hexdigest()
    if given is not None and given != computed:
        raise InputError(
            f"document_sha256: {path} does not have this hash (its SHA-256 is {computed})",
            shown,
            line_of(["document_sha256"]),
        )
    return computed


def _kinds_for(file: Path, directory: Path) -> tuple[str, ...]:
    """The kind a broken file meant to be: its `type:` line, else a folder or
    file name that is a type, else every kind (it might have been any)."""
    try:
        match = _TYPE_LINE.search(file.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        match = None
    if file.suffix == ".csv":
        return ("attestation.workforce_roster",)
    names = [match.group(1)] if match else []
    names += [*file.relative_to(directory).parent.parts, file.stem]
    for name in names:
        if name in ALL_TYPES:
            return (f"attestation.{name}",)
    return KINDS


def _without_duplicates(
    found: list[Attestation], problems: list[Problem]
) -> tuple[list[Attestation], list[Problem]]:
    """Two files for one subject (two decisions for one control, two BAAs
    named aws) contradict or shadow each other: neither counts."""
    by_subject: dict[str, list[Attestation]] = {}
    for attestation in found:
        for key in _subjects(attestation):
            by_subject.setdefault(key, []).append(attestation)
    dropped: set[int] = set()
    for key, group in by_subject.items():
        if len(group) > 1:
            files = ", ".join(a.source_file for a in group)
            for attestation in group:
                dropped.add(id(attestation))
                message = f"{key} is attested by more than one file ({files}); keep one"
                problems.append(
                    Problem((attestation.kind,), InputError(message, attestation.source_file, 1))
                )
    problems.sort(key=lambda p: p.error.file or "")
    return [a for a in found if id(a) not in dropped], problems


def _subjects(attestation: Attestation) -> list[str]:
    """The subjects a file's evidence will have (none checked for a training
    log, whose completions merge across logs by design)."""
    if attestation.type == "workforce_roster":
        return [person_subject(p) for p in attestation.fields["people"]]
    key = subject(attestation)
    return [] if key is None else [key]
