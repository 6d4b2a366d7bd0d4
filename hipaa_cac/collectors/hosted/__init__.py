"""Settings of hosted git services (GitHub, GitLab) read from their REST APIs.

The git collector calls these for evidence kind `git.hosted_settings`:

    client = ApiClient.github(token)          # or ApiClient.gitlab(token, base_url)
    settings = github_settings(client, "acme/billing-api")
    yield Observation(KIND, f"git:github.com/{settings.data['repository']}", settings.data)
    for gap in settings.gaps:
        yield Gap(KIND, gap)

The HTTP client (auth, pagination, retries, rate limits, errors that never
contain the token) is collectors/http_client.py, shared with other
collectors; model.py is the shared shape; github.py and gitlab.py map each
host's API onto it.
"""

from hipaa_cac.collectors.hosted.github import github_settings
from hipaa_cac.collectors.hosted.gitlab import gitlab_settings
from hipaa_cac.collectors.hosted.model import KIND, HostedSettings
from hipaa_cac.collectors.http_client import (
    GITHUB_API,
    GITLAB_API,
    ApiClient,
    ApiError,
    ApiResponse,
    RateLimitError,
)

__all__ = [
    "GITHUB_API",
    "GITLAB_API",
    "KIND",
    "ApiClient",
    "ApiError",
    "ApiResponse",
    "HostedSettings",
    "RateLimitError",
    "github_settings",
    "gitlab_settings",
]
