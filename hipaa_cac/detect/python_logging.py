"""PHI passed to logging calls in Python source (164.312(b), 164.502(b)).

Finds calls to `logging.*`, `logger.*`/`log.*`/`self.logger.*`/`app.logger.*`,
`logging.getLogger(...).*`, structlog (`log.info("event", ssn=...)`, `.bind()`),
`print` and `sys.stdout/stderr.write`, and reads every argument: positional,
keyword (its name and value), f-string parts, `%`/`.format()` operands and
`extra={...}` keys and values.

    logger.info("lookup %s", patient.ssn)        -> phi-log-field   ssn
    log.info("visit", **vars(patient))           -> phi-log-object  patient_record
    app.logger.debug(request.get_json())         -> phi-log-body    request_body

Not reported: string literals alone, ids (`patient.id`, `patient_id`), values
passed through a masking/hashing call (`mask(p.ssn)`, `sha256(...)`), booleans
(`patient is None`, `len(patient.conditions)`), the iterable of a comprehension
(`[p.id for p in patients]`). What counts as PHI is hipaa_cac.detect.phi_terms.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

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

_LOG_METHODS = words(
    "debug info warning warn error exception critical fatal log msg trace success bind new opt"
)
_LOGGER_WORDS = frozenset({"log", "logger", "logging", "structlog", "loguru"})
_LOGGER_FACTORIES = frozenset({"getlogger", "getchild"})
# Calls followed down a logger chain (`log.bind(...).info`); more is not a logger.
_MAX_HOPS = 8
_PRINTS = frozenset({"print", "pprint"})
# Keyword arguments that steer the call rather than carry data.
_CONTROL_KEYWORDS = frozenset(
    {"exc_info", "stack_info", "stacklevel", "file", "sep", "end", "flush", "level"}
)
# A found reference: (line, rule, category, what was logged as code).
_Hit = tuple[int, str, str, str]


def scan_python(path: str, source: str) -> list[Detection]:
    """Detections for PHI handed to logging calls in one Python file."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        # Null bytes or nesting too deep count too: the file was not checked. The
        # parser's own message can quote the source, so it is not passed on.
        line = (error.lineno if isinstance(error, SyntaxError) else None) or 1
        message = f"Python did not parse ({type(error).__name__}); its logging was not checked"
        return [Detection(path, line, "parse-error", "python", message)]
    calls: list[ast.Call] = []
    assigns: list[ast.Assign] = []
    for node in ast.walk(tree):  # one walk: it costs more than the parse
        if isinstance(node, ast.Call):
            calls.append(node)
        elif isinstance(node, ast.Assign):
            assigns.append(node)
    loggers = _logger_names(assigns)
    merged: dict[tuple[int, str, str], list[str]] = {}
    callers: dict[tuple[int, str, str], str] = {}
    for node in calls:
        hits = list(_call_hits(node)) if _is_log_call(node.func, loggers) else []
        if hits:
            caller = _show_callee(node.func)
            for line, rule, category, shown in hits:
                shown_list = merged.setdefault((line, rule, category), [])
                callers.setdefault((line, rule, category), caller)
                if shown not in shown_list:
                    shown_list.append(shown)
    return [
        Detection(path, *key, describe(callers[key], Reference(*key[1:]), shown))
        for key, shown in sorted(merged.items())
    ]


def _logger_names(assigns: list[ast.Assign]) -> frozenset[str]:
    """Names bound to a logger whatever they are called: `audit = logging.getLogger("audit")`."""
    names: set[str] = set()
    for node in assigns:
        if _is_logger(node.value, frozenset()):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    names.add(target.id)
                elif isinstance(target, ast.Attribute):
                    names.add(target.attr)
    return frozenset(names)


def _is_log_call(func: ast.expr, loggers: frozenset[str]) -> bool:
    if isinstance(func, ast.Name):
        return func.id in _PRINTS
    if not isinstance(func, ast.Attribute):
        return False
    if func.attr == "write":  # sys.stdout.write / sys.stderr.write
        target = func.value
        return (
            isinstance(target, ast.Attribute)
            and target.attr in {"stdout", "stderr"}
            and isinstance(target.value, ast.Name)
            and target.value.id == "sys"
        )
    return func.attr in _LOG_METHODS and _is_logger(func.value, loggers)


def _is_logger(node: ast.expr, loggers: frozenset[str]) -> bool:
    """`logger`, `self.log`, `app.logger`, `logging`, `logging.getLogger(...)`, `log.bind(...)`."""
    # A bounded loop: every call in `log.bind().bind()...` asks this again.
    for _hop in range(_MAX_HOPS):
        if not isinstance(node, ast.Call):
            break
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        if "".join(tokens(name)) in _LOGGER_FACTORIES:
            return True
        if not (isinstance(func, ast.Attribute) and func.attr in _LOG_METHODS):
            return False
        node = func.value
    if isinstance(node, ast.Name | ast.Attribute):
        name = node.id if isinstance(node, ast.Name) else node.attr
        parts = tokens(name)
        return name in loggers or (bool(parts) and parts[-1] in _LOGGER_WORDS)
    return False


