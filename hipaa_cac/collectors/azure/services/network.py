"""Network security groups, and their inbound rules open to the internet.

- `azure.network.nsg` (NSG id): `name`, `location`, `open_inbound`
  [{`rule`, `priority`, `protocol`, `ports` ([[from, to]]), `sources`}]: the
  Allow rules, inbound, whose source is `*`, `Internet`, `0.0.0.0/0` or
  `::/0` (other sources are left out: a private range is not the
  internet), `subnets` and `network_interfaces` (how many it is attached to).
- `cloud.network_rule` per such rule (subject: the rule's id; `applies_to`
  the NSG). Azure's default rules admit nothing from the internet, so only
  the NSG's own `securityRules` are read.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from hipaa_cac.collectors.azure.services import AzureService, Reader, listed, props
from hipaa_cac.collectors.azure.target import AzureTarget
from hipaa_cac.collectors.base import Observation, Record
from hipaa_cac.collectors.normalized import NetworkRule

NSG = "azure.network.nsg"
INTERNET = {"*", "internet", "0.0.0.0/0", "::/0", "any"}
PROTOCOLS = {"*": "all", "tcp": "tcp", "udp": "udp", "icmp": "icmp"}


def collect(target: AzureTarget, options: Mapping[str, Any]) -> Iterator[Record]:
    read = Reader(NSG, target.subject)
    network = target.client("network")
    groups = read(
        "network.network_security_groups.list_all",
        lambda: listed(network.network_security_groups.list_all()),
        kinds=(NSG, NetworkRule.KIND),
    )
    yield from read.gaps
    for group in sorted(groups or [], key=lambda g: str(g.get("id", "")).lower()):
        nsg_id = str(group["id"])
        p = props(group)
        open_rules = [rule for rule in (_open(r) for r in p.get("securityRules") or []) if rule]
        open_rules.sort(key=lambda r: (r["priority"] or 0, str(r["rule"])))
        yield Observation(
            NSG,
            nsg_id,
            {
                "name": group.get("name"),
                "subscription_id": target.subscription_id,
                "location": group.get("location"),
                "open_inbound": [{k: v for k, v in r.items() if k != "id"} for r in open_rules],
                "subnets": len(p.get("subnets") or []),
                "network_interfaces": len(p.get("networkInterfaces") or []),
            },
        )
        for rule in open_rules:
            yield NetworkRule(
                resource_id=rule["id"],
                provider="azure",
                service="nsg",
                account=target.subscription_id,
                location=group.get("location"),
                source_kind=NSG,
                protocol=rule["protocol"],
                ports=tuple(tuple(span) for span in rule["ports"]),
                sources=tuple(rule["sources"]),
                applies_to=nsg_id,
            ).observation()


def _open(rule: Mapping[str, Any]) -> dict[str, Any] | None:
    p = props(rule)
    if str(p.get("direction")).lower() != "inbound" or str(p.get("access")).lower() != "allow":
        return None
    prefixes = [p.get("sourceAddressPrefix"), *(p.get("sourceAddressPrefixes") or [])]
    sources = sorted({str(s) for s in prefixes if s and str(s).lower() in INTERNET})
    if not sources:
        return None
    ports = [p.get("destinationPortRange"), *(p.get("destinationPortRanges") or [])]
    protocol = str(p.get("protocol") or "*").lower()
    return {
        "id": str(rule["id"]),
        "rule": rule.get("name"),
        "priority": p.get("priority"),
        "protocol": PROTOCOLS.get(protocol, protocol),
        "ports": sorted(_span(str(port)) for port in ports if port) or [[0, 65535]],
        "sources": sources,
    }


def _span(port: str) -> list[int]:
    """'22' -> [22, 22]; '1000-2000' -> [1000, 2000]; '*' -> [0, 65535]."""
    if port.strip() == "*":
        return [0, 65535]
    low, _, high = port.strip().partition("-")
    return [int(low), int(high or low)]


SERVICE = AzureService(name="network", kinds=(NSG, NetworkRule.KIND), collect=collect)
