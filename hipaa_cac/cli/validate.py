"""`hipaa-cac validate`: is the policy repo consistent and loadable?"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from hipaa_cac.attestations import load_attestations
from hipaa_cac.cli.options import repo_option
from hipaa_cac.collectors.sources import ready_sources
from hipaa_cac.durations import utc_now
from hipaa_cac.engines.embedded import EmbeddedEngine
from hipaa_cac.evidence import EvidenceStore
from hipaa_cac.inputs import load_inputs
from hipaa_cac.ledger import ledger_exists, open_ledger
from hipaa_cac.ledger.record import CONTROL_STATUS
from hipaa_cac.risk.register import DEFAULT_PATH, load_register
from hipaa_cac.validation import unbumped_versions
from hipaa_cac.waivers import load_waivers


@click.command()
@repo_option
def validate(repo: Path) -> None:
    """Check config, controls (schema), policies (compile, METADATA), their
    cross-references, evidence sources and files, attestations, waivers, the
    risk register, and that no recorded control changed without a version bump."""
    inputs = load_inputs(repo)
    waivers = load_waivers(inputs.config, inputs.catalog)
    register = repo / DEFAULT_PATH
    shown = DEFAULT_PATH.as_posix()
    risks = len(load_register(register, inputs.catalog, shown).risks) if register.is_file() else 0
    EmbeddedEngine().load(inputs.library)
    sources = ready_sources(inputs.config)
    attestations = 0
    for ready in sources:
        if ready.collector.name == "attestations":
            folder = repo / ready.source.config.get("path", "attestations")
            attestations += len(load_attestations(folder, repo))
    collections = EvidenceStore(inputs.config.evidence, display_root=repo).collections()
    problems: list[str] = []
    if ledger_exists(inputs.config.ledger):
        with open_ledger(inputs.config.ledger) as ledger:
            recorded = {
                (e.payload["control"], e.payload["version"], e.payload["content_hash"])
                for e in ledger.entries(types=[CONTROL_STATUS])
            }
        problems = unbumped_versions(inputs.catalog, recorded)
    now = utc_now()
    for waiver in waivers:
        if waiver.expired(now):  # not an error: it just no longer applies
            click.echo(
                f"note: {waiver.file}: waiver {waiver.id} expired on {waiver.expires}", err=True
            )
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    if problems:
        sys.exit(2)
    click.echo(
        f"ok: {len(inputs.catalog)} controls, {len(inputs.library.rules)} rules, "
        f"{len(inputs.library.tests)} policy tests, {len(sources)} sources, "
        f"{attestations} attestations, {len(waivers)} waivers, {risks} risks, "
        f"{len(collections)} evidence collections"
    )
