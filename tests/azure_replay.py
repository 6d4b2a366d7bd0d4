"""Replaying Azure over HTTPS: Entra's token endpoint and ARM answers (Azure collector tests).

    with AzureReplay(FIXTURES / "planted.json", tls=certificate_files()) as server:
        records = collect(server, {...})

- HTTPS because azure-core will not send a bearer token over plain HTTP;
  clients trust tests/tls_cert.py's CA through the collector's `ca_bundle`.
- "{base}" in bodies becomes the server's URL too: ARM puts `nextLink` in the
  body, and Entra's OpenID configuration names the token endpoint.
- `token_exchanges()` are the two requests azure-identity's real
  ClientSecretCredential makes against authority https://127.0.0.1:<port>
  (instance discovery off): the tenant's OpenID configuration, then the
  client-credentials POST. The access token is an unsigned JWT whose claims
  Azurite's "basic" OAuth accepts (issuer sts.windows.net, audience
  storage), so one token serves ARM replays and the Azurite data plane.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

from http_replay import ReplayServer

TENANT = "72f988bf-0000-4000-8000-00000000a7e0"
CLIENT_ID = "5b0c9e1f-0000-4000-8000-0000000000c1"
CLIENT_SECRET = "test-azure-client-secret-Zq8~Vv2"


def _segment(value: Mapping[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


# Valid 2020-01-01 to 2100-01-01; the signature is not checked by Azurite's basic mode.
ACCESS_TOKEN = ".".join(
    (
        _segment({"alg": "RS256", "typ": "JWT"}),
        _segment(
            {
                "aud": "https://storage.azure.com",
                "iss": f"https://sts.windows.net/{TENANT}/",
                "iat": 1577836800,
                "nbf": 1577836800,
                "exp": 4102444800,
                "tid": TENANT,
            }
        ),
        "dGVzdC1zaWduYXR1cmUtbm90LWNoZWNrZWQ",
    )
)


def token_exchanges(tokens: int = 1) -> list[dict[str, Any]]:
    """OpenID configuration once, then `tokens` client-credentials grants (one per scope)."""
    openid = {
        "request": {"path": f"/{TENANT}/v2.0/.well-known/openid-configuration"},
        "response": {
            "status": 200,
            "body": {
                "token_endpoint": f"{{base}}/{TENANT}/oauth2/v2.0/token",
                "authorization_endpoint": f"{{base}}/{TENANT}/oauth2/v2.0/authorize",
                "issuer": f"{{base}}/{TENANT}/v2.0",
            },
        },
    }
    grant = {
        "request": {"method": "POST", "path": f"/{TENANT}/oauth2/v2.0/token"},
        "response": {
            "status": 200,
            "body": {"token_type": "Bearer", "expires_in": 3599, "access_token": ACCESS_TOKEN},
        },
    }
    return [openid, *([grant] * tokens)]


class AzureReplay(ReplayServer):
    def _render(self, response: Mapping[str, Any]) -> tuple[int, dict[str, str], bytes]:
        body = json.loads(json.dumps(response.get("body")).replace("{base}", self.url))
        return super()._render({**response, "body": body})
