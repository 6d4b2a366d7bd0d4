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

    out = repo / "r.json"
    result = cli("evaluate", "--repo", repo, "--format", "json", "--output", out)
    assert result.exit_code == 1  # no evidence yet: nothing can pass
    statuses = {c["status"] for c in json.loads(out.read_text())["controls"]}
    assert "pass" not in statuses
    assert statuses <= {"insufficient_evidence", "attestation_missing"}


def test_init_refuses_an_existing_repo(cli, tmp_path):
    assert cli("init", tmp_path / "r").exit_code == 0
    result = cli("init", tmp_path / "r")
    assert result.exit_code == 2
    assert "already" in result.stderr
