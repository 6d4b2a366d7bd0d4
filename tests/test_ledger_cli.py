"""The ledger through the CLI: tampering is reported, concurrent evaluate
processes both land, a missing ledger is a clear error."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import AS_OF
from tests.test_ledger import tamper

LEDGER = Path(".hipaa-cac") / "ledger.sqlite"


def test_verify_names_the_first_modified_entry(cli, example_repo):
    cli("evaluate", "--repo", example_repo, "--at", AS_OF, "--format", "json")
    cli("evaluate", "--repo", example_repo, "--at", AS_OF, "--format", "json")
    assert cli("ledger", "verify", "--repo", example_repo).exit_code == 0
    # Rewrite history: the shared account's MFA control "passed" in run 1.
    tamper(
        example_repo / LEDGER,
        """
        UPDATE ledger_entries SET payload = replace(payload, '"status":"fail"', '"status":"pass"')
        WHERE seq = (SELECT min(seq) FROM ledger_entries WHERE payload LIKE '%hipaa-164-312-d"%');
    """,
    )
    result = cli("ledger", "verify", "--repo", example_repo)
    assert result.exit_code == 1
    assert "NOT intact" in result.stderr and "entry " in result.stderr


def test_missing_ledger_is_an_input_error_not_an_empty_ledger(cli, example_repo):
    for command in (["ledger", "verify"], ["ledger", "log"], ["status"]):
        result = cli(*command, "--repo", example_repo)
        assert result.exit_code == 2, command
        assert "ledger.sqlite" in result.stderr
    assert not (example_repo / LEDGER).exists()


def test_two_concurrent_evaluate_processes_both_land(example_repo):
    command = [
        sys.executable,
        "-m",
        "hipaa_cac.cli",
        "evaluate",
        "--repo",
        str(example_repo),
        "--at",
        AS_OF,
        "--format",
        "json",
    ]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    processes = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        for _ in range(3)
    ]
    outputs = [p.communicate(timeout=120) for p in processes]
    assert [p.returncode for p in processes] == [1, 1, 1]
    assert all(json.loads(out)["summary"]["controls"] == 80 for out, _ in outputs)
    recorded = sorted(err.decode().split()[1] for _, err in outputs)
    assert recorded == ["run-000001", "run-000002", "run-000003"]
    verify = subprocess.run(
        [*command[:3], "ledger", "verify", "--repo", str(example_repo)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert verify.returncode == 0
    assert "249 entries, 3 runs" in verify.stdout
