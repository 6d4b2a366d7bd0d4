"""Configuration that logs request/response bodies or runs production at debug level.

Debug output and body logging write whole records, payloads and tracebacks
with local variables into logs (164.312(b), 164.502(b) minimum necessary).

Where a file applies (decided from its path only):
- test/dev files never fire: a path segment or file-name part is test(s),
  spec, dev, development, local, example(s), sample(s), fixture(s), mock(s),
  demo or e2e (`config/development.yaml`, `.env.local`, `tests/...`).
- debug level fires only in production files: a path segment or file-name part
  is prod, production, prd or live (`settings/production.py`,
  `config/production.json`, `application-prod.yml`, `.env.production`,
  `values-prod.yaml`, `deploy/prod/app.env`). A generic `.env` or `config.yaml`
  may be anyone's laptop, so debug there is not reported.
- body-logging switches fire in every file that is not test/dev: nobody turns
  them on by accident, and a generic file is often the one that ships.

Settings recognised (keys compared case- and separator-insensitively):
  debug-logging-production / log_level
    LOG_LEVEL / log_level / logLevel / logging_level / `level` under a log* key,
    `logging.level.<anything>` (Spring), `config.log_level = :debug` (Rails):
    debug, trace, verbose, silly or all.
    DEBUG / FLASK_DEBUG / APP_DEBUG = true/1/yes/on (Django, Flask, Laravel).
    nginx `error_log <file> debug;`; `morgan('dev')`.
  body-logging / request_body or response_body
    a truthy key naming log + body/bodies/payload (`log_request_body`,
    `logRequestBody`, `LOG_BODIES`, `logging.http.request.body`,
    `log_response_body` -> response_body), `spring.mvc.log-request-details`,
    `include_payload` / `setIncludePayload(true)` (Spring request-logging filter);
    `logging.level.<...wire...|...logbook...|...CommonsRequestLoggingFilter>` at
    debug/trace; nginx `log_format` using `$request_body` (`$resp_body`,
    `$response_body` -> response_body); express-winston
    `requestWhitelist`/`responseWhitelist` with 'body'; `morgan.token(...)`
    reading `req.body`; `body: req.body` in a file that configures pino/winston
    `serializers`.

YAML and JSON are read as documents (nested keys, Kubernetes `name`/`value`
env entries and compose `KEY=value` lists); Python settings through `ast`;
anything else, or a file that does not parse, line by line as `key = value` or
`key: value`. Lines are those of the value.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import PurePosixPath

import yaml

from hipaa_cac.detect import Detection
from hipaa_cac.detect.phi_terms import tokens, words

DEBUG_RULE = "debug-logging-production"
BODY_RULE = "body-logging"

_PRODUCTION = words("prod production prd live")
_NON_PRODUCTION = words(
    "test tests testing spec specs dev develop development local example examples sample "
    "samples fixture fixtures mock mocks demo e2e"
)
_DEBUG_LEVELS = words("debug trace verbose silly all")
_TRUE = words("true 1 yes on enabled y")
_LEVEL_KEYS = words("loglevel logginglevel")
_DEBUG_KEYS = words("debug flaskdebug appdebug djangodebug")
_WIRE_PACKAGES = ("wire", "logbook", "commonsrequestloggingfilter")
_LOG_WORDS = words("log logs logging logger loggers")
_BODY_WORDS = words("body bodies payload payloads")
_RESPONSE_WORDS = words("response responses resp res")

# Setting = (dotted key, value, line)
_Setting = tuple[str, str, int]
_LINE_SETTING = re.compile(
    r"""^\s*(?:export\s+|ENV\s+|set\s+|-\s+)?
    (?P<key>[A-Za-z_$][\w.$\-\[\]'"]*)\s*(?:=|:)\s*(?P<value>.*?)\s*[,;]?\s*$""",
    re.VERBOSE,
)
_SECTION = re.compile(r"^\s*\[+\s*([\w.\-]+)\s*\]+\s*$")
_COMMENT = re.compile(r"^\s*(?:#|;|//|<!--|\*)")
_LINE_PATTERNS: tuple[tuple[re.Pattern[str], str, str, str], ...] = (
    (
        re.compile(r"requestWhitelist\b.*['\"]body['\"]"),
        BODY_RULE,
        "request_body",
        "express-winston requestWhitelist includes the request body",
    ),
    (
        re.compile(r"responseWhitelist\b.*['\"]body['\"]"),
        BODY_RULE,
        "response_body",
        "express-winston responseWhitelist includes the response body",
    ),
    (
        re.compile(r"morgan\.token\(.*\b(?:req|request)\.(?:raw\.)?body\b"),
        BODY_RULE,
        "request_body",
        "a morgan token writes the request body",
    ),
    (
        re.compile(r"setIncludePayload\(\s*true\s*\)"),
        BODY_RULE,
        "request_body",
        "the Spring request-logging filter includes the payload",
    ),
)
_MORGAN_DEV = re.compile(r"\bmorgan\(\s*['\"]dev['\"]")
_NGINX_DEBUG = re.compile(r"^\s*error_log\s+\S+\s+debug\s*;")
_SERIALIZED_BODY = re.compile(r"\bbody\s*:\s*(req|request|res|response)(?:\.raw)?\.body\b")


def scan_logging_config(path: str, text: str) -> list[Detection]:
    """Detections for body logging anywhere and debug logging in production files."""
    parts = _path_words(path)
    if parts & _NON_PRODUCTION:
        return []
    production = bool(parts & _PRODUCTION)
    found: dict[tuple[int, str, str], Detection] = {}
    hits = [*_setting_hits(_settings(path, text)), *_text_hits(path, text)]
    for line, rule, category, message in hits:
        if rule == DEBUG_RULE and not production:
            continue
        found.setdefault((line, rule, category), Detection(path, line, rule, category, message))
    return [found[key] for key in sorted(found)]


def _path_words(path: str) -> set[str]:
    return {word for segment in PurePosixPath(path).parts for word in tokens(segment)}


def _normal(value: str) -> str:
    value = re.split(r"\s+(?:#|//)", value, maxsplit=1)[0].strip().strip("'\"`").lower()
    return value.lstrip(":")  # Ruby symbols: :debug


def _setting_hits(settings: Iterator[_Setting]) -> Iterator[tuple[int, str, str, str]]:
    for key, raw, line in settings:
        parts = [p for p in re.split(r"[.\[\]'\"]+", key) if p]
        if not parts:
            continue
        compact = ["".join(tokens(p)) for p in parts]
        key_words = {w for p in parts for w in tokens(p)}
        value = _normal(raw)
        spring_level = len(compact) > 2 and compact[:2] == ["logging", "level"]
        if (
            spring_level
            and value in _DEBUG_LEVELS
            and any(package in "".join(compact[2:]) for package in _WIRE_PACKAGES)
        ):
            yield line, BODY_RULE, "request_body", f"{key} logs HTTP wire traffic with bodies"
        elif value in _TRUE and (
            (key_words & _LOG_WORDS and key_words & _BODY_WORDS)
            or "logrequestdetails" in compact[-1]
            or compact[-1] == "includepayload"
        ):
            body = "response_body" if key_words & _RESPONSE_WORDS else "request_body"
            yield line, BODY_RULE, body, f"{key} turns on {body.replace('_', ' ')} logging"
        elif value in _DEBUG_LEVELS and (
            spring_level
            or compact[-1] in _LEVEL_KEYS
            or (compact[-1] == "level" and any(w in _LOG_WORDS for w in key_words))
        ):
            yield line, DEBUG_RULE, "log_level", f"{key} sets the log level to debug/trace"
        elif value in _TRUE and compact[-1] in _DEBUG_KEYS:
            yield line, DEBUG_RULE, "log_level", f"{key} turns on debug mode"


def _text_hits(path: str, text: str) -> Iterator[tuple[int, str, str, str]]:
    serializers = "serializers" in text
    in_log_format = False
    for number, line in enumerate(text.splitlines(), 1):
        for pattern, rule, category, message in _LINE_PATTERNS:
            if pattern.search(line):
                yield number, rule, category, message
        if _MORGAN_DEV.search(line):
            yield number, DEBUG_RULE, "log_level", "morgan('dev') request logging"
        if _NGINX_DEBUG.search(line):
            yield number, DEBUG_RULE, "log_level", "nginx error_log at debug level"
        match = _SERIALIZED_BODY.search(line) if serializers else None
        if match:
            body = "response_body" if match.group(1).startswith("res") else "request_body"
            yield number, BODY_RULE, body, f"a log serializer writes the {body.replace('_', ' ')}"
        # nginx: a log_format runs until its `;`, over several lines.
        in_log_format = in_log_format or bool(re.match(r"\s*log_format\b", line))
        if in_log_format:
            if "$request_body" in line:
                yield number, BODY_RULE, "request_body", "nginx log_format writes $request_body"
            if "$resp_body" in line or "$response_body" in line:
                yield number, BODY_RULE, "response_body", "nginx log_format writes the response"
            in_log_format = ";" not in line


def _settings(path: str, text: str) -> Iterator[_Setting]:
    suffix = PurePosixPath(path).suffix.lower()
    try:
        if suffix in {".yaml", ".yml", ".json"}:
            return iter(list(_yaml_settings(text)))
        if suffix == ".py":
            return iter(list(_python_settings(text)))
    except (yaml.YAMLError, SyntaxError, ValueError, RecursionError):
        pass  # a template or a broken file: read it line by line instead
    return _line_settings(text)


def _yaml_settings(text: str) -> Iterator[_Setting]:
    for document in yaml.compose_all(text, Loader=yaml.SafeLoader):
        if document is not None:
            yield from _yaml_node(document, "")


def _yaml_node(node: yaml.Node, prefix: str) -> Iterator[_Setting]:
    if isinstance(node, yaml.ScalarNode):
        if prefix:
            yield prefix, str(node.value), node.start_mark.line + 1
        elif "=" in str(node.value):  # compose `environment: [KEY=value]`
            key, _, value = str(node.value).partition("=")
            yield key.strip(), value, node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _yaml_node(item, "" if isinstance(item, yaml.ScalarNode) else prefix)
    elif isinstance(node, yaml.MappingNode):
        pairs = {str(k.value): v for k, v in node.value if isinstance(k, yaml.ScalarNode)}
        env_name, env_value = pairs.get("name"), pairs.get("value")
        if isinstance(env_name, yaml.ScalarNode) and isinstance(env_value, yaml.ScalarNode):
            # Kubernetes env entry: {name: LOG_LEVEL, value: debug}
            yield str(env_name.value), str(env_value.value), env_value.start_mark.line + 1
        for key, child in pairs.items():
            yield from _yaml_node(child, f"{prefix}.{key}" if prefix else key)


def _python_settings(text: str) -> Iterator[_Setting]:
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        for target in targets:
            key = _python_key(target)
            if key:
                yield from _python_value(key, value)


def _python_key(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _python_key(node.value)
        return f"{base}.{node.attr}" if base else node.attr
    key = node.slice if isinstance(node, ast.Subscript) else None
    if isinstance(node, ast.Subscript) and isinstance(key, ast.Constant):
        if not isinstance(key.value, str):
            return None
        base = _python_key(node.value)
        return f"{base}.{key.value}" if base else key.value
    return None


def _python_value(key: str, node: ast.expr) -> Iterator[_Setting]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str | bool | int):
        yield key, str(node.value), node.lineno
    elif isinstance(node, ast.Dict):
        for child_key, child in zip(node.keys, node.values, strict=True):
            if isinstance(child_key, ast.Constant) and isinstance(child_key.value, str):
                yield from _python_value(f"{key}.{child_key.value}", child)


def _line_settings(text: str) -> Iterator[_Setting]:
    section = ""
    for number, line in enumerate(text.splitlines(), 1):
        if _COMMENT.match(line):
            continue
        header = _SECTION.match(line)
        if header:
            section = header.group(1)
            continue
        match = _LINE_SETTING.match(line)
        if match:
            key = match.group("key").strip("'\"")
            yield (f"{section}.{key}" if section else key), match.group("value"), number
