"""One Pulumi resource -> one evidence item, for resources judged on their own.

    Resource(type="aws:ec2/securityGroup:SecurityGroup", urn="urn:pulumi:dev::app::...::web",
             name="web", props={"ingress": [{"protocol": "tcp", "fromPort": 22, "toPort": 22,
             "cidrBlocks": ["0.0.0.0/0"]}]})
    -> {"kind": "aws.ec2.security_group", "subject": <urn>,
        "data": {"open_ingress": [{"protocol": "tcp", "from_port": 22, "to_port": 22,
                                   "source": "0.0.0.0/0"}], ...}}

The data follows docs/evidence-kinds.md; fields a program cannot show (ids,
attachments, regions) are null, and no string property is copied (`values.py`).
A separate ingress rule resource (`aws:ec2/securityGroupRule`,
`aws:vpc/securityGroupIngressRule`) is its own security-group item, so its
violation lands on the rule, where the fix is. Defaults are the provider's:
a trail logs unless `enableLogging` is false, a key does not rotate unless
`enableKeyRotation` is true. S3 buckets and RDS databases depend on other
resources (bucket settings, parameter groups) and are mapped in stack.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hipaa_cac.pulumi.values import Unknown, choice, element, flag, get, is_unknown, number, present

SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
TRAIL = "aws:cloudtrail/trail:Trail"
TABLE = "aws:dynamodb/table:Table"
VOLUME = "aws:ebs/volume:Volume"
KEY = "aws:kms/key:Key"

INTERNET = ("0.0.0.0/0", "::/0")
# Protocols as the rules know them; "all" is Terraform's spelling of -1.
PROTOCOLS = {
    "-1": "-1",
    "all": "-1",
    "tcp": "tcp",
    "udp": "udp",
    "icmp": "icmp",
    "icmpv6": "icmpv6",
    "6": "6",
    "17": "17",
    "1": "1",
    "58": "58",
}


@dataclass(frozen=True)
class Resource:
    """A resource as the engine describes it; props plain (sentinels for unknowns)."""

    type: str
    urn: str
    name: str
    props: dict[str, Any]
    parent: str | None = None
    # property name -> URNs of the resources that property's value came from
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)


def item(kind: str, resource: Resource, data: dict[str, Any]) -> dict[str, Any]:
    return {"kind": kind, "subject": resource.urn, "data": data}


def map_resource(resource: Resource) -> dict[str, Any] | None:
    """The evidence item of a resource judged alone; None for other types."""
    mapper = MAPPERS.get(resource.type)
    return mapper(resource) if mapper is not None else None


def _security_group(resource: Resource) -> dict[str, Any]:
    rules = get(resource.props, "ingress")
    if is_unknown(rules):
        open_ingress: Any = Unknown([], "ingress")
    else:
        open_ingress = []
        for rule in rules if isinstance(rules, list) else []:
            sources = _sources(get(rule, "cidrBlocks"), get(rule, "ipv6CidrBlocks"))
            open_ingress += _open(rule, "protocol", sources, "ingress")
    return item("aws.ec2.security_group", resource, _group_data(open_ingress))


def _security_group_rule(resource: Resource) -> dict[str, Any] | None:
    kind = get(resource.props, "type")
    if kind == "egress":
        return None
    sources = _sources(get(resource.props, "cidrBlocks"), get(resource.props, "ipv6CidrBlocks"))
    open_ingress = _open(resource.props, "protocol", sources, "cidrBlocks")
    if is_unknown(kind):  # an unknown type may be egress: the rule applies only maybe
        open_ingress = [element(r, "type") for r in open_ingress]
    return item("aws.ec2.security_group", resource, _group_data(open_ingress))


def _ingress_rule(resource: Resource) -> dict[str, Any]:
    sources = _sources(get(resource.props, "cidrIpv4"), get(resource.props, "cidrIpv6"))
    open_ingress = _open(resource.props, "ipProtocol", sources, "cidrIpv4")
    return item("aws.ec2.security_group", resource, _group_data(open_ingress))


def _group_data(open_ingress: Any) -> dict[str, Any]:
    return {
        "group_id": None,
        "name": None,
        "region": None,
        "vpc_id": None,
        "open_ingress": open_ingress,
        "attached": None,
    }


def _sources(*values: Any) -> list[Any]:
    """The internet-wide sources among CIDR values; unknowns kept as sentinels."""
    found: list[Any] = []
    for value in values:
        listed = value if isinstance(value, list) else [value]
        for source in listed:
            if is_unknown(source) or source in INTERNET:
                found.append(source)
    return found


def _open(rule: Any, protocol_key: str, sources: list[Any], field_name: str) -> list[Any]:
    base = {
        "protocol": choice(get(rule, protocol_key), protocol_key, PROTOCOLS, "icmp"),
        "from_port": number(get(rule, "fromPort"), "fromPort", 0),
        "to_port": number(get(rule, "toPort"), "toPort", 0),
    }
    found: list[Any] = []
    for source in sources:
        if is_unknown(source):
            # Open to the internet only if the CIDR turns out to be 0.0.0.0/0.
            found.append(element({**base, "source": "0.0.0.0/0"}, field_name))
        else:
            found.append({**base, "source": source})
    return found


def _trail(resource: Resource) -> dict[str, Any]:
    props = resource.props
    return item(
        "aws.cloudtrail.trail",
        resource,
        {
            "name": None,
            # One account per stack as far as a preview can tell (stack.py).
            "account_id": STACK_ACCOUNT,
            "home_region": None,
            "is_multi_region": flag(
                get(props, "isMultiRegionTrail"), "isMultiRegionTrail", False, True
            ),
            "is_logging": flag(get(props, "enableLogging"), "enableLogging", True, True),
            "log_file_validation": flag(
                get(props, "enableLogFileValidation"), "enableLogFileValidation", False, True
            ),
            "kms_key_id": present(get(props, "kmsKeyId"), "kmsKeyId"),
            "cloudwatch_logs_log_group_arn": present(
                get(props, "cloudWatchLogsGroupArn"), "cloudWatchLogsGroupArn"
            ),
            "s3_bucket_name": None,
        },
    )


def _table(resource: Resource) -> dict[str, Any]:
    props = resource.props
    # Every table is encrypted at rest: with an AWS owned key unless a KMS key is chosen.
    kms = get(props, "serverSideEncryption", "enabled")
    return item(
        "aws.dynamodb.table",
        resource,
        {
            "name": None,
            "region": None,
            "sse": {
                "enabled": True,
                "type": None if is_unknown(kms) else ("KMS" if kms is True else "AWS_OWNED"),
                "kms_key_arn": present(
                    get(props, "serverSideEncryption", "kmsKeyArn"), "kmsKeyArn"
                ),
            },
            "point_in_time_recovery": flag(
                get(props, "pointInTimeRecovery", "enabled"), "pointInTimeRecovery", False, True
            ),
            "deletion_protection": flag(
                get(props, "deletionProtectionEnabled"), "deletionProtectionEnabled", False, True
            ),
        },
    )


def _volume(resource: Resource) -> dict[str, Any]:
    encrypted = flag(get(resource.props, "encrypted"), "encrypted", None, True)
    return item(
        "aws.ec2.volume",
        resource,
        {
            "volume_id": None,
            "region": None,
            "encrypted": encrypted,
            "kms_key_id": present(get(resource.props, "kmsKeyId"), "kmsKeyId"),
            "attached_instances": None,
        },
    )


KEY_SPECS = {
    s.lower(): s
    for s in (
        "SYMMETRIC_DEFAULT",
        "RSA_2048",
        "RSA_3072",
        "RSA_4096",
        "HMAC_224",
        "HMAC_256",
        "HMAC_384",
        "HMAC_512",
        "ECC_NIST_P256",
        "ECC_NIST_P384",
        "ECC_NIST_P521",
        "ECC_SECG_P256K1",
        "SM2",
    )
}


def _key(resource: Resource) -> dict[str, Any]:
    props = resource.props
    spec = get(props, "customerMasterKeySpec")
    enabled = flag(get(props, "isEnabled"), "isEnabled", True, True)
    return item(
        "aws.kms.key",
        resource,
        {
            "key_id": None,
            "region": None,
            "state": "Enabled" if enabled is not False else "Disabled",
            "rotation_enabled": flag(
                get(props, "enableKeyRotation"), "enableKeyRotation", False, True
            ),
            "key_spec": "SYMMETRIC_DEFAULT"
            if spec is None
            else choice(spec, "customerMasterKeySpec", KEY_SPECS, "SYMMETRIC_DEFAULT"),
            "key_usage": None,
            # aws:kms/key:Key always has KMS-generated material (imported
            # material is aws:kms/externalKey:ExternalKey).
            "origin": "AWS_KMS",
            "manager": "CUSTOMER",
        },
    )


STACK_ACCOUNT = "pulumi-stack"

MAPPERS: dict[str, Callable[[Resource], dict[str, Any] | None]] = {
    SECURITY_GROUP: _security_group,
    SECURITY_GROUP_RULE: _security_group_rule,
    INGRESS_RULE: _ingress_rule,
    TRAIL: _trail,
    TABLE: _table,
    VOLUME: _volume,
    KEY: _key,
}
RESOURCE_KINDS = frozenset(
    {
        "aws.ec2.security_group",
        "aws.cloudtrail.trail",
        "aws.dynamodb.table",
        "aws.ec2.volume",
        "aws.kms.key",
    }
)
