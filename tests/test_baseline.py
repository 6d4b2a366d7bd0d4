"""`evaluate --baseline`: only what is new since an earlier result fails, on the
bundled example through the CLI; and the CI examples (examples/ci,
.pre-commit-hooks.yaml) only run commands and options the CLI accepts."""

from __future__ import annotations

import json
import re
import shlex
import shutil
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from hipaa_cac.canonical import pretty_json
from hipaa_cac.cli import main
from tests.conftest import AS_OF, ROOT
from tests.git_repos import git

PHI_RULE = "data.hipaa.technical.phi_logging.log_samples_free_of_phi"
LOG = "log-samples/api-2026-11-19.log"
# Re-collections are an hour after the example's (06:00), so they are the current runs.
RECOLLECTED = "2026-11-20T07:00:00Z"


def evaluate(cli, repo: Path, *extra: str):
    return cli("evaluate", "--repo", repo, "--at", AS_OF, "--format", "json", "--dry-run", *extra)


@pytest.fixture
def baseline(cli, example_repo, tmp_path) -> Path:
    """The example's own result, as `evaluate --format json` writes it."""
    out = tmp_path / "baseline.json"
    evaluate(cli, example_repo, "--output", out)
    return out


def recollect(cli, repo: Path, monkeypatch, *sources: str) -> None:
    monkeypatch.setenv("HIPAA_CAC_SALT", "northwind-demo")
    result = cli("collect", "--repo", repo, "--at", RECOLLECTED, *sources)
    assert result.exit_code == 0, result.output


def plant_ssn_log_line(repo: Path) -> None:
    with (repo / LOG).open("a") as log:
        log.write("2026-11-19T08:00:08Z INFO intake ssn=219-09-9998\n")


def edit(path: Path, change) -> None:
    document = json.loads(path.read_text())
    change({c["id"]: c for c in document["controls"]}, document)
    path.write_text(pretty_json(document))


def test_the_same_result_as_baseline_passes(cli, example_repo, baseline):
    result = evaluate(cli, example_repo, "--baseline", baseline)
    assert result.exit_code == 0, result.stderr
    counts = "0 new findings, 0 fixed, 89 unchanged, 0 controls regressed"
    assert f"{counts} (baseline: {baseline})" in result.stderr


def test_the_run_is_still_recorded_and_reported_in_full(cli, example_repo, baseline):
    out = example_repo / "result.json"
    result = cli(
        "evaluate", "--repo", example_repo, "--at", AS_OF, "--format", "json", "--output", out,
        "--baseline", baseline,
    )  # fmt: skip
    assert result.exit_code == 0
    assert "recorded run-000001" in result.stderr
    document = json.loads(out.read_text())
    assert document["summary"]["passed"] is False  # the report still says what fails
    assert document["summary"]["findings"] == 89


def test_a_new_phi_log_line_fails_naming_it(cli, example_repo, baseline, monkeypatch):
    plant_ssn_log_line(example_repo)
    recollect(cli, example_repo, monkeypatch, "api-logs")
    result = evaluate(cli, example_repo, "--baseline", baseline)
    assert result.exit_code == 1
    # One log line, three controls that count it: three findings.
    assert "3 new findings, 0 fixed, 89 unchanged, 0 controls regressed" in result.stderr
    for control in ("hipaa-164-312-b", "hipaa-164-502-b", "hipaa-164-514"):
        assert f"  new: {control} logs:{LOG}:9#ssn ({PHI_RULE}): " in result.stderr


def test_a_removed_attestation_is_a_regression(cli, example_repo, baseline, monkeypatch):
    shutil.rmtree(example_repo / "attestations" / "sanctions_policy")
    recollect(cli, example_repo, monkeypatch, "attestations")
    result = evaluate(cli, example_repo, "--baseline", baseline)
    assert result.exit_code == 1
    assert "0 new findings, 0 fixed, 89 unchanged, 1 control regressed" in result.stderr
    assert "  regressed: hipaa-164-308-a-1-ii-c pass -> attestation_missing" in result.stderr


def test_a_fixed_finding_is_counted(cli, example_repo, baseline, monkeypatch):
    log = example_repo / LOG
    lines = log.read_text().splitlines(keepends=True)
    assert "phone=" in lines[5]
    lines[5] = "2026-11-19T08:00:05Z INFO callback scheduled for visit 77\n"  # same line count
    log.write_text("".join(lines))
    recollect(cli, example_repo, monkeypatch, "api-logs")
    result = evaluate(cli, example_repo, "--baseline", baseline)
    assert result.exit_code == 0, result.stderr
    assert "0 new findings, 3 fixed, 86 unchanged, 0 controls regressed" in result.stderr
    assert "fixed findings stay accepted until the baseline is refreshed" in result.stderr


