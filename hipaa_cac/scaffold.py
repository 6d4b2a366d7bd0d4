"""Create a new policy repository: the catalog and policies the team will own
and review in git, an evidence folder, configuration and a CI example."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from hipaa_cac.config import CONFIG_FILE
from hipaa_cac.errors import InputError
from hipaa_cac.paths import builtin_dir

CONFIG = """\
# hipaa-cac policy repository. Docs: https://github.com/hipaa-cac/hipaa-cac
version: 1
organization: {organization}
controls: [controls]        # 'builtin' follows the catalog shipped with hipaa-cac instead
policies: [policies]
evidence: evidence
ledger: .hipaa-cac/ledger.sqlite
engine: embedded            # or: opa (with opa_url: http://127.0.0.1:8181)
# What `hipaa-cac collect` runs (docs/collectors.md). Add your application
# repositories as git sources, e.g.:
#   - id: api
#     collector: git
#     config: {{path: ../api, github: {{repository: acme/api}}}}
sources:
  - id: attestations
    collector: attestations
    config: {{path: attestations}}
"""

GITIGNORE = """\
# The SQLite ledger is a local working copy; keep the audit ledger where CI
# writes it (an artifact, or a team ledger) rather than in git.
.hipaa-cac/
"""

WORKFLOW = """\
name: hipaa-cac
on:
  push:
    branches: [main]
  pull_request:
  schedule:
    - cron: "17 6 * * *"
jobs:
  evaluate:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0   # attestations are signed by their git authors
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: pip install hipaa-cac
      - run: hipaa-cac validate
      - run: hipaa-cac collect
        env:
          HIPAA_CAC_SALT: ${{ secrets.HIPAA_CAC_SALT }}
      - run: hipaa-cac evaluate --format markdown --output "$GITHUB_STEP_SUMMARY"
"""

README = """\
# {organization}: HIPAA policy repository

Managed with hipaa-cac. `controls/` holds the HIPAA safeguards as versioned
YAML (bump `version` whenever you change one), `policies/` the Rego rules that
decide them, `evidence/` what collectors and attestations recorded, and
`waivers/` the risks you accepted, each with an expiry date.

    hipaa-cac attest baa     # record a BAA (attestations/; docs/attestations.md)
    hipaa-cac collect        # run the evidence sources in hipaa-cac.yaml
    hipaa-cac validate       # controls, policies and evidence are consistent
    hipaa-cac policy test    # Rego unit tests
    hipaa-cac evaluate       # decide every control; records the run in the ledger
"""

WAIVERS_README = """\
# Waivers

Accepted risks: one YAML file per waiver (docs/waivers.md in hipaa-cac). An
active waiver stops the findings it covers from counting against a failing
control; it never turns missing, stale or broken evidence into a pass.

    # waivers/W-2026-001.yaml
    id: W-2026-001
    control: hipaa-164-312-a-2-iv
    scope: arn:aws:s3:::legacy-*      # resource glob(s); '*' = every finding
    reason: Read-only legacy exports, deleted by 2027-03; KMS migration in SEC-142.
    approver: security-official@example.com
    created: 2026-09-01
    expires: 2027-03-01               # required; at most one year after created
    ticket: SEC-142                   # optional

`hipaa-cac validate` checks every file here.
"""


def scaffold(target: Path, organization: str) -> list[Path]:
    if (target / CONFIG_FILE).exists():
        raise InputError(f"{CONFIG_FILE} already exists: this is a policy repo already", target)
    for name in ("controls", "policies"):
        if (target / name).exists():
            raise InputError(f"{name}/ already exists; refusing to overwrite it", target / name)
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(builtin_dir("controls"), target / "controls")
    shutil.copytree(builtin_dir("policies"), target / "policies")
    files = {
        CONFIG_FILE: CONFIG.format(organization=organization),
        ".gitignore": GITIGNORE,
        "README.md": README.format(organization=organization),
        "evidence/.gitkeep": "",
        "attestations/.gitkeep": "",
        "waivers/README.md": WAIVERS_README,
        ".github/workflows/hipaa-cac.yml": WORKFLOW,
    }
    for relative, text in files.items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            path.write_text(text, encoding="utf-8")
    if not (target / ".git").exists() and shutil.which("git"):
        subprocess.run(["git", "init", "-q", str(target)], check=True)
    return [target / relative for relative in files]
