"""The shipped custom role (hipaa_cac/collectors/azure/role.json) is exactly what the
collector calls: every SDK call goes through a Reader whose key is in
faults.PERMISSIONS, the call in its lambda is the one the key names, and the
role grants the set of those permissions, read-only, and nothing else.

Calls are read from the modules' source: `x = target.client("storage")` (or
`connection.client(...)`) binds a management client, `x = ….blob_service(...)`
a blob data-plane client;
`read("storage.blob_containers.list", lambda: x.blob_containers.list(...))` is a call.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

from hipaa_cac.collectors.azure.faults import PERMISSIONS

AZURE = Path(__file__).resolve().parent.parent / "hipaa_cac" / "collectors" / "azure"
MODULES = sorted([AZURE / "__init__.py", *(AZURE / "services").glob("*.py")])


def _chain(node: ast.expr) -> list[str]:
    """x.a.b -> ["x", "a", "b"]; anything else -> []."""
    names: list[str] = []
    while isinstance(node, ast.Attribute):
        names.insert(0, node.attr)
        node = node.value
    return [node.id, *names] if isinstance(node, ast.Name) else []


def _clients(tree: ast.AST) -> dict[str, str]:
    """Variable and parameter names bound to an SDK client, by client name."""
    bound: dict[str, str] = {}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)):
            continue
        chain = _chain(node.value.func)
        name = None
        if chain and chain[-1] == "client" and node.value.args:
            arg = node.value.args[0]
            name = str(arg.value) if isinstance(arg, ast.Constant) else None
        elif chain and chain[-1] == "blob_service":
            name = "blob"
        for target in node.targets:
            if name and isinstance(target, ast.Name):
                bound[target.id] = name
    return bound


def reads_in(module: Path) -> tuple[set[str], list[str]]:
    """(keys used, problems): a read whose lambda makes another call; an SDK call outside a read."""
    tree = ast.parse(module.read_text())
    clients = _clients(tree)
    keys: set[str] = set()
    problems: list[str] = []
    inside: set[int] = set()
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and len(node.args) == 2
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[1], ast.Lambda)
        ):
            continue
        key = str(node.args[0].value)
        keys.add(key)
        made = set()
        for call in ast.walk(node.args[1]):
            inside.add(id(call))
            if isinstance(call, ast.Call) and (chain := _chain(call.func)) and chain[0] in clients:
                made.add(".".join([clients[chain[0]], *chain[1:]]))
        if made != {key}:
            problems.append(f"{module.name}: read({key!r}) calls {sorted(made)}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and id(node) not in inside:
            chain = _chain(node.func)
            if chain and chain[0] in clients:
                problems.append(
                    f"{module.name}:{node.lineno} calls {'.'.join(chain)} outside a read"
                )
    return keys, problems


def test_every_call_is_read_under_its_permission() -> None:
    used: set[str] = set()
    problems: list[str] = []
    for module in MODULES:
        keys, found = reads_in(module)
        used |= keys
        problems += found
    assert problems == []
    assert sorted(used - set(PERMISSIONS)) == [], "add these to faults.PERMISSIONS"
    assert sorted(set(PERMISSIONS) - used) == [], "nothing calls these"


def test_the_role_grants_exactly_those_permissions_read_only() -> None:
    role = json.loads((AZURE / "role.json").read_text())
    assert sorted(role) == sorted(
        [
            "Name",
            "IsCustom",
            "Description",
            "Actions",
            "NotActions",
            "DataActions",
            "NotDataActions",
            "AssignableScopes",
        ]
    )
    assert role["IsCustom"] is True
    assert role["Actions"] == sorted(set(PERMISSIONS.values()))
    # No data actions: blob contents cannot be read with this role.
    assert role["DataActions"] == [] and role["NotActions"] == []
    assert all(a.lower().endswith("/read") for a in role["Actions"])