def test_messages_are_not_part_of_a_findings_identity(cli, example_repo, baseline):
    def reword(controls, _):
        for control in controls.values():
            for finding in control["findings"]:
                finding["message"] = "worded differently, overdue by another day"
                finding["evidence_sha256"] = None

    edit(baseline, reword)
    result = evaluate(cli, example_repo, "--baseline", baseline)
    assert result.exit_code == 0, result.stderr
    assert "0 new findings, 0 fixed, 89 unchanged" in result.stderr


def test_becoming_undecidable_fails_closed(cli, example_repo, baseline):
    # In the example branch protection is insufficient_evidence (no GITHUB_TOKEN).
    # Had it passed, or failed with a finding, in the baseline, not being able
    # to decide it now is a regression, not "no new findings".
    protection = "hipaa-164-308-a-5-ii-b"

    def passed(controls, _):
        controls[protection].update(status="pass", reason="ok", missing=[])

    edit(baseline, passed)
    result = evaluate(cli, example_repo, "--baseline", baseline)
    assert result.exit_code == 1
    assert f"  regressed: {protection} pass -> insufficient_evidence" in result.stderr

    def failed(controls, _):
        finding = {
            "resource": "git:github.com/northwind/telehealth-api#main",
            "message": "main is not protected",
            "severity": "high",
            "rule": "data.hipaa.administrative.branch_protection",
            "evidence_sha256": None,
            "location": None,
        }
        controls[protection].update(status="fail", findings=[finding])

    edit(baseline, failed)
    result = evaluate(cli, example_repo, "--baseline", baseline)
    assert result.exit_code == 1
    assert "0 new findings, 1 fixed, 89 unchanged, 1 control regressed" in result.stderr
    assert f"  regressed: {protection} fail -> insufficient_evidence" in result.stderr


def test_a_control_missing_from_the_baseline_is_new(cli, example_repo, baseline):
    def drop(_, document):
        document["controls"] = [c for c in document["controls"] if c["id"] != "hipaa-164-312-d"]

    edit(baseline, drop)
    result = evaluate(cli, example_repo, "--baseline", baseline)
    assert result.exit_code == 1
    assert "4 new findings, 0 fixed, 85 unchanged, 1 control regressed" in result.stderr
    assert "  regressed: hipaa-164-312-d not in baseline -> fail" in result.stderr


def test_an_expired_waiver_fails_even_with_known_findings(cli, example_repo, baseline):
    def waived(controls, _):
        controls["hipaa-164-312-d"]["status"] = "waived"

    edit(baseline, waived)
    result = evaluate(cli, example_repo, "--baseline", baseline)
    assert result.exit_code == 1
    assert "0 new findings" in result.stderr
    assert "  regressed: hipaa-164-312-d waived -> fail" in result.stderr


# --- a git ref as the baseline ----------------------------------------------


@pytest.fixture
def git_policy_repo(cli, example_repo) -> Path:
    """The example in a subfolder of a real git repository (a monorepo), with
    its own result committed as hipaa-cac-baseline.json."""
    root = example_repo.parent
    (root / ".gitignore").write_text(".hipaa-cac/\n")
    evaluate(cli, example_repo, "--output", example_repo / "hipaa-cac-baseline.json")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "policy repo with its baseline")
    return example_repo


def test_a_git_ref_reads_the_baseline_committed_there(cli, git_policy_repo, monkeypatch):
    repo = git_policy_repo
    result = evaluate(cli, repo, "--baseline", "HEAD")
    assert result.exit_code == 0, result.stderr
    assert "0 new findings" in result.stderr
    assert "(baseline: HEAD:hipaa-cac-baseline.json)" in result.stderr

    # A "pull request" that adds PHI to the logs, and refreshes the baseline
    # to accept it: judged against the base, the refresh does not count.
    plant_ssn_log_line(repo)
    recollect(cli, repo, monkeypatch, "api-logs")
    evaluate(cli, repo, "--output", repo / "hipaa-cac-baseline.json")
    git(repo.parent, "add", "-A")
    git(repo.parent, "commit", "-q", "-m", "log intake details")

    result = evaluate(cli, repo, "--baseline", "HEAD~1")
    assert result.exit_code == 1
    assert "3 new findings" in result.stderr
    assert f"  new: hipaa-164-312-b logs:{LOG}:9#ssn" in result.stderr
    # The working tree's file, named as a file, is what it says.
    assert evaluate(cli, repo, "--baseline", repo / "hipaa-cac-baseline.json").exit_code == 0
    # --baseline-file is relative to the policy repo, not the git root.
    shown = evaluate(
        cli, repo, "--baseline", "main~1", "--baseline-file", "./hipaa-cac-baseline.json"
    )
    assert shown.exit_code == 1
    assert "(baseline: main~1:hipaa-cac-baseline.json)" in shown.stderr


