"""Change `risk/register.yaml` in place, as a person would with an editor.

The register is reviewed in pull requests, so an edit must show up as the
lines it adds or changes and nothing else: comments, blank lines, quoting
and indentation stay as the author wrote them. We never re-dump the YAML;
we find lines with the node tree (marks of yamltext.parse_text) and splice
text in:

- `add_risk` appends an item after the last one of `risks:` (after any
  comment lines indented under it), in the list's own indentation, with a
  blank line before it when the items are separated by blank lines;
  `risks: []` becomes a block list.
- `review_risk` rewrites the value of one item's `review_date:` (keeping its
  quotes) and appends `- {on: ..., by: ..., note: ..., next: ...}` to its
  `reviews:` (created at the end of the item when it has none).

Then the new text is loaded again like any register (schema, ratings,
controls, ids) and must hold exactly the data we meant to write; only then
does it replace the file, atomically. Anything else is refused and the file
is untouched, byte for byte.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from hipaa_cac.canonical import write_atomic
from hipaa_cac.controls import Catalog
from hipaa_cac.errors import InputError
from hipaa_cac.risk.register import Risk, RiskRegister, parse_register, read_text
from hipaa_cac.risk.yamltext import flow_list, scalar

NEW_REGISTER = """\
# Risk register: HIPAA 164.308(a)(1)(ii)(A) risk analysis, (B) risk management.
# Edit it by hand or with 'hipaa-cac risk add' and 'hipaa-cac risk review' (docs/risk.md).
version: 1
risks: []
"""

# Key order of a new item: what it is, how bad, what is done, when next looked at.
ITEM_KEYS = (
    "id", "title", "threat", "vulnerability", "assets", "likelihood", "impact", "rating",
    "treatment", "accepted_by", "owner", "controls", "review_date", "status",
)  # fmt: skip


@dataclass(frozen=True)
class _Splice:
    start: int  # character offsets into the text
    end: int
    text: str


def add_risk(path: Path, shown: str, catalog: Catalog, item: dict[str, Any]) -> Risk:
    """Append `item` (ITEM_KEYS; `id` None takes the next free one) to the register,
    creating the file when there is none. Returns the risk as loaded back."""
    old = read_text(path, shown) if path.exists() else NEW_REGISTER
    register, document = parse_register(old, path, shown, catalog)
    item = {**item, "id": item.get("id") or register.next_id()}
    item = {key: item[key] for key in ITEM_KEYS if item.get(key) not in (None, [], ())}
    if register.get(item["id"]) is not None:
        raise InputError(
            f"refused (file unchanged): {item['id']} is already in the register", shown
        )
    root = _block_mapping(document.root, shown, "the register")
    risks_key, risks = _sequence(root, "risks")
    lines = _lines(old)
    nl = "\r\n" if "\r\n" in old else "\n"
    if risks.flow_style:
        if risks.value:
            raise InputError(
                "refused (file unchanged): 'risks:' is a flow list [...]; write it as a block "
                "list (one '- id: ...' per item) to add to it",
                shown,
                risks.start_mark.line + 1,
            )
        dash = risks_key.start_mark.column + 2
        body = _item_lines(item, dash, dash + 2, nl)
        # `risks: []  # comment` -> `risks:` + the item; the comment stays on the last line.
        splice = _Splice(
            risks_key.end_mark.index, risks.end_mark.index, ":" + nl + body[: -len(nl)]
        )
    else:
        dash = risks.start_mark.column
        items = risks.value
        key_column = items[0].start_mark.column
        at = _after(lines, _last_line(items[-1], lines), dash)
        spaced = len(items) > 1 and lines[items[-1].start_mark.line - 1].strip() == ""
        body = (nl if spaced else "") + _item_lines(item, dash, key_column, nl)
        splice = _line_splice(old, lines, at, body, nl)
    expected = copy.deepcopy(document.data)
    expected["risks"].append(item)
    new = _commit(path, shown, catalog, old, [splice], expected)
    risk = new.get(item["id"])
    assert risk is not None  # _commit checked the data
    return risk


def review_risk(
    path: Path,
    shown: str,
    catalog: Catalog,
    risk_id: str,
    review: dict[str, str],
) -> Risk:
    """Record `review` ({on, by, note, next}) on one risk and move its
    review_date to `next`. Returns the risk as loaded back."""
    old = read_text(path, shown) if path.exists() else ""
    if not old:
        raise InputError("no risk register here: nothing to review (docs/risk.md)", shown)
    register, document = parse_register(old, path, shown, catalog)
    index = next((i for i, r in enumerate(register.risks) if r.id == risk_id), None)
    if index is None:
        raise InputError(f"no risk {risk_id} in the register", shown)
    root = _block_mapping(document.root, shown, "the register")
    risks_key, risks = _sequence(root, "risks")
    item = _block_mapping(risks.value[index], shown, risk_id)
    lines = _lines(old)
    nl = "\r\n" if "\r\n" in old else "\n"
    offset = max(risks.start_mark.column - risks_key.start_mark.column, 0)
    entry = "{" + ", ".join(f"{k}: {scalar(v)}" for k, v in review.items()) + "}"

    date_node = _find(item, "review_date")
    assert date_node is not None and isinstance(date_node[1], yaml.ScalarNode)  # schema
    quote = date_node[1].style if date_node[1].style in ("'", '"') else ""
    new_date = quote + review["next"] + quote
    splices = [_Splice(date_node[1].start_mark.index, date_node[1].end_mark.index, new_date)]
    found = _sequence(item, "reviews") if _find(item, "reviews") else None
    if found is None:
        at = _after(lines, _last_line(item, lines), risks.start_mark.column)
        key = " " * item.start_mark.column
        text = f"{key}reviews:{nl}{key}{' ' * offset}- {entry}{nl}"
        splices.append(_line_splice(old, lines, at, text, nl))
    else:
        reviews_key, reviews = found
        if not reviews.flow_style:
            dash = reviews.start_mark.column
            at = _after(lines, _last_line(reviews.value[-1], lines), dash)
            splices.append(_line_splice(old, lines, at, f"{' ' * dash}- {entry}{nl}", nl))
        elif reviews.value:  # reviews: [{...}] -> [{...}, {...}]
            close = reviews.end_mark.index - 1
            splices.append(_Splice(close, close, ", " + entry))
        else:  # reviews: [] -> a block list
            dash = " " * (item.start_mark.column + offset)
            text = f":{nl}{dash}- {entry}"
            splices.append(_Splice(reviews_key.end_mark.index, reviews.end_mark.index, text))

    expected = copy.deepcopy(document.data)
    target = expected["risks"][index]
    target["review_date"] = review["next"]
    target.setdefault("reviews", []).append(dict(review))
    new = _commit(path, shown, catalog, old, splices, expected)
    risk = new.get(risk_id)
    assert risk is not None
    return risk


def _commit(
    path: Path,
    shown: str,
    catalog: Catalog,
    old: str,
    splices: list[_Splice],
    expected: Any,
) -> RiskRegister:
    """Apply `splices`, load the result like any register, check it holds
    `expected`, and only then replace the file."""
    text = old
    for splice in sorted(splices, key=lambda s: s.start, reverse=True):
        text = text[: splice.start] + splice.text + text[splice.end :]
    try:
        register, document = parse_register(text, path, shown, catalog)
    except InputError as exc:
        # The line would be one of the text we did not write: name the problem only.
        raise InputError(f"refused (file unchanged): {exc.message}", shown) from None
    if document.data != expected:
        raise InputError(
            "refused (file unchanged): cannot edit this layout safely; make the change by hand",
            shown,
        )
    write_atomic(path, text)
    return register


def _item_lines(item: dict[str, Any], dash: int, key_column: int, nl: str) -> str:
    out = []
    for key, value in item.items():
        shown = flow_list(list(value)) if isinstance(value, list | tuple) else scalar(value)
        out.append(" " * key_column + f"{key}: {shown}{nl}")
    first = " " * dash + "-" + " " * max(key_column - dash - 1, 1)
    out[0] = first + out[0].lstrip(" ")
    return "".join(out)


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _line_splice(text: str, lines: list[str], at: int, body: str, nl: str) -> _Splice:
    """Insert `body` (whole lines) before line `at` (0-based; len(lines) = at the end)."""
    start = sum(len(line) for line in lines[:at])
    if start == len(text) and text and not text.endswith(("\n", "\r")):
        body = nl + body  # the file ends without a newline: end its last line first
    return _Splice(start, start, body)


def _after(lines: list[str], last: int, dash: int) -> int:
    """The line after `last`, past the comment lines right under it that are
    indented at least as far as the list's dashes (at `dash`): they belong to
    the list. A list whose dashes are at column 0 keeps only deeper ones: a
    comment there could as well be about what follows the list."""
    at = last + 1
    while at < len(lines):
        stripped = lines[at].lstrip(" ")
        indent = len(lines[at]) - len(stripped)
        if not stripped.startswith("#") or indent < max(dash, 1):
            break
        at += 1
    return at


def _last_line(node: yaml.Node, lines: list[str]) -> int:
    """0-based line of the last character of `node`'s content. Block nodes
    end where the next token starts (past comments), so descend to the last
    scalar or flow collection instead."""
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and not node.flow_style:
        last = node.value[-1]
        return _last_line(last[1] if isinstance(last, tuple) else last, lines)
    end = node.end_mark
    line: int = end.line if end.column > 0 else end.line - 1
    if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
        while line > node.start_mark.line and not lines[line].strip():
            line -= 1  # a block scalar's end mark is past its trailing blank lines
    return line


def _block_mapping(node: yaml.Node | None, shown: str, what: str) -> yaml.MappingNode:
    if not isinstance(node, yaml.MappingNode) or node.flow_style:
        line = node.start_mark.line + 1 if node is not None else None
        raise InputError(
            f"refused (file unchanged): {what} is written as a flow mapping {{...}}; "
            "write it one key per line to edit it with hipaa-cac",
            shown,
            line,
        )
    return node


def _find(mapping: yaml.MappingNode, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    for key_node, value in mapping.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return key_node, value
    return None


def _sequence(mapping: yaml.MappingNode, key: str) -> tuple[yaml.Node, yaml.SequenceNode]:
    """The key node and list of `key:`, which the schema has checked is a list."""
    found = _find(mapping, key)
    assert found is not None and isinstance(found[1], yaml.SequenceNode), key
    return found[0], found[1]
