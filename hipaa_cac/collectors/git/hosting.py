"""The hosted side of a repository (GitHub or GitLab): branch protection,
secret scanning, Dependabot. Needs a token; without one the kind is recorded
as not collected, so controls that depend on it cannot pass."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from typing import Any

from hipaa_cac.collectors.base import Gap, Observation, Record
from hipaa_cac.collectors.hosted import (
    GITHUB_API,
    GITLAB_API,
    KIND,
    ApiClient,
    ApiError,
    github_settings,
    gitlab_settings,
)

HOSTED = KIND


def hosted_settings(config: Mapping[str, Any], subject: str) -> Iterator[Record]:
    if "github" in config:
        host, section, name_key = "GitHub", config["github"], "repository"
        token_env, default_url = "GITHUB_TOKEN", GITHUB_API
    elif "gitlab" in config:
        host, section, name_key = "GitLab", config["gitlab"], "project"
        token_env, default_url = "GITLAB_TOKEN", GITLAB_API
    else:
        yield Gap(
            HOSTED,
            f"{subject}: no 'github' or 'gitlab' section in the source config, so branch "
            "protection, secret scanning and dependency alerts are not shown",
        )
        return
    token_env = section.get("token_env", token_env)
    token = os.environ.get(token_env)
    if not token:
        yield Gap(HOSTED, f"{host} token not set: export {token_env} (read-only access suffices)")
        return
    name = section[name_key]
    base_url = section.get("api_url", default_url)
    make = ApiClient.github if host == "GitHub" else ApiClient.gitlab
    read = github_settings if host == "GitHub" else gitlab_settings
    try:
        with make(token, base_url) as client:
            settings = read(client, name)
    except ApiError as exc:
        yield Gap(HOSTED, f"{host} {name}: {exc}")
        return
    yield Observation(HOSTED, f"{host.lower()}:{name}", settings.data)
    for gap in settings.gaps:
        yield Gap(HOSTED, f"{host} {name}: {gap}")
