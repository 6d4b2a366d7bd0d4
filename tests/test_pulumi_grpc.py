"""The policy pack as the Pulumi engine runs it: a process speaking the Analyzer protocol.

Properties go over the wire as the engine marshals them (secret envelopes,
the unknown sentinel); both pulumi-aws v6 and v7 bucket shapes; and the
answers agree with the pack's policies called in process on the same
resources (tests/test_pulumi_mocks.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pulumi_analyzer import PREVIEW, STACK, UNKNOWN, Analyzer, Diagnostic, direct, secret
from pulumi_programs import EXAMPLES, run_program

from hipaa_cac.cli.pulumi import PACK_DIR
from hipaa_cac.pulumi.checker import Checker
from hipaa_cac.pulumi.policies import policies
from hipaa_cac.pulumi.resources import Resource

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

PASSWORD = "Wire-S3cret-Pa55word"
OWNER = "dr.jane.doe@clinic.example"
S3 = "aws:s3/"


def _r(type_: str, name: str, props: dict[str, Any], **links: Any) -> Resource:
    return Resource(type_, f"urn:pulumi:dev::app::{type_}::{name}", name, props, **links)


def _bucket_urn(name: str, type_: str = f"{S3}bucket:Bucket") -> str:
    return f"urn:pulumi:dev::app::{type_}::{name}"


ENCRYPTED_V6 = {"rule": {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}}
DENY_HTTP = (
    '{"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*",'
    ' "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}'
)
BLOCK_ALL = {
    "blockPublicAcls": True,
    "ignorePublicAcls": True,
    "blockPublicPolicy": True,
    "restrictPublicBuckets": True,
}


def v6_compliant() -> list[Resource]:
    bucket = _r(
        f"{S3}bucket:Bucket",
        "v6-good",
        {
            "bucket": "v6-good",
            "acl": "private",
            "serverSideEncryptionConfiguration": ENCRYPTED_V6,
            "versioning": {"enabled": True},
            "loggings": [{"targetBucket": "logs"}],
            "policy": DENY_HTTP,
            "tags": {"owner": secret(OWNER)},
        },
    )
    block = _r(
        f"{S3}bucketPublicAccessBlock:BucketPublicAccessBlock",
        "v6-good",
        {"bucket": "v6-good", **BLOCK_ALL},
    )
    return [bucket, block]


def v6_bucket_v2_unversioned() -> list[Resource]:
    bucket = _r(
        f"{S3}bucketV2:BucketV2",
        "v2-bad",
        {
            "bucket": "v2-bad",
            "serverSideEncryptionConfigurations": [
                {"rules": [{"applyServerSideEncryptionByDefaults": [{"sseAlgorithm": "aws:kms"}]}]}
            ],
            "versionings": [{"enabled": False}],
            "loggings": [{"targetBucket": "logs"}],
            "policy": DENY_HTTP,
        },
    )
    block = _r(
        f"{S3}bucketPublicAccessBlock:BucketPublicAccessBlock",
        "v2-bad",
        {"bucket": "v2-bad", **BLOCK_ALL},
    )
    return [bucket, block]


def v7_preview() -> list[Resource]:
    """v7 settings whose `bucket` (the bucket's id) is unknown at preview,
    joined by property dependency; one PAB nobody can place."""
    urn = _bucket_urn("v7-good")
    joined = {"property_dependencies": {"bucket": [urn]}}
    return [
        _r(f"{S3}bucket:Bucket", "v7-good", {"bucket": "v7-good"}),
        _r(
            f"{S3}bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            "v7-good",
            {
                "bucket": UNKNOWN,
                "rules": [
                    {
                        "applyServerSideEncryptionByDefault": {
                            "sseAlgorithm": "aws:kms",
                            "kmsMasterKeyId": UNKNOWN,
                        }
                    }
                ],
            },
            **joined,
        ),
        _r(
            f"{S3}bucketPublicAccessBlock:BucketPublicAccessBlock",
            "v7-good",
            {"bucket": UNKNOWN, **BLOCK_ALL},
            **joined,
        ),
        _r(
            f"{S3}bucketVersioning:BucketVersioning",
            "v7-good",
            {"bucket": UNKNOWN, "versioningConfiguration": {"status": "Enabled"}},
            **joined,
        ),
        _r(
            f"{S3}bucketLogging:BucketLogging",
            "v7-good",
            {"bucket": UNKNOWN, "targetBucket": "logs"},
            **joined,
        ),
        _r(
            f"{S3}bucketPolicy:BucketPolicy",
            "v7-good",
            {"bucket": UNKNOWN, "policy": UNKNOWN},
            **joined,
        ),
    ]


def database(name: str, **props: Any) -> Resource:
    base = {
        "engine": "postgres",
        "password": secret(PASSWORD),
        "storageEncrypted": True,
        "publiclyAccessible": False,
        "backupRetentionPeriod": 14,
        "deletionProtection": True,
        "parameterGroupName": "force-ssl",
    }
    return _r("aws:rds/instance:Instance", name, {**base, **props})


FORCE_SSL = _r(
    "aws:rds/parameterGroup:ParameterGroup",
    "force-ssl",
    {"name": "force-ssl", "parameters": [{"name": "rds.force_ssl", "value": "1"}]},
)


def group(name: str, cidr: str, port: int) -> Resource:
    rule = {"protocol": "tcp", "fromPort": port, "toPort": port, "cidrBlocks": [cidr]}
    return _r("aws:ec2/securityGroup:SecurityGroup", name, {"ingress": [rule]})


@pytest.fixture(scope="module")
def analyzer() -> Iterator[Analyzer]:
    with Analyzer(PACK_DIR) as running:
        yield running


@pytest.fixture(autouse=True)
def default_config(analyzer: Analyzer) -> Iterator[None]:
    analyzer.configure({})
    yield
    analyzer.configure({})


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker.builtin()


def _pairs(found: list[Diagnostic], level: str | None = None) -> set[tuple[str, str]]:
    return {(d.policy, d.resource) for d in found if level in (None, d.level)}


def test_analyzer_info_lists_one_policy_per_control(analyzer: Analyzer, checker: Checker) -> None:
    info = analyzer.info()
    assert info.name == "hipaa-cac"
    described = {p.name: (p.description, p.enforcementLevel) for p in info.policies}
    assert sorted(described) == sorted(c.id for c in checker.controls)
    for control in checker.controls:
        description, level = described[control.id]
        assert description == f"{control.citation} {control.title}"
        assert level == (1 if control.requirement == "required" else 0)  # MANDATORY / ADVISORY


def test_v6_shapes_inline_and_bucket_v2(analyzer: Analyzer) -> None:
    assert analyzer.all(v6_compliant()) == []
    found = analyzer.all(v6_bucket_v2_unversioned())
    assert {(d.policy, d.resource, d.level) for d in found} == {
        ("hipaa-164-312-c-1", "v2-bad", "mandatory")
    }


def test_v7_settings_join_their_bucket_by_dependency_at_preview(analyzer: Analyzer) -> None:
    found = analyzer.all(v7_preview())
    # Only the policy document is unknown. Block Public Access is on, so it cannot
    # make the bucket public (cloud.object_storage_private decides now); whether
    # it denies plain HTTP waits for the update, as advice.
    assert [(d.policy, d.level, d.resource) for d in found] == [
        ("hipaa-164-312-e-1", "advisory", STACK),
    ]
    assert all(d.message.startswith(PREVIEW) and "policy" in d.message for d in found)
    # Without the block, the unknown policy holds back the privacy check too,
    # beside the decided "Block Public Access is off".
    unblocked = [r for r in v7_preview() if "bucketPublicAccessBlock" not in r.type]
    found = analyzer.all(unblocked)
    assert [(d.policy, d.level, d.resource) for d in found] == [
        ("hipaa-164-312-a-1", "advisory", STACK),
        ("hipaa-164-312-a-1", "mandatory", "v7-good"),
        ("hipaa-164-312-e-1", "advisory", STACK),
    ]
    waiting = [d for d in found if d.message.startswith(PREVIEW)]
    assert all("policy" in d.message for d in waiting)


def test_a_setting_that_cannot_be_placed_leaves_its_aspect_undecided(analyzer: Analyzer) -> None:
    resources = [
        *v6_compliant()[:1],
        _r(
            f"{S3}bucket:Bucket",
            "bare",
            {
                "bucket": "bare",
                "serverSideEncryptionConfiguration": ENCRYPTED_V6,
                "versioning": {"enabled": True},
                "loggings": [{"targetBucket": "logs"}],
                "policy": DENY_HTTP,
            },
        ),
        _r(
            f"{S3}bucketPublicAccessBlock:BucketPublicAccessBlock",
            "orphan",
            {"bucket": UNKNOWN, **BLOCK_ALL},
        ),
    ]
    found = analyzer.analyze_stack(resources)
    # Either bucket might be the one the orphan configures: advice, not a block.
    assert [(d.policy, d.level) for d in found] == [("hipaa-164-312-a-1", "advisory")]
    assert "orphan" in found[0].message


def test_unknowns_hold_back_only_their_own_resource(analyzer: Analyzer) -> None:
    maybe_open, open_ssh, closed = (
        group("maybe", UNKNOWN, 22),
        group("ssh", "0.0.0.0/0", 22),
        group("db", "10.0.0.0/16", 5432),
    )
    assert [(d.policy, d.level) for d in analyzer.analyze(maybe_open)] == [
        ("hipaa-164-312-a-1", "advisory"),
        ("hipaa-164-312-e-1", "advisory"),
    ]
    assert _pairs(analyzer.analyze(open_ssh), "mandatory") == {
        ("hipaa-164-312-a-1", "ssh"),
        ("hipaa-164-312-e-1", "ssh"),
    }
    assert analyzer.analyze(closed) == []
    # In the stack view one database's unknown does not hide another's violation.
    stack = [
        FORCE_SSL,
        database("unsure", storageEncrypted=UNKNOWN),
        database("public", publiclyAccessible=True),
    ]
    found = analyzer.analyze_stack(stack)
    assert _pairs(found, "mandatory") == {("hipaa-164-312-a-1", "public")}
    undecided = [d for d in found if d.message.startswith(PREVIEW)]
    assert [(d.policy, d.level) for d in undecided] == [("hipaa-164-312-a-2-iv", "advisory")]
    assert "storageEncrypted" in undecided[0].message


def test_no_secret_reaches_a_message(analyzer: Analyzer) -> None:
    resources = [
        FORCE_SSL,
        database(
            "leaky", publiclyAccessible=True, storageEncrypted=False, tags={"owner": secret(OWNER)}
        ),
        *v6_compliant(),
        group("ssh", "0.0.0.0/0", 22),
    ]
    found = analyzer.all(resources)
    assert len(found) >= 3
    for diagnostic in found:
        assert PASSWORD not in diagnostic.message and OWNER not in diagnostic.message


def test_configured_enforcement_overrides_the_default(analyzer: Analyzer) -> None:
    resources = [FORCE_SSL, database("plain", storageEncrypted=False, publiclyAccessible=True)]
    before = analyzer.analyze_stack(resources)
    assert {(d.policy, d.level) for d in before} == {
        ("hipaa-164-312-a-1", "mandatory"),
        ("hipaa-164-312-a-2-iv", "advisory"),
    }
    analyzer.configure({"hipaa-164-312-a-1": "disabled", "hipaa-164-312-a-2-iv": "mandatory"})
    after = analyzer.analyze_stack(resources)
    assert {(d.policy, d.level) for d in after} == {("hipaa-164-312-a-2-iv", "mandatory")}


@pytest.mark.parametrize("program", ["noncompliant", "compliant"])
def test_grpc_and_in_process_answers_agree(
    analyzer: Analyzer, checker: Checker, program: str
) -> None:
    resources = run_program(EXAMPLES / program, {"dbPassword": PASSWORD})
    over_the_wire = analyzer.all(resources)
    assert over_the_wire == direct(policies(checker), resources)
    assert bool(over_the_wire) == (program == "noncompliant")
    assert not [d for d in over_the_wire if PASSWORD in d.message]


def test_the_example_config_blocks_unencrypted_storage_and_databases(analyzer: Analyzer) -> None:
    config = json.loads((EXAMPLES / "hipaa-policy.json").read_text())
    resources = run_program(EXAMPLES / "noncompliant", {"dbPassword": PASSWORD})
    analyzer.configure(config)
    found = analyzer.all(resources)
    mandatory = {(d.policy, d.resource) for d in found if d.level == "mandatory"}
    assert {
        ("hipaa-164-312-a-2-iv", "patients-db"),
        ("hipaa-164-312-a-2-iv", "phi-records"),
        ("hipaa-164-312-a-1", "phi-records"),  # public storage
        ("hipaa-164-312-a-1", "admin"),  # open admin ports
        ("hipaa-164-312-b", "audit"),  # audit logging
    } <= mandatory
    assert not [d for d in found if d.level == "advisory"]