def _show_callee(func: ast.expr) -> str:
    shown: list[str] = []
    current: ast.expr | None = func
    while current is not None:
        if isinstance(current, ast.Attribute):
            shown.append(f".{current.attr}")
            current = current.value
        elif isinstance(current, ast.Call):
            shown.append("(...)")
            current = current.func
        else:
            shown.append(current.id if isinstance(current, ast.Name) else "(...)")
            current = None
    return "".join(reversed(shown))


def _call_hits(call: ast.Call) -> Iterator[_Hit]:
    yield from _expression_hits(list(call.args))
    for keyword in call.keywords:
        if keyword.arg in _CONTROL_KEYWORDS:
            continue
        if keyword.arg is not None and _carries_value(keyword.value):
            reference = classify_key(keyword.arg)
            if reference:
                yield (keyword.lineno, *reference, f"{keyword.arg}=")
        yield from _expression_hits([keyword.value])


def _carries_value(node: ast.expr) -> bool:
    """False for literals and sanitized values, which a field name cannot make PHI."""
    if isinstance(node, ast.Constant):
        return False
    if isinstance(node, ast.Call):
        return not is_sanitizer(_callee_name(node.func))
    return True


def _callee_name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else ""


def _expression_hits(roots: list[ast.expr]) -> Iterator[_Hit]:
    # An explicit stack: a long `a + b + c ...` chain must not hit the recursion limit.
    stack = list(reversed(roots))
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name | ast.Attribute | ast.Subscript) or (
            isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        ):
            found, pending = _chain(node)
            if found:
                yield (node.lineno, *found[0], found[1])
            stack.extend(reversed(pending))
        elif isinstance(node, ast.Call):
            if not is_sanitizer(_callee_name(node.func)):
                stack.extend(reversed([*node.args, *(k.value for k in node.keywords)]))
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    reference = classify_key(key.value)
                    if reference and _carries_value(value):
                        yield (key.lineno, *reference, display_key(key.value)[1:-1] + ":")
                stack.append(value)
        else:
            stack.extend(reversed(_children(node)))


def _children(node: ast.expr) -> list[ast.expr]:
    """Sub-expressions whose value ends up in the log line."""
    if isinstance(node, ast.JoinedStr):
        return node.values
    if isinstance(node, ast.FormattedValue | ast.Starred | ast.Await | ast.NamedExpr):
        return [node.value]
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, ast.BoolOp):
        return node.values
    if isinstance(node, ast.IfExp):
        return [node.body, node.orelse]
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return node.elts
    if isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp):
        return [node.elt]
    if isinstance(node, ast.DictComp):
        return [node.key, node.value]
    # Constants, comparisons, unary operators and lambdas carry no field of their own.
    return []


def _chain(node: ast.expr) -> tuple[tuple[Reference, str] | None, list[ast.expr]]:
    """Classify `a.b["c"].d()` as one access path; return what it exposes and the
    sub-expressions still to read (call arguments, a non-name base)."""
    segments: list[str] = []
    shown: list[str] = []
    pending: list[ast.expr] = []
    current: ast.expr | None = node
    while current is not None:
        if isinstance(current, ast.Attribute):
            segments.append(current.attr)
            shown.append(f".{current.attr}")
            current = current.value
        elif isinstance(current, ast.Subscript):
            key = current.slice
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                segments.append(key.value)
                shown.append(display_key(key.value))
            else:
                shown.append("[...]")
            current = current.value
        elif isinstance(current, ast.Call) and isinstance(current.func, ast.Attribute):
            method = current.func.attr
            if is_sanitizer(method):
                return None, []
            first = current.args[0] if current.args else None
            if method == "get" and isinstance(first, ast.Constant) and isinstance(first.value, str):
                segments.append(first.value)
                shown.append(f".get({display_key(first.value)[1:-1]})")
            else:
                segments.append(method)
                shown.append(f".{method}()")
                pending.extend([*current.args, *(k.value for k in current.keywords)])
            current = current.func.value
        elif isinstance(current, ast.Name):
            segments.append(current.id)
            shown.append(current.id)
            current = None
        else:
            if isinstance(current, ast.Call) and is_sanitizer(_callee_name(current.func)):
                return None, []
            if not isinstance(current, ast.Constant):
                pending.append(current)
            segments.append("")
            shown.append("(...)")
            current = None
    reference = classify_chain(segments[::-1])
    return (reference, "".join(shown[::-1])) if reference else None, pending
