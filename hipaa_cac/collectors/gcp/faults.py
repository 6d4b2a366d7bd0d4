"""Turn Google API failures into evidence gaps a person can act on.

    HTTP 403 (PERMISSION_DENIED) on storage.buckets.getIamPolicy for bucket scans
    in project acme-prod: grant storage.buckets.getIamPolicy
    (it is in hipaa_cac/collectors/gcp/role.json)

Only the status, Google's machine-readable reason and where it happened: never
the request, the credentials or the API's free-text message (which can quote
resource names and principals we did not ask to record).
"""

from __future__ import annotations

import json
import socket
from typing import Any

from google.auth import exceptions as auth_errors
from googleapiclient.errors import HttpError

ROLE = "hipaa_cac/collectors/gcp/role.json"
# google.rpc.ErrorInfo reasons (and the older "errors[].reason") meaning the
# API is off in the project: granting a permission would not help.
DISABLED = {"SERVICE_DISABLED", "accessNotConfigured", "API_DISABLED"}


class GcpCallError(Exception):
    """A Google API call failed for good (after retries); `str()` is the gap message."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def describe(exc: BaseException, method: str, permission: str | None, where: str) -> str:
    """One line for a Gap. `method` is the API method id (storage.buckets.list)."""
    if isinstance(exc, GcpCallError):
        return str(exc)
    if isinstance(exc, HttpError):
        return _http(exc, method, permission, where)
    if isinstance(exc, auth_errors.RefreshError):
        return f"could not get an access token for {where}: {_oauth_error(exc)}"
    if isinstance(exc, auth_errors.DefaultCredentialsError):
        return (
            "no Google credentials found: set credentials_file or configure "
            "Application Default Credentials"
        )
    if isinstance(exc, auth_errors.GoogleAuthError):
        return f"{exc.__class__.__name__} while authenticating for {where}"
    if isinstance(exc, socket.timeout | TimeoutError):
        return f"timed out on {method} for {where}"
    if isinstance(exc, OSError):
        return f"cannot reach the API for {method} for {where}: {exc.__class__.__name__}"
    return f"{exc.__class__.__name__} on {method} for {where}"


def _http(exc: HttpError, method: str, permission: str | None, where: str) -> str:
    status = int(exc.resp.status)
    code, reasons = _error_fields(exc.content)
    head = f"HTTP {status}" + (f" ({code})" if code else "") + f" on {method} for {where}"
    api = method.split(".", 1)[0]
    if reasons & DISABLED:
        return f"{head}: the {api}.googleapis.com API is not enabled in the project"
    if status == 401:
        return f"{head}: the credentials were rejected (expired, revoked or for another universe)"
    if status == 403 and permission:
        return f"{head}: grant {permission} (it is in {ROLE})"
    if status == 404:
        return f"{head}: not found, or not visible to these credentials"
    if status == 429:
        return f"{head}: still rate limited after retries"
    return head


def _error_fields(content: bytes | str | None) -> tuple[str | None, set[str]]:
    """Google's error body: {"error": {"status": "PERMISSION_DENIED",
    "errors": [{"reason": "forbidden"}], "details": [{"reason": "SERVICE_DISABLED"}]}}."""
    try:
        body = json.loads(content or b"{}")
    except (ValueError, TypeError):
        return None, set()
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return None, set()
    reasons = {
        str(item["reason"])
        for key in ("errors", "details")
        for item in error.get(key) or []
        if isinstance(item, dict) and isinstance(item.get("reason"), str)
    }
    status = error.get("status")
    # A status is an upper-case enum; anything else is not quoted.
    code = status if isinstance(status, str) and status.replace("_", "").isupper() else None
    return code, reasons


def _oauth_error(exc: auth_errors.RefreshError) -> str:
    """The token endpoint's error code (`invalid_grant`), never its description."""
    details: Any = exc.args[1] if len(exc.args) > 1 else None
    if isinstance(details, dict) and isinstance(details.get("error"), str):
        error = details["error"]
        if error.replace("_", "").isalpha() and len(error) <= 40:
            return f"the token endpoint answered {error}"
    return "the token endpoint refused the credentials"
