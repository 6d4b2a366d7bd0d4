"""The sources a repository configures, each paired with its loaded collector
and its config checked against that collector's schema, before anything runs:
a typo in one source's config must stop the command, not half of the run."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hipaa_cac import schemas
from hipaa_cac.collectors.base import Collector
from hipaa_cac.collectors.registry import load_collector
from hipaa_cac.config import CONFIG_FILE, RepoConfig, SourceConfig
from hipaa_cac.errors import InputError
from hipaa_cac.yamlfile import load_yaml


@dataclass(frozen=True)
class ReadySource:
    source: SourceConfig
    collector: Collector


def ready_sources(config: RepoConfig, selected: Sequence[str] = ()) -> list[ReadySource]:
    by_id = {source.id: source for source in config.sources}
    unknown = [name for name in selected if name not in by_id]
    if unknown:
        known = ", ".join(by_id) or "none: add a 'sources' list"
        raise InputError(
            f"no source named {', '.join(unknown)} in {CONFIG_FILE} (sources: {known})"
        )
    chosen = [by_id[name] for name in selected] if selected else list(config.sources)
    document = load_yaml(config.root / CONFIG_FILE)
    ready = []
    for source in chosen:
        try:
            collector = load_collector(source.collector)
        except InputError as exc:
            raise InputError(
                f"source {source.id}: {exc.message}", CONFIG_FILE, source.line
            ) from None
        index = config.sources.index(source)
        schemas.check_with(
            collector.config_schema,
            source.config,
            CONFIG_FILE,
            document.line_of,
            at=("sources", index, "config"),
        )
        ready.append(ReadySource(source, collector))
    return ready
