"""The provider-neutral twins of a stack's aws.* items, so the cross-cloud rules
(policies/technical/cloud.rego) decide a Pulumi stack as they decide S3, GCS
and Blob after a collection.

    twins([{"kind": "aws.s3.bucket", "subject": <bucket urn>,
            "data": {"acl": {"is_public": True}, "encryption": {"enabled": False, ...}, ...}}])
    -> [{"kind": "cloud.object_storage", "subject": <bucket urn>,
         "data": {"provider": "aws", "service": "s3", "public": True,
                  "public_via": ["bucket ACL"], "encrypted_at_rest": False, ...}}]

The mapping is the AWS collector's own (hipaa_cac/collectors/aws/neutral.py),
applied to items in which every unknown has already been read one way
(values.optimistic / values.pessimistic): the checker builds the twins once
per reading, so an unknown in an aws item is the same unknown in its twin,
and a finding of the twin waits on the aws item's properties. A twin keeps
its aws item's subject, the resource's URN (one item per protocol of a
security group, all under the group's URN).

A stack has no account-wide Block Public Access (`account_block=None`): only
the bucket's own settings neutralise its policy and ACL.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from hipaa_cac.collectors.aws.neutral import (
    BUCKET_KIND,
    GROUP_KIND,
    INSTANCE_KIND,
    database,
    network_rules,
    object_storage,
)
from hipaa_cac.collectors.base import Observation
from hipaa_cac.collectors.normalized import DATABASE, NETWORK_RULE, OBJECT_STORAGE
from hipaa_cac.pulumi.resources import STACK_ACCOUNT

TWINS = {BUCKET_KIND: OBJECT_STORAGE, INSTANCE_KIND: DATABASE, GROUP_KIND: NETWORK_RULE}
# Read as "every port from anywhere": what the retired security-group rule
# made of ingress that is not shown (unknown at preview).
NOT_SHOWN = {"protocol": "-1", "from_port": None, "to_port": None, "source": "0.0.0.0/0"}


def twin_kinds(kinds: Iterable[str]) -> frozenset[str]:
    """The neutral kinds built from these aws kinds."""
    return frozenset(TWINS[k] for k in kinds if k in TWINS)


def twins(items: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Neutral items for the items that have one; each item read (no Unknowns left)."""
    found: list[dict[str, Any]] = []
    for entry in items:
        kind, subject, data = entry["kind"], str(entry["subject"]), entry["data"]
        if not isinstance(data, Mapping):
            continue
        if kind == BUCKET_KIND:
            bucket = {**data, "account_id": data.get("account_id") or STACK_ACCOUNT}
            found.append(_item(subject, object_storage(subject, bucket, None).observation()))
        elif kind == INSTANCE_KIND:
            found.append(_item(subject, database(subject, STACK_ACCOUNT, data).observation()))
        elif kind == GROUP_KIND:
            rules = network_rules(subject, STACK_ACCOUNT, _shown(data))
            found += [_item(subject, rule.observation()) for rule in rules]
    return found


def _shown(group: Mapping[str, Any]) -> dict[str, Any]:
    """The group with its unshown ingress read as open to everything (fail closed).

    network_rules reads a missing `open_ingress` as "no open rule" and a
    missing protocol as none the rules know: right for what the AWS API
    returns, which always has both, but at preview they are the pessimistic
    reading of an unknown, which must not pass."""
    rules = group.get("open_ingress")
    if not isinstance(rules, list):
        return {**group, "open_ingress": [NOT_SHOWN]}
    return {
        **group,
        "open_ingress": [
            r if isinstance(r, Mapping) and isinstance(r.get("protocol"), str) else {**NOT_SHOWN}
            for r in rules
        ],
    }


def _item(subject: str, observation: Observation) -> dict[str, Any]:
    # The subject stays the URN (not network_rules' `<id>#<protocol>`): the
    # pack names resources by URN. JSON round trip: tuples become lists.
    data = json.loads(json.dumps(observation.data, sort_keys=True))
    return {"kind": observation.kind, "subject": subject, "data": data}
