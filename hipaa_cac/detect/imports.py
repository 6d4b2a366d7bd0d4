"""Modules a Python, JavaScript or TypeScript file imports, with their lines.

    imported_modules("app/errors.py", "import sentry_sdk\\nfrom ddtrace import tracer\\n")
    -> [(1, "sentry_sdk"), (2, "ddtrace")]

Python: `import a.b`, `from a.b import c` (relative imports are the
project's own and are skipped), read with `ast`; a file `ast` cannot parse
(Python 2, templates) is read line by line instead, so it still counts.
JavaScript/TypeScript, read with tree-sitter: `import ... from "m"`,
`import "m"`, `export ... from "m"`, `require("m")`, `import("m")` with a
literal argument, and TypeScript's `import x = require("m")`; comments and
strings that merely mention a module are not imports. Relative specifiers
(`./x`, `../x`, `/x`) are skipped.
"""

from __future__ import annotations

import ast
import re
from functools import cache

import tree_sitter_javascript
import tree_sitter_typescript
from tree_sitter import Language, Parser, Query, QueryCursor

_PYTHON_LINE = re.compile(r"^\s*(?:from\s+([A-Za-z_][\w.]*)\s+import\b|import\s+([\w., ]+))")
_JS_QUERY = """
(import_statement source: (string (string_fragment) @module))
(export_statement source: (string (string_fragment) @module))
(call_expression
  function: (identifier) @function
  arguments: (arguments . (string (string_fragment) @module))
  (#eq? @function "require"))
(call_expression
  function: (import)
  arguments: (arguments . (string (string_fragment) @module)))
"""
_TS_QUERY = "(import_require_clause source: (string (string_fragment) @module))"


def python_imports(source: str) -> list[tuple[int, str]]:
    """(line, module) for every absolute import, in file order."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return _python_lines(source)
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return sorted(found)


def _python_lines(source: str) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for number, line in enumerate(source.splitlines(), 1):
        match = _PYTHON_LINE.match(line)
        if match and match.group(1):
            found.append((number, match.group(1)))
        elif match:
            names = (part.split(" as ")[0].strip() for part in match.group(2).split(","))
            found += [(number, name) for name in names if name]
    return found


@cache
def _language(dialect: str) -> tuple[Language, Query]:
    if dialect == "tsx":
        language = Language(tree_sitter_typescript.language_tsx())
    elif dialect == "typescript":
        language = Language(tree_sitter_typescript.language_typescript())
    else:
        language = Language(tree_sitter_javascript.language())
    text = _JS_QUERY if dialect == "javascript" else _JS_QUERY + _TS_QUERY
    return language, Query(language, text)


def javascript_imports(source: str, dialect: str = "javascript") -> list[tuple[int, str]]:
    """(line, module) for every module a JS (`javascript`), `typescript` or
    `tsx` file loads by name; tree-sitter recovers from syntax errors, so the
    parts that parse still count."""
    language, query = _language(dialect)
    # A Parser and cursor per call: they are not safe to share between threads.
    tree = Parser(language).parse(source.encode("utf-8", "replace"))
    found: list[tuple[int, str]] = []
    for node in QueryCursor(query).captures(tree.root_node).get("module", []):
        module = (node.text or b"").decode("utf-8", "replace")
        if module and not module.startswith((".", "/")):
            found.append((node.start_point.row + 1, module))
    return sorted(found)
