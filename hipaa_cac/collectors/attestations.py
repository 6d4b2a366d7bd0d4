"""The `attestations` collector: human evidence from `attestations/**/*.yaml`
in the policy repo (docs/attestations.md).

Each valid file yields its observations; each invalid one (bad YAML, schema,
future date, no signer, bad signature, unreadable document) yields a Gap for
the kind it was meant to be, so that kind is partial and controls needing it
cannot pass on the files that remain: a broken BAA must not be outvoted by
the good ones.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from hipaa_cac import __version__
from hipaa_cac.attestations.load import scan_attestations
from hipaa_cac.attestations.model import KINDS, MAX_AGE
from hipaa_cac.attestations.to_evidence import all_observations
from hipaa_cac.collectors.base import CollectContext, Gap, Record
from hipaa_cac.errors import InputError

DEFAULT_PATH = "attestations"


class AttestationCollector:
    name: ClassVar[str] = "attestations"
    version: ClassVar[str] = __version__
    kinds: ClassVar[tuple[str, ...]] = KINDS
    max_age: ClassVar[str] = MAX_AGE
    # Reads only files in the policy repository: `hipaa-cac run` collects it every time.
    local: ClassVar[bool] = True
    config_schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {"path": {"type": "string", "default": DEFAULT_PATH}},
        "additionalProperties": False,
    }

    def collect(self, config: Mapping[str, Any], context: CollectContext) -> Iterator[Record]:
        directory = context.root / config.get("path", DEFAULT_PATH)
        try:
            found, problems = scan_attestations(directory, context.root, context.now)
        except InputError as exc:
            # No directory: nothing attested, and every kind says why.
            for kind in KINDS:
                yield Gap(kind, str(exc))
            return
        yield from all_observations(found)
        for problem in problems:
            for kind in problem.kinds:
                yield Gap(kind, str(problem.error))
