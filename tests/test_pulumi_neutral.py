"""The pack feeds the cross-cloud rules: buckets, RDS instances and security
groups of a stack become cloud.* twins (hipaa_cac/pulumi/neutral.py), decided
by policies/technical/cloud.rego under the resource's URN, and an unknown at
preview holds back the twin's checks instead of passing or failing them.
"""

from __future__ import annotations

from typing import Any

import pytest
from pulumi_analyzer import UNKNOWN
from pulumi_programs import EXAMPLES, run_program

from hipaa_cac.pulumi.checker import Checker, Violation
from hipaa_cac.pulumi.neutral import twins
from hipaa_cac.pulumi.resources import Resource, map_resource
from hipaa_cac.pulumi.stack import map_stack
from hipaa_cac.pulumi.values import optimistic

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

CLOUD = "data.hipaa.technical.cloud."
RETIRED = {
    "data.hipaa.technical.access_control.storage_not_public",
    "data.hipaa.technical.encryption.storage_encrypted_at_rest",
    "data.hipaa.technical.encryption.database_encrypted_at_rest",
    "data.hipaa.technical.audit.storage_access_logging",
    "data.hipaa.technical.aws_data_stores.database_not_public",
    "data.hipaa.technical.aws_data_in_transit.database_requires_tls",
    "data.hipaa.technical.aws_network.security_groups_restrict_admin_ports",
}
GROUP = "aws:ec2/securityGroup:SecurityGroup"
INSTANCE = "aws:rds/instance:Instance"
BUCKET = "aws:s3/bucket:Bucket"
ENCRYPTED = {"rule": {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}}
BLOCK_ALL = {
    "blockPublicAcls": True,
    "ignorePublicAcls": True,
    "blockPublicPolicy": True,
    "restrictPublicBuckets": True,
}


def _r(type_: str, name: str, props: dict[str, Any], **links: Any) -> Resource:
    return Resource(type_, f"urn:pulumi:dev::app::{type_}::{name}", name, props, **links)


def _group(name: str, *rules: dict[str, Any]) -> Resource:
    return _r(GROUP, name, {"ingress": list(rules)})


def _ingress(protocol: Any, port: int, cidr: Any = "0.0.0.0/0") -> dict[str, Any]:
    return {"protocol": protocol, "fromPort": port, "toPort": port, "cidrBlocks": [cidr]}


def _database(name: str, **props: Any) -> Resource:
    base = {
        "engine": "postgres",
        "storageEncrypted": True,
        "publiclyAccessible": False,
        "backupRetentionPeriod": 14,
        "deletionProtection": True,
        "parameterGroupName": "force-ssl",
    }
    return _r(INSTANCE, name, {**base, **props})


FORCE_SSL = _r(
    "aws:rds/parameterGroup:ParameterGroup",
    "force-ssl",
    {"name": "force-ssl", "parameters": [{"name": "rds.force_ssl", "value": "1"}]},
)


def _bucket(name: str, **props: Any) -> list[Resource]:
    base = {
        "bucket": name,
        "serverSideEncryptionConfiguration": ENCRYPTED,
        "versioning": {"enabled": True},
        "loggings": [{"targetBucket": "logs"}],
    }
    block = _r(
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        name,
        {"bucket": name, **BLOCK_ALL},
    )
    return [_r(BUCKET, name, {**base, **props}), block]


def _cloud(found: list[Violation]) -> list[tuple[str, str, str | None, bool]]:
    return sorted(
        (v.rule.removeprefix(CLOUD), v.control, v.urn and v.urn.rsplit("::", 1)[1], v.decided)
        for v in found
        if v.rule.startswith(CLOUD)
    )


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker.builtin()


def test_the_pack_runs_the_cloud_rules_and_none_retired(checker: Checker) -> None:
    refs = {r.ref for r in checker.rules}
    assert {
        f"{CLOUD}{name}"
        for name in (
            "object_storage_private",
            "object_storage_encrypted",
            "object_storage_access_logged",
            "database_encrypted",
            "database_requires_tls",
            "database_not_public",
            "network_admin_ports_closed",
        )
    } <= refs
    assert not refs & RETIRED


def test_twins_keep_the_urn_of_their_aws_item() -> None:
    resources = run_program(EXAMPLES / "noncompliant", {"dbPassword": "pw"})
    items = [optimistic(i) for i in map_stack(resources)]
    pairs = {(t["kind"], t["subject"]) for t in twins(items)}
    urn = {(r.type.rsplit(":", 1)[1], r.name): r.urn for r in resources}
    assert pairs == {
        ("cloud.object_storage", urn["Bucket", "phi-records"]),
        ("cloud.database", urn["Instance", "patients-db"]),
        ("cloud.network_rule", urn["SecurityGroup", "admin"]),
        ("cloud.network_rule", urn["SecurityGroupIngressRule", "rdp"]),
    }


