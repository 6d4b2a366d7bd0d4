"""Notification targets, from the `notify:` list of hipaa-cac.yaml.

    notify:
      - type: webhook
        url: https://hooks.example.com/hipaa     # or url_env: HOOK_URL
        headers: {X-Token: "${HOOK_TOKEN}"}      # ${VAR} from the environment at send time
      - type: slack
        url_env: SLACK_WEBHOOK_URL               # an incoming-webhook URL is itself a secret
      - type: github_issue
        repository: acme-health/compliance
        token_env: GITHUB_TOKEN                  # default
        api_url: https://api.github.com          # default; GHES: https://<host>/api/v3
        labels: [hipaa-cac]                      # default; issues are found again by these

`load_targets(data.get("notify"), document.line_of)` checks the list against
`SCHEMA` and then what a schema cannot say, each error as
`hipaa-cac.yaml:<line>: notify/<i>/<key>: …` (InputError, exit 2):

- exactly one of `url` and `url_env`;
- a `url` is https:// (plain http only to localhost), holds no credential (user
  info, a token in the query) and is not a Slack webhook (hooks.slack.com/…
  is a secret: `url_env`);
- a header whose name says credential (Authorization, X-Api-Key, X-Token…)
  takes its value from `${VAR}`, so secrets stay out of the repository;
- every `${` is a well-formed `${NAME}`.

Environment variables are read when a notice is sent, not here: a missing
one is that target's failed Delivery, not a broken config.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import urlsplit

from hipaa_cac import schemas
from hipaa_cac.collectors.http_client import GITHUB_API
from hipaa_cac.errors import InputError
from hipaa_cac.notify.transport import dangling, destination, references, url_problem
from hipaa_cac.redact import is_secret_key, redact

CONFIG_FILE = "hipaa-cac.yaml"
LineOf = Callable[[list[str | int]], int | None]

_ENV_NAME = {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"}
# No pattern: a schema error would echo the value, and a URL may hold a secret;
# _check_url says what is wrong without repeating more than scheme and host.
_URL = {"type": "string", "minLength": 1}
_HEADER_NAME = "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$"  # an RFC 9110 token
_RESERVED_HEADERS = frozenset({"content-type", "content-length", "host", "user-agent"})


def _when(kind: str, then: dict[str, Any]) -> dict[str, Any]:
    return {
        "if": {"required": ["type"], "properties": {"type": {"const": kind}}},
        "then": {"additionalProperties": False, **then},
    }


# The fragment for config.schema.json's "properties": {"notify": …}.
SCHEMA: dict[str, Any] = {
    "description": "Where `hipaa-cac run` sends notices (docs/notifications.md).",
    "type": "array",
    "items": {
        "type": "object",
        "required": ["type"],
        "properties": {"type": {"enum": ["webhook", "slack", "github_issue"]}},
        "allOf": [
            _when(
                "webhook",
                {
                    "properties": {
                        "type": {},
                        "url": _URL,
                        "url_env": _ENV_NAME,
                        "headers": {
                            "type": "object",
                            "propertyNames": {"pattern": _HEADER_NAME},
                            "additionalProperties": {"type": "string"},
                        },
                    }
                },
            ),
            _when("slack", {"properties": {"type": {}, "url": _URL, "url_env": _ENV_NAME}}),
            _when(
                "github_issue",
                {
                    "required": ["repository"],
                    "properties": {
                        "type": {},
                        "repository": {
                            "type": "string",
                            "pattern": "^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$",
                        },
                        "token_env": _ENV_NAME,
                        "api_url": _URL,
                        "labels": {
                            "type": "array",
                            "items": {"type": "string", "minLength": 1, "pattern": "^[^,]+$"},
                            "minItems": 1,
                        },
                    },
                },
            ),
        ],
    },
}


@dataclass(frozen=True)
class WebhookTarget:
    """POST the notice's JSON. `headers` sorted by name; values may hold `${VAR}`."""

    url: str | None
    url_env: str | None
    headers: tuple[tuple[str, str], ...] = ()
    line: int | None = None
    type: ClassVar[str] = "webhook"


