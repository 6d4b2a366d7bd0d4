"""VPC firewall rules (Compute Engine `firewalls.list`): every rule, and the
internet-open ingress allow rules as neutral network rules.

    gcp.compute.firewall  //compute.googleapis.com/projects/acme-prod/global/firewalls/allow-ssh
        {"name": "allow-ssh", "project_id": "acme-prod",
         "network": "//compute.googleapis.com/projects/acme-prod/global/networks/default",
         "direction": "INGRESS", "action": "allow", "priority": 1000, "disabled": false,
         "source_ranges": ["0.0.0.0/0"], "internet_sources": ["0.0.0.0/0"],
         "rules": [{"protocol": "tcp", "ports": [[22, 22]]}],
         "target_tags": ["bastion"], "logging": false}
    cloud.network_rule  (one per enabled INGRESS allow rule with an internet source)

Ports are inclusive ranges; a rule without ports covers them all ([[0, 65535]]).
A rule allowing several protocols gives one neutral item per protocol, its
subject the rule's id plus "#<protocol>"; a single-protocol rule's is the id.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hipaa_cac.collectors.base import Observation, Record
from hipaa_cac.collectors.gcp.project import Project, Reader, compute_id
from hipaa_cac.collectors.gcp.services import GcpService
from hipaa_cac.collectors.normalized import NETWORK_RULE, NetworkRule

FIREWALL = "gcp.compute.firewall"
KINDS = (FIREWALL, NETWORK_RULE)
INTERNET = ("0.0.0.0/0", "::/0")
ALL_PORTS = ((0, 65535),)


def collect(project: Project) -> Iterator[Record]:
    read = Reader(project, KINDS)
    rules = read.pages("compute", "firewalls.list", "items", {"project": project.project_id})
    yield from read.gaps()
    for rule in rules or []:
        yield from _rule(project, rule)


def _rule(project: Project, rule: dict[str, Any]) -> Iterator[Record]:
    name = str(rule["name"])
    action = "allow" if "allowed" in rule else "deny"
    sources = sorted(str(s) for s in rule.get("sourceRanges") or [])
    internet = [s for s in INTERNET if s in sources]
    network = compute_id(rule.get("network"))
    entries = _entries(rule.get("allowed") or rule.get("denied") or [])
    data = {
        "name": name,
        "project_id": project.project_id,
        "network": network,
        "direction": rule.get("direction"),
        "action": action,
        "priority": rule.get("priority"),
        "disabled": rule.get("disabled") is True,
        "source_ranges": sources,
        "internet_sources": internet,
        "rules": [{"protocol": p, "ports": [list(r) for r in ports]} for p, ports in entries],
        "target_tags": sorted(str(t) for t in rule.get("targetTags") or []),
        "logging": (rule.get("logConfig") or {}).get("enable") is True,
    }
    subject = f"//compute.googleapis.com/projects/{project.project_id}/global/firewalls/{name}"
    yield Observation(FIREWALL, subject, data)
    if not (action == "allow" and data["direction"] == "INGRESS" and internet) or data["disabled"]:
        return
    for protocol, ports in entries:
        yield NetworkRule(
            resource_id=subject if len(entries) == 1 else f"{subject}#{protocol}",
            provider="gcp",
            service="firewall",
            account=project.project_id,
            location="global",
            source_kind=FIREWALL,
            protocol=protocol,
            ports=ports,
            sources=tuple(internet),
            applies_to=network,
        ).observation()


def _entries(items: list[dict[str, Any]]) -> list[tuple[str, tuple[tuple[int, int], ...]]]:
    """allowed/denied entries merged per protocol, ranges sorted and deduplicated."""
    merged: dict[str, set[tuple[int, int]]] = {}
    for item in items:
        protocol = str(item.get("IPProtocol", "all")).lower()
        ranges = merged.setdefault(protocol, set())
        ports = item.get("ports") or []
        ranges.update(_range(str(p)) for p in ports)
        if not ports:
            ranges.update(ALL_PORTS)
    return [(p, tuple(sorted(r))) for p, r in sorted(merged.items())]


def _range(port: str) -> tuple[int, int]:
    low, _, high = port.partition("-")
    return int(low), int(high or low)


SERVICE = GcpService(name="compute", kinds=KINDS, collect=collect)
