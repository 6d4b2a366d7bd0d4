"""`hipaa-cac bundle create|verify` and `hipaa-cac keygen`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from hipaa_cac import signing
from hipaa_cac.bundle import Period, create_bundle, verify_bundle
from hipaa_cac.cli.options import repo_option
from hipaa_cac.config import load_config

_FILE = click.Path(dir_okay=False, path_type=Path)


@click.group()
def bundle() -> None:
    """The auditor evidence bundle: create one for a period, verify one."""


@bundle.command()
@repo_option
@click.option("--from", "start", required=True, help="First day (or RFC 3339 time) of the period.")
@click.option("--to", "end", required=True, help="Last day (inclusive), or an RFC 3339 end.")
@click.option("--out", required=True, type=_FILE, help="The zip to write.")
@click.option("--sign-key", type=_FILE, help="Ed25519 private key (from 'hipaa-cac keygen').")
def create(repo: Path, start: str, end: str, out: Path, sign_key: Path | None) -> None:
    """Bundle the period's ledger entries, evidence, catalog, policies and reports."""
    period = Period.parse(start, end)
    summary = create_bundle(load_config(repo), period, out, sign_key)
    signed = f"signed by {summary.signer}" if summary.signer else "NOT signed (no --sign-key)"
    click.echo(
        f"wrote {summary.out}: {len(summary.runs)} run(s), {summary.files} files, "
        f"ledger head {summary.head_hash}, {signed}"
    )
    for note in summary.notes:
        click.echo(f"note: {note}", err=True)


@bundle.command()
@click.argument("file", type=_FILE)
@click.option("--pubkey", type=_FILE, help="The signer's public key; without it, no origin check.")
def verify(file: Path, pubkey: Path | None) -> None:
    """Check signature, file hashes, ledger chain and evidence; exit 1 naming what fails."""
    result = verify_bundle(file, pubkey)
    for problem in result.problems:
        click.echo(f"FAIL {problem}", err=True)
    for skipped in result.not_checked:
        click.echo(f"not checked: {skipped}", err=True)
    if not result.ok:
        click.echo(f"{file}: verification FAILED ({len(result.problems)} problem(s))", err=True)
        sys.exit(1)
    click.echo(f"{file}: verified: " + "; ".join(result.checked))


@click.command()
@click.argument("private_key", type=_FILE)
def keygen(private_key: Path) -> None:
    """Make an Ed25519 key pair: PRIVATE_KEY (mode 0600) and PRIVATE_KEY.pub."""
    public = signing.generate_keypair(private_key)
    key = signing.load_public_key(public)
    click.echo(f"wrote {private_key} (keep it secret) and {public}: {signing.fingerprint(key)}")
