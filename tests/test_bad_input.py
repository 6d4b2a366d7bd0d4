"""Bad input: a clear message with file and line, exit 2, nothing in the ledger."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from hipaa_cac.paths import builtin_dir
from tests.conftest import AS_OF

LEDGER = Path(".hipaa-cac") / "ledger.sqlite"


@pytest.fixture
def owned_repo(example_repo: Path) -> Path:
    """The example with its own copy of controls and policies, to break."""
    shutil.copytree(builtin_dir("controls"), example_repo / "controls")
    shutil.copytree(
        builtin_dir("policies"),
        example_repo / "policies",
        ignore=shutil.ignore_patterns("*_test.rego"),
    )
    config = example_repo / "hipaa-cac.yaml"
    config.write_text(
        config.read_text()
        .replace("[builtin]", "[{}]")
        .replace("controls: [{}]", "controls: [controls]")
        .replace("policies: [{}]", "policies: [policies]")
    )
    return example_repo


def evaluate(cli, repo: Path):
    return cli("evaluate", "--repo", repo, "--at", AS_OF)


def assert_input_error(result, repo: Path, where: str, words: str) -> None:
    assert result.exit_code == 2, result.output
    assert where in result.stderr, result.stderr
    assert words in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert not (repo / LEDGER).exists()


def test_malformed_control_yaml(cli, owned_repo):
    file = owned_repo / "controls" / "technical" / "hipaa-164-312-d.yaml"
    file.write_text(file.read_text().replace("title:", "title: [unclosed", 1))
    assert_input_error(
        evaluate(cli, owned_repo),
        owned_repo,
        "controls/technical/hipaa-164-312-d.yaml:",
        "malformed YAML",
    )


def test_schema_violation_names_field_and_line(cli, owned_repo):
    file = owned_repo / "controls" / "technical" / "hipaa-164-312-d.yaml"
    lines = file.read_text().splitlines()
    number = next(i for i, line in enumerate(lines) if line.startswith("requirement:"))
    lines[number] = "requirement: optional"
    file.write_text("\n".join(lines) + "\n")
    assert_input_error(
        evaluate(cli, owned_repo),
        owned_repo,
        f"controls/technical/hipaa-164-312-d.yaml:{number + 1}:",
        "requirement",
    )


def test_policy_naming_an_unknown_control(cli, owned_repo):
    file = owned_repo / "policies" / "technical" / "authentication.rego"
    file.write_text(
        file.read_text().replace("controls: [hipaa-164-312-d]", "controls: [hipaa-999-999-z]")
    )
    assert_input_error(
        evaluate(cli, owned_repo),
        owned_repo,
        "policies/technical/authentication.rego:",
        "unknown control hipaa-999-999-z",
    )


def test_rego_syntax_error(cli, owned_repo):
    file = owned_repo / "policies" / "technical" / "cloud.rego"
    lines = file.read_text().splitlines()
    lines.append("broken contains x if { x := input.a + }")
    file.write_text("\n".join(lines) + "\n")
    assert_input_error(
        evaluate(cli, owned_repo),
        owned_repo,
        f"policies/technical/cloud.rego:{len(lines)}:",
        "Rego compile error",
    )


def test_unreadable_evidence(cli, example_repo):
    (example_repo / "evidence" / "broken.json").write_text('{"schema": \n  "x",,}\n')
    assert_input_error(
        evaluate(cli, example_repo), example_repo, "evidence/broken.json:2:", "not valid JSON"
    )


def test_evidence_modified_after_collection_is_refused(cli, example_repo):
    file = example_repo / "evidence" / "2026-11-20-okta.json"
    document = json.loads(file.read_text())
    document["items"][2]["data"]["mfa_enrolled"] = True  # the shared account "gains" MFA
    file.write_text(json.dumps(document, indent=2))
    assert_input_error(
        evaluate(cli, example_repo),
        example_repo,
        "evidence/2026-11-20-okta.json:",
        "sha256 does not match",
    )


def test_missing_config_and_bad_flag(cli, tmp_path):
    result = cli("evaluate", "--repo", tmp_path)
    assert result.exit_code == 2 and "hipaa-cac.yaml" in result.stderr
    result = cli("evaluate", "--repo", tmp_path, "--at", "yesterday")
    assert result.exit_code == 2 and "--at" in result.stderr


def test_validate_reports_a_change_without_version_bump(cli, owned_repo):
    assert cli("evaluate", "--repo", owned_repo, "--at", AS_OF).exit_code == 1
    assert cli("validate", "--repo", owned_repo).exit_code == 0
    file = owned_repo / "controls" / "technical" / "hipaa-164-312-d.yaml"
    version = yaml.safe_load(file.read_text())["version"]
    file.write_text(file.read_text().replace("owner: ", "owner: engineering_lead\n#", 1))
    result = cli("validate", "--repo", owned_repo)
    assert result.exit_code == 2
    assert f"hipaa-164-312-d {version} changed" in result.stderr
    file.write_text(file.read_text().replace(f'version: "{version}"', 'version: "9.9.9"'))
    assert cli("validate", "--repo", owned_repo).exit_code == 0


def test_validate_checks_attestations_and_sources(cli, example_repo):
    baa = example_repo / "attestations" / "baa" / "logstream.yaml"
    original = baa.read_text()
    baa.write_text(original.replace("signed_on: 2024-10-01", "signed_on: 2031-10-01"))
    result = cli("validate", "--repo", example_repo)
    assert result.exit_code == 2
    assert "attestations/baa/logstream.yaml:" in result.stderr and "future" in result.stderr

    baa.write_text(original)
    config = example_repo / "hipaa-cac.yaml"
    config.write_text(config.read_text().replace("paths:", "globs:"))
    result = cli("validate", "--repo", example_repo)
    assert result.exit_code == 2
    assert "hipaa-cac.yaml:" in result.stderr and "sources/3/config" in result.stderr
