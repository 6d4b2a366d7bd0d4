"""The shipped policy library: its Rego unit tests pass, and a broken rule is caught."""

from __future__ import annotations

import shutil
from pathlib import Path

from hipaa_cac.paths import builtin_dir
from hipaa_cac.policy import load_library


def policy_repo(tmp_path: Path, only: str | None = None) -> Path:
    """A repo holding a copy of the policies (all, or one package's modules plus lib)."""
    (tmp_path / "hipaa-cac.yaml").write_text("version: 1\npolicies: [policies]\n")
    shutil.copytree(builtin_dir("policies"), tmp_path / "policies")
    if only:
        for module in (tmp_path / "policies").rglob("*.rego"):
            if not (module.stem.startswith(only) or module.parent.name == "lib"):
                module.unlink()
    return tmp_path


def test_every_shipped_policy_test_passes(cli, tmp_path):
    repo = policy_repo(tmp_path)
    declared = load_library([repo / "policies"]).tests
    result = cli("policy", "test", "--repo", repo)
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == f"{len(declared)} passed, 0 failed"
    assert len(declared) >= 50


def test_a_broken_rule_fails_its_tests(cli, tmp_path):
    repo = policy_repo(tmp_path, only="authentication")
    rule = repo / "policies" / "technical" / "authentication.rego"
    # Break the rule: treat every user as enrolled.
    text = rule.read_text()
    assert "mfa_enrolled" in text
    rule.write_text(
        text.replace("mfa_enrolled", "no_such_field_so_never_true", 1).replace(
            "not user.data.no_such_field_so_never_true == true",
            "user.data.no_such_field_so_never_true == true",
        )
    )
    result = cli("policy", "test", "--repo", repo)
    assert result.exit_code == 1
    assert "FAIL" in result.output


def test_a_test_that_crashes_the_engine_fails_its_module_only(cli, tmp_path):
    repo = policy_repo(tmp_path, only="authentication")
    crasher = repo / "policies" / "technical" / "crash_test.rego"
    # rego-cpp (regopy 1.5.2) aborts the process on `with input as {literal}`
    # reaching a built-in; the command must survive and report it.
    crasher.write_text(
        "package hipaa.technical.crash\n\nimport rego.v1\n\n"
        "r contains x if {\n\tsome u in input.users\n\tx := upper(u)\n}\n\n"
        'test_crash if {\n\tfs := r with input as {"users": ["a"]}\n\tcount(fs) == 1\n}\n'
    )
    result = cli("policy", "test", "--repo", repo)
    assert result.exit_code == 1
    assert "the engine crashed running policies/technical/crash_test.rego" in result.output
    assert result.output.strip().endswith("passed, 1 failed")
