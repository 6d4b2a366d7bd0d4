"""Reaching the directory: connect, protect, bind, and search in pages.

Every failure becomes an `LdapFailure` whose message names the server, the
bind DN or the search, never the password: ldap3 puts the password in
`repr(Connection)`, so nothing here formats a connection object.
"""

from __future__ import annotations

import ast
import contextlib
import re
import ssl
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

from ldap3 import BASE, DEREF_NEVER, NONE, SUBTREE, Connection, Server, Tls
from ldap3.core.exceptions import LDAPException

PAGED_RESULTS = "1.2.840.113556.1.4.319"  # RFC 2696 simple paged results control
NO_ATTRIBUTES = "1.1"  # RFC 4511: return the DNs only
MAX_MESSAGE = 300
# ldap3's name-mismatch error embeds the whole certificate before the point.
_CERTIFICATE_DUMP = re.compile(r"certificate \{.*\}(?= doesn't match)", re.DOTALL)


class LdapFailure(Exception):
    """The directory could not be read; the message is safe to record."""


@dataclass(frozen=True)
class Endpoint:
    url: str
    host: str
    port: int
    ldaps: bool


@dataclass(frozen=True)
class Entry:
    """One search result: its DN and raw attribute values, names lower-cased
    (servers answer in their own spelling: AD says `sAMAccountName`)."""

    dn: str
    attributes: Mapping[str, Sequence[bytes]]

    def values(self, name: str) -> list[str]:
        return [v.decode("utf-8", "replace") for v in self.attributes.get(name.lower(), ())]

    def first(self, name: str) -> str | None:
        found = self.values(name)
        return found[0] if found else None

    def raw(self, name: str) -> bytes | None:
        found = self.attributes.get(name.lower(), ())
        return found[0] if found else None


def parse_url(url: str) -> Endpoint:
    parts = urlsplit(url)
    if parts.scheme not in ("ldap", "ldaps") or not parts.hostname:
        raise LdapFailure(f"url {url!r} is not ldap://host[:port] or ldaps://host[:port]")
    ldaps = parts.scheme == "ldaps"
    try:
        port = parts.port or (636 if ldaps else 389)
    except ValueError:
        raise LdapFailure(f"url {url!r} has an invalid port") from None
    return Endpoint(url, parts.hostname.lower(), port, ldaps)


def connect(
    endpoint: Endpoint,
    bind_dn: str,
    password: str,
    *,
    start_tls: bool,
    ca_file: str | None,
    timeout: int,
) -> Connection:
    """A bound, read-only connection, or LdapFailure saying what went wrong."""
    if endpoint.ldaps and start_tls:
        raise LdapFailure(f"{endpoint.url}: start_tls is for ldap:// URLs; ldaps:// is TLS already")
    tls = None
    if endpoint.ldaps or start_tls:
        # ldap3's default is CERT_NONE: without this, any certificate would be
        # accepted and the bind password handed to whoever answers.
        tls = Tls(validate=ssl.CERT_REQUIRED, ca_certs_file=ca_file)
    server = Server(
        endpoint.host,
        port=endpoint.port,
        use_ssl=endpoint.ldaps,
        tls=tls,
        get_info=NONE,  # the root DSE is read explicitly, with only what we need
        connect_timeout=timeout,
    )
    connection = Connection(
        server,
        user=bind_dn,
        password=password,
        read_only=True,
        raise_exceptions=False,
        # AD answers searches from the domain root with referrals to other
        # partitions; following them would send our bind to other servers.
        auto_referrals=False,
        auto_range=True,  # AD returns `member` of big groups in ranges of 1500
        receive_timeout=timeout,
    )
    try:
        connection.open()
        if start_tls and not connection.start_tls():
            raise LdapFailure(f"{endpoint.url}: StartTLS refused: {_result(connection)}")
        if not connection.bind():
            raise LdapFailure(f"{endpoint.url}: bind as {bind_dn} failed: {_result(connection)}")
    except LDAPException as exc:
        close(connection)
        raise LdapFailure(f"cannot connect to {endpoint.url}: {describe(exc)}") from None
    except LdapFailure:
        close(connection)
        raise
    return connection


def close(connection: Connection) -> None:
    """Unbind; a connection whose TLS handshake failed has no socket left to say so on."""
    with contextlib.suppress(LDAPException):
        connection.unbind()


def root_dse(connection: Connection, attributes: Sequence[str]) -> Entry:
    entries = list(_search(connection, "", "(objectClass=*)", attributes, scope=BASE))
    if not entries:
        raise LdapFailure("the root DSE is not readable")
    return entries[0]


def paged_search(
    connection: Connection, base: str, search_filter: str, attributes: Sequence[str], page_size: int
) -> Iterator[Entry]:
    """Every entry under `base` matching `search_filter`, a page at a time.

    A server that ignores the (non-critical) paging control and stops at its
    size limit answers sizeLimitExceeded, which fails here: a truncated list
    of users must not look complete.
    """
    return _search(connection, base, search_filter, attributes, page_size=page_size)


def _search(
    connection: Connection,
    base: str,
    search_filter: str,
    attributes: Sequence[str],
    *,
    scope: Literal["BASE", "LEVEL", "SUBTREE"] = SUBTREE,
    page_size: int | None = None,
) -> Iterator[Entry]:
    cookie: bytes | None = None
    where = f"search of {base or 'the root DSE'} for {search_filter}"
    while True:
        try:
            connection.search(
                base,
                search_filter,
                search_scope=scope,
                dereference_aliases=DEREF_NEVER,
                attributes=list(attributes),
                paged_size=page_size,
                paged_cookie=cookie,
            )
        except LDAPException as exc:
            raise LdapFailure(f"{where} failed: {describe(exc)}") from None
        result: dict[str, Any] = connection.result or {}
        if result.get("result") != 0:
            raise LdapFailure(f"{where} failed: {_result(connection)}")
        # Read the whole page before yielding: the next search replaces it.
        page = [
            Entry(r["dn"], {k.lower(): v for k, v in r["raw_attributes"].items()})
            for r in connection.response or ()
            if r.get("type") == "searchResEntry"  # not searchResRef (referrals)
        ]
        yield from page
        control = (result.get("controls") or {}).get(PAGED_RESULTS) or {}
        cookie = (control.get("value") or {}).get("cookie")
        if page_size is None or not cookie:
            return


def _result(connection: Connection) -> str:
    result: dict[str, Any] = connection.result or {}
    text = f"{result.get('description', 'no answer')} ({result.get('result', '?')})"
    # AD's diagnostic text says why, e.g. "... data 52e" (bad password) or "data 533" (disabled).
    message = str(result.get("message") or "").strip()
    return f"{text}: {message[:MAX_MESSAGE]}" if message else text


def describe(exc: Exception) -> str:
    text = _CERTIFICATE_DUMP.sub("certificate", _unwrap(str(exc))).strip()
    return f"{exc.__class__.__name__}: {text[:MAX_MESSAGE]}"


def _unwrap(text: str) -> str:
    """ldap3 re-raises with the previous exception's args as its message:
    `("('wrap socket error: ...',)",)`. Peel those tuple reprs off."""
    for _ in range(3):
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            break
        if isinstance(value, tuple) and len(value) == 1:
            value = value[0]
        if not isinstance(value, str):
            break
        text = value
    return text
