"""`hipaa-cac attest TYPE`: record an attestation as YAML in the policy repo.

    hipaa-cac attest baa --name aws --field party="Amazon Web Services" --field ...
    hipaa-cac attest training --field person_id=p-104 --field course=... --field ...
    hipaa-cac attest --list

Writes attestations/<TYPE>/<NAME>.yaml (training: adds a completion to
attestations/training.yaml), checked exactly as the collector will check it
before anything is written.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import click

from hipaa_cac.attestations.load import document_hash, parse_attestation_text, read_text
from hipaa_cac.attestations.model import ALL_TYPES
from hipaa_cac.attestations.schema import validate_document
from hipaa_cac.attestations.signature import sign_attestation, sign_attestation_ssh, verify
from hipaa_cac.attestations.signer import in_git
from hipaa_cac.attestations.write import (
    ENTRY_FIELDS,
    appended_entry,
    coerce,
    is_flag,
    missing,
    ordered,
    render,
    type_help,
)
from hipaa_cac.canonical import write_atomic
from hipaa_cac.cli.options import repo_option
from hipaa_cac.config import load_config
from hipaa_cac.durations import utc_now
from hipaa_cac.errors import InputError

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")  # a file name, never a path


@click.command()
@click.argument("type_", metavar="TYPE", required=False)
@click.option("--name", help="File name without .yaml (addressable_decision: the control id).")
@click.option(
    "--field",
    "fields",
    multiple=True,
    metavar="KEY=VALUE",
    help="A field; lists split on commas or repeat the flag. Missing required fields are "
    "asked for on a terminal.",
)
@click.option(
    "--sign-key",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Sign with this private key (Ed25519; keys/<key id>.pub must be in the repo).",
)
@click.option("--key-id", help="Key id for --sign-key (default: the key file's name).")
@click.option(
    "--ssh-principal",
    help="Sign with ssh-keygen instead, as this principal in keys/allowed_signers.",
)
@click.option("--force", is_flag=True, help="Replace an existing file.")
@click.option("--list", "list_types", is_flag=True, help="List types and their required fields.")
@repo_option
def attest(
    type_: str | None,
    name: str | None,
    fields: tuple[str, ...],
    sign_key: Path | None,
    key_id: str | None,
    ssh_principal: str | None,
    force: bool,
    list_types: bool,
    repo: Path,
) -> None:
    """Record an attestation of TYPE in the policy repo's attestations/."""
    if list_types:
        click.echo("\n".join(type_help()))
        return
    if (key_id or ssh_principal) and sign_key is None:
        raise InputError("--key-id and --ssh-principal need --sign-key")
    if type_ not in ALL_TYPES:
        given = "no TYPE given" if type_ is None else f"unknown attestation type {type_!r}"
        raise InputError(f"{given}: see 'hipaa-cac attest --list'")
    directory = repo / attestation_dir(repo)
    values = _parse_fields(type_, fields)
    interactive = sys.stdin.isatty()
    signs_by_commit = in_git(repo)
    # Without a commit to date it, an attestation is dated the day it is made.
    defaults = {} if signs_by_commit else {"attested_on": utc_now().date().isoformat()}
    if type_ == "training":
        path = _training_path(directory, name)
        shown = _shown(path, repo)
        signed = sign_key is not None
        document, text = _training(path, shown, values, defaults, signed, interactive)
    else:
        path, document = _single(type_, directory, name, values, defaults, interactive)
        if path.exists() and not force:
            raise InputError("already exists: pass --force to replace it", _shown(path, repo))
        text = None
    shown = _shown(path, repo)
    validate_document(document, shown, lambda _path: None, utc_now())
    document_hash(document, repo, shown, lambda _path: None)
    if sign_key is not None:
        if ssh_principal is not None:
            document = sign_attestation_ssh(document, sign_key, ssh_principal)
        else:
            document = sign_attestation(document, sign_key, key_id)
        verify(document, repo, shown, None)  # the repo must trust the key before we write
        text = None
    write_atomic(path, text if text is not None else render(ordered(type_, document)))
    click.echo(f"wrote {shown}")
    if "attested_by" not in document:
        click.echo("commit it: the commit's author is recorded as the signer")


def attestation_dir(repo: Path) -> str:
    """The `path` of the repo's attestations source, else attestations/."""
    for source in load_config(repo).sources:
        if source.collector == "attestations":
            return str(source.config.get("path", "attestations"))
    return "attestations"


