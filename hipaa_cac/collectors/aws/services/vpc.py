"""VPCs (with their flow logs) and security groups (with the ingress rules
that are open to the whole internet).

    aws.ec2.vpc             arn:aws:ec2:<region>:<account>:vpc/<id>
    aws.ec2.security_group  arn:aws:ec2:<region>:<account>:security-group/<id>

Flow logs and network interfaces are listed once per region, not once per
VPC or group. If either listing fails, the field it feeds is null and the
kind gets a gap; the resources are still recorded.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from hipaa_cac.collectors.aws.neutral import network_rules
from hipaa_cac.collectors.aws.services import AwsService
from hipaa_cac.collectors.aws.services._records import Gaps, section
from hipaa_cac.collectors.aws.target import AwsTarget
from hipaa_cac.collectors.base import Observation, Record
from hipaa_cac.collectors.normalized import NETWORK_RULE

VPC = "aws.ec2.vpc"
SECURITY_GROUP = "aws.ec2.security_group"
INTERNET = {"0.0.0.0/0", "::/0"}


def collect(target: AwsTarget, region: str) -> Iterator[Record]:
    ec2 = target.client("ec2", region)
    where = f"{target.account_id}/{region}"
    yield from section(VPC, "ec2", where, _vpcs(target, ec2, region, where))
    yield from section(SECURITY_GROUP, "ec2", where, _groups(target, ec2, region, where))


def _vpcs(target: AwsTarget, ec2: Any, region: str, where: str) -> Iterator[Record]:
    gaps = Gaps(VPC, "ec2", where)
    logged = gaps.attempt(lambda: _logged_resources(ec2))
    yield from gaps.records()
    for page in ec2.get_paginator("describe_vpcs").paginate():
        for vpc in page["Vpcs"]:
            vpc_id = vpc["VpcId"]
            yield Observation(
                VPC,
                target.arn("ec2", region, f"vpc/{vpc_id}"),
                {
                    "vpc_id": vpc_id,
                    "region": region,
                    "is_default": vpc.get("IsDefault"),
                    "flow_logs_enabled": None if logged is None else vpc_id in logged,
                },
            )


def _logged_resources(ec2: Any) -> set[str]:
    """Ids of the resources with an active flow log (VPCs, subnets, ENIs)."""
    found: set[str] = set()
    for page in ec2.get_paginator("describe_flow_logs").paginate():
        for flow_log in page["FlowLogs"]:
            if flow_log.get("FlowLogStatus") == "ACTIVE" and "ResourceId" in flow_log:
                found.add(flow_log["ResourceId"])
    return found


def _groups(target: AwsTarget, ec2: Any, region: str, where: str) -> Iterator[Record]:
    gaps = Gaps(SECURITY_GROUP, "ec2", where)
    attached = gaps.attempt(lambda: _attachments(ec2))
    yield from gaps.records()
    for page in ec2.get_paginator("describe_security_groups").paginate():
        for group in page["SecurityGroups"]:
            group_id = group["GroupId"]
            subject = group.get("SecurityGroupArn") or target.arn(
                "ec2", region, f"security-group/{group_id}"
            )
            data = {
                "group_id": group_id,
                "name": group.get("GroupName"),
                "region": region,
                "vpc_id": group.get("VpcId"),
                "open_ingress": _open_ingress(group.get("IpPermissions", [])),
                "attached": None if attached is None else attached[group_id],
            }
            yield Observation(SECURITY_GROUP, subject, data)
            for rule in network_rules(subject, target.account_id, data):
                yield rule.observation()


def _attachments(ec2: Any) -> Counter[str]:
    """Network interfaces per security group: 0 means the group guards nothing."""
    count: Counter[str] = Counter()
    for page in ec2.get_paginator("describe_network_interfaces").paginate():
        for interface in page["NetworkInterfaces"]:
            count.update({g["GroupId"] for g in interface.get("Groups", []) if "GroupId" in g})
    return count


def _open_ingress(permissions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Only the rules anyone on the internet matches; narrower sources are
    a matter of intent the evidence cannot judge."""
    found = []
    for permission in permissions:
        sources = [r.get("CidrIp") for r in permission.get("IpRanges", [])]
        sources += [r.get("CidrIpv6") for r in permission.get("Ipv6Ranges", [])]
        for source in sorted({s for s in sources if s in INTERNET}):
            found.append(
                {
                    "protocol": permission.get("IpProtocol"),
                    # Absent for "-1" (all traffic): every port.
                    "from_port": permission.get("FromPort"),
                    "to_port": permission.get("ToPort"),
                    "source": source,
                }
            )
    return found


SERVICE = AwsService(
    name="vpc",
    kinds=(VPC, SECURITY_GROUP, NETWORK_RULE),
    regional=True,
    collect=collect,
)
