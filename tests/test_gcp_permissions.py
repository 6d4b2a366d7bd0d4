"""The shipped custom role (hipaa_cac/collectors/gcp/role.json) is exactly what
the collector calls: every API call in the package is in api.PERMISSIONS, the
role grants each permission they need (nothing the collector does is denied
by a customer who deployed it) and nothing else (least privilege).

The calls are read from the source: `<x>.call("api", "method", ...)` and
`<x>.pages("api", "method", ...)` with literal names. Each must be a method
of the bundled discovery document (a typo would only fail at run time), and
api.GcpApi refuses a method missing from PERMISSIONS, so a call cannot slip
past this test by being built from variables.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from googleapiclient.discovery_cache import get_static_doc

from hipaa_cac.collectors.gcp.api import PERMISSIONS, VERSIONS, GcpApi

GCP = Path(__file__).resolve().parent.parent / "hipaa_cac" / "collectors" / "gcp"
ROLE = GCP / "role.json"
READ_ONLY_VERBS = (".list", ".get", ".getIamPolicy")


def calls_in(module: Path) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for node in ast.walk(ast.parse(module.read_text())):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"call", "pages"}
            and len(node.args) >= 2
            and all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in node.args[:2])
        ):
            api, method = (str(a.value) for a in node.args[:2])  # type: ignore[attr-defined]
            found.add((api, method))
    return found


def collector_calls() -> set[tuple[str, str]]:
    return set().union(*(calls_in(m) for m in sorted(GCP.rglob("*.py"))))


def test_every_call_is_listed_and_every_listed_call_is_made() -> None:
    calls = collector_calls()
    assert sorted(calls - PERMISSIONS.keys()) == [], "add these to api.PERMISSIONS"
    assert sorted(PERMISSIONS.keys() - calls) == [], "nothing calls these: remove them"


def test_the_role_grants_exactly_the_permissions_the_calls_need() -> None:
    role = json.loads(ROLE.read_text())
    assert set(role) == {"title", "description", "stage", "includedPermissions"}
    assert role["stage"] == "GA"
    granted = role["includedPermissions"]
    assert granted == sorted(set(granted)), "sorted, no duplicates"
    needed = {p for p in PERMISSIONS.values() if p is not None}
    assert sorted(needed - set(granted)) == [], "add these to role.json"
    assert sorted(set(granted) - needed) == [], "least privilege: nothing needs these"
    assert all(p.endswith(READ_ONLY_VERBS) for p in granted), "read-only"


@pytest.mark.parametrize(("api", "method"), sorted(PERMISSIONS))
def test_each_call_is_a_read_of_the_bundled_discovery_document(api: str, method: str) -> None:
    document = json.loads(get_static_doc(api, VERSIONS[api]))
    node = document
    *path, name = method.split(".")
    for part in path:
        node = node["resources"][part]
    described = node["methods"][name]
    assert described["id"].split(".", 1)[1] == method  # sqladmin's ids say "sql."
    # getIamPolicy is a POST on Resource Manager; it reads all the same.
    assert described["httpMethod"] == "GET" or name == "getIamPolicy"
    assert "https://www.googleapis.com/auth/cloud-platform" in described["scopes"]


def test_a_call_missing_from_the_list_is_refused() -> None:
    api = GcpApi(credentials=None)  # type: ignore[arg-type]  # never reaches Google
    with pytest.raises(KeyError, match=r"storage\.objects\.get is not in PERMISSIONS"):
        api.call("storage", "objects.get", {"bucket": "b", "object": "o"}, "test")
