"""Dependencies a manifest declares for production, with their lines.

    declared_dependencies("pyproject.toml", text)
    -> [Declared(ecosystem="pypi", name="sentry-sdk", line=9), ...]

Read: requirements*.txt / *requirements*.in / requirements/*.txt and
constraints*.txt; pyproject.toml ([project] dependencies and
optional-dependencies, [dependency-groups], [tool.poetry.*dependencies]);
Pipfile; setup.cfg (install_requires, extras_require); package.json
(dependencies, optionalDependencies, peerDependencies); go.mod (require,
direct only); Gemfile; pom.xml; build.gradle(.kts).

Dev-only declarations are skipped: package.json devDependencies, Pipfile
dev-packages, poetry dev-dependencies, extras and groups named dev/test/lint/
docs..., Gemfile groups that are only development/test, Maven test scope,
Gradle test configurations, requirement files named like requirements-dev.txt,
and go.mod `// indirect` (a dependency of a dependency). Such code does not
run in production, so it never sees production data; code that does import a
vendor is still found through its imports.

A manifest that does not parse raises ManifestError with the line when the
parser gives one; the message never quotes the file.
"""

from __future__ import annotations

import configparser
import json
import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from hipaa_cac.vendors import normalize_package

# Names of extras, groups and requirement files that hold tooling, not the product.
_DEV_WORDS = frozenset(
    {
        *("dev", "devel", "develop", "development", "test", "tests", "testing", "lint"),
        *("linting", "docs", "doc", "typing", "ci", "tox", "style", "format", "mypy"),
        *("coverage", "local"),
    }
)
_GEM_DEV_GROUPS = frozenset({"development", "test"})
_BOUNDARY = r"A-Za-z0-9._/@-"  # characters that may continue a package name
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


@dataclass(frozen=True)
class Declared:
    ecosystem: str  # pypi, npm, go, rubygems, maven
    name: str  # normalised for its ecosystem (PEP 503 for PyPI)
    line: int


class ManifestError(Exception):
    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


def manifest_type(path: str) -> str | None:
    """Which reader applies to `path`, decided from its name."""
    p = PurePosixPath(path)
    name = p.name.lower()
    if name in {"pyproject.toml", "pipfile", "setup.cfg", "package.json", "go.mod", "gemfile"}:
        return name
    if name == "pom.xml" or name in {"build.gradle", "build.gradle.kts"}:
        return "pom.xml" if name == "pom.xml" else "build.gradle"
    if p.suffix in {".txt", ".in"} and (
        "requirements" in name or "constraints" in name or p.parent.name == "requirements"
    ):
        return "requirements"
    return None


def declared_dependencies(path: str, text: str) -> list[Declared]:
    kind = manifest_type(path)
    lines = text.splitlines()
    if kind == "requirements":
        if _is_dev(PurePosixPath(path).stem):
            return []
        return list(_requirements(lines, 0))
    readers = {
        "pyproject.toml": _pyproject,
        "pipfile": _pipfile,
        "setup.cfg": _setup_cfg,
        "package.json": _package_json,
        "go.mod": _go_mod,
        "gemfile": _gemfile,
        "pom.xml": _pom,
        "build.gradle": _gradle,
    }
    return list(readers[kind](text, lines)) if kind in readers else []


def _is_dev(name: str) -> bool:
    return any(word in _DEV_WORDS for word in re.split(r"[-_./\s]+", name.lower()))


def _requirements(lines: list[str], first: int) -> Iterator[Declared]:
    for index, raw in enumerate(lines):
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith(("#", "-")):
            continue  # options (-r, -c, -e, --hash) and comments
        match = _REQUIREMENT.match(line)
        if match and not line.startswith(("http:", "https:", "git+", "file:")):
            yield Declared("pypi", normalize_package("pypi", match.group(1)), first + index + 1)


