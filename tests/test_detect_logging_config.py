"""Body logging and production debug logging in configuration (hipaa_cac.detect.logging_config)."""

from __future__ import annotations

import pytest

from hipaa_cac.detect.logging_config import scan_logging_config

DEBUG = ("debug-logging-production", "log_level")
REQUEST = ("body-logging", "request_body")
RESPONSE = ("body-logging", "response_body")

DJANGO = """\
from .base import *  # noqa

DEBUG = True
LOG_LEVEL = "DEBUG"
LOGGING = {
    "version": 1,
    "root": {"level": "DEBUG", "handlers": ["console"]},
    "loggers": {"django.request": {"level": "INFO"}},
}
app.config["LOG_REQUEST_BODY"] = True
ALLOWED_HOSTS = ["api.example.com"]
"""

SPRING_YAML = """\
server:
  port: 8443
logging:
  level:
    root: DEBUG
    org.springframework.web: TRACE
    org.apache.http.wire: DEBUG
    com.example: INFO
spring:
  mvc:
    log-request-details: true
"""

HELM_VALUES = """\
replicas: 3
env:
  - name: LOG_LEVEL
    value: debug
  - name: LOG_RESPONSE_BODY
    value: "true"
  - name: TZ
    value: UTC
"""

COMPOSE = """\
services:
  api:
    environment:
      - LOG_LEVEL=trace
      - LOG_BODIES=1
"""

NGINX = """\
http {
    log_format body '$remote_addr - [$time_local] "$request" '
                    '$status "$request_body" '
                    '$resp_body';
    log_format main '$remote_addr "$request" $status';
    access_log /var/log/nginx/access.log body;
    error_log /var/log/nginx/error.log debug;
}
"""

EXPRESS = """\
const morgan = require("morgan");
const expressWinston = require("express-winston");
morgan.token("body", (req) => JSON.stringify(req.body));
app.use(morgan("dev"));
expressWinston.requestWhitelist.push("body");
expressWinston.responseWhitelist.push("body");
const pinoHttp = require("pino-http")({
  serializers: {
    req: (req) => ({ method: req.method, body: req.raw.body }),
  },
});
"""


@pytest.mark.parametrize(
    ("path", "text", "expected"),
    [
        ("settings/production.py", DJANGO, [(3, *DEBUG), (4, *DEBUG), (7, *DEBUG), (10, *REQUEST)]),
        ("settings/base.py", DJANGO, [(10, *REQUEST)]),
        ("settings/dev.py", DJANGO, []),
        (
            "src/main/resources/application-prod.yml",
            SPRING_YAML,
            [(5, *DEBUG), (6, *DEBUG), (7, *REQUEST), (11, *REQUEST)],
        ),
        ("src/main/resources/application.yml", SPRING_YAML, [(7, *REQUEST), (11, *REQUEST)]),
        (
            "application-prod.properties",
            "logging.level.root=INFO\nlogging.level.org.springframework.web=DEBUG\n"
            "spring.mvc.log-request-details=true\n",
            [(2, *DEBUG), (3, *REQUEST)],
        ),
        ("deploy/values-prod.yaml", HELM_VALUES, [(4, *DEBUG), (6, *RESPONSE)]),
        ("deploy/values.yaml", HELM_VALUES, [(6, *RESPONSE)]),
        ("live/docker-compose.yml", COMPOSE, [(4, *DEBUG), (5, *REQUEST)]),
        (
            ".env.production",
            "LOG_LEVEL=debug\nexport LOG_BODIES=true\n",
            [(1, *DEBUG), (2, *REQUEST)],
        ),
        (".env", "LOG_LEVEL=debug\nLOG_BODIES=true\n", [(2, *REQUEST)]),
        (".env.local", "LOG_LEVEL=debug\nLOG_BODIES=true\n", []),
        (
            "config/production.json",
            '{\n  "logLevel": "debug",\n  "http": {\n    "logRequestBody": true\n  }\n}\n',
            [(2, *DEBUG), (4, *REQUEST)],
        ),
        ("config/production.json", '{"logLevel": "info", "logRequestBody": false}', []),
        ("config/production.rb", "config.log_level = :debug\n", [(1, *DEBUG)]),
        (
            "app.ini",
            "[logging]\nlevel = debug\n[http]\nlog_request_body = yes\n",
            [(4, *REQUEST)],
        ),
        ("prod/app.ini", "[logging]\nlevel = debug\n", [(2, *DEBUG)]),
        ("prod/nginx.conf", NGINX, [(3, *REQUEST), (4, *RESPONSE), (7, *DEBUG)]),
        (
            "server/production.js",
            EXPRESS,
            [(3, *REQUEST), (4, *DEBUG), (5, *REQUEST), (6, *RESPONSE), (9, *REQUEST)],
        ),
        (
            "server/logging.js",
            EXPRESS,
            [(3, *REQUEST), (5, *REQUEST), (6, *RESPONSE), (9, *REQUEST)],
        ),
        # Broken YAML (a Helm template) is read line by line.
        (
            "helm/templates/prod-configmap.yaml",
            "data:\n  NAME: {{ .Values.name }}\n  LOG_LEVEL: debug\n  LOG_REQUEST_BODY: 'true'\n",
            [(3, *DEBUG), (4, *REQUEST)],
        ),
        # A comment is not a setting.
        ("prod.env", "# LOG_LEVEL=debug\n# LOG_BODIES=true\n", []),
    ],
)
def test_findings(path: str, text: str, expected: list[tuple[int, str, str]]) -> None:
    found = scan_logging_config(path, text)
    assert [(d.line, d.rule, d.category) for d in found] == expected
    assert all(d.path == path and d.fingerprint is None for d in found)


@pytest.mark.parametrize(
    ("path", "text"),
    [
        (
            "package.json",
            '{"scripts": {"debug": "node --inspect"}, "dependencies": {"debug": "^4"}}',
        ),
        ("tsconfig.prod.json", '{"compilerOptions": {"sourceMap": true, "strict": true}}'),
        ("config/production.yaml", "logging:\n  level: info\nlog_request_body: false\n"),
        ("config/production.yaml", "features:\n  level: debug\n"),  # not a logging level
        ("tests/config/production.yaml", "logging:\n  level: debug\nlog_request_body: true\n"),
        ("examples/prod/.env", "LOG_LEVEL=debug\nLOG_BODIES=1\n"),
        ("prod/nginx.conf", "log_format main '$remote_addr $request';\nerror_log e.log warn;\n"),
    ],
)
def test_quiet(path: str, text: str) -> None:
    assert scan_logging_config(path, text) == []


def test_messages_name_the_setting_not_other_values() -> None:
    text = 'logging:\n  level: debug\nsecret_token: "s3cr3t value"\nlogRequestBody: true\n'
    found = scan_logging_config("prod.yaml", text)
    assert [d.message for d in found] == [
        "logging.level sets the log level to debug/trace",
        "logRequestBody turns on request body logging",
    ]
    assert "s3cr3t" not in repr(found)
