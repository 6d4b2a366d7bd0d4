"""Load `policies/`: the modules, their decision rules and their tests.

A *decision rule* is a rule whose METADATA names controls (see
docs/policies.md); the evaluator runs exactly those. A *test* is a `test_*`
rule in a `*_test.rego` module; `hipaa-cac policy test` runs those.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hipaa_cac.canonical import content_hash, sha256_hex
from hipaa_cac.errors import InputError
from hipaa_cac.paths import display_path
from hipaa_cac.policy.metadata import ParsedRule, parse_module

SEVERITIES = ("critical", "high", "medium", "low")


@dataclass(frozen=True)
class PolicyModule:
    path: str  # as shown to users, e.g. "policies/technical/encryption.rego"
    package: str  # "hipaa.technical.encryption"
    source: str
    sha256: str  # "sha256:<hex>" of the source bytes


@dataclass(frozen=True)
class Rule:
    """A decision rule.

    ref="data.hipaa.technical.encryption.storage_encrypted_at_rest",
    controls=("hipaa-164-312-a-2-iv",), evidence=("aws.s3.bucket",),
    severity="high", module="policies/technical/encryption.rego", line=12
    """

    ref: str
    title: str
    controls: tuple[str, ...]
    evidence: tuple[str, ...]
    severity: str
    module: str
    line: int

    @property
    def primary_kind(self) -> str:
        return self.evidence[0]


@dataclass(frozen=True)
class PolicyLibrary:
    modules: tuple[PolicyModule, ...]
    rules: dict[str, Rule]  # by ref
    tests: dict[str, str]  # ref of each test_* rule -> path of the module declaring it
    hash: str  # content hash over every module's path and hash: the "policy bundle hash"

    @property
    def decision_modules(self) -> tuple[PolicyModule, ...]:
        """Everything but the tests: what evaluation loads (rego-cpp compiles the
        `with`-heavy test modules slowly, ~10 s for the whole library)."""
        return tuple(m for m in self.modules if not m.path.endswith("_test.rego"))

    def test_modules(self) -> tuple[PolicyModule, ...]:
        return tuple(m for m in self.modules if m.path.endswith("_test.rego"))


def load_library(directories: list[Path], display_root: Path | None = None) -> PolicyLibrary:
    modules: list[PolicyModule] = []
    rules: dict[str, Rule] = {}
    tests: dict[str, str] = {}
    for directory in directories:
        if not directory.is_dir():
            raise InputError("policy directory does not exist", directory)
        for file in sorted(directory.rglob("*.rego")):
            module = _read_module(file, directory, display_root)
            modules.append(module)
            parsed = parse_module(module.source, module.path)
            for parsed_rule in parsed.rules:
                ref = f"data.{parsed.package}.{parsed_rule.name}"
                if file.name.endswith("_test.rego") and parsed_rule.name.startswith("test_"):
                    tests[ref] = module.path
                elif "custom" in parsed_rule.metadata:
                    if ref in rules:
                        raise InputError(
                            f"rule {ref} is declared twice", module.path, parsed_rule.line
                        )
                    rules[ref] = _decision_rule(ref, parsed_rule, module.path)
    bundle = content_hash(sorted([module.path, module.sha256] for module in modules))
    return PolicyLibrary(
        tuple(modules), dict(sorted(rules.items())), dict(sorted(tests.items())), bundle
    )


def _read_module(file: Path, directory: Path, display_root: Path | None) -> PolicyModule:
    try:
        raw = file.read_bytes()
        source = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read policy: {exc.__class__.__name__}", file) from None
    shown = display_path(file, directory, display_root)
    return PolicyModule(
        shown, parse_module(source, shown).package, source, "sha256:" + sha256_hex(raw)
    )


def _decision_rule(ref: str, parsed: ParsedRule, module: str) -> Rule:
    custom = parsed.metadata.get("custom")
    where = (module, parsed.line)
    if not isinstance(custom, dict):
        raise InputError(f"{ref}: METADATA 'custom' must be a mapping", *where)
    controls = _string_list(custom.get("controls"), f"{ref}: custom.controls", where)
    evidence = _string_list(custom.get("evidence"), f"{ref}: custom.evidence", where)
    severity = custom.get("severity")
    if severity not in SEVERITIES:
        raise InputError(f"{ref}: custom.severity must be one of {', '.join(SEVERITIES)}", *where)
    title = str(parsed.metadata.get("title") or parsed.name)
    return Rule(ref, title, controls, evidence, str(severity), module, parsed.line)


def _string_list(value: object, what: str, where: tuple[str, int]) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise InputError(f"{what} must be a non-empty list of strings", *where)
    return tuple(value)
