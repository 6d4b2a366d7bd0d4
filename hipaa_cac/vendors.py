"""The vendor catalog (hipaa_cac/vendors.yaml): third-party services a
repository may send data to, and how to recognise them in code.

    Vendor(id="sentry", name="Sentry", category="error_tracking",
           may_handle_phi=True, baa_available=True, note="...",
           packages={"pypi": ("sentry-sdk", "raven"), "npm": ("@sentry/*", ...)},
           imports={"python": ("sentry_sdk", "raven"), ...},
           hosts=("sentry.io",), terraform_providers=("jianyuan/sentry",))

    catalog().package("pypi", "Sentry_SDK")       -> (sentry, "sentry-sdk")
    catalog().module("python", "sentry_sdk.integrations") -> (sentry, "sentry_sdk")
    catalog().host("o1.ingest.sentry.io")          -> (sentry, "sentry.io")

Names are compared normalised: PyPI by PEP 503, everything else lower-cased.
An entry ending in `*` is a prefix (`@sentry/*`, `google-cloud-*`); Go modules,
Python modules and JavaScript modules also match below an entry
(`github.com/stripe/stripe-go/v76`, `google.cloud.storage`, `dd-trace/init`).
Each name belongs to one vendor: the catalog is rejected if two vendors'
entries could match the same name, so a match never depends on order.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from hipaa_cac.errors import InputError
from hipaa_cac.yamlfile import YamlDocument, parse_yaml

CATEGORIES = frozenset(
    {
        *("monitoring", "logging", "error_tracking", "email", "sms", "payments", "analytics"),
        *("ai", "cloud", "identity", "support", "communications", "database", "cdn"),
        "feature_flags",
    }
)
ECOSYSTEMS = ("pypi", "npm", "go", "rubygems", "maven")
LANGUAGES = ("python", "javascript")
_FIELDS = frozenset(
    {
        *("name", "category", "may_handle_phi", "baa_available", "note"),
        *("packages", "imports", "hosts", "terraform_providers"),
    }
)
_REQUIRED = ("name", "category", "may_handle_phi", "baa_available")
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_HOST = re.compile(r"^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,63}$")
_PROVIDER = re.compile(r"^[A-Za-z0-9_-]+/[A-Za-z0-9_-]+$")
# Where a name may sit below an entry: "google.cloud" covers "google.cloud.storage".
_SEPARATOR = {"go": "/", "npm": "/", "python": ".", "javascript": "/"}


@dataclass(frozen=True)
class Vendor:
    id: str
    name: str
    category: str
    may_handle_phi: bool
    baa_available: bool | None  # None: not known
    note: str | None
    packages: dict[str, tuple[str, ...]]  # ecosystem -> names as catalogued
    imports: dict[str, tuple[str, ...]]  # language -> modules
    hosts: tuple[str, ...]
    terraform_providers: tuple[str, ...]


def normalize_package(ecosystem: str, name: str) -> str:
    """PEP 503 for PyPI (`Sentry_SDK` -> `sentry-sdk`); lower case elsewhere."""
    name = name.strip()
    if ecosystem == "pypi":
        return re.sub(r"[-_.]+", "-", name).lower()
    return name.lower()


class _Table:
    """Entries of one namespace (an ecosystem, a language, hosts or providers)."""

    def __init__(self, separator: str | None) -> None:
        self.separator = separator
        self.exact: dict[str, tuple[Vendor, str]] = {}
        self.prefixes: list[tuple[str, Vendor, str]] = []

    def add(self, key: str, vendor: Vendor, shown: str) -> None:
        if key.endswith("*"):
            self.prefixes.append((key[:-1], vendor, shown))
        else:
            self.exact[key] = (vendor, shown)

    def find(self, key: str) -> tuple[Vendor, str] | None:
        candidates = [key]
        if self.separator is not None:
            parts = key.split(self.separator)
            candidates += [self.separator.join(parts[:n]) for n in range(len(parts) - 1, 0, -1)]
        for candidate in candidates:
            if candidate in self.exact:
                return self.exact[candidate]
        for prefix, vendor, shown in self.prefixes:
            if key.startswith(prefix):
                return vendor, shown
        return None


@dataclass(frozen=True)
class Catalog:
    vendors: tuple[Vendor, ...]  # sorted by id
    _tables: dict[str, _Table]

    def package(self, ecosystem: str, name: str) -> tuple[Vendor, str] | None:
        """The vendor of a package and the catalog entry it matched."""
        table = self._tables.get(f"package:{ecosystem}")
        return table.find(normalize_package(ecosystem, name)) if table else None

    def module(self, language: str, module: str) -> tuple[Vendor, str] | None:
        table = self._tables.get(f"import:{language}")
        return table.find(module.lower()) if table else None

    def host(self, hostname: str) -> tuple[Vendor, str] | None:
        """The vendor whose hostname suffix `hostname` is, or ends in (`.` + suffix)."""
        labels = hostname.lower().rstrip(".").split(".")
        exact = self._tables["host"].exact
        for n in range(len(labels) - 1):
            found = exact.get(".".join(labels[n:]))
            if found is not None:
                return found
        return None

    def terraform_provider(self, source: str) -> tuple[Vendor, str] | None:
        """`DataDog/datadog`, `registry.terraform.io/datadog/datadog` or, from a
        `provider "datadog"` block alone, the type `datadog`."""
        parts = source.lower().split("/")
        if len(parts) == 3:
            parts = parts[1:]  # the registry host
        return self._tables["terraform"].exact.get("/".join(parts))


@cache
def catalog() -> Catalog:
    """The shipped catalog, read and checked once."""
    text = resources.files("hipaa_cac").joinpath("vendors.yaml").read_text(encoding="utf-8")
    return parse_catalog(parse_yaml(text, Path("hipaa_cac/vendors.yaml")))


def load_catalog(path: Path) -> Catalog:
    """Another catalog file (tests, or a team trying an entry out)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read file: {exc.__class__.__name__}", path) from None
    return parse_catalog(parse_yaml(text, path))


