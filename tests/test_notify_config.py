"""The `notify:` section of hipaa-cac.yaml: targets, defaults, and errors at file:line."""

from __future__ import annotations

import copy
import json
from importlib import resources
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from hipaa_cac.errors import InputError
from hipaa_cac.notify import (
    CONFIG_SCHEMA,
    GitHubIssueTarget,
    SlackTarget,
    Target,
    WebhookTarget,
    load_targets,
)
from hipaa_cac.yamlfile import parse_yaml

VALID = """\
version: 1
notify:
  - type: webhook
    url: https://hooks.example.com/hipaa
    headers: {X-Token: "${HOOK_TOKEN}", X-Source: hipaa-cac}
  - type: slack
    url_env: SLACK_WEBHOOK_URL
  - type: webhook
    url_env: RELAY_URL
  - type: github_issue
    repository: acme-health/compliance
  - type: github_issue
    repository: acme-health/infra
    token_env: GHES_TOKEN
    api_url: https://ghe.acme.example/api/v3/
    labels: [hipaa-cac, risk]
"""


def load(text: str) -> tuple[Target, ...]:
    document = parse_yaml(text, Path("hipaa-cac.yaml"))
    return load_targets(document.data.get("notify"), document.line_of)


def test_targets_with_their_defaults() -> None:
    assert load(VALID) == (
        WebhookTarget(
            url="https://hooks.example.com/hipaa",
            url_env=None,
            headers=(("X-Source", "hipaa-cac"), ("X-Token", "${HOOK_TOKEN}")),
            line=3,
        ),
        SlackTarget(url=None, url_env="SLACK_WEBHOOK_URL", line=6),
        WebhookTarget(url=None, url_env="RELAY_URL", line=8),
        GitHubIssueTarget(
            repository="acme-health/compliance",
            token_env="GITHUB_TOKEN",
            api_url="https://api.github.com",
            labels=("hipaa-cac",),
            line=10,
        ),
        GitHubIssueTarget(
            repository="acme-health/infra",
            token_env="GHES_TOKEN",
            api_url="https://ghe.acme.example/api/v3",
            labels=("hipaa-cac", "risk"),
            line=12,
        ),
    )


def test_no_notify_section_is_no_targets() -> None:
    assert load("version: 1\n") == ()


@pytest.mark.parametrize(
    ("entry", "where", "message"),
    [
        ("- type: email\n    to: x@example.com", 3, "notify/0/type: 'email' is not one of"),
        ("- type: slack\n    url_env: SLACK\n    channel: '#x'", 3, "notify/0: Additional"),
        (
            "- type: github_issue\n    labels: [a]",
            3,
            "notify/0: 'repository' is a required property",
        ),
        ("- type: github_issue\n    repository: just-a-name", 4, "notify/0/repository:"),
        ("- type: github_issue\n    repository: a/b\n    labels: []", 5, "notify/0/labels:"),
        ("- type: slack\n    url_env: 1BAD", 4, "notify/0/url_env: '1BAD' does not match"),
        ("- type: slack", 3, "notify/0: give one of url and url_env"),
        (
            "- type: webhook\n    url: https://a.example/x\n    url_env: HOOK",
            3,
            "notify/0: give one of url and url_env, not both",
        ),
        (
            "- type: webhook\n    url: http://hooks.example.com/x",
            4,
            "notify/0/url: http://hooks.example.com/… must be https://",
        ),
        (
            "- type: slack\n    url: https://hooks.slack.com/services/T0/B0/sekrit",
            4,
            "notify/0/url: a Slack webhook URL is a secret",
        ),
        (
            "- type: webhook\n    url: https://h.example/x?token=abc123def456",
            4,
            "notify/0/url: the URL holds a credential",
        ),
        (
            "- type: webhook\n    url: ftp://user:pw@h.example?x=1",
            4,
            "notify/0/url: ftp://h.example/… is not an https:// URL",
        ),
        (
            "- type: webhook\n    url: https://user:pw@h.example/x",
            4,
            "notify/0/url: the URL holds a credential",
        ),
        (
            "- type: webhook\n    url: https://h.example/x\n    headers:\n"
            "      Authorization: Bearer literal-token",
            6,
            "notify/0/headers/Authorization: holds a credential: take it from the environment",
        ),
        (
            "- type: webhook\n    url: https://h.example/x\n    headers: {X-Sig: '${oops'}",
            5,
            "notify/0/headers/X-Sig: write an environment variable as ${NAME}",
        ),
        (
            "- type: webhook\n    url: https://h.example/x\n    headers: {Content-Type: text/x}",
            5,
            "notify/0/headers/Content-Type: is set by hipaa-cac",
        ),
        (
            "- type: github_issue\n    repository: a/b\n    api_url: ftp://ghe.example",
            5,
            "notify/0/api_url: ftp://ghe.example is not an https:// URL",
        ),
    ],
)
def test_bad_targets_are_located(entry: str, where: int, message: str) -> None:
    text = f"version: 1\nnotify:\n  {entry}\n"
    with pytest.raises(InputError) as caught:
        load(text)
    assert (caught.value.file, caught.value.line) == ("hipaa-cac.yaml", where)
    assert caught.value.message.startswith(message), caught.value.message
    for secret in ("sekrit", "abc123def456", "literal-token", ":pw@"):
        assert secret not in str(caught.value)


def test_second_entry_errors_name_its_index_and_line() -> None:
    text = VALID + "  - type: slack\n    url: http://10.0.0.5/relay\n"
    with pytest.raises(InputError) as caught:
        load(text)
    assert str(caught.value).startswith("hipaa-cac.yaml:18: notify/5/url: http://10.0.0.5/…")


def test_plain_http_is_allowed_to_this_machine_only() -> None:
    [target] = load("version: 1\nnotify:\n  - {type: webhook, url: 'http://127.0.0.1:8080/x'}\n")
    assert isinstance(target, WebhookTarget) and target.url == "http://127.0.0.1:8080/x"


def test_fragment_fits_config_schema() -> None:
    """What the lead pastes into config.schema.json accepts VALID and rejects a bad type."""
    text = resources.files("hipaa_cac.schemas").joinpath("config.schema.json").read_text()
    schema = json.loads(text)
    merged = copy.deepcopy(schema)
    merged["properties"]["notify"] = CONFIG_SCHEMA
    Draft202012Validator.check_schema(merged)
    validator = Draft202012Validator(merged)
    document = parse_yaml(VALID, Path("hipaa-cac.yaml"))
    assert list(validator.iter_errors(document.data)) == []
    bad = {"version": 1, "notify": [{"type": "slack", "url_env": "X", "repository": "a/b"}]}
    assert [e.message for e in validator.iter_errors(bad)] != []


def test_config_schema_accepts_every_valid_target() -> None:
    """config.schema.json is checked before load_targets: it must not refuse what it accepts."""
    validator = Draft202012Validator(
        json.loads(resources.files("hipaa_cac.schemas").joinpath("config.schema.json").read_text())
    )
    document = parse_yaml(VALID, Path("hipaa-cac.yaml"))
    assert list(validator.iter_errors(document.data)) == []
