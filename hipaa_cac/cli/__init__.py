"""The `hipaa-cac` command. Each sub-command lives in its own module here.

Exit codes: 0 all controls pass, 1 failing or undecidable controls (or a
failed verification), 2 usage or input error. A user's mistake is printed as
`error: file:line: message`, never as a traceback.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from hipaa_cac import __version__
from hipaa_cac.errors import InputError

EXIT_INPUT = 2


class Cli(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InputError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_INPUT)


@click.group(cls=Cli)
@click.version_option(__version__, prog_name="hipaa-cac")
def main() -> None:
    """HIPAA compliance as code: controls, policies, evidence, ledger."""


def _register() -> None:
    from hipaa_cac.cli import (
        attest,
        bundle,
        collect,
        diff,
        evaluate,
        evidence,
        init,
        ledger,
        policy,
        pulumi,
        risk,
        risk_ack,
        run,
        status,
        validate,
    )

    main.add_command(init.init)
    main.add_command(validate.validate)
    main.add_command(attest.attest)
    main.add_command(collect.collect)
    main.add_command(evaluate.evaluate)
    main.add_command(evidence.evidence)
    main.add_command(status.status)
    main.add_command(diff.diff)
    main.add_command(run.run)
    main.add_command(risk_ack.inventory)
    main.add_command(ledger.ledger)
    main.add_command(policy.policy)
    main.add_command(bundle.bundle)
    main.add_command(bundle.keygen)
    main.add_command(pulumi.pulumi)
    main.add_command(risk.risk)
    risk.risk.add_command(risk_ack.ack)


_register()