def parse_catalog(document: YamlDocument) -> Catalog:
    """Check every entry (InputError naming file:line) and build the lookup tables."""
    data = document.data
    if not isinstance(data, dict) or not data:
        raise InputError("the vendor catalog must be a mapping of vendor ids", document.path, 1)
    vendors = tuple(_vendor(document, str(key), value) for key, value in sorted(data.items()))
    return Catalog(vendors, _tables(document, vendors))


def _vendor(document: YamlDocument, vendor_id: str, entry: Any) -> Vendor:
    def fail(message: str, *where: str | int) -> InputError:
        line = document.line_of([vendor_id, *where]) if where else _key_line(document, vendor_id)
        return InputError(f"vendor {vendor_id!r}: {message}", document.path, line)

    if not _SLUG.match(vendor_id):
        raise fail("ids are lowercase slugs (letters, digits, hyphens)")
    if not isinstance(entry, dict):
        raise fail("must be a mapping")
    unknown = sorted(set(entry) - _FIELDS)
    if unknown:
        raise fail(f"unknown field {unknown[0]!r}", unknown[0])
    for field in _REQUIRED:
        if field not in entry:
            raise fail(f"{field!r} is required")
    if not isinstance(entry["name"], str) or not entry["name"].strip():
        raise fail("'name' must be a non-empty string", "name")
    if entry["category"] not in CATEGORIES:
        raise fail(f"'category' must be one of {', '.join(sorted(CATEGORIES))}", "category")
    if not isinstance(entry["may_handle_phi"], bool):
        raise fail("'may_handle_phi' must be true or false", "may_handle_phi")
    if entry["baa_available"] is not None and not isinstance(entry["baa_available"], bool):
        raise fail("'baa_available' must be true, false or null", "baa_available")
    note = entry.get("note")
    if note is not None and not isinstance(note, str):
        raise fail("'note' must be a string", "note")
    packages = _groups(entry.get("packages", {}), ECOSYSTEMS, fail, "packages")
    imports = _groups(entry.get("imports", {}), LANGUAGES, fail, "imports")
    hosts = _names(entry.get("hosts", []), fail, "hosts")
    providers = _names(entry.get("terraform_providers", []), fail, "terraform_providers")
    for i, host in enumerate(hosts):
        if not _HOST.match(host):
            raise fail(f"host {host!r} is not a lowercase hostname", "hosts", i)
    for i, provider in enumerate(providers):
        if not _PROVIDER.match(provider):
            raise fail(f"provider {provider!r} is not namespace/type", "terraform_providers", i)
    if not (packages or imports or hosts or providers):
        raise fail("lists nothing to detect it by")
    return Vendor(
        vendor_id,
        entry["name"].strip(),
        entry["category"],
        entry["may_handle_phi"],
        entry["baa_available"],
        note,
        packages,
        imports,
        hosts,
        providers,
    )


