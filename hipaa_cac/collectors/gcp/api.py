"""Every Google API call the collector makes, and the permission each needs.

    api = GcpApi(credentials, endpoints={"storage": "http://127.0.0.1:8080"})
    bucket_policy = api.call("storage", "buckets.getIamPolicy", {"bucket": "scans"}, where)
    for bucket in api.pages("storage", "buckets.list", "items", {"project": "acme"}, where):
        ...

Clients come from google-api-python-client's bundled discovery documents (no
discovery fetch at run time), over HTTP/1.1 with google-auth: the same code
path in tests (replayed HTTP) as against Google. PERMISSIONS is the single
list of calls; role.json must grant exactly its values (a test keeps them
equal), and gap messages name them.

Retries are ours, not the library's (its backoff ignores Retry-After): 429
and 5xx are retried up to MAX_RETRIES times, waiting Retry-After when given,
never longer than `max_wait` seconds in all; then the call fails.
"""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import google_auth_httplib2
import httplib2
from google.auth import exceptions as auth_errors
from google.auth.credentials import Credentials
from googleapiclient import discovery
from googleapiclient.discovery_cache import get_static_doc
from googleapiclient.errors import HttpError

from hipaa_cac.collectors.gcp.faults import GcpCallError, describe

Sleep = Callable[[float], None]

# One scope for everything: some methods (iam, sqladmin, orgpolicy) accept no
# read-only scope. What the collector may do is decided by the role, not the scope.
SCOPES = ("https://www.googleapis.com/auth/cloud-platform",)
VERSIONS = {
    "cloudkms": "v1",
    "cloudresourcemanager": "v3",
    "compute": "v1",
    "iam": "v1",
    "logging": "v2",
    "orgpolicy": "v2",
    "sqladmin": "v1",
    "storage": "v1",
}
# (api, method) -> IAM permission; None: the method needs none.
PERMISSIONS: dict[tuple[str, str], str | None] = {
    ("cloudkms", "projects.locations.list"): None,
    ("cloudkms", "projects.locations.keyRings.list"): "cloudkms.keyRings.list",
    ("cloudkms", "projects.locations.keyRings.cryptoKeys.list"): "cloudkms.cryptoKeys.list",
    ("cloudresourcemanager", "folders.list"): "resourcemanager.folders.list",
    ("cloudresourcemanager", "projects.list"): "resourcemanager.projects.list",
    ("cloudresourcemanager", "projects.getIamPolicy"): "resourcemanager.projects.getIamPolicy",
    ("compute", "firewalls.list"): "compute.firewalls.list",
    ("iam", "projects.serviceAccounts.list"): "iam.serviceAccounts.list",
    ("iam", "projects.serviceAccounts.keys.list"): "iam.serviceAccountKeys.list",
    ("logging", "projects.sinks.list"): "logging.sinks.list",
    ("logging", "projects.locations.buckets.list"): "logging.buckets.list",
    ("orgpolicy", "projects.policies.getEffectivePolicy"): "orgpolicy.policy.get",
    ("orgpolicy", "organizations.policies.getEffectivePolicy"): "orgpolicy.policy.get",
    ("sqladmin", "instances.list"): "cloudsql.instances.list",
    ("storage", "buckets.list"): "storage.buckets.list",
    ("storage", "buckets.getIamPolicy"): "storage.buckets.getIamPolicy",
}
RETRIED = frozenset({429, 500, 502, 503, 504})
MAX_RETRIES = 3
MAX_PAGES = 1000  # an API that always answers nextPageToken must not loop a run forever


class GcpApi:
    def __init__(
        self,
        credentials: Credentials,
        *,
        endpoints: Mapping[str, str] | None = None,
        sleep: Sleep = time.sleep,
        timeout: float = 30.0,
        max_wait: float = 60.0,
    ) -> None:
        self._credentials = credentials
        self._endpoints = dict(endpoints or {})
        self._sleep = sleep
        self._timeout = timeout
        self._max_wait = max_wait
        self._clients: dict[str, Any] = {}
        # Once the token endpoint refused us, every call would fail the same way;
        # asking again per call would only hammer it.
        self._auth_failure: str | None = None

    def call(self, api: str, method: str, params: Mapping[str, Any], where: str) -> dict[str, Any]:
        """One request; raises GcpCallError with the gap message."""
        collection, name = self._resolve(api, method)
        request = getattr(collection, name)(**params)
        return self._execute(request, api, method, where)

    def pages(
        self, api: str, method: str, field: str, params: Mapping[str, Any], where: str
    ) -> Iterator[dict[str, Any]]:
        """Every item of `field` over all pages; raises GcpCallError (after the
        items already read) when a page fails."""
        collection, name = self._resolve(api, method)
        request = getattr(collection, name)(**params)
        for _ in range(MAX_PAGES):
            response = self._execute(request, api, method, where)
            yield from response.get(field) or []
            request = getattr(collection, f"{name}_next")(request, response)
            if request is None:
                return
        raise GcpCallError(f"more than {MAX_PAGES} pages from {api}.{method} for {where}")

    def _resolve(self, api: str, method: str) -> tuple[Any, str]:
        if (api, method) not in PERMISSIONS:  # keeps role.json honest
            raise KeyError(f"{api}.{method} is not in PERMISSIONS")
        node = self._client(api)
        *path, name = method.split(".")
        for part in path:
            node = getattr(node, part)()
        return node, name

    def _client(self, api: str) -> Any:
        if api not in self._clients:
            http = google_auth_httplib2.AuthorizedHttp(
                self._credentials, http=httplib2.Http(timeout=self._timeout)
            )
            options = None
            if api in self._endpoints:
                # The discovery document's servicePath ("storage/v1/") stays; only
                # the root changes, as for a private (PSC) endpoint.
                document = json.loads(get_static_doc(api, VERSIONS[api]))  # bundled
                root = self._endpoints[api].rstrip("/") + "/"
                options = {"api_endpoint": root + document["servicePath"]}
            self._clients[api] = discovery.build(
                api,
                VERSIONS[api],
                http=http,
                static_discovery=True,
                cache_discovery=False,
                client_options=options,
            )
        return self._clients[api]

    def _execute(self, request: Any, api: str, method: str, where: str) -> dict[str, Any]:
        label = f"{api}.{method}"
        if self._auth_failure is not None:
            raise GcpCallError(self._auth_failure)
        waited = 0.0
        for attempt in range(MAX_RETRIES + 1):
            try:
                response = request.execute(num_retries=0)
                return dict(response or {})
            except HttpError as exc:
                status = int(exc.resp.status)
                delay = _retry_after(exc.resp) or float(2**attempt)
                if status in RETRIED and attempt < MAX_RETRIES and waited + delay <= self._max_wait:
                    self._sleep(delay)
                    waited += delay
                    continue
                raise GcpCallError(
                    describe(exc, label, PERMISSIONS[(api, method)], where), status
                ) from None
            except auth_errors.GoogleAuthError as exc:
                self._auth_failure = describe(exc, label, None, "this source")
                raise GcpCallError(self._auth_failure) from None
            except (OSError, httplib2.HttpLib2Error) as exc:
                raise GcpCallError(describe(exc, label, None, where)) from None
        raise AssertionError("unreachable")  # the loop returns or raises


def _retry_after(response: Mapping[str, Any]) -> float | None:
    """Retry-After in seconds: a number, or an HTTP date."""
    value = str(response.get("retry-after") or "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
