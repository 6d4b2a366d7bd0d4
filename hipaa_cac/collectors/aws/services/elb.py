"""Load balancers: ALB/NLB (elbv2) with their listeners, and classic ELBs.

    aws.elbv2.load_balancer  load balancer ARN
    aws.elbv2.listener       listener ARN
    aws.elb.load_balancer    arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/<name>

A listener's minimum TLS version comes from its SSL policy's protocols
(DescribeSSLPolicies, read once per region that has a TLS listener), so new
AWS policies need no table here. Gateway load balancers pass packets through
unchanged and have no listener protocol, so their listeners are not recorded.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from hipaa_cac.collectors.aws.faults import fault_message
from hipaa_cac.collectors.aws.services import AwsService
from hipaa_cac.collectors.aws.services._records import Gaps
from hipaa_cac.collectors.aws.target import AwsTarget
from hipaa_cac.collectors.base import Gap, Observation, Record

LOAD_BALANCER = "aws.elbv2.load_balancer"
LISTENER = "aws.elbv2.listener"
CLASSIC = "aws.elb.load_balancer"
TLS_PROTOCOLS = {"HTTPS", "TLS"}
TLS_VERSIONS = {"TLSv1": "1.0", "TLSv1.1": "1.1", "TLSv1.2": "1.2", "TLSv1.3": "1.3"}


def collect(target: AwsTarget, region: str) -> Iterator[Record]:
    elbv2 = target.client("elbv2", region)
    elb = target.client("elb", region)
    where = f"{target.account_id}/{region}"
    try:
        yield from _elbv2(elbv2, region, where)
    except Exception as exc:
        message = fault_message(exc, "elbv2", where)
        yield from (Gap(kind, message) for kind in (LOAD_BALANCER, LISTENER))
    try:
        yield from _classic(target, elb, region, where)
    except Exception as exc:
        yield Gap(CLASSIC, fault_message(exc, "elb", where))


def _elbv2(elbv2: Any, region: str, where: str) -> Iterator[Record]:
    balancer_gaps = Gaps(LOAD_BALANCER, "elbv2", where)
    listener_gaps = Gaps(LISTENER, "elbv2", where)
    policies: dict[str, str | None] | None = None
    for page in elbv2.get_paginator("describe_load_balancers").paginate():
        for balancer in page["LoadBalancers"]:
            arn = balancer["LoadBalancerArn"]
            values = balancer_gaps.attempt(partial(_attributes, elbv2, arn)) or {}
            yield Observation(
                LOAD_BALANCER,
                arn,
                {
                    "name": balancer.get("LoadBalancerName"),
                    "region": region,
                    "scheme": balancer.get("Scheme"),
                    "type": balancer.get("Type"),
                    "access_logs_enabled": _flag(values.get("access_logs.s3.enabled")),
                    "deletion_protection": _flag(values.get("deletion_protection.enabled")),
                },
            )
            if balancer.get("Type") == "gateway":
                continue
            for listener in listener_gaps.attempt(partial(_listeners, elbv2, arn)) or []:
                if policies is None and listener.get("Protocol") in TLS_PROTOCOLS:
                    policies = listener_gaps.attempt(partial(_policies, elbv2)) or {}
                yield _listener(elbv2, listener, policies or {}, listener_gaps)
    yield from balancer_gaps.records()
    yield from listener_gaps.records()


def _attributes(elbv2: Any, arn: str) -> dict[str, str]:
    answer = elbv2.describe_load_balancer_attributes(LoadBalancerArn=arn)
    return {a["Key"]: a["Value"] for a in answer["Attributes"]}


def _listeners(elbv2: Any, arn: str) -> list[dict[str, Any]]:
    pages = elbv2.get_paginator("describe_listeners").paginate(LoadBalancerArn=arn)
    return [listener for page in pages for listener in page["Listeners"]]


def _flag(value: str | None) -> bool | None:
    return None if value is None else value.lower() == "true"


def _policies(elbv2: Any) -> dict[str, str | None]:
    """Every predefined SSL policy's lowest TLS version; null when a policy
    allows a protocol outside TLS 1.0-1.3 (SSLv3) or lists none."""
    found: dict[str, str | None] = {}
    for page in elbv2.get_paginator("describe_ssl_policies").paginate():
        for policy in page["SslPolicies"]:
            versions = [TLS_VERSIONS.get(p) for p in policy.get("SslProtocols", [])]
            known = [v for v in versions if v is not None]
            complete = bool(versions) and len(known) == len(versions)
            found[policy["Name"]] = min(known) if complete else None
    return found


def _listener(
    elbv2: Any, listener: dict[str, Any], policies: dict[str, str | None], gaps: Gaps
) -> Observation:
    protocol = listener.get("Protocol")
    # An SSL policy applies only where TLS ends (moto reports one on HTTP too).
    policy = listener.get("SslPolicy") if protocol in TLS_PROTOCOLS else None
    redirects: bool | None = _redirects(listener.get("DefaultActions", []))
    if redirects and protocol == "HTTP":
        # A path rule that forwards would still serve that path in plaintext.
        redirects = gaps.attempt(partial(_rules_safe, elbv2, listener["ListenerArn"]))
    return Observation(
        LISTENER,
        listener["ListenerArn"],
        {
            "load_balancer_arn": listener.get("LoadBalancerArn"),
            "protocol": protocol,
            "port": listener.get("Port"),
            "ssl_policy": policy,
            "min_tls_version": policies.get(policy) if policy else None,
            "redirects_to_https": redirects,
        },
    )


def _terminal(actions: list[dict[str, Any]]) -> dict[str, Any]:
    """The action that answers the request (authenticate-* actions come first)."""
    ordered = sorted(actions, key=lambda a: a.get("Order", 0))
    return ordered[-1] if ordered else {}


def _redirects(actions: list[dict[str, Any]]) -> bool:
    action = _terminal(actions)
    return action.get("Type") == "redirect" and (
        action.get("RedirectConfig", {}).get("Protocol") == "HTTPS"
    )


def _rules_safe(elbv2: Any, listener_arn: str) -> bool:
    """Every non-default rule redirects to HTTPS or answers with a fixed
    response: nothing reaches a target over plain HTTP."""
    for page in elbv2.get_paginator("describe_rules").paginate(ListenerArn=listener_arn):
        for rule in page["Rules"]:
            if rule.get("IsDefault"):
                continue
            actions = rule.get("Actions", [])
            if not (_redirects(actions) or _terminal(actions).get("Type") == "fixed-response"):
                return False
    return True


def _classic(target: AwsTarget, elb: Any, region: str, where: str) -> Iterator[Record]:
    gaps = Gaps(CLASSIC, "elb", where)
    for page in elb.get_paginator("describe_load_balancers").paginate():
        for balancer in page["LoadBalancerDescriptions"]:
            name = balancer["LoadBalancerName"]
            logs = gaps.attempt(partial(_access_log, elb, name)) or {}
            listeners = [d.get("Listener", {}) for d in balancer.get("ListenerDescriptions", [])]
            yield Observation(
                CLASSIC,
                target.arn("elasticloadbalancing", region, f"loadbalancer/{name}"),
                {
                    "name": name,
                    "region": region,
                    "scheme": balancer.get("Scheme"),
                    "listeners": [_classic_listener(x) for x in listeners],
                    "access_logs_enabled": logs.get("Enabled"),
                },
            )
    yield from gaps.records()


def _access_log(elb: Any, name: str) -> dict[str, Any]:
    answer = elb.describe_load_balancer_attributes(LoadBalancerName=name)
    return dict(answer["LoadBalancerAttributes"].get("AccessLog", {}))


def _classic_listener(listener: dict[str, Any]) -> dict[str, Any]:
    # Classic ELB may keep a protocol as it was given ("https"): upper-case it.
    protocol = listener.get("Protocol")
    return {
        "protocol": protocol.upper() if isinstance(protocol, str) else None,
        "port": listener.get("LoadBalancerPort"),
    }


SERVICE = AwsService(
    name="elb",
    kinds=(LOAD_BALANCER, LISTENER, CLASSIC),
    regional=True,
    collect=collect,
)
