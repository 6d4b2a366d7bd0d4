"""`hipaa-cac init` scaffolds a policy repo that validates and evaluates."""

from __future__ import annotations

import json


def test_init_creates_a_working_git_managed_repo(cli, tmp_path):
    repo = tmp_path / "policies-repo"
    assert cli("init", repo, "--organization", "Acme Health").exit_code == 0
    assert (repo / ".git").is_dir()
    assert (repo / ".github" / "workflows" / "hipaa-cac.yml").is_file()
    assert len(list((repo / "controls").rglob("*.yaml"))) == 80
    assert cli("validate", "--repo", repo).exit_code == 0
    # The attestations source is configured from the start; an empty folder
    # is collected completely and proves only that nothing was attested.
    assert cli("collect", "--repo", repo).exit_code == 0
    assert len(list((repo / "evidence" / "runs").glob("*-attestations-*.json"))) == 1

    out = repo / "r.json"
    result = cli("evaluate", "--repo", repo, "--format", "json", "--output", out)
    assert result.exit_code == 1  # no evidence yet: nothing can pass
    controls = {c["id"]: c for c in json.loads(out.read_text())["controls"]}
    statuses = {c["status"] for c in controls.values()}
    assert "pass" not in statuses
    assert statuses <= {"insufficient_evidence", "attestation_missing", "fail"}
    # Collected and empty is not "everyone trained" or "every BAA current".
    training = controls["hipaa-164-308-a-5-i"]
    assert training["status"] == "fail"
    assert training["findings"][0]["message"].startswith("no training records at all")
    assert controls["hipaa-164-308-b-1"]["status"] == "fail"


def test_init_refuses_an_existing_repo(cli, tmp_path):
    assert cli("init", tmp_path / "r").exit_code == 0
    result = cli("init", tmp_path / "r")
    assert result.exit_code == 2
    assert "already" in result.stderr
