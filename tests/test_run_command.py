"""`hipaa-cac run` around the cycle: a notice that cannot be delivered is on
record and fails the run; bad configuration stops before anything is written."""

from __future__ import annotations

import json
import socket
from pathlib import Path

AT = "2026-11-20T09:00:00Z"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _repo(tmp_path: Path, notify: str) -> Path:
    (tmp_path / "attestations").mkdir()
    (tmp_path / "hipaa-cac.yaml").write_text(
        "version: 1\ncontrols: [builtin]\npolicies: [builtin]\n"
        "sources:\n  - {id: attestations, collector: attestations, config: {path: attestations}}\n"
        f"notify:\n{notify}"
    )
    return tmp_path


def test_an_undeliverable_notice_is_recorded_and_fails_the_run(cli, tmp_path: Path) -> None:
    repo = _repo(tmp_path, f'  - {{type: webhook, url: "http://127.0.0.1:{_closed_port()}/h"}}\n')
    result = cli("run", "--repo", repo, "--at", AT)
    assert result.exit_code == 1
    assert "collected attestations (never collected)" in result.output
    assert "notify webhook 127.0.0.1" in result.output and "NOT delivered" in result.output
    log = cli("ledger", "log", "--repo", repo, "--run", "run-000002")
    assert "notification" in log.output and "for run-000001" in log.output
    assert "0/1 delivered" in log.output
    assert "NOT delivered: " in log.output and "connection refused" in log.output
    # The evaluation run is intact and first; the record of the notice follows it.
    assert cli("ledger", "verify", "--repo", repo).exit_code == 0
    assert cli("ledger", "log", "--repo", repo).output.startswith("run-000001")


def test_a_bad_notify_target_stops_the_run_with_its_line(cli, tmp_path: Path) -> None:
    repo = _repo(tmp_path, "  - {type: webhook}\n")
    result = cli("run", "--repo", repo, "--at", AT)
    assert result.exit_code == 2
    assert "hipaa-cac.yaml:7: notify/0: give one of url and url_env" in result.output
    assert not (repo / ".hipaa-cac").exists() and not (repo / "evidence").exists()


def test_watch_cannot_be_pinned_to_one_time(cli, tmp_path: Path) -> None:
    repo = _repo(tmp_path, "  []\n")
    result = cli("run", "--repo", repo, "--watch", "--at", AT)
    assert result.exit_code == 2 and "--at pins one run" in result.output


def test_status_since_before_any_run_and_diff_of_a_notice_record(cli, tmp_path: Path) -> None:
    repo = _repo(tmp_path, f'  - {{type: webhook, url: "http://127.0.0.1:{_closed_port()}/h"}}\n')
    cli("run", "--repo", repo, "--at", AT)
    since = cli("status", "--repo", repo, "--since", "2026-01-01")
    assert "since 2026-01-01: no run was recorded as of then" in since.output
    assert "hipaa-164-312-b" in since.output  # every control listed, as new
    diff = cli("diff", "--repo", repo, "run-000002")
    assert diff.exit_code == 2
    assert "run 'run-000002' records notices, not an evaluation" in diff.output


def test_an_unpinned_run_judges_what_it_just_collected(cli, tmp_path: Path) -> None:
    repo = _repo(tmp_path, "  []\n")
    result = cli("run", "--repo", repo)
    assert result.exit_code == 1  # an empty repository cannot pass, and says so
    [collection] = (repo / "evidence" / "runs").glob("*.json")
    finished = json.loads(collection.read_text())["finished_at"]
    as_of = json.loads(cli("diff", "--repo", repo, "--format", "json").output)["after"]
    assert as_of == "run-000001"
    run_entry = cli("ledger", "log", "--repo", repo).output
    evaluated = run_entry.split("as of ")[1].split()[0]
    assert finished <= evaluated  # the evaluation is not older than its evidence
