"""Where a repository uses a catalogued third-party service (hipaa_cac/vendors.yaml).

    scan_file(path, text) for each tracked file (collectors/git/third_party.py reads them)
    -> ThirdPartyScan(uses=(
         ThirdPartyUse(vendor="sentry", via="dependency", path="requirements.txt",
                       line=3, ecosystem="pypi", reference="sentry-sdk"),
         ThirdPartyUse(vendor="sentry", via="import", path="app/errors.py",
                       line=1, ecosystem="pypi", reference="sentry_sdk"),
         ThirdPartyUse(vendor="datadog", via="iac", path="infra/main.tf",
                       line=4, ecosystem="terraform", reference="DataDog/datadog"),
         ThirdPartyUse(vendor="sentry", via="config_host", path="config/prod.yaml",
                       line=7, ecosystem=None, reference="sentry.io")),
       unreadable=(Unreadable(path="web/package.json", line=4, reason="not valid JSON"),))

via           found in                                     reference
dependency    a manifest (hipaa_cac.detect.manifests)      the package, normalised
import        Python / JS / TS code (detect.imports)       the module
iac           Terraform provider blocks, required_providers  the catalog's provider source
config_host   a vendor API hostname in a config file       the catalog's host suffix

Only catalogued vendors are recorded. Many uses of one vendor in one file are
one record (vendor, via, path) at the first line: evidence stays small and a
new file that starts using a vendor is still a new record. From a config line
only the matched host suffix leaves this module: never the URL's path or
query, a DSN's key, or the line's text. Comment lines (#, //, ;) in config
files are skipped: a link to a vendor's docs is not a use.

Pure: the git collector hands in each tracked file's text. A manifest that
does not parse raises ManifestError: its dependencies are unknown, and the
collector records that as a gap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import PurePosixPath

from hipaa_cac.detect import SCRIPT_LANGUAGES
from hipaa_cac.detect.imports import javascript_imports, python_imports
from hipaa_cac.detect.manifests import declared_dependencies, manifest_type
from hipaa_cac.vendors import Catalog, catalog

_SCRIPTS = SCRIPT_LANGUAGES
_CONFIG_SUFFIXES = frozenset(
    {".yaml", ".yml", ".json", ".toml", ".ini", ".cfg", ".conf", ".properties"}
    | {".tf", ".tfvars", ".hcl", ".env"}
)
_CONFIG_NAMES = ("dockerfile", "dockerfile.*", "*.dockerfile", "docker-compose*", ".env*")
# Lock files list registry download URLs, not services the code calls.
_LOCK_FILES = frozenset({"package-lock.json", "npm-shrinkwrap.json", ".terraform.lock.hcl"})
_HOSTNAME = re.compile(
    r"(?<![A-Za-z0-9.-])((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63})"
    r"(?![A-Za-z0-9-])"
)
_COMMENT = ("#", "//", ";")
_TF_PROVIDER_BLOCK = re.compile(r'^\s*provider\s+"([^"]+)"')
_TF_REQUIRED = re.compile(r"\brequired_providers\s*\{")
_TF_SOURCE = re.compile(r'\bsource\s*=\s*"([^"]+)"')


@dataclass(frozen=True)
class ThirdPartyUse:
    vendor: str  # catalog id
    via: str  # dependency, import, iac, config_host
    path: str  # repository-relative, POSIX separators
    line: int  # 1-based
    ecosystem: str | None  # pypi, npm, go, rubygems, maven, terraform; None for hosts
    reference: str  # package, module, provider source or host suffix; never a value

    def sort_key(self) -> tuple[str, int, str, str, str]:
        return (self.path, self.line, self.vendor, self.via, self.reference)


@dataclass(frozen=True)
class Unreadable:
    path: str
    line: int | None
    reason: str  # names the format, never quotes the file


@dataclass(frozen=True)
class ThirdPartyScan:
    uses: tuple[ThirdPartyUse, ...]  # sorted by path, line, vendor, via
    unreadable: tuple[Unreadable, ...]


def scan_file(path: str, text: str, vendors: Catalog | None = None) -> list[ThirdPartyUse]:
    """Uses in one file, one per (vendor, via) at its first line; ManifestError
    if the file is a manifest that does not parse."""
    known = vendors or catalog()
    found: list[ThirdPartyUse] = []
    if manifest_type(path) is not None:
        for d in declared_dependencies(path, text):
            match = known.package(d.ecosystem, d.name)
            if match:
                found.append(
                    ThirdPartyUse(match[0].id, "dependency", path, d.line, d.ecosystem, d.name)
                )
    dialect = _SCRIPTS.get(PurePosixPath(path).suffix.lower())
    if dialect is not None:
        language = "python" if dialect == "python" else "javascript"
        ecosystem = "pypi" if language == "python" else "npm"
        modules = (
            python_imports(text) if language == "python" else javascript_imports(text, dialect)
        )
        for line, module in modules:
            match = known.module(language, module)
            if match:
                found.append(ThirdPartyUse(match[0].id, "import", path, line, ecosystem, module))
    if path.endswith(".tf"):
        found += _terraform(path, text, known)
    if _is_config(path):
        found += _config_hosts(path, text, known)
    return _first_per_vendor(found)


def _terraform(path: str, text: str, known: Catalog) -> list[ThirdPartyUse]:
    found: list[ThirdPartyUse] = []
    depth: int | None = None  # brace depth inside required_providers, None outside
    for number, line in enumerate(text.splitlines(), 1):
        code = line.split("#", 1)[0].split("//", 1)[0]
        sources: list[str] = []
        opening = _TF_REQUIRED.search(code) if depth is None else None
        if opening:
            depth, code = 0, code[opening.start() :]  # braces before it are the terraform block's
        if depth is not None:
            depth += code.count("{") - code.count("}")
            sources = _TF_SOURCE.findall(code)
            if depth <= 0:
                depth = None
        block = _TF_PROVIDER_BLOCK.match(code)
        if block:
            sources.append(block.group(1))
        for source in sources:
            match = known.terraform_provider(source)
            if match:
                found.append(ThirdPartyUse(match[0].id, "iac", path, number, "terraform", match[1]))
    return found


def _config_hosts(path: str, text: str, known: Catalog) -> list[ThirdPartyUse]:
    found: list[ThirdPartyUse] = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith(_COMMENT):
            continue
        for hostname in _HOSTNAME.findall(line):
            match = known.host(hostname)
            if match:  # the catalog's suffix, never the host or anything around it
                found.append(
                    ThirdPartyUse(match[0].id, "config_host", path, number, None, match[1])
                )
    return found


def _first_per_vendor(found: list[ThirdPartyUse]) -> list[ThirdPartyUse]:
    first: dict[tuple[str, str], ThirdPartyUse] = {}
    for use in sorted(found, key=ThirdPartyUse.sort_key):
        first.setdefault((use.vendor, use.via), use)
    return sorted(first.values(), key=ThirdPartyUse.sort_key)


def _is_config(path: str) -> bool:
    name = PurePosixPath(path).name.lower()
    if name in _LOCK_FILES:
        return False
    return PurePosixPath(name).suffix in _CONFIG_SUFFIXES or any(
        fnmatch(name, pattern) for pattern in _CONFIG_NAMES
    )