_Fail = Callable[..., InputError]


def _key_line(document: YamlDocument, key: str) -> int | None:
    """The line of a top-level key (line_of gives its value's)."""
    if isinstance(document.root, yaml.MappingNode):
        for node, _ in document.root.value:
            if isinstance(node, yaml.ScalarNode) and node.value == key:
                return int(node.start_mark.line) + 1
    return document.line_of([key])


def _groups(
    value: Any, allowed: tuple[str, ...], fail: _Fail, field: str
) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise fail(f"{field!r} must be a mapping", field)
    groups: dict[str, tuple[str, ...]] = {}
    for key, names in sorted(value.items()):
        if key not in allowed:
            raise fail(f"{field!r}: {key!r} is not one of {', '.join(allowed)}", field, key)
        groups[key] = _names(names, fail, field, key)
    return groups


def _names(value: Any, fail: _Fail, *where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise fail(f"{'.'.join(where)!r} must be a list of non-empty strings", *where)
    return tuple(v.strip() for v in value)


def _tables(document: YamlDocument, vendors: tuple[Vendor, ...]) -> dict[str, _Table]:
    """Lookup tables; two vendors' entries that could match one name are an error."""
    entries: dict[str, list[tuple[str, Vendor, str, list[str | int]]]] = {}

    def put(table: str, key: str, vendor: Vendor, shown: str, where: list[str | int]) -> None:
        entries.setdefault(table, []).append((key, vendor, shown, where))

    for v in vendors:
        for ecosystem, names in v.packages.items():
            for i, name in enumerate(names):
                key = normalize_package(ecosystem, name)
                put(f"package:{ecosystem}", key, v, name, [v.id, "packages", ecosystem, i])
        for language, modules in v.imports.items():
            for i, module in enumerate(modules):
                put(f"import:{language}", module.lower(), v, module, [v.id, "imports", language, i])
        for i, host in enumerate(v.hosts):
            put("host", host, v, host, [v.id, "hosts", i])
        for i, provider in enumerate(v.terraform_providers):
            put("terraform", provider.lower(), v, provider, [v.id, "terraform_providers", i])
            put("terraform", provider.lower().split("/")[1], v, provider, [v.id])
    tables = {"host": _Table(None), "terraform": _Table(None)}
    for name, listed in sorted(entries.items()):
        separator = _SEPARATOR.get(name.split(":")[-1])
        table = tables.setdefault(name, _Table(separator))
        for n, (key, vendor, shown, where) in enumerate(listed):
            for other_key, other, _, _ in listed[:n]:
                if other.id != vendor.id and _overlap(key, other_key, separator, name == "host"):
                    raise InputError(
                        f"vendor {vendor.id!r}: {shown!r} is also {other.id!r}'s "
                        f"({name.replace(':', ' ')}); a name belongs to one vendor",
                        document.path,
                        document.line_of(where),
                    )
            if key not in table.exact:  # else the same vendor's (checked above)
                table.add(key, vendor, shown)
    return tables


def _overlap(a: str, b: str, separator: str | None, suffixes: bool) -> bool:
    """Could one name match both entries?"""
    for x, y in ((a, b), (b, a)):
        if suffixes and y.endswith("." + x):  # hosts: "openai.azure.com" is under "azure.com"
            return True
        if x.endswith("*") and y.startswith(x[:-1]):
            return True
        if separator is not None and y.startswith(x.rstrip("*") + separator):
            return True
    return a == b
