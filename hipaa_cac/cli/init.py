"""`hipaa-cac init DIR`: scaffold a git-managed policy repository."""

from __future__ import annotations

from pathlib import Path

import click

from hipaa_cac.scaffold import scaffold


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--organization", default=None, help="Name shown in reports (default: DIR's name).")
def init(directory: Path, organization: str | None) -> None:
    """Create a policy repo in DIRECTORY with the HIPAA catalog and policies."""
    scaffold(directory, organization or directory.resolve().name)
    click.echo(
        f"created policy repo in {directory}: edit hipaa-cac.yaml, then run "
        f"'hipaa-cac validate --repo {directory}'"
    )
