"""`hipaa-cac policy test`: run the Rego unit tests (`test_*` rules)."""

from __future__ import annotations

import multiprocessing
import sys
from multiprocessing.connection import Connection
from pathlib import Path

import click

from hipaa_cac.cli.options import repo_option
from hipaa_cac.config import load_config
from hipaa_cac.engines import EngineError
from hipaa_cac.engines.embedded import EmbeddedEngine
from hipaa_cac.errors import InputError
from hipaa_cac.policy import PolicyLibrary, PolicyModule, load_library


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
    for module in library.test_modules():
        for ref, outcome in run_module(library, module):
            failed += outcome != "PASS"
            if verbose or outcome != "PASS":
                click.echo(f"{outcome:<5} {ref}")
    click.echo(f"{len(library.tests) - failed} passed, {failed} failed")
    sys.exit(1 if failed or not library.tests else 0)


def run_module(library: PolicyLibrary, module: PolicyModule) -> list[tuple[str, str]]:
    """Outcomes of one test module's tests, run in a child process.

    One engine per module (compiling them all at once is much slower), and a
    child process because rego-cpp aborts the whole process on some `with`
    shapes: a crash then fails that module's tests instead of the command.
    """
    refs = [ref for ref, path in library.tests.items() if path == module.path]
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_run_in_child, args=(library, module, refs, send))
    child.start()
    send.close()
    try:
        result: list[tuple[str, str]] | InputError = receive.recv()
    except EOFError:
        result = [(ref, f"ERROR (the engine crashed running {module.path})") for ref in refs]
    child.join()
    if isinstance(result, InputError):
        raise result
    return result


def _run_in_child(
    library: PolicyLibrary, module: PolicyModule, refs: list[str], send: Connection
) -> None:
    engine = EmbeddedEngine()
    try:
        engine.load(library, tests=module)
    except InputError as exc:
        send.send(exc)
        return
    outcomes = []
    for ref in refs:
        try:
            outcomes.append((ref, "PASS" if engine.query(ref, {}) is True else "FAIL"))
        except EngineError as exc:
            outcomes.append((ref, f"ERROR ({exc})"))
    send.send(outcomes)
