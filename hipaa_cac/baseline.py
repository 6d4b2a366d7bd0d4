"""`evaluate --baseline`: judge a run only on what is new since an earlier result.

The baseline is an earlier `--format json` result: a file, or the copy of it
committed at a git ref (`git cat-file blob <ref>:./hipaa-cac-baseline.json`,
relative to the policy repo). Reading it from a ref, not the working tree,
is what makes `--baseline origin/main` safe on a pull request: the PR cannot
accept its own findings by editing the baseline; that edit only counts once
it is reviewed and merged. docs/ci.md explains the semantics.

A finding is identified by (control, resource, rule), never by its message:
messages change wording between versions and some count days ("overdue by
12 days"), which would make every finding look new every day.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import NamedTuple

import yaml

from hipaa_cac import schemas
from hipaa_cac.errors import InputError
from hipaa_cac.evaluator import Evaluation, Finding, Status
from hipaa_cac.yamlfile import YamlDocument

DEFAULT_BASELINE_FILE = "hipaa-cac-baseline.json"
SHOWN = 100  # new findings / regressions listed on stderr; the report has them all


class FindingKey(NamedTuple):
    control: str
    resource: str
    rule: str


def key_of(finding: Finding) -> FindingKey:
    return FindingKey(finding.control, finding.resource, finding.rule)


@dataclass(frozen=True)
class Baseline:
    source: str  # shown to the user: the file, or "<ref>:<path>"
    statuses: Mapping[str, Status]  # control id -> its status then
    findings: frozenset[FindingKey]


@dataclass(frozen=True)
class Regression:
    control: str
    was: Status | None  # None: the control was not in the baseline
    now: Status


@dataclass(frozen=True)
class Comparison:
    source: str
    new: tuple[Finding, ...]
    fixed: tuple[FindingKey, ...]
    unchanged: int
    regressed: tuple[Regression, ...]

    @property
    def passed(self) -> bool:
        return not self.new and not self.regressed

    def lines(self) -> list[str]:
        """What `evaluate` prints to stderr: the counts, then what is new."""
        counts = (
            f"{_count(len(self.new), 'new finding')}, {len(self.fixed)} fixed, "
            f"{self.unchanged} unchanged, {_count(len(self.regressed), 'control')} regressed "
            f"(baseline: {self.source})"
        )
        new = [f"  new: {f.control} {f.resource} ({f.rule}): {f.message}" for f in self.new]
        regressed = [
            f"  regressed: {r.control} {r.was or 'not in baseline'} -> {r.now}"
            for r in self.regressed
        ]
        details = new + regressed
        if len(details) > SHOWN:
            details = [*details[:SHOWN], f"  … and {len(details) - SHOWN} more (see the report)"]
        hint = []
        if self.fixed:
            # A fixed finding stays accepted until the baseline is refreshed, so
            # it could come back unnoticed: say so.
            hint = ["  fixed findings stay accepted until the baseline is refreshed"]
        return [counts, *details, *hint]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def compare(baseline: Baseline, evaluation: Evaluation) -> Comparison:
    """New findings, fixed ones, and controls that got worse.

    A control regresses when it is not passing now and either passed in the
    baseline (an expired waiver regresses even if its findings are old), was
    not in it (a new control has accepted nothing), or changed to a different
    non-passing status other than `fail`: `fail` -> `insufficient_evidence`
    hides whether there are new findings, so it fails closed. A `fail` that
    was already non-passing is judged by its findings alone.
    """
    current = {key_of(f) for r in evaluation.results for f in r.findings}
    # Only a failing control's findings can fail the gate; a waived control's are accepted.
    unseen = {
        key_of(f): f
        for r in evaluation.results
        if not r.status.passing
        for f in r.counted
        if key_of(f) not in baseline.findings
    }
    new = tuple(unseen[k] for k in sorted(unseen))
    regressed = []
    for result in evaluation.results:
        now = result.status
        was = baseline.statuses.get(result.control)
        if now.passing or now == was:
            continue
        if was is None or was.passing or now != Status.FAIL:
            regressed.append(Regression(result.control, was, now))
    return Comparison(
        source=baseline.source,
        new=new,
        fixed=tuple(sorted(baseline.findings - current)),
        unchanged=len(current & baseline.findings),
        regressed=tuple(regressed),
    )


def load_baseline(spec: str, repo: Path, baseline_file: str = DEFAULT_BASELINE_FILE) -> Baseline:
    """`spec` is a file when that path exists, else a git commit-ish in `repo`."""
    path = Path(spec)
    if path.exists():
        if not path.is_file():
            raise InputError("--baseline: not a file", path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read baseline: {exc.__class__.__name__}", path) from None
        return parse_baseline(text, spec)
    commit = _resolve_commit(spec, repo)
    relative = PurePosixPath(baseline_file.replace("\\", "/"))
    if relative.is_absolute():
        raise InputError(f"--baseline-file must be relative to the policy repo: {baseline_file}")
    shown = f"{spec}:{relative}"
    # `./` makes git resolve the path from `repo`, which may be a subfolder of
    # the git repository (a policy repo inside a monorepo).
    done = _git(repo, "cat-file", "blob", f"{commit}:./{relative}")
    if done.returncode != 0:
        raise InputError(
            f"--baseline {spec}: {relative} is not committed at that ref; commit one made "
            f"with `hipaa-cac evaluate --format json --output {relative}`"
        )
    try:
        text = done.stdout.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("cannot read baseline: not UTF-8", shown) from None
    return parse_baseline(text, shown)


def _resolve_commit(spec: str, repo: Path) -> str:
    # A leading dash would be read by git as an option.
    if not spec.startswith("-"):
        done = _git(repo, "rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}")
        if done.returncode == 0:
            return done.stdout.decode().strip()
    raise InputError(
        f"--baseline {spec}: neither an existing file nor a git commit in {repo} "
        "(on CI, fetch the base branch: actions/checkout with fetch-depth: 0)"
    )


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=False)
    except FileNotFoundError:  # no git binary: nothing can be a ref
        return subprocess.CompletedProcess(args, 127, b"", b"git not found")


def parse_baseline(text: str, shown: str) -> Baseline:
    """A `--format json` result, checked against its schema (errors at file:line)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"malformed JSON: {exc.msg}", shown, exc.lineno) from None
    schemas.check("evaluation-result", data, shown, _line_locator(text, shown))
    statuses: dict[str, Status] = {}
    keys: set[FindingKey] = set()
    for control in data["controls"]:
        statuses[control["id"]] = Status(control["status"])
        keys.update(
            FindingKey(control["id"], f["resource"], f["rule"]) for f in control["findings"]
        )
    return Baseline(source=shown, statuses=statuses, findings=frozenset(keys))


def _line_locator(text: str, shown: str) -> Callable[[list[str | int]], int | None]:
    """line_of(json_path) for schema errors. JSON is YAML, so PyYAML's node
    tree has the lines; it is only built when there is an error to locate."""

    def line_of(json_path: list[str | int]) -> int | None:
        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError:  # valid JSON PyYAML cannot read: no line, still the file
            return None
        return YamlDocument(path=Path(shown), data=None, root=root).line_of(json_path)

    return line_of
