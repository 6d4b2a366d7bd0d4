"""Shared fixtures: the example policy repo copied to a temp dir, and a CLI runner."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from hipaa_cac.cli import main

# Real servers for the collector tests: moto (`aws`) and slapd (`slapd`, `slapd_ad`);
# PostgreSQL (`postgres_url`) for the ledger's.
pytest_plugins = ["moto_server", "slapd_server", "postgres_server"]

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "telehealth"
AS_OF = "2026-11-20T12:00:00Z"


@pytest.fixture
def example_repo(tmp_path: Path) -> Path:
    target = tmp_path / "telehealth"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns(".hipaa-cac", "__pycache__"))
    return target


@pytest.fixture
def cli() -> Callable[..., Result]:
    runner = CliRunner()

    def run(*args: str) -> Result:
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return run
