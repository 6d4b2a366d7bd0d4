"""`hipaa-cac pulumi pack-dir`: where the CrossGuard policy pack is.

pulumi preview --policy-pack "$(hipaa-cac pulumi pack-dir)"
"""

from __future__ import annotations

from pathlib import Path

import click

PACK_DIR = Path(__file__).resolve().parent.parent / "pulumi" / "pack"


@click.group()
def pulumi() -> None:
    """Check Pulumi stacks against the controls (docs/pulumi.md)."""


@pulumi.command("pack-dir")
def pack_dir() -> None:
    """Print the policy pack's directory, for `pulumi preview --policy-pack`."""
    click.echo(str(PACK_DIR))
