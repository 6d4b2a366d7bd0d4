"""PHI passed to logging calls in JavaScript and TypeScript (164.312(b), 164.502(b)).

Finds `console.log/info/warn/error/debug`, `logger.*`, `log.*`, `req.log.*`,
`this.logger.*`, winston/pino/bunyan (`logger.info({ patient }, "msg")`,
`logger.child({...})`) and reads every argument: template literal parts,
object literal keys and values (`{ ssn: p.ssn }`, shorthand `{ dob }`),
`JSON.stringify(patient)`, `req.body`, `res.body`, `ctx.request.body`.
Rules and categories are the Python scanner's (hipaa_cac.detect.phi_terms).

The tree-sitter parser recovers from errors; when the tree has any, one
"parse-error" detection marks the first, and what was found is still reported.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import tree_sitter_javascript
import tree_sitter_typescript
from tree_sitter import Language, Node, Parser, Query, QueryCursor

from hipaa_cac.detect import Detection
from hipaa_cac.detect.phi_terms import (
    Reference,
    classify_chain,
    classify_key,
    describe,
    display_key,
    is_sanitizer,
    tokens,
    words,
)

_LOG_METHODS = words("log info warn warning error debug trace fatal verbose silly http child dir")
_LOGGER_WORDS = frozenset({"console", "log", "logger", "winston", "pino", "bunyan", "logging"})
_LOGGER_FACTORIES = frozenset({"getlogger", "createlogger", "pino", "bunyan"})
_LITERALS = words(
    "string number true false null undefined regex template_string arrow_function "
    "function_expression function class"
)
_WRAPPERS = words(
    "parenthesized_expression await_expression non_null_expression as_expression "
    "satisfies_expression type_assertion spread_element"
)
# Calls followed down a logger chain (`logger.child(...).info`); more is not a logger.
_MAX_HOPS = 8
_PASS_OPERATORS = frozenset({"+", "&&", "||", "??"})
_Hit = tuple[int, str, str, str]


@cache
def _language(typescript: bool, tsx: bool) -> tuple[Language, Query]:
    if tsx:
        language = Language(tree_sitter_typescript.language_tsx())
    elif typescript:
        language = Language(tree_sitter_typescript.language_typescript())
    else:
        language = Language(tree_sitter_javascript.language())
    # The query finds candidate calls and bindings in C: walking every node in
    # Python costs several times the parse.
    methods = "|".join(sorted(_LOG_METHODS))
    query = Query(
        language,
        f"""
        (call_expression function: (member_expression property: (property_identifier) @m)
          (#match? @m "^({methods})$")) @call
        (variable_declarator value: (call_expression)) @binding
        (assignment_expression right: (call_expression)) @binding
        """,
    )
    return language, query


def scan_javascript(
    path: str, source: str, *, typescript: bool = False, tsx: bool = False
) -> list[Detection]:
    """Detections for PHI handed to logging calls in one JS/TS/JSX/TSX file."""
    language, query = _language(typescript, tsx)
    # A Parser and cursor per call: they are not safe to share between threads.
    tree = Parser(language).parse(source.encode("utf-8", "replace"))
    captures = QueryCursor(query).captures(tree.root_node)
    loggers = _logger_names(captures.get("binding", []))
    merged: dict[tuple[int, str, str], list[str]] = {}
    callers: dict[tuple[int, str, str], str] = {}
    for call in captures.get("call", []):
        callee = call.child_by_field_name("function")
        arguments = call.child_by_field_name("arguments")
        if callee is None or arguments is None or not _is_log_call(callee, loggers):
            continue
        for line, rule, category, shown in _hits(arguments.named_children):
            key = (line, rule, category)
            if key not in callers:
                callers[key] = _show_callee(callee)
            shown_list = merged.setdefault(key, [])
            if shown not in shown_list:
                shown_list.append(shown)
    found = [
        Detection(path, *key, describe(callers[key], Reference(*key[1:]), shown))
        for key, shown in sorted(merged.items())
    ]
    if tree.root_node.has_error:
        name = "typescript" if typescript or tsx else "javascript"
        line = _first_error_line(tree.root_node)
        message = f"{name} did not parse cleanly; findings cover the parts that did"
        found.append(Detection(path, line, "parse-error", name, message))
        found.sort(key=lambda d: (d.line, d.rule, d.category))
    return found


def _show_callee(node: Node) -> str:
    """`req.log.info`, `logger.child(...).info`: names only, never argument text."""
    shown: list[str] = []
    current: Node | None = node
    while current is not None:
        if current.type == "member_expression":
            name = current.child_by_field_name("property")
            shown.append(f".{_text(name) if name is not None else '?'}")
            current = current.child_by_field_name("object")
        elif current.type == "call_expression":
            shown.append("(...)")
            current = current.child_by_field_name("function")
        else:
            named = current.type in {"identifier", "this", "property_identifier"}
            shown.append(_text(current) if named else "(...)")
            current = None
    return "".join(reversed(shown))


def _text(node: Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")


def _line(node: Node) -> int:
    return node.start_point.row + 1


def _logger_names(nodes: list[Node]) -> frozenset[str]:
    """Names bound to a logger whatever they are called: `const audit = pino()`."""
    names: set[str] = set()
    for node in nodes:
        if node.type == "variable_declarator":
            target, value = node.child_by_field_name("name"), node.child_by_field_name("value")
        elif node.type == "assignment_expression":
            target, value = node.child_by_field_name("left"), node.child_by_field_name("right")
        else:
            continue
        if target is not None and value is not None and _is_logger(value, frozenset()):
            name = target.child_by_field_name("property") or target
            names.add(_text(name))
    return frozenset(names)


def _first_error_line(root: Node) -> int:
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            return _line(node)
        stack.extend(reversed([c for c in node.children if c.has_error or c.is_missing]))
    return 1


def _is_log_call(callee: Node, loggers: frozenset[str]) -> bool:
    if callee.type != "member_expression":
        return False
    method = callee.child_by_field_name("property")
    target = callee.child_by_field_name("object")
    if method is None or target is None or _text(method) not in _LOG_METHODS:
        return False
    return _is_logger(target, loggers)


def _is_logger(node: Node, loggers: frozenset[str]) -> bool:
    """`console`, `logger`, `req.log`, `this.logger`, `pino()`, `logger.child({...})`."""
    current: Node | None = node
    # A bounded loop: every call in `logger.child().child()...` asks this again.
    for _hop in range(_MAX_HOPS):
        if current is None or current.type != "call_expression":
            break
        callee = current.child_by_field_name("function")
        if callee is None:
            return False
        name = callee.child_by_field_name("property") if callee.type != "identifier" else callee
        if name is not None and "".join(tokens(_text(name))) in _LOGGER_FACTORIES:
            return True
        if callee.type != "member_expression" or name is None or _text(name) not in _LOG_METHODS:
            return False
        current = callee.child_by_field_name("object")
    if current is not None and current.type == "member_expression":
        current = current.child_by_field_name("property")
    if current is None or current.type not in {"identifier", "property_identifier"}:
        return False
    parts = tokens(_text(current))
    return _text(current) in loggers or (bool(parts) and parts[-1] in _LOGGER_WORDS)


def _hits(roots: list[Node]) -> Iterator[_Hit]:
    stack = list(reversed(roots))
    while stack:
        node = stack.pop()
        kind = node.type
        if kind in {"identifier", "shorthand_property_identifier"}:
            reference = classify_chain([_text(node)])
            if reference:
                yield (_line(node), *reference, _text(node))
        elif kind in {"member_expression", "subscript_expression", "call_expression"}:
            found, pending = _chain(node)
            if found:
                yield (_line(node), *found[0], found[1])
            stack.extend(reversed(pending))
        elif kind == "object":
            values: list[Node] = []
            for child in node.named_children:
                yield from _pair_hit(child)
                if child.type in {"spread_element", "shorthand_property_identifier"}:
                    values.append(child)
                elif child.type == "pair" and (value := child.child_by_field_name("value")):
                    values.append(value)
            stack.extend(reversed(values))
        elif kind == "template_string":
            parts = [c for c in node.named_children if c.type == "template_substitution"]
            stack.extend(reversed(parts))
        elif kind == "binary_expression":
            operator = node.child_by_field_name("operator")
            if operator is not None and _text(operator) in _PASS_OPERATORS:
                stack.extend(reversed(node.named_children))
        elif kind == "ternary_expression":
            branches = [node.child_by_field_name(f) for f in ("consequence", "alternative")]
            stack.extend(branch for branch in branches if branch is not None)
        elif kind in _WRAPPERS:
            stack.extend(_unwrap(node))
        elif kind in {"template_substitution", "array", "sequence_expression"}:
            stack.extend(reversed(node.named_children))
        elif kind == "new_expression":
            arguments = node.child_by_field_name("arguments")
            stack.extend(reversed(arguments.named_children) if arguments else [])
        # Literals, functions, unary (`!p`, `typeof p`) and comparisons carry no field.


def _unwrap(node: Node) -> list[Node]:
    """The expression inside `(x)`, `await x`, `x!`, `x as T`, `<T>x`, `...x`."""
    children = node.named_children
    if node.type == "type_assertion":  # the type comes first: <Patient>p
        return children[-1:]
    return children[:1]


def _pair_hit(child: Node) -> Iterator[_Hit]:
    if child.type != "pair":
        return
    key = child.child_by_field_name("key")
    value = child.child_by_field_name("value")
    if key is None or value is None or not _carries_value(value):
        return
    name = _string_value(key) if key.type == "string" else _text(key)
    if key.type not in {"property_identifier", "string"} or name is None:
        return
    reference = classify_key(name)
    if reference:
        yield (_line(key), *reference, display_key(name)[1:-1] + ":")


def _carries_value(node: Node) -> bool:
    if node.type == "template_string":
        return any(c.type == "template_substitution" for c in node.named_children)
    if node.type in _LITERALS:
        return False
    if node.type == "call_expression":
        callee = node.child_by_field_name("function")
        return callee is None or not is_sanitizer(_last_name(callee))
    return True


def _last_name(callee: Node) -> str:
    if callee.type == "member_expression":
        name = callee.child_by_field_name("property")
        return _text(name) if name is not None else ""
    return _text(callee) if callee.type == "identifier" else ""


def _string_value(node: Node) -> str | None:
    if node.type != "string":
        return None
    return "".join(_text(c) for c in node.named_children if c.type == "string_fragment")


def _chain(node: Node) -> tuple[tuple[Reference, str] | None, list[Node]]:
    """Classify `a.b["c"]?.d()` as one access path; return what it exposes and the
    sub-expressions still to read (call arguments, a non-name base)."""
    segments: list[str] = []
    shown: list[str] = []
    pending: list[Node] = []
    current: Node | None = node
    while current is not None:
        kind = current.type
        if kind == "member_expression":
            name = _text(current.child_by_field_name("property") or current).lstrip("#")
            segments.append(name)
            shown.append(f".{name}")
            current = current.child_by_field_name("object")
        elif kind == "subscript_expression":
            key = _string_value(current.child_by_field_name("index") or current)
            if key is not None:
                segments.append(key)
            shown.append(display_key(key) if key is not None else "[...]")
            current = current.child_by_field_name("object")
        elif kind == "call_expression":
            callee = current.child_by_field_name("function")
            arguments = current.child_by_field_name("arguments")
            args = arguments.named_children if arguments is not None else []
            if callee is None or is_sanitizer(_last_name(callee)):
                return None, []
            first = _string_value(args[0]) if args else None
            if callee.type != "member_expression":
                pending.extend(args)
                segments.append("")
                shown.append("(...)")
                current = None
            elif _last_name(callee) == "get" and first is not None:
                segments.append(first)
                shown.append(f".get({display_key(first)[1:-1]})")
                current = callee.child_by_field_name("object")
            else:
                segments.append(_last_name(callee))
                shown.append(f".{_last_name(callee)}()")
                pending.extend(args)
                current = callee.child_by_field_name("object")
        elif kind in {"identifier", "this"}:
            segments.append(_text(current))
            shown.append(_text(current))
            current = None
        elif kind in _WRAPPERS and _unwrap(current):
            current = _unwrap(current)[0]
        else:
            if kind not in _LITERALS:
                pending.append(current)
            segments.append("")
            shown.append("(...)")
            current = None
    reference = classify_chain(segments[::-1])
    return (reference, "".join(shown[::-1])) if reference else None, pending
