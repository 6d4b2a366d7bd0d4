"""The git collector: a local clone's settings, code and history, plus its
GitHub or GitLab settings when a token is configured.

    sources:
      - id: api-repo
        collector: git
        config:
          path: ../api                    # a local clone (CI's checkout)
          github: {repository: acme/api}  # token from $GITHUB_TOKEN
          exclude: ["scripts/*"]          # paths not scanned for PHI logging or third parties
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

from hipaa_cac import __version__
from hipaa_cac.collectors.base import CollectContext, Gap, Observation, Record
from hipaa_cac.collectors.git.code_scan import (
    LOG_CONFIG,
    PHI_LOG,
    SECRET,
    removed_secrets,
    scan_tree,
)
from hipaa_cac.collectors.git.hosting import HOSTED, hosted_settings
from hipaa_cac.collectors.git.repository import repository_facts, repository_subject
from hipaa_cac.collectors.git.third_party import THIRD_PARTY, third_party_uses
from hipaa_cac.detect.gitcmd import GitError, run_git
from hipaa_cac.detect.secrets import HistoryDetection, scan_history
from hipaa_cac.durations import parse_duration

REPOSITORY = "git.repository"


def _hosting(name_key: str) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [name_key],
        "properties": {
            name_key: {"type": "string"},
            "token_env": {"type": "string", "description": "Environment variable with the token."},
            "api_url": {"type": "string", "pattern": "^https?://"},
        },
    }


class GitCollector:
    name: ClassVar[str] = "git"
    version: ClassVar[str] = __version__
    kinds: ClassVar[tuple[str, ...]] = (
        REPOSITORY,
        HOSTED,
        SECRET,
        PHI_LOG,
        LOG_CONFIG,
        THIRD_PARTY,
    )
    max_age: ClassVar[str] = "1d"
    config_schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "additionalProperties": False,
        "required": ["path"],
        "properties": {
            "path": {"type": "string", "description": "Local clone, relative to the policy repo."},
            "exclude": {"type": "array", "items": {"type": "string"}},
            "signed_commits_window": {"type": "string", "pattern": "^[1-9][0-9]*[hdw]$"},
            "history": {"type": "boolean", "description": "Scan all history for secrets."},
            "max_commits": {"type": "integer", "minimum": 1},
            "github": _hosting("repository"),
            "gitlab": _hosting("project"),
        },
        "not": {"required": ["github", "gitlab"]},
    }

    def collect(self, config: Mapping[str, Any], context: CollectContext) -> Iterator[Record]:
        repo = (context.root / config["path"]).resolve()
        try:
            top = Path(run_git(repo, "rev-parse", "--show-toplevel").strip())
        except (GitError, OSError):
            reason = f"{config['path']} is not a git repository"
            for kind in self.kinds:
                yield Gap(kind, reason)
            return
        window = parse_duration(config.get("signed_commits_window", "90d")).days
        facts = repository_facts(top, context.now, window)
        subject = repository_subject(facts["remote"], top)
        yield Observation(REPOSITORY, subject, {"path": str(config["path"]), **facts})

        exclude = tuple(config.get("exclude", ()))
        history: list[HistoryDetection] = []
        if not config.get("history", True):
            yield Gap(SECRET, "history scan disabled ('history: false'): removed secrets unknown")
        elif facts["head_commit"]:
            limit = config.get("max_commits")
            history = scan_history(top, context.fingerprint, max_commits=limit)
            commits = int(run_git(top, "rev-list", "--all", "--count").strip())
            if limit is not None and commits > limit:
                yield Gap(SECRET, f"only {limit} of {commits} commits scanned (max_commits)")
        tracked = [p for p in run_git(top, "ls-files", "-z").split("\0") if p]
        in_tree: set[str | None] = set()
        for record in scan_tree(top, tracked, subject, exclude, context.fingerprint, history):
            if isinstance(record, Observation) and record.kind == SECRET:
                in_tree.add(record.data["fingerprint"])
            yield record
        yield from removed_secrets(subject, history, in_tree, exclude)
        yield from third_party_uses(top, tracked, subject, exclude)
        yield from hosted_settings(config, subject)
