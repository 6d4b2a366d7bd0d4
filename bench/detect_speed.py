"""How fast the PHI-logging scanners read code, next to an equivalent semgrep rule.

Generates N Python and N JavaScript files of about 200 lines (ordinary code with
a logging call every few lines, one in ten of them passing a PHI field) in a
temporary directory, then prints files/s and lines/s for scan_python and
scan_javascript (read + parse + scan, one process). If a semgrep executable is
found (--semgrep, $PATH, or /tmp/semgrep-venv/bin/semgrep) it also times one
semgrep rule per language that looks for the same field names in logging
calls, over the same files, with -j 1 and with all cores. semgrep is not a
dependency: install it in a separate venv to compare.

Run: `python bench/detect_speed.py [--files 2000] [--semgrep PATH]`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from hipaa_cac.detect import Detection
from hipaa_cac.detect.js_logging import scan_javascript
from hipaa_cac.detect.python_logging import scan_python

FIELDS = ("ssn", "dob", "date_of_birth", "first_name", "last_name", "email", "phone", "mrn")
SAFE = ("id", "status", "created_at", "count", "version", "kind")

PY_HEADER = "import logging\nimport time\n\nlogger = logging.getLogger()\n\n"
PY_FUNCTION = """\
def handler_{n}(request, patient, repo):
    started = time.monotonic()
    rows = repo.fetch(patient.id, limit={n})
    total = sum(row.amount for row in rows)
    if total > {n}:
        logger.warning("large total %s for %s", total, patient.{field})
    result = {{"id": patient.id, "rows": len(rows), "total": total}}
    logger.info("handled %s in %.1f ms", request.path, time.monotonic() - started)
    return result

"""
JS_FUNCTION = """\
async function handler{n}(req, res, repo) {{
  const started = Date.now();
  const rows = await repo.fetch(req.params.id, {{ limit: {n} }});
  const total = rows.reduce((sum, row) => sum + row.amount, 0);
  if (total > {n}) {{
    logger.warn({{ total, value: patient.{field} }}, "large total");
  }}
  res.json({{ id: req.params.id, rows: rows.length, total }});
  console.log(`handled ${{req.path}} in ${{Date.now() - started}} ms`);
}}

"""
SEMGREP_RULES = """\
rules:
  - id: phi-log-python
    languages: [python]
    severity: WARNING
    message: PHI field in a logging call
    patterns:
      - pattern: $LOG.$METHOD(..., <... $OBJ.$FIELD ...>, ...)
      - metavariable-regex:
          metavariable: $METHOD
          regex: ^(debug|info|warning|error|exception|critical|log)$
      - metavariable-regex:
          metavariable: $FIELD
          regex: (?i)^(ssn|dob|date_of_birth|first_name|last_name|email|phone|mrn)$
  - id: phi-log-javascript
    languages: [javascript]
    severity: WARNING
    message: PHI field in a logging call
    patterns:
      - pattern: $LOG.$METHOD(..., <... $OBJ.$FIELD ...>, ...)
      - metavariable-regex:
          metavariable: $METHOD
          regex: ^(log|info|warn|error|debug|trace|fatal)$
      - metavariable-regex:
          metavariable: $FIELD
          regex: (?i)^(ssn|dob|date_of_birth|first_name|last_name|email|phone|mrn)$
"""


def generate(root: Path, files: int) -> None:
    rng = random.Random(0)
    for language, template, header, suffix in (
        (
            "py",
            PY_FUNCTION,
            "import logging\nimport time\n\nlogger = logging.getLogger()\n\n",
            ".py",
        ),
        ("js", JS_FUNCTION, 'const logger = require("./logger");\n\n', ".js"),
    ):
        folder = root / language
        folder.mkdir(parents=True)
        for index in range(files):
            parts = [header]
            for n in range(20):
                field = rng.choice(FIELDS) if rng.random() < 0.1 else rng.choice(SAFE)
                parts.append(template.format(n=n, field=field))
            (folder / f"module_{index}{suffix}").write_text("".join(parts))


def time_ours(folder: Path, scan: Callable[[str, str], list[Detection]]) -> tuple[float, int, int]:
    started = time.perf_counter()
    lines = found = 0
    for file in sorted(folder.iterdir()):
        text = file.read_text()
        lines += text.count("\n")
        found += len(scan(file.name, text))
    return time.perf_counter() - started, lines, found


def time_semgrep(semgrep: str, rules: Path, folder: Path, jobs: int) -> tuple[float, int]:
    command = [semgrep, "scan", "--config", str(rules), "--metrics=off", "--quiet", "--json"]
    command += ["--disable-version-check", "-j", str(jobs), "--max-target-bytes", "0"]
    started = time.perf_counter()
    done = subprocess.run([*command, str(folder)], check=True, capture_output=True, text=True)
    return time.perf_counter() - started, len(json.loads(done.stdout)["results"])


def find_semgrep(given: str | None) -> str | None:
    candidates = [given, shutil.which("semgrep"), "/tmp/semgrep-venv/bin/semgrep"]
    return next((c for c in candidates if c and Path(c).is_file()), None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000, help="files per language")
    parser.add_argument("--semgrep", help="path to a semgrep executable")
    parser.add_argument("--no-semgrep", action="store_true", help="time our scanners only")
    args = parser.parse_args()
    semgrep = None if args.no_semgrep else find_semgrep(args.semgrep)
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        generate(root, args.files)
        print(f"{args.files} files per language, {os.cpu_count()} CPUs, Python {sys.version[:6]}")
        scanners: list[tuple[str, Callable[[str, str], list[Detection]]]] = [
            ("py", scan_python),
            ("js", lambda path, text: scan_javascript(path, text)),
        ]
        for language, scan in scanners:
            seconds, lines, found = time_ours(root / language, scan)
            print(
                f"ours    {language}: {args.files / seconds:8.0f} files/s {lines / seconds:10.0f} "
                f"lines/s ({seconds:.2f} s, {found} findings)"
            )
        if semgrep is None:
            print("semgrep: not found (pass --semgrep or put it on PATH)")
            return
        rules = root / "rules.yaml"
        rules.write_text(SEMGREP_RULES)
        for language in ("py", "js"):
            lines = sum(f.read_text().count("\n") for f in (root / language).iterdir())
            for jobs in (1, os.cpu_count() or 1):
                seconds, found = time_semgrep(semgrep, rules, root / language, jobs)
                print(
                    f"semgrep {language} -j{jobs}: {args.files / seconds:6.0f} files/s "
                    f"{lines / seconds:10.0f} lines/s ({seconds:.2f} s with startup, "
                    f"{found} findings)"
                )


if __name__ == "__main__":
    main()
