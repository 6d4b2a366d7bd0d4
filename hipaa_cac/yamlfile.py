"""YAML loading that remembers where every value came from.

Schema errors must say `file:line`, so we keep PyYAML's node tree beside the
plain data and look up the line of a JSON path (`["evidence", 0, "kind"]`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from hipaa_cac.errors import InputError


@dataclass(frozen=True)
class YamlDocument:
    path: Path
    data: Any
    root: yaml.Node | None

    def line_of(self, json_path: list[str | int] | tuple[str | int, ...]) -> int | None:
        """1-based line of the deepest node on `json_path` that exists."""
        node = self.root
        line = node.start_mark.line + 1 if node is not None else None
        for step in json_path:
            child = _child(node, step)
            if child is None:
                break
            node = child
            line = node.start_mark.line + 1
        return line


def _child(node: yaml.Node | None, step: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == step:
                found: yaml.Node = value
                return found
    if isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
        child: yaml.Node = node.value[step]
        return child
    return None


def load_yaml(path: Path) -> YamlDocument:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read file: {exc.__class__.__name__}", path) from None
    return parse_yaml(text, path)


def parse_with_loader(
    loader_class: type[yaml.SafeLoader], text: str, path: Path, shown: str | Path
) -> YamlDocument:
    """`text` read by a SafeLoader subclass (one that keeps dates as text, say);
    malformed YAML is an InputError naming `shown` and the line."""
    loader = loader_class(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise InputError(f"malformed YAML: {exc.problem or exc.context}", shown, line) from None
    except (yaml.YAMLError, ValueError) as exc:
        raise InputError(f"malformed YAML: {exc}", shown) from None
    finally:
        loader.dispose()
    return YamlDocument(path=path, data=data, root=root)


def parse_yaml(text: str, path: Path) -> YamlDocument:
    try:
        root: yaml.Node | None = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise InputError(f"malformed YAML: {exc.problem or exc.context}", path, line) from None
    except yaml.YAMLError as exc:
        raise InputError(f"malformed YAML: {exc}", path) from None
    return YamlDocument(path=path, data=data, root=root)