def _toml(text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        at = re.search(r"at line (\d+)", str(exc))
        if at:
            line: int | None = int(at.group(1))
        else:  # "at end of document": an unclosed array or string
            line = max(len(text.splitlines()), 1) if "end of document" in str(exc) else None
        raise ManifestError("not valid TOML", line) from None


def _pyproject(text: str, lines: list[str]) -> Iterator[Declared]:
    data = _toml(text)
    project = _table(data, "project")
    yield from _pep508(lines, "project", _strings(project.get("dependencies")))
    for extra, requirements in sorted(_table(project, "optional-dependencies").items()):
        if not _is_dev(extra):
            yield from _pep508(lines, "project.optional-dependencies", _strings(requirements))
    for group, requirements in sorted(_table(data, "dependency-groups").items()):
        if not _is_dev(group):
            yield from _pep508(lines, "dependency-groups", _strings(requirements))
    poetry = _table(_table(data, "tool"), "poetry")
    yield from _keys(lines, "tool.poetry.dependencies", _table(poetry, "dependencies"), "python")
    for group, table in sorted(_table(poetry, "group").items()):
        if not _is_dev(group) and isinstance(table, dict):
            section = f"tool.poetry.group.{group}.dependencies"
            yield from _keys(lines, section, _table(table, "dependencies"), "python")


def _pipfile(text: str, lines: list[str]) -> Iterator[Declared]:
    yield from _keys(lines, "packages", _table(_toml(text), "packages"), "python")


def _setup_cfg(text: str, lines: list[str]) -> Iterator[Declared]:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.ParsingError as exc:
        line = exc.errors[0][0] if exc.errors else None
        raise ManifestError("not a valid setup.cfg", line) from None
    except configparser.Error as exc:
        raise ManifestError("not a valid setup.cfg", getattr(exc, "lineno", None)) from None
    if parser.has_option("options", "install_requires"):
        names = parser.get("options", "install_requires").splitlines()
        yield from _pep508(lines, "options", names)
    if parser.has_section("options.extras_require"):
        for extra, value in sorted(parser.items("options.extras_require")):
            if not _is_dev(extra):
                yield from _pep508(lines, "options.extras_require", value.splitlines())


def _package_json(text: str, lines: list[str]) -> Iterator[Declared]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ManifestError("not valid JSON", exc.lineno) from None
    if not isinstance(data, dict):
        return
    for section in ("dependencies", "optionalDependencies", "peerDependencies"):
        deps = data.get(section)
        if not isinstance(deps, dict):
            continue
        start = _find(lines, rf'"{section}"\s*:') or 0
        for name in sorted(deps):
            yield Declared("npm", name.lower(), _line(lines, rf'"{re.escape(name)}"\s*:', start))


def _go_mod(text: str, lines: list[str]) -> Iterator[Declared]:
    block = False
    for index, raw in enumerate(lines):
        line = raw.split("//", 1)[0].strip()
        if block and line == ")":
            block = False
            continue
        if line.startswith("require") and line.endswith("("):
            block = True
            continue
        if line.startswith("require "):
            line = line[len("require ") :].strip()
        elif not block:
            continue
        fields = line.split()
        comment = raw.split("//", 1)[1] if "//" in raw else ""
        if len(fields) >= 2 and "indirect" not in comment:
            yield Declared("go", fields[0].strip('"'), index + 1)


_GEM = re.compile(r"""^\s*gem\s*\(?\s*["']([^"']+)["'](.*)$""")
_GROUP = re.compile(r"^\s*group\s*\(?(.*?)\)?\s+do\b")
# Lines that open a block closed by `end` (a trailing `if` modifies its line and opens none).
_OPENS = re.compile(
    r"\bdo\s*(\|[^|]*\|)?\s*$|^\s*(if|unless|case|begin|while|until|def|class|module)\b"
)


def _gemfile(text: str, lines: list[str]) -> Iterator[Declared]:
    # A stack of `do` blocks: a group's names, or None for any other block.
    stack: list[frozenset[str] | None] = []
    for index, raw in enumerate(lines):
        line = raw.split("#", 1)[0].rstrip()
        group = _GROUP.match(line)
        if group:
            names = re.sub(r"\b\w+:\s*[^,\s)]+", "", group.group(1))  # optional: true
            stack.append(frozenset(re.findall(r"\w+", names)))
            continue
        if _OPENS.search(line):
            stack.append(None)
            continue
        if re.match(r"^\s*end\b", line) and stack:
            stack.pop()
            continue
        gem = _GEM.match(line)
        if not gem:
            continue
        inline = re.search(r"\bgroups?\s*(?::|=>)\s*(\[[^\]]*\]|:\w+|[\"']\w+[\"'])", gem.group(2))
        groups = [g for g in stack if g is not None]
        if inline:
            groups.append(frozenset(re.findall(r"\w+", inline.group(1))))
        if any(g and g <= _GEM_DEV_GROUPS for g in groups):
            continue
        yield Declared("rubygems", gem.group(1).lower(), index + 1)


_POM_DEPENDENCY = re.compile(r"<dependency>(.*?)</dependency>", re.S)
_POM_MANAGED = re.compile(r"<dependencyManagement>.*?</dependencyManagement>", re.S)


def _pom(text: str, lines: list[str]) -> Iterator[Declared]:
    managed = [
        m.span()
        for m in re.finditer(r"<dependencyManagement>.*?</dependencyManagement>", text, re.S)
    ]
    for match in _POM_DEPENDENCY.finditer(text):
        if any(start <= match.start() < end for start, end in managed):
            continue  # versions pinned for modules, not a use
        body = match.group(1)
        group = re.search(r"<groupId>\s*([^<\s]+)\s*</groupId>", body)
        artifact = re.search(r"<artifactId>\s*([^<\s]+)\s*</artifactId>", body)
        scope = re.search(r"<scope>\s*([^<\s]+)\s*</scope>", body)
        if group and artifact and not (scope and scope.group(1) == "test"):
            offset = match.start(1) + artifact.start()
            line = text.count("\n", 0, offset) + 1
            yield Declared("maven", f"{group.group(1)}:{artifact.group(1)}".lower(), line)


_GRADLE = re.compile(
    r"""^\s*(\w+)\s*\(?\s*["']([A-Za-z0-9_.-]+):([A-Za-z0-9_.-]+)(?::[^"']*)?["']"""
)


def _gradle(text: str, lines: list[str]) -> Iterator[Declared]:
    for index, raw in enumerate(lines):
        match = _GRADLE.match(raw)
        if match and not match.group(1).lower().startswith(("test", "androidtest")):
            name = f"{match.group(2)}:{match.group(3)}".lower()
            yield Declared("maven", name, index + 1)


def _pep508(lines: list[str], section: str, requirements: Iterable[str]) -> Iterator[Declared]:
    start = _section(lines, section)
    for requirement in requirements:
        match = _REQUIREMENT.match(requirement)
        if match:
            name = normalize_package("pypi", match.group(1))
            yield Declared("pypi", name, _line(lines, _pypi_pattern(name), start))


def _keys(lines: list[str], section: str, table: dict[str, Any], skip: str) -> Iterator[Declared]:
    start = _section(lines, section)
    for key in sorted(table):
        name = normalize_package("pypi", key)
        if name != skip:
            yield Declared("pypi", name, _line(lines, _pypi_pattern(name), start))


def _pypi_pattern(name: str) -> str:
    """`sentry-sdk` as written in any PEP 503 spelling: Sentry_SDK, sentry.sdk..."""
    spelled = r"[-_.]+".join(re.escape(part) for part in name.split("-"))
    return rf"(?<![{_BOUNDARY}]){spelled}(?![{_BOUNDARY}])"


def _section(lines: list[str], dotted: str) -> int:
    """Index of a TOML/INI `[section]` header (quotes and spaces ignored); 0 if absent."""
    wanted = dotted.lower()
    for index, raw in enumerate(lines):
        line = raw.strip()
        if (
            line.startswith("[")
            and line.rstrip("]")
            .lstrip("[")
            .replace('"', "")
            .replace("'", "")
            .replace(" ", "")
            .lower()
            == wanted
        ):
            return index
    return 0


def _find(lines: list[str], pattern: str, start: int = 0) -> int | None:
    compiled = re.compile(pattern, re.I)
    for index in range(start, len(lines)):
        if compiled.search(lines[index]):
            return index
    return None


def _line(lines: list[str], pattern: str, start: int) -> int:
    """1-based line of the first match at or after `start` (anywhere, else the section)."""
    found = _find(lines, pattern, start)
    if found is None:
        found = _find(lines, pattern)
    return (found if found is not None else start) + 1


def _table(data: Any, key: str) -> dict[str, Any]:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