@dataclass(frozen=True)
class SlackTarget:
    """POST a Slack incoming-webhook message (text + blocks)."""

    url: str | None
    url_env: str | None
    line: int | None = None
    type: ClassVar[str] = "slack"


@dataclass(frozen=True)
class GitHubIssueTarget:
    """Open (or comment on) issues for risk updates and regressions."""

    repository: str
    token_env: str = "GITHUB_TOKEN"
    api_url: str = GITHUB_API
    labels: tuple[str, ...] = ("hipaa-cac",)
    line: int | None = None
    type: ClassVar[str] = "github_issue"


Target = WebhookTarget | SlackTarget | GitHubIssueTarget


def load_targets(
    section: Sequence[Any] | None, line_of: LineOf, file: str = CONFIG_FILE
) -> tuple[Target, ...]:
    """The `notify:` list as targets, in file order; None (no `notify:`) is none."""
    if section is None:
        return ()
    schemas.check_with(SCHEMA, section, file, line_of, at=("notify",))
    return tuple(_target(entry, index, line_of, file) for index, entry in enumerate(section))


def _target(entry: dict[str, Any], index: int, line_of: LineOf, file: str) -> Target:
    def fail(key: str | None, message: str, *deeper: str) -> InputError:
        path: list[str | int] = ["notify", index]
        if key:
            path += [key, *deeper]
        shown = "/".join(str(step) for step in path)
        return InputError(f"{shown}: {message}", file, line_of(path))

    line = line_of(["notify", index])
    if entry["type"] == "github_issue":
        api_url = entry.get("api_url", GITHUB_API).rstrip("/")
        _check_url(api_url, "api_url", fail)
        return GitHubIssueTarget(
            repository=entry["repository"],
            token_env=entry.get("token_env", "GITHUB_TOKEN"),
            api_url=api_url,
            labels=tuple(entry.get("labels", ["hipaa-cac"])),
            line=line,
        )
    url, url_env = entry.get("url"), entry.get("url_env")
    if (url is None) == (url_env is None):
        raise fail(None, "give one of url and url_env" + (", not both" if url else ""))
    if url is not None:
        host = (urlsplit(url).hostname or "").lower()
        if host == "hooks.slack.com" or host.endswith(".hooks.slack.com"):
            raise fail(
                "url",
                "a Slack webhook URL is a secret: put it in an environment variable "
                "and name that variable with url_env",
            )
        _check_url(url, "url", fail)
    if entry["type"] == "slack":
        return SlackTarget(url=url, url_env=url_env, line=line)
    headers = entry.get("headers", {})
    for name, value in headers.items():
        if name.lower() in _RESERVED_HEADERS:
            raise fail("headers", "is set by hipaa-cac, not in config", name)
        if dangling(value):
            raise fail("headers", "write an environment variable as ${NAME}", name)
        if is_secret_key(name) and not references(value):
            message = 'holds a credential: take it from the environment, e.g. "${HOOK_TOKEN}"'
            raise fail("headers", message, name)
    return WebhookTarget(
        url=url, url_env=url_env, headers=tuple(sorted(headers.items())), line=line
    )


def _check_url(url: str, key: str, fail: Callable[[str | None, str], InputError]) -> None:
    problem = url_problem(url)
    if problem:
        raise fail(key, f"{_shown(url)} {problem}")
    parts = urlsplit(url)
    if parts.username is not None or parts.password is not None or redact(url) != url:
        raise fail(
            key,
            "the URL holds a credential: keep credentials in environment variables "
            "(url_env, a header's ${VAR}, token_env)",
        )


def _shown(url: str) -> str:
    # Enough to recognise the value without echoing a path that might be a secret.
    parts = urlsplit(url)
    rest = "/…" if parts.path.strip("/") or parts.query else ""
    return f"{parts.scheme}://{destination(url)}{rest}" if parts.scheme else "the URL"