def _parse_fields(type_: str, fields: tuple[str, ...]) -> dict[str, Any]:
    raw: dict[str, list[str]] = {}
    for field in fields:
        key, sep, value = field.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--field {field!r}: expected KEY=VALUE")
        raw.setdefault(key.strip(), []).append(value)
    return {key: coerce(type_, key, values) for key, values in raw.items()}


def _single(
    type_: str,
    directory: Path,
    name: str | None,
    values: dict[str, Any],
    defaults: dict[str, str],
    interactive: bool,
) -> tuple[Path, dict[str, Any]]:
    document = {"type": type_, **defaults, **values}
    extra = ["attested_by"] if defaults else []  # no git author will sign it
    if name is None and type_ != "addressable_decision":
        extra.insert(0, "--name")
    answers = _complete(type_, document, document, extra, interactive)
    name = answers.get("--name", name) or str(document.get("control"))
    if not _NAME.match(name):
        raise InputError(f"--name {name!r}: use letters, digits and . _ - (a file name)")
    return directory / type_ / f"{name}.yaml", document


def _training_path(directory: Path, name: str | None) -> Path:
    """The training log: attestations/training.yaml, or training/NAME.yaml."""
    if name is None:
        return directory / "training.yaml"
    if not _NAME.match(name):
        raise InputError(f"--name {name!r}: use letters, digits and . _ - (a file name)")
    return directory / "training" / f"{name}.yaml"


def _training(
    path: Path,
    shown: str,
    values: dict[str, Any],
    defaults: dict[str, str],
    resign: bool,
    interactive: bool,
) -> tuple[dict[str, Any], str | None]:
    """(the log with the new completion, its text when appended in place)."""
    entry = {k: values.pop(k) for k in ENTRY_FIELDS if k in values}
    if not path.exists():
        document = {"type": "training", **defaults, **values, "entries": [entry]}
        extra = ["attested_by"] if defaults else []
        _complete("training", document, entry, extra, interactive)
        return document, None
    # Only the new completion comes from flags: the log's own fields stay as written.
    if values:
        raise InputError(f"set {', '.join(values)} by editing the log itself", shown)
    old_text = read_text(path, shown)
    existing = parse_attestation_text(old_text, path, shown)
    if not isinstance(existing.data, dict) or existing.data.get("type") != "training":
        raise InputError("is not a training log (type: training)", shown)
    if "signature" in existing.data and not resign:
        raise InputError("is signed: re-sign it with --sign-key, or remove the signature", shown)
    _complete("training", {"entries": [entry]}, entry, [], interactive)
    document = {**existing.data, "entries": [*existing.data.get("entries", []), entry]}
    text = appended_entry(old_text, existing.root, entry)
    try:
        same = parse_attestation_text(text, path, shown).data == document
    except InputError:
        same = False
    # Appending keeps the author's comments; when the log's layout does not
    # allow it (entries not last, flow style), the whole log is rewritten.
    return document, text if same else None


def _complete(
    type_: str,
    document: dict[str, Any],
    target: dict[str, Any],
    extra: list[str],
    interactive: bool,
) -> dict[str, str]:
    """Ask for what is missing (on a terminal), else list it as an error."""
    answers: dict[str, str] = {}
    while True:
        needs = [e for e in extra if e not in answers and e not in document] + missing(
            type_, document
        )
        if not needs:
            return answers
        if not interactive:
            raise InputError(
                f"missing fields for {type_}: {', '.join(needs)} "
                "(pass them as --field KEY=VALUE, --name NAME)"
            )
        for need in needs:
            if need == "--name":
                answers[need] = click.prompt("name (file name, without .yaml)")
            else:
                _ask(type_, document if need == "attested_by" else target, need)


def _ask(type_: str, target: dict[str, Any], need: str) -> None:
    """Prompt for `need`; for `a|b`, the first answered alternative wins."""
    options = need.split("|")
    for index, key in enumerate(options):
        last = index == len(options) - 1
        if is_flag(type_, key):
            target[key] = True  # reached only when the alternatives before it were left empty
            return
        hint = "" if last else f" (empty for {options[index + 1]})"
        answer = click.prompt(f"{key}{hint}", default="" if not last else None, show_default=False)
        if answer:
            target[key] = coerce(type_, key, [answer])
            return


def _shown(path: Path, repo: Path) -> str:
    try:
        return path.relative_to(repo).as_posix()
    except ValueError:
        return str(path)
