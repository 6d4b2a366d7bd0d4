"""`hipaa-cac policy test`: run the Rego unit tests (`test_*` rules)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from hipaa_cac.cli.options import repo_option
from hipaa_cac.config import load_config
from hipaa_cac.engines import EngineError
from hipaa_cac.engines.embedded import EmbeddedEngine
from hipaa_cac.policy import load_library


@click.group()
def policy() -> None:
    """Work with the Rego policy library."""


@policy.command()
@repo_option
@click.option("-v", "--verbose", is_flag=True, help="List every test, not only failures.")
def test(repo: Path, verbose: bool) -> None:
    """Run every test_* rule of the policy library; exit 1 if any fails."""
    config = load_config(repo)
    library = load_library(list(config.policies), display_root=repo)
    failed = 0
    # One engine per test module: compiling them all at once is much slower.
    for module in library.test_modules():
        engine = EmbeddedEngine()
        engine.load(library, tests=module)
        for ref in (t for t, path in library.tests.items() if path == module.path):
            try:
                outcome = "PASS" if engine.query(ref, {}) is True else "FAIL"
            except EngineError as exc:
                outcome = f"ERROR ({exc})"
            failed += outcome != "PASS"
            if verbose or outcome != "PASS":
                click.echo(f"{outcome:<5} {ref}")
    click.echo(f"{len(library.tests) - failed} passed, {failed} failed")
    sys.exit(1 if failed or not library.tests else 0)
