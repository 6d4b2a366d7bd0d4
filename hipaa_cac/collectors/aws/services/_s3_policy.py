"""What an S3 bucket policy and ACL mean, summarized: never the documents.

A policy is public when an Allow statement grants a wildcard principal and
no condition pins the caller down to fixed values of a restricting key (the
idea of AWS's own "public" test, which GetBucketPolicyStatus also applies;
the collector trusts whichever of the two says public). A policy denies
insecure transport when a Deny of every S3 action to everyone applies when
aws:SecureTransport is false.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

# Condition keys that limit who can call (AWS's list for Block Public Access).
RESTRICTING_KEYS = frozenset(
    {
        "aws:sourceip",
        "aws:sourcevpc",
        "aws:sourcevpce",
        "aws:sourcearn",
        "aws:sourceaccount",
        "aws:sourceowner",
        "aws:sourceorgid",
        "aws:sourceorgpaths",
        "aws:principalorgid",
        "aws:principalorgpaths",
        "aws:principalaccount",
        "aws:principalarn",
        "aws:userid",
        "s3:dataaccesspointarn",
        "s3:dataaccesspointaccount",
    }
)
# An IP condition that admits the whole internet restricts nothing.
OPEN_NETWORKS = frozenset({"0.0.0.0/0", "::/0"})
PUBLIC_GRANTEES = frozenset(
    {
        "http://acs.amazonaws.com/groups/global/AllUsers",
        "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
    }
)


def summarize_policy(document: str) -> dict[str, bool | None]:
    """{is_public, denies_insecure_transport}; None for both if it is not JSON."""
    try:
        policy = json.loads(document)
    except (TypeError, ValueError):
        return {"is_public": None, "denies_insecure_transport": None}
    statements = list(_statements(policy))
    return {
        "is_public": any(_grants_public(s) for s in statements),
        "denies_insecure_transport": any(_denies_insecure_transport(s) for s in statements),
    }


def acl_is_public(grants: list[Mapping[str, Any]]) -> bool:
    return any(g.get("Grantee", {}).get("URI") in PUBLIC_GRANTEES for g in grants)


def _statements(policy: Any) -> Iterator[Mapping[str, Any]]:
    found = policy.get("Statement", []) if isinstance(policy, Mapping) else []
    for statement in found if isinstance(found, list) else [found]:
        if isinstance(statement, Mapping):
            yield statement


def _values(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _everyone(statement: Mapping[str, Any]) -> bool:
    principal = statement.get("Principal")
    if principal == "*":
        return True
    if isinstance(principal, Mapping):
        return any("*" in _values(v) for v in principal.values())
    return False


def _grants_public(statement: Mapping[str, Any]) -> bool:
    # An Allow with NotPrincipal grants everyone except the principals named.
    anyone = _everyone(statement) or "NotPrincipal" in statement
    return statement.get("Effect") == "Allow" and anyone and not _restricted(statement)


def _restricted(statement: Mapping[str, Any]) -> bool:
    condition = statement.get("Condition")
    if not isinstance(condition, Mapping):
        return False
    for operator, tests in condition.items():
        # Negated operators admit everyone else; IfExists admits callers
        # without the key; Null only tests presence.
        if "Not" in operator or operator.endswith("IfExists") or operator == "Null":
            continue
        if not isinstance(tests, Mapping):
            continue
        for key, value in tests.items():
            if key.lower() in RESTRICTING_KEYS and _fixed(_values(value)):
                return True
    return False


def _fixed(values: list[Any]) -> bool:
    return bool(values) and all(
        isinstance(v, str) and "*" not in v and v not in OPEN_NETWORKS for v in values
    )


def _denies_insecure_transport(statement: Mapping[str, Any]) -> bool:
    if statement.get("Effect") != "Deny" or not _everyone(statement):
        return False
    if not {"*", "s3:*"} & {str(a).lower() for a in _values(statement.get("Action"))}:
        return False
    condition = statement.get("Condition")
    if not isinstance(condition, Mapping):
        return False
    for operator in ("Bool", "BoolIfExists"):
        tests = condition.get(operator)
        if isinstance(tests, Mapping):
            for key, value in tests.items():
                if key.lower() == "aws:securetransport" and any(
                    str(v).lower() == "false" for v in _values(value)
                ):
                    return True
    return False