def test_the_noncompliant_example_is_decided_by_the_cloud_rules(checker: Checker) -> None:
    resources = run_program(EXAMPLES / "noncompliant", {"dbPassword": "pw"})
    found = checker.check_stack(resources)
    for resource in resources:
        found += checker.check_resource(resource)
    assert _cloud(found) == [
        ("database_encrypted", "hipaa-164-312-a-2-iv", "patients-db", True),
        ("database_not_public", "hipaa-164-312-a-1", "patients-db", True),
        ("database_requires_tls", "hipaa-164-312-e-1", "patients-db", True),
        ("network_admin_ports_closed", "hipaa-164-312-a-1", "admin", True),
        ("network_admin_ports_closed", "hipaa-164-312-a-1", "rdp", True),
        ("network_admin_ports_closed", "hipaa-164-312-e-1", "admin", True),
        ("network_admin_ports_closed", "hipaa-164-312-e-1", "rdp", True),
        ("object_storage_access_logged", "hipaa-164-312-b", "phi-records", True),
        ("object_storage_encrypted", "hipaa-164-312-a-2-iv", "phi-records", True),
        ("object_storage_private", "hipaa-164-312-a-1", "phi-records", True),
    ]
    private = next(v for v in found if v.rule.endswith("object_storage_private"))
    assert private.message.startswith("S3 bucket is public") and "(bucket ACL)" in private.message


def test_a_compliant_bucket_database_and_group_pass(checker: Checker) -> None:
    # No policy or ACL in the stack and no account-wide block: private all the same.
    stack = [*_bucket("clean"), FORCE_SSL, _database("db")]
    assert _cloud(checker.check_stack(stack)) == []
    closed = _group("web", _ingress("tcp", 443), _ingress("tcp", 22, "10.0.0.0/8"))
    assert checker.check_resource(closed) == []


def test_several_protocols_are_findings_on_the_group_itself(checker: Checker) -> None:
    group = _group("mixed", _ingress("tcp", 22), _ingress("udp", 3389), _ingress("icmp", -1))
    found = checker.check_resource(group)
    assert {v.urn for v in found} == {group.urn}
    messages = sorted({v.message for v in found})
    assert [m.split(";")[0] for m in messages] == [
        "security group lets the whole internet reach admin or database ports (22)",
        "security group lets the whole internet reach admin or database ports (3389)",
    ]


@pytest.mark.parametrize(
    ("group", "field"),
    [
        (_r(GROUP, "whole", {"ingress": UNKNOWN}), "ingress"),
        (_group("protocol", _ingress(UNKNOWN, 22)), "protocol"),
        (_group("cidr", _ingress("tcp", 22, UNKNOWN)), "ingress"),
        (
            _r(
                "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
                "rule",
                {"ipProtocol": UNKNOWN, "fromPort": 3389, "toPort": 3389, "cidrIpv4": "0.0.0.0/0"},
            ),
            "ipProtocol",
        ),
    ],
)
def test_unknown_ingress_waits_and_never_passes(
    checker: Checker, group: Resource, field: str
) -> None:
    # A missing list or protocol is not "nothing open" at preview.
    found = checker.check_resource(group)
    assert map_resource(group) is not None
    assert [(v.control, v.urn, v.decided, v.waiting_on) for v in found] == [
        ("hipaa-164-312-a-1", group.urn, False, (field,)),
        ("hipaa-164-312-e-1", group.urn, False, (field,)),
    ]


def test_an_unknown_policy_holds_back_privacy_only_without_a_block(checker: Checker) -> None:
    blocked = _bucket("blocked", policy=UNKNOWN)
    assert _cloud(checker.check_stack(blocked)) == []  # the block neutralises any policy
    unblocked = _bucket("open", policy=UNKNOWN)[:1]
    found = checker.check_stack(unblocked)
    assert _cloud(found) == [("object_storage_private", "hipaa-164-312-a-1", "open", False)]
    waiting = next(v for v in found if v.rule.endswith("object_storage_private"))
    assert waiting.waiting_on == ("policy",)


@pytest.mark.parametrize(
    ("props", "rule", "control", "field"),
    [
        (
            {"storageEncrypted": UNKNOWN},
            "database_encrypted",
            "hipaa-164-312-a-2-iv",
            "storageEncrypted",
        ),
        (
            {"publiclyAccessible": UNKNOWN},
            "database_not_public",
            "hipaa-164-312-a-1",
            "publiclyAccessible",
        ),
        (
            {"parameterGroupName": UNKNOWN},
            "database_requires_tls",
            "hipaa-164-312-e-1",
            "parameterGroupName",
        ),
    ],
)
def test_an_unknown_database_setting_holds_back_its_own_check(
    checker: Checker, props: dict[str, Any], rule: str, control: str, field: str
) -> None:
    found = checker.check_stack([FORCE_SSL, _database("unsure", **props), _database("sure")])
    assert _cloud(found) == [(rule, control, "unsure", False)]
    assert next(v for v in found if v.rule == CLOUD + rule).waiting_on == (field,)
