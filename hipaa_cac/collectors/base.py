"""The collector contract: a name, a version, and one method.

A collector turns a validated config section into a stream of records:

    class GitCollector:
        name = "git"
        version = "0.1.0"
        kinds = ("git.repository", "secrets.finding")   # what one run tries to collect
        max_age = "1d"                                   # default freshness of its items
        config_schema = {"type": "object", "required": ["path"], ...}

        def collect(self, config, context):
            yield Observation("git.repository", "git:github.com/acme/api", {...})
            yield Gap("git.hosted_settings", "GitHub answered 401: token rejected")

The runner (runner.py), not the collector, stamps source, time and hashes,
decides each kind's status (complete / partial / error) and writes the run to
the evidence store. A collector never evaluates: it records facts, never
whether they are compliant. It records metadata, never content: no object
bodies, secret values or PHI (use `context.fingerprint` where a value must be
recognisable across runs without being readable).

A collector may also set `local = True` when it reads only files in the
policy repository (cheap): `hipaa-cac run` then collects it every time rather
than by age, so a new attestation counts at once.

Third-party collectors are found through the `hipaa_cac.collectors` entry-point
group; the entry point names a class with this shape.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar, Protocol, runtime_checkable


@dataclass(frozen=True)
class Observation:
    """One fact about one subject.

    kind        evidence kind, e.g. "git.repository" (docs/evidence-kinds.md)
    subject     canonical id of what it describes: ARN, "git:<remote>", "<repo>/<path>:<line>"
    data        metadata only, JSON-serialisable
    observed_at RFC 3339 time the fact was true; None means "when the run started"
                (an attestation passes the day it was attested)
    max_age     how long it stays true; None means the collector's max_age
    """

    kind: str
    subject: str
    data: dict[str, Any]
    observed_at: str | None = None
    max_age: str | None = None


@dataclass(frozen=True)
class Gap:
    """Something of `kind` could not be collected, and why.

    The kind becomes `partial` (some items were collected) or `error` (none),
    and controls that need it cannot pass. `error` must not hold secrets.
    """

    kind: str
    error: str


Record = Observation | Gap


@dataclass(frozen=True)
class CollectContext:
    """What a run knows besides its config.

    root        the policy repository; relative paths in config resolve here
    now         when the run started (pinned by `collect --at` for reproducible runs)
    fingerprint keyed hash (HMAC-SHA256 with the repo's salt) of a sensitive value:
                "fp:<16 hex>", the same for the same value, useless for guessing it
    """

    root: Path
    now: datetime
    fingerprint: Callable[[str], str]


@runtime_checkable
class Collector(Protocol):
    name: ClassVar[str]
    version: ClassVar[str]
    kinds: ClassVar[tuple[str, ...]]
    max_age: ClassVar[str]
    config_schema: ClassVar[dict[str, Any]]

    def collect(self, config: Mapping[str, Any], context: CollectContext) -> Iterator[Record]:
        """Yield what this source shows. Raising marks every kind not yet
        finished as `error`; what was yielded before is kept."""
        ...
