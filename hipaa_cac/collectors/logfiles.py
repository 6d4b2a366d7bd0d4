"""The log-sample collector: PHI in log files exported for review.

Application logs are where PHI leaks most (request bodies, patient objects
dumped on error). Teams export a sample (a day of production logs, scrubbed
or not) and point this collector at it:

    sources:
      - id: api-logs
        collector: logfiles
        config: {paths: ["../log-samples/*.log"]}

Each Safe Harbor identifier found becomes one `phi.log_sample` item holding
file, line, identifier type and a keyed fingerprint: never the value.
"""

from __future__ import annotations

import glob
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

from hipaa_cac import __version__
from hipaa_cac.collectors.base import CollectContext, Gap, Observation, Record
from hipaa_cac.detect.safe_harbor import scan_log_lines

LOG_SAMPLE = "phi.log_sample"


class LogFilesCollector:
    name: ClassVar[str] = "logfiles"
    version: ClassVar[str] = __version__
    kinds: ClassVar[tuple[str, ...]] = (LOG_SAMPLE,)
    max_age: ClassVar[str] = "7d"
    # Reads only files in the policy repository: `hipaa-cac run` collects it every time.
    local: ClassVar[bool] = True
    config_schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "additionalProperties": False,
        "required": ["paths"],
        "properties": {
            "paths": {
                "description": "Files or globs (** allowed), relative to the policy repo.",
                "type": "array",
                "items": {"type": "string"},
                "minItems": 1,
            }
        },
    }

    def collect(self, config: Mapping[str, Any], context: CollectContext) -> Iterator[Record]:
        for pattern in config["paths"]:
            matches = sorted(glob.glob(str(context.root / pattern), recursive=True))
            files = [Path(m) for m in matches if Path(m).is_file()]
            if not files:
                yield Gap(LOG_SAMPLE, f"{pattern}: no log files match")
            for file in files:
                shown = _shown(file, context.root)
                try:
                    with file.open(encoding="utf-8", errors="replace") as lines:
                        found = scan_log_lines(shown, lines, context.fingerprint)
                except OSError as exc:
                    yield Gap(LOG_SAMPLE, f"{shown}: cannot read ({exc.__class__.__name__})")
                    continue
                for d in found:
                    yield Observation(
                        LOG_SAMPLE,
                        f"logs:{shown}:{d.line}#{d.category}",
                        {
                            "path": shown,
                            "line": d.line,
                            "rule": d.rule,
                            "identifier_type": d.category,
                            "fingerprint": d.fingerprint,
                            "message": d.message,
                        },
                    )


def _shown(file: Path, root: Path) -> str:
    try:
        return file.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return file.resolve().as_posix()
