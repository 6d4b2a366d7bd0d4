"""The EC2/EBS, VPC, ELB, CloudFront and API Gateway service modules against a
real moto server: compliant and non-compliant twins, the exact evidence each
yields, and what the aws_compute / aws_network rules find in it.

moto's own furniture is accounted for explicitly: every region has a default
VPC with a default security group, and moto lists public AMI snapshots of
other owners (which the collector leaves out).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
import regopy
from botocore.exceptions import ClientError
from moto_server import MOTO_ACCOUNT, MotoServer

from hipaa_cac.collectors.aws import AwsCollector
from hipaa_cac.collectors.aws.target import AwsTarget
from hipaa_cac.collectors.base import CollectContext, Gap, Observation, Record
from hipaa_cac.fingerprint import fingerprinter

NOW = datetime(2026, 11, 20, 6, tzinfo=UTC)
POLICIES = Path(__file__).resolve().parent.parent / "policies" / "technical"
REGION = "us-east-1"
ARN = f"arn:aws:ec2:{REGION}:{MOTO_ACCOUNT}"


def collect(tmp_path: Path, *services: str, regions: Iterable[str] = (REGION,)) -> list[Record]:
    context = CollectContext(root=tmp_path, now=NOW, fingerprint=fingerprinter(b"s"))
    config = {"regions": list(regions), "services": list(services)}
    return [r for r in AwsCollector().collect(config, context) if r.kind != "aws.account"]


def items(records: list[Record], kind: str) -> dict[str, dict[str, Any]]:
    return {r.subject: r.data for r in records if isinstance(r, Observation) and r.kind == kind}


def gaps(records: list[Record]) -> list[Gap]:
    return [r for r in records if isinstance(r, Gap)]


def found(records: list[Record], module: str, rule: str) -> set[str]:
    """Resources the rule finds in this evidence (embedded engine, strict)."""
    rego = regopy.Interpreter()
    rego.strict_built_in_errors = True
    rego.add_module(module, (POLICIES / f"{module}.rego").read_text())
    evidence: dict[str, list[dict[str, Any]]] = {}
    for r in records:
        if isinstance(r, Observation):
            evidence.setdefault(r.kind, []).append({"subject": r.subject, "data": r.data})
    rego.set_input(json.loads(json.dumps({"evidence": evidence})))
    output = rego.query(f"x := data.hipaa.technical.{module}.{rule}")
    assert output.ok(), str(output)
    return {f["resource"] for f in json.loads(str(output))["bindings"]["x"]}


def _ami(ec2: Any) -> str:
    return str(ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"])


# EBS


def test_volumes_and_snapshots(aws: MotoServer, tmp_path: Path) -> None:
    ec2 = boto3.client("ec2")
    sealed = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1, Encrypted=True)
    plain = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
    private = ec2.create_snapshot(VolumeId=sealed["VolumeId"])["SnapshotId"]
    public = ec2.create_snapshot(VolumeId=plain)["SnapshotId"]
    ec2.modify_snapshot_attribute(
        SnapshotId=public,
        Attribute="createVolumePermission",
        OperationType="add",
        GroupNames=["all"],
    )

    records = collect(tmp_path, "ebs")

    assert gaps(records) == []
    assert items(records, "aws.ec2.ebs_encryption_default") == {
        f"{ARN}:ebs-encryption-by-default": {"region": REGION, "enabled": False, "kms_key_id": None}
    }
    assert items(records, "aws.ec2.volume") == {
        f"{ARN}:volume/{sealed['VolumeId']}": {
            "volume_id": sealed["VolumeId"],
            "region": REGION,
            "encrypted": True,
            "kms_key_id": sealed["KmsKeyId"],
            "attached_instances": [],
        },
        f"{ARN}:volume/{plain}": {
            "volume_id": plain,
            "region": REGION,
            "encrypted": False,
            "kms_key_id": None,
            "attached_instances": [],
        },
    }
    # Only this account's snapshots: moto's AMI snapshots belong to others.
    snapshot = f"arn:aws:ec2:{REGION}::snapshot"
    assert items(records, "aws.ec2.snapshot") == {
        f"{snapshot}/{private}": {
            "snapshot_id": private,
            "region": REGION,
            "encrypted": True,
            "kms_key_id": None,  # moto does not carry the volume's key over
            "public": False,
        },
        f"{snapshot}/{public}": {
            "snapshot_id": public,
            "region": REGION,
            "encrypted": False,
            "kms_key_id": None,
            "public": True,
        },
    }
    assert found(records, "aws_compute", "ebs_default_encryption") == {
        f"{ARN}:ebs-encryption-by-default"
    }
    assert found(records, "aws_compute", "volumes_encrypted") == {f"{ARN}:volume/{plain}"}
    assert found(records, "aws_compute", "snapshots_encrypted") == {f"{snapshot}/{public}"}
    assert found(records, "aws_compute", "snapshots_not_public") == {f"{snapshot}/{public}"}


def test_default_encryption_per_region(aws: MotoServer, tmp_path: Path) -> None:
    boto3.client("ec2", region_name="eu-west-1").enable_ebs_encryption_by_default()

    records = collect(tmp_path, "ebs", regions=[REGION, "eu-west-1"])

    assert items(records, "aws.ec2.ebs_encryption_default") == {
        f"{ARN}:ebs-encryption-by-default": {
            "region": REGION,
            "enabled": False,
            "kms_key_id": None,
        },
        # moto has no GetEbsDefaultKmsKeyId (it answers 500): the key is a gap.
        f"arn:aws:ec2:eu-west-1:{MOTO_ACCOUNT}:ebs-encryption-by-default": {
            "region": "eu-west-1",
            "enabled": True,
            "kms_key_id": None,
        },
    }
    (gap,) = gaps(records)
    assert gap.kind == "aws.ec2.ebs_encryption_default"
    assert gap.error.startswith(f"ResponseParserError in {MOTO_ACCOUNT}/eu-west-1:")
    assert found(records, "aws_compute", "ebs_default_encryption") == {
        f"{ARN}:ebs-encryption-by-default"
    }


def test_a_denied_snapshot_attribute_keeps_the_snapshot(
    aws: MotoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ec2 = boto3.client("ec2")
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
    first = ec2.create_snapshot(VolumeId=volume)["SnapshotId"]
    second = ec2.create_snapshot(VolumeId=volume)["SnapshotId"]
    _deny(monkeypatch, "DescribeSnapshotAttribute")

    records = collect(tmp_path, "ebs")

    snapshots = items(records, "aws.ec2.snapshot")
    assert {d["snapshot_id"] for d in snapshots.values()} == {first, second}
    assert all(d["public"] is None for d in snapshots.values())
    # One gap for the cause, not one per snapshot.
    (gap,) = gaps(records)
    assert gap == Gap(
        "aws.ec2.snapshot",
        f"UnauthorizedOperation on ec2:DescribeSnapshotAttribute in {MOTO_ACCOUNT}/{REGION}: "
        "grant ec2:DescribeSnapshotAttribute (see the read-only IAM policy)",
    )
    assert found(records, "aws_compute", "snapshots_not_public") == set(snapshots)


def _deny(monkeypatch: pytest.MonkeyPatch, *operations: str) -> None:
    """Make EC2 operations answer UnauthorizedOperation, client side."""
    real = AwsTarget.client

    def client(self: AwsTarget, service: str, region: str | None = None) -> Any:
        made = real(self, service, region)

        def refuse(params: Any, model: Any, **_: Any) -> None:
            if model.name in operations:
                error = {"Code": "UnauthorizedOperation", "Message": "denied"}
                raise ClientError({"Error": error}, model.name)

        made.meta.events.register("before-call.ec2.*", refuse)
        return made

    monkeypatch.setattr(AwsTarget, "client", client)


# EC2 instances


def test_instances(aws: MotoServer, tmp_path: Path) -> None:
    ec2 = boto3.client("ec2")
    ami = _ami(ec2)
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    private_subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.1.0/24")["Subnet"]["SubnetId"]

    def run(**kwargs: Any) -> str:
        answer = ec2.run_instances(ImageId=ami, MinCount=1, MaxCount=1, **kwargs)
        return str(answer["Instances"][0]["InstanceId"])

    v2 = run(MetadataOptions={"HttpTokens": "required"}, EbsOptimized=True)
    v1 = run(MetadataOptions={"HttpTokens": "optional"}, SubnetId=private_subnet)
    off = run(MetadataOptions={"HttpEndpoint": "disabled"})
    stopped = run()
    ec2.stop_instances(InstanceIds=[stopped])
    gone = run()
    ec2.terminate_instances(InstanceIds=[gone])

    records = collect(tmp_path, "ec2")

    assert gaps(records) == []

    def instance(instance_id: str, state: str, flags: tuple[bool, bool, bool, bool]) -> Any:
        v2_required, endpoint, public, optimized = flags
        return {
            "instance_id": instance_id,
            "region": REGION,
            "state": state,
            "imdsv2_required": v2_required,
            "metadata_endpoint_enabled": endpoint,
            "public_ip": public,
            "ebs_optimized": optimized,
        }

    # Terminated instances are left out.
    assert items(records, "aws.ec2.instance") == {
        f"{ARN}:instance/{v2}": instance(v2, "running", (True, True, True, True)),
        f"{ARN}:instance/{v1}": instance(v1, "running", (False, True, False, False)),
        f"{ARN}:instance/{off}": instance(off, "running", (False, False, True, False)),
        f"{ARN}:instance/{stopped}": instance(stopped, "stopped", (False, True, False, False)),
    }
    assert found(records, "aws_compute", "instances_require_imdsv2") == {f"{ARN}:instance/{v1}"}


# VPCs and security groups


def test_vpcs_and_flow_logs(aws: MotoServer, tmp_path: Path) -> None:
    ec2 = boto3.client("ec2")
    default = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    logged = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    silent = ec2.create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]["VpcId"]
    boto3.client("s3").create_bucket(Bucket="flow-logs")
    ec2.create_flow_logs(
        ResourceIds=[logged],
        ResourceType="VPC",
        TrafficType="ALL",
        LogDestinationType="s3",
        LogDestination="arn:aws:s3:::flow-logs",
    )

    records = collect(tmp_path, "vpc")

    assert gaps(records) == []

    def vpc(vpc_id: str, is_default: bool, flow_logs: bool) -> Any:
        data = {"vpc_id": vpc_id, "region": REGION, "is_default": is_default}
        return {**data, "flow_logs_enabled": flow_logs}

    assert items(records, "aws.ec2.vpc") == {
        f"{ARN}:vpc/{default}": vpc(default, True, False),
        f"{ARN}:vpc/{logged}": vpc(logged, False, True),
        f"{ARN}:vpc/{silent}": vpc(silent, False, False),
    }
    assert found(records, "aws_network", "vpc_flow_logs_enabled") == {
        f"{ARN}:vpc/{default}",
        f"{ARN}:vpc/{silent}",
    }


def test_security_groups(aws: MotoServer, tmp_path: Path) -> None:
    ec2 = boto3.client("ec2")
    default_vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    (default_group,) = ec2.describe_security_groups()["SecurityGroups"]
    vpc = ec2.create_vpc(CidrBlock="10.4.0.0/16")["Vpc"]["VpcId"]

    def group(name: str, *permissions: dict[str, Any]) -> str:
        group_id = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)
        if permissions:
            ec2.authorize_security_group_ingress(
                GroupId=group_id["GroupId"], IpPermissions=list(permissions)
            )
        return str(group_id["GroupId"])

    internet = [{"CidrIp": "0.0.0.0/0"}]
    ssh = group(
        "ssh",
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": internet},
        {
            "IpProtocol": "tcp",
            "FromPort": 5432,
            "ToPort": 5432,
            "Ipv6Ranges": [{"CidrIpv6": "::/0"}],
            "IpRanges": [{"CidrIp": "10.0.0.0/8"}],
        },
    )
    everything = group("everything", {"IpProtocol": "-1", "IpRanges": internet})
    web = group("web", {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": internet})
    internal = group(
        "internal",
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
    )
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.4.1.0/24")["Subnet"]["SubnetId"]
    ec2.run_instances(
        ImageId=_ami(ec2), MinCount=2, MaxCount=2, SubnetId=subnet, SecurityGroupIds=[ssh, web]
    )
    vpc_default = next(
        g["GroupId"]
        for g in ec2.describe_security_groups()["SecurityGroups"]
        if g["VpcId"] == vpc and g["GroupName"] == "default"
    )

    records = collect(tmp_path, "vpc")

    assert gaps(records) == []

    def sg(group_id: str, name: str, vpc_id: str, attached: int, *open_rules: Any) -> Any:
        return {
            "group_id": group_id,
            "name": name,
            "region": REGION,
            "vpc_id": vpc_id,
            "open_ingress": list(open_rules),
            "attached": attached,
        }

    def rule(protocol: str, ports: int | None, source: str = "0.0.0.0/0") -> Any:
        return {"protocol": protocol, "from_port": ports, "to_port": ports, "source": source}

    assert items(records, "aws.ec2.security_group") == {
        f"{ARN}:security-group/{default_group['GroupId']}": sg(
            default_group["GroupId"], "default", default_vpc, 0
        ),
        f"{ARN}:security-group/{vpc_default}": sg(vpc_default, "default", vpc, 0),
        f"{ARN}:security-group/{ssh}": sg(
            ssh, "ssh", vpc, 2, rule("tcp", 22), rule("tcp", 5432, "::/0")
        ),
        f"{ARN}:security-group/{everything}": sg(
            everything, "everything", vpc, 0, rule("-1", None)
        ),
        f"{ARN}:security-group/{web}": sg(web, "web", vpc, 2, rule("tcp", 443)),
        f"{ARN}:security-group/{internal}": sg(internal, "internal", vpc, 0),
    }
    # The provider-neutral twins: one per protocol a group opens to the internet.
    neutral = items(records, "cloud.network_rule")
    assert {s: (n["protocol"], n["ports"], n["sources"]) for s, n in neutral.items()} == {
        f"{ARN}:security-group/{ssh}": ("tcp", ((22, 22), (5432, 5432)), ("0.0.0.0/0", "::/0")),
        f"{ARN}:security-group/{everything}": ("all", ((0, 65535),), ("0.0.0.0/0",)),
        f"{ARN}:security-group/{web}": ("tcp", ((443, 443),), ("0.0.0.0/0",)),
    }
    assert found(records, "cloud", "network_admin_ports_closed") == {
        f"{ARN}:security-group/{ssh}",
        f"{ARN}:security-group/{everything}",
    }


def test_denied_region_listings_cost_only_their_field(
    aws: MotoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ec2 = boto3.client("ec2")
    default_vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    (default_group,) = ec2.describe_security_groups()["SecurityGroups"]
    _deny(monkeypatch, "DescribeFlowLogs", "DescribeNetworkInterfaces")

    records = collect(tmp_path, "vpc")

    assert items(records, "aws.ec2.vpc") == {
        f"{ARN}:vpc/{default_vpc}": {
            "vpc_id": default_vpc,
            "region": REGION,
            "is_default": True,
            "flow_logs_enabled": None,
        }
    }
    groups = items(records, "aws.ec2.security_group")
    assert groups[f"{ARN}:security-group/{default_group['GroupId']}"]["attached"] is None
    grant = "(see the read-only IAM policy)"
    assert [(g.kind, g.error) for g in gaps(records)] == [
        (
            "aws.ec2.vpc",
            f"UnauthorizedOperation on ec2:DescribeFlowLogs in {MOTO_ACCOUNT}/{REGION}: "
            f"grant ec2:DescribeFlowLogs {grant}",
        ),
        (
            "aws.ec2.security_group",
            f"UnauthorizedOperation on ec2:DescribeNetworkInterfaces in {MOTO_ACCOUNT}/{REGION}: "
            f"grant ec2:DescribeNetworkInterfaces {grant}",
        ),
    ]
    assert found(records, "aws_network", "vpc_flow_logs_enabled") == {f"{ARN}:vpc/{default_vpc}"}


# Load balancers


def _network(ec2: Any) -> tuple[str, list[str]]:
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]
    return str(vpc), [s["SubnetId"] for s in subnets[:2]]


def test_application_and_network_load_balancers(aws: MotoServer, tmp_path: Path) -> None:
    vpc, subnets = _network(boto3.client("ec2"))
    elbv2 = boto3.client("elbv2")
    certificate = boto3.client("acm").request_certificate(DomainName="example.com")
    certificates = [{"CertificateArn": certificate["CertificateArn"]}]
    group = elbv2.create_target_group(Name="app", Protocol="HTTP", Port=80, VpcId=vpc)
    forward = [{"Type": "forward", "TargetGroupArn": group["TargetGroups"][0]["TargetGroupArn"]}]
    https = {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}
    redirect = [{"Type": "redirect", "RedirectConfig": https}]

    def balancer(name: str, logs: str | None, **kwargs: Any) -> str:
        arn = elbv2.create_load_balancer(Name=name, Subnets=subnets, **kwargs)
        arn = arn["LoadBalancers"][0]["LoadBalancerArn"]
        if logs is not None:
            attributes = [{"Key": "access_logs.s3.enabled", "Value": logs}]
            elbv2.modify_load_balancer_attributes(LoadBalancerArn=arn, Attributes=attributes)
        return str(arn)

    def listener(lb: str, protocol: str, port: int, actions: Any, **kwargs: Any) -> str:
        answer = elbv2.create_listener(
            LoadBalancerArn=lb, Protocol=protocol, Port=port, DefaultActions=actions, **kwargs
        )
        return str(answer["Listeners"][0]["ListenerArn"])

    good = balancer("good", "true", Scheme="internet-facing")
    modern = listener(
        good,
        "HTTPS",
        443,
        forward,
        SslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06",
        Certificates=certificates,
    )
    redirecting = listener(good, "HTTP", 80, redirect)
    # A fixed response serves nothing in plaintext; the redirect still holds.
    fixed = {"StatusCode": "404", "ContentType": "text/plain"}
    elbv2.create_rule(
        ListenerArn=redirecting,
        Priority=1,
        Conditions=[{"Field": "path-pattern", "Values": ["/health"]}],
        Actions=[{"Type": "fixed-response", "FixedResponseConfig": fixed}],
    )
    bad = balancer("bad", "false")
    plain = listener(bad, "HTTP", 80, forward)
    leaky = listener(bad, "HTTP", 8080, redirect)  # but /api is forwarded in plaintext
    elbv2.create_rule(
        ListenerArn=leaky,
        Priority=1,
        Conditions=[{"Field": "path-pattern", "Values": ["/api/*"]}],
        Actions=forward,
    )
    old = listener(bad, "HTTPS", 8443, forward, Certificates=certificates)  # moto's default policy
    network = balancer("net", None, Type="network")
    tls13 = listener(
        network,
        "TLS",
        5432,
        forward,
        SslPolicy="ELBSecurityPolicy-TLS13-1-3-2021-06",
        Certificates=certificates,
    )
    tcp = listener(network, "TCP", 6379, forward)

    records = collect(tmp_path, "elb")

    assert gaps(records) == []

    def lb(name: str, scheme: str | None, kind: str, logs: bool | None) -> Any:
        return {
            "name": name,
            "region": REGION,
            "scheme": scheme,
            "type": kind,
            "access_logs_enabled": logs,
            "deletion_protection": False,
        }

    assert items(records, "aws.elbv2.load_balancer") == {
        good: lb("good", "internet-facing", "application", True),
        # moto leaves Scheme out unless it was given, and access_logs.s3.enabled
        # out until it is set: both read as not shown.
        bad: lb("bad", None, "application", False),
        network: lb("net", None, "network", None),
    }

    def ln(lb_arn: str, protocol: str, port: int, policy: Any, tls: Any, redirects: bool) -> Any:
        return {
            "load_balancer_arn": lb_arn,
            "protocol": protocol,
            "port": port,
            "ssl_policy": policy,
            "min_tls_version": tls,
            "redirects_to_https": redirects,
        }

    assert items(records, "aws.elbv2.listener") == {
        modern: ln(good, "HTTPS", 443, "ELBSecurityPolicy-TLS13-1-2-2021-06", "1.2", False),
        redirecting: ln(good, "HTTP", 80, None, None, True),
        plain: ln(bad, "HTTP", 80, None, None, False),
        leaky: ln(bad, "HTTP", 8080, None, None, False),
        old: ln(bad, "HTTPS", 8443, "ELBSecurityPolicy-2016-08", "1.0", False),
        tls13: ln(network, "TLS", 5432, "ELBSecurityPolicy-TLS13-1-3-2021-06", "1.3", False),
        tcp: ln(network, "TCP", 6379, None, None, False),
    }
    assert found(records, "aws_network", "load_balancer_access_logs") == {bad, network}
    assert _transmission(records, "listeners_use_tls") == {plain, leaky, tcp}
    assert _transmission(records, "tls_minimum_version") == {old}


def _transmission(records: list[Record], rule: str) -> set[str]:
    """The existing transmission rules still read the listener shape."""
    return found(records, "transmission", rule)


def test_classic_load_balancers(aws: MotoServer, tmp_path: Path) -> None:
    elb = boto3.client("elb")
    certificate = boto3.client("acm").request_certificate(DomainName="example.com")
    https = {
        "Protocol": "HTTPS",
        "LoadBalancerPort": 443,
        "InstancePort": 80,
        "SSLCertificateId": certificate["CertificateArn"],
    }
    http = {"Protocol": "http", "LoadBalancerPort": 80, "InstancePort": 80}
    zones = ["us-east-1a"]
    elb.create_load_balancer(LoadBalancerName="secure", Listeners=[https], AvailabilityZones=zones)
    elb.modify_load_balancer_attributes(
        LoadBalancerName="secure",
        LoadBalancerAttributes={"AccessLog": {"Enabled": True, "S3BucketName": "logs"}},
    )
    elb.create_load_balancer(
        LoadBalancerName="mixed", Listeners=[https, http], AvailabilityZones=zones
    )

    records = collect(tmp_path, "elb")

    assert gaps(records) == []
    arn = f"arn:aws:elasticloadbalancing:{REGION}:{MOTO_ACCOUNT}:loadbalancer"
    assert items(records, "aws.elb.load_balancer") == {
        f"{arn}/secure": {
            "name": "secure",
            "region": REGION,
            "scheme": "internet-facing",
            "listeners": [{"protocol": "HTTPS", "port": 443}],
            "access_logs_enabled": True,
        },
        f"{arn}/mixed": {
            "name": "mixed",
            "region": REGION,
            "scheme": "internet-facing",
            # Upper-cased: classic ELB keeps the protocol as it was given.
            "listeners": [{"protocol": "HTTPS", "port": 443}, {"protocol": "HTTP", "port": 80}],
            "access_logs_enabled": False,
        },
    }
    assert found(records, "aws_network", "classic_load_balancer_tls") == {f"{arn}/mixed"}
    assert found(records, "aws_network", "classic_load_balancer_access_logs") == {f"{arn}/mixed"}


# CloudFront


def _distribution(reference: str, viewer: str, origin: str, certificate: Any, logging: bool) -> Any:
    behavior = {
        "ViewerProtocolPolicy": "https-only",
        "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
        "MinTTL": 0,
    }
    config = {
        "CallerReference": reference,
        "Comment": "",
        "Enabled": True,
        "Origins": {
            "Quantity": 2,
            "Items": [
                {
                    "Id": "app",
                    "DomainName": "app.example.com",
                    "CustomOriginConfig": {
                        "HTTPPort": 80,
                        "HTTPSPort": 443,
                        "OriginProtocolPolicy": origin,
                    },
                },
                {
                    "Id": "assets",
                    "DomainName": "assets.s3.amazonaws.com",
                    "S3OriginConfig": {"OriginAccessIdentity": ""},
                },
            ],
        },
        "DefaultCacheBehavior": {
            **behavior,
            "TargetOriginId": "app",
            "ViewerProtocolPolicy": viewer,
        },
        "CacheBehaviors": {
            "Quantity": 1,
            "Items": [{**behavior, "PathPattern": "/static/*", "TargetOriginId": "assets"}],
        },
        "Logging": {
            "Enabled": logging,
            "IncludeCookies": False,
            "Bucket": "logs.s3.amazonaws.com" if logging else "",
            "Prefix": "",
        },
        "ViewerCertificate": certificate,
    }
    answer = boto3.client("cloudfront").create_distribution(DistributionConfig=config)
    return answer["Distribution"]


def test_cloudfront_distributions(aws: MotoServer, tmp_path: Path) -> None:
    certificate = boto3.client("acm").request_certificate(DomainName="example.com")
    custom = {
        "ACMCertificateArn": certificate["CertificateArn"],
        "SSLSupportMethod": "sni-only",
        "MinimumProtocolVersion": "TLSv1.2_2021",
        "CloudFrontDefaultCertificate": False,
    }
    good = _distribution("good", "redirect-to-https", "https-only", custom, logging=True)
    default = {"CloudFrontDefaultCertificate": True}
    bad = _distribution("bad", "allow-all", "http-only", default, logging=False)
    # Standard logging v2: a CloudWatch Logs delivery whose source is the distribution.
    v2 = _distribution("v2", "https-only", "match-viewer", custom, logging=False)
    logs = boto3.client("logs")
    logs.put_delivery_source(name="v2", resourceArn=v2["ARN"], logType="ACCESS_LOGS")
    destination = logs.put_delivery_destination(
        name="bucket",
        deliveryDestinationConfiguration={"destinationResourceArn": "arn:aws:s3:::logs"},
    )
    logs.create_delivery(
        deliverySourceName="v2", deliveryDestinationArn=destination["deliveryDestination"]["arn"]
    )

    records = collect(tmp_path, "cloudfront")

    assert gaps(records) == []

    def distribution(d: Any, viewer: str, origin: str, tls: str, default: bool) -> Any:
        return {
            "id": d["Id"],
            "viewer_protocol_policies": [viewer, "https-only"],
            "minimum_protocol_version": tls,
            "uses_default_certificate": default,
            "origin_protocol_policies": [origin],  # the S3 origin has none
            "logging_enabled": d is not bad,
        }

    assert items(records, "aws.cloudfront.distribution") == {
        good["ARN"]: distribution(good, "redirect-to-https", "https-only", "TLSv1.2_2021", False),
        bad["ARN"]: distribution(bad, "allow-all", "http-only", "TLSv1", True),
        v2["ARN"]: distribution(v2, "https-only", "match-viewer", "TLSv1.2_2021", False),
    }
    for rule in (
        "cloudfront_viewer_https",
        "cloudfront_origin_https",
        "cloudfront_tls_minimum",
        "cloudfront_logging",
    ):
        assert found(records, "aws_network", rule) == {bad["ARN"]}, rule


# API Gateway


def test_api_gateway_stages_and_domains(aws: MotoServer, tmp_path: Path) -> None:
    certificate = boto3.client("acm").request_certificate(DomainName="example.com")
    apigateway = boto3.client("apigateway")
    rest = apigateway.create_rest_api(name="patients")["id"]
    root = apigateway.get_resources(restApiId=rest)["items"][0]["id"]
    apigateway.put_method(
        restApiId=rest, resourceId=root, httpMethod="GET", authorizationType="NONE"
    )
    apigateway.put_integration(restApiId=rest, resourceId=root, httpMethod="GET", type="MOCK")
    deployment = apigateway.create_deployment(restApiId=rest)["id"]
    for stage in ("prod", "dev"):
        apigateway.create_stage(restApiId=rest, stageName=stage, deploymentId=deployment)
    log_group = f"arn:aws:logs:{REGION}:{MOTO_ACCOUNT}:log-group:access"
    apigateway.update_stage(
        restApiId=rest,
        stageName="prod",
        patchOperations=[
            {"op": "replace", "path": "/accessLogSettings/destinationArn", "value": log_group},
            {"op": "replace", "path": "/accessLogSettings/format", "value": "$context.requestId"},
        ],
    )
    apigateway.create_domain_name(
        domainName="api.example.com",
        regionalCertificateArn=certificate["CertificateArn"],
        endpointConfiguration={"types": ["REGIONAL"]},
        securityPolicy="TLS_1_2",
    )
    apigateway.create_domain_name(
        domainName="legacy.example.com",
        certificateArn=certificate["CertificateArn"],
        securityPolicy="TLS_1_0",
    )
    apigatewayv2 = boto3.client("apigatewayv2")
    http = apigatewayv2.create_api(Name="portal", ProtocolType="HTTP")["ApiId"]
    settings = {"DestinationArn": log_group, "Format": "$context.requestId"}
    apigatewayv2.create_stage(ApiId=http, StageName="$default", AccessLogSettings=settings)
    apigatewayv2.create_stage(ApiId=http, StageName="quiet")
    apigatewayv2.create_domain_name(
        DomainName="portal.example.com",
        DomainNameConfigurations=[
            {
                "CertificateArn": certificate["CertificateArn"],
                "EndpointType": "REGIONAL",
                "SecurityPolicy": "TLS_1_2",
            }
        ],
    )

    records = collect(tmp_path, "apigateway")

    assert gaps(records) == []
    prefix = f"arn:aws:apigateway:{REGION}::"

    def stage(api: str, kind: str, name: str, logging: bool) -> Any:
        certificate = False if kind == "REST" else None
        data = {"api_id": api, "api_type": kind, "stage": name, "access_logging": logging}
        return {**data, "client_certificate": certificate}

    assert items(records, "aws.apigateway.stage") == {
        f"{prefix}/restapis/{rest}/stages/prod": stage(rest, "REST", "prod", True),
        f"{prefix}/restapis/{rest}/stages/dev": stage(rest, "REST", "dev", False),
        f"{prefix}/apis/{http}/stages/$default": stage(http, "HTTP", "$default", True),
        f"{prefix}/apis/{http}/stages/quiet": stage(http, "HTTP", "quiet", False),
    }

    def domain(name: str, policy: str, tls: str) -> Any:
        data = {"name": name, "region": REGION, "security_policy": policy}
        return {**data, "min_tls_version": tls}

    assert items(records, "aws.apigateway.domain") == {
        f"{prefix}/domainnames/api.example.com": domain("api.example.com", "TLS_1_2", "1.2"),
        f"{prefix}/domainnames/legacy.example.com": domain("legacy.example.com", "TLS_1_0", "1.0"),
        f"{prefix}/domainnames/portal.example.com": domain("portal.example.com", "TLS_1_2", "1.2"),
    }
    assert found(records, "aws_network", "api_stage_access_logging") == {
        f"{prefix}/restapis/{rest}/stages/dev",
        f"{prefix}/apis/{http}/stages/quiet",
    }
    assert found(records, "aws_network", "api_domain_tls_minimum") == {
        f"{prefix}/domainnames/legacy.example.com"
    }