def test_a_ref_without_the_baseline_file_is_bad_input(cli, git_policy_repo):
    result = evaluate(cli, git_policy_repo, "--baseline", "HEAD", "--baseline-file", "nope.json")
    assert result.exit_code == 2
    assert "--baseline HEAD: nope.json is not committed at that ref" in result.stderr


# --- bad baselines: exit 2, located, and nothing recorded --------------------


def test_malformed_json_is_located(cli, example_repo, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{\n  "schema": "hipaa-cac/evaluation/v1",\n  "controls": [,]\n}\n')
    result = cli("evaluate", "--repo", example_repo, "--at", AS_OF, "--baseline", bad)
    assert result.exit_code == 2
    assert f"error: {bad}:3: malformed JSON" in result.stderr
    assert not (example_repo / ".hipaa-cac" / "ledger.sqlite").exists()


def test_a_schema_violation_is_located(cli, example_repo, baseline):
    def bogus(controls, _):
        controls["hipaa-164-312-d"]["status"] = "probably_fine"

    edit(baseline, bogus)
    line = baseline.read_text().splitlines().index('      "status": "probably_fine",') + 1
    result = evaluate(cli, example_repo, "--baseline", baseline)
    assert result.exit_code == 2
    assert re.search(
        rf"error: {re.escape(str(baseline))}:{line}: controls/\d+/status: ", result.stderr
    )


def test_another_kind_of_json_is_rejected(cli, example_repo, tmp_path):
    other = tmp_path / "package.json"
    other.write_text('{"name": "api"}\n')
    result = evaluate(cli, example_repo, "--baseline", other)
    assert result.exit_code == 2
    assert f"error: {other}:1: " in result.stderr


def test_neither_a_file_nor_a_ref_is_bad_input(cli, example_repo):
    for spec in ("no-such-result.json", "origin/main", "--version"):
        result = evaluate(cli, example_repo, f"--baseline={spec}")
        assert result.exit_code == 2
        assert f"--baseline {spec}: neither an existing file nor a git commit" in result.stderr


# --- the CI examples only use what the CLI accepts -------------------------

CI_FILES = [*sorted((ROOT / "examples" / "ci").rglob("*.y*ml")), ROOT / ".pre-commit-hooks.yaml"]
SCRIPT_KEYS = ("run", "script", "before_script", "after_script", "entry")
SHELL_OPERATORS = set("();<>|&")
SHELL_KEYWORDS = {"then", "else", "do", "if", "elif", "while", "until", "!", "{", "time"}


def scripts(node: Any) -> list[str]:
    """Every shell script in a CI file: GitHub `run`, GitLab `script`, pre-commit `entry`."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in SCRIPT_KEYS:
                found += [value] if isinstance(value, str) else list(value)
            else:
                found += scripts(value)
    elif isinstance(node, list):
        for item in node:
            found += scripts(item)
    return found


def hipaa_cac_commands(script: str) -> list[list[str]]:
    """`hipaa-cac …` invocations in a script, up to the next shell operator.
    Expressions and variables become `__VAR__`: values only known at run time."""
    commands = []
    for line in script.replace("\\\n", " ").splitlines():
        line = re.sub(r"\$\{\{.*?\}\}|\$\{[^}]*\}|\$\w+|\$\?", "__VAR__", line)
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        tokens = list(lexer)
        at_command = True  # only a command word runs hipaa-cac (not `pip install hipaa-cac`)
        for i, token in enumerate(tokens):
            if token != "hipaa-cac" or not at_command:
                at_command = (
                    set(token) <= SHELL_OPERATORS
                    or token in SHELL_KEYWORDS
                    or (at_command and re.fullmatch(r"\w+=\S*", token) is not None)
                )
                continue
            at_command = False
            args = []
            for arg in tokens[i + 1 :]:
                if set(arg) <= SHELL_OPERATORS:
                    break
                args.append(arg)
            commands.append(args)
    return commands


def check_command(args: list[str], where: str) -> None:
    command: click.Command = main
    ctx = click.Context(main)
    path = ["hipaa-cac"]
    while isinstance(command, click.Group):
        assert args, f"{where}: `{' '.join(path)}` needs a sub-command"
        name = args.pop(0)
        sub = command.get_command(ctx, name)
        assert sub is not None, f"{where}: no command `{' '.join(path)} {name}`"
        command, path = sub, [*path, name]
    options = {
        opt: p
        for p in command.params
        if isinstance(p, click.Option)
        for opt in (*p.opts, *p.secondary_opts)
    }
    takes_arguments = any(isinstance(p, click.Argument) for p in command.params)
    rest = iter(args)
    for token in rest:
        if not token.startswith("-"):
            assert takes_arguments, f"{where}: `{' '.join(path)}` takes no argument {token!r}"
            continue
        name, has_value, value = token.partition("=")
        param = options.get(name)
        assert param is not None, f"{where}: `{' '.join(path)}` has no option {name}"
        if param.is_flag or param.count:
            assert not has_value, f"{where}: {name} is a flag"
            continue
        if not has_value:
            value = next(rest, None)
            assert value is not None, f"{where}: {name} needs a value"
        if isinstance(param.type, click.Choice) and "__VAR__" not in value:
            choices = sorted(map(str, param.type.choices))
            assert value in choices, f"{where}: {name} {value!r} is not one of {choices}"


@pytest.mark.parametrize("file", CI_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_ci_examples_run_real_commands(file: Path):
    document = yaml.safe_load(file.read_text())
    commands = [c for s in scripts(document) for c in hipaa_cac_commands(s)]
    assert commands, f"{file}: no hipaa-cac command found (has the format changed?)"
    for args in commands:
        check_command(list(args), f"{file.relative_to(ROOT)}: hipaa-cac {' '.join(args)}")


def test_the_checker_catches_rot():
    with pytest.raises(AssertionError, match="has no option --base"):
        check_command(["evaluate", "--base", "origin/main"], "x")
    with pytest.raises(AssertionError, match="no command `hipaa-cac evalute`"):
        check_command(["evalute"], "x")
    with pytest.raises(AssertionError, match="'pdf' is not one of"):
        check_command(["evaluate", "--format", "pdf"], "x")
    check_command(["ledger", "verify", "--repo", "__VAR__"], "x")
    assert hipaa_cac_commands('hipaa-cac evaluate --at "$AT" --output "${{ x }}" || true') == [
        ["evaluate", "--at", "__VAR__", "--output", "__VAR__"]
    ]
    assert hipaa_cac_commands("pip install hipaa-cac && X=1 hipaa-cac status; then hipaa-cac") == [
        ["status"],
        [],
    ]


def test_github_workflow_gates_pull_requests_on_the_base_branch():
    workflow = yaml.safe_load((ROOT / "examples/ci/github/hipaa-cac.yml").read_text())
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads `on` as true
    assert "pull_request" in triggers and "schedule" in triggers
    steps = workflow["jobs"]["evaluate"]["steps"]
    uses = {s.get("uses", "").split("@")[0]: s for s in steps}
    assert uses["actions/checkout"]["with"]["fetch-depth"] == 0
    assert "github/codeql-action/upload-sarif" in uses
    assert "actions/upload-artifact" in uses
    collect = next(s for s in steps if s.get("run") == "hipaa-cac collect")
    assert {"HIPAA_CAC_SALT", "GITHUB_TOKEN"} <= set(collect["env"])
    gate = next(s for s in steps if "--baseline" in s.get("run", ""))
    assert gate["if"] == "github.event_name == 'pull_request'"
    assert gate["env"]["BASE_REF"] == "${{ github.base_ref }}"


def test_action_inputs_and_outputs_are_wired():
    text = (ROOT / "examples/ci/github/action/action.yml").read_text()
    action = yaml.safe_load(text)
    assert action["runs"]["using"] == "composite"
    assert {"repo", "format", "baseline", "python-version"} <= set(action["inputs"])
    assert {"exit-code", "passed"} <= set(action["outputs"])
    assert set(re.findall(r"inputs\.([\w-]+)", text)) <= set(action["inputs"])
    step_ids = {s.get("id") for s in action["runs"]["steps"]}
    for output in action["outputs"].values():
        step = re.fullmatch(r"\$\{\{ steps\.([\w-]+)\.outputs\.[\w-]+ \}\}", output["value"])
        assert step is not None and step.group(1) in step_ids


def test_gitlab_template_reports_junit_and_baselines_merge_requests():
    text = (ROOT / "examples/ci/gitlab/hipaa-cac.gitlab-ci.yml").read_text()
    job = yaml.safe_load(text)["hipaa-cac"]
    assert job["artifacts"]["reports"]["junit"] == "hipaa-cac.junit.xml"
    assert job["artifacts"]["when"] == "always"
    assert '--baseline "$CI_MERGE_REQUEST_DIFF_BASE_SHA"' in "\n".join(job["script"])


def test_pre_commit_hook_validates_policy_files():
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "hipaa-cac-validate"
    assert hook["entry"] == "hipaa-cac validate"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    files = re.compile(hook["files"])
    policy_files = (
        "controls/x.yaml",
        "policies/a.rego",
        "attestations/baa/a.yaml",
        "hipaa-cac.yaml",
    )
    for path in policy_files:
        assert files.search(path), path
    for path in ("app/views.py", "docs/hipaa-cac.yaml.md", "evidence/runs/x.json"):
        assert not files.search(path), path
