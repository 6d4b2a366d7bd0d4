"""API Gateway: stages of REST APIs (apigateway) and of HTTP and WebSocket
APIs (apigatewayv2), and custom domain names with their TLS policy.

    aws.apigateway.stage   arn:aws:apigateway:<region>::/restapis/<id>/stages/<name>
                           arn:aws:apigateway:<region>::/apis/<id>/stages/<name>
    aws.apigateway.domain  arn:aws:apigateway:<region>::/domainnames/<name>

A domain's security policy applies to every API mapped to it, so it is its
own kind. Both APIs list custom domains; a name seen through both is
recorded once, from the REST API's answer.
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

STAGE = "aws.apigateway.stage"
DOMAIN = "aws.apigateway.domain"


def collect(target: AwsTarget, region: str) -> Iterator[Record]:
    apigateway = target.client("apigateway", region)
    apigatewayv2 = target.client("apigatewayv2", region)
    prefix = f"arn:{target.partition}:apigateway:{region}::"
    where = f"{target.account_id}/{region}"
    sections = [
        (STAGE, "apigateway", _rest_stages(apigateway, prefix, where)),
        (STAGE, "apigatewayv2", _v2_stages(apigatewayv2, prefix, where)),
        (DOMAIN, "apigateway", _domains(apigateway, apigatewayv2, prefix, region)),
    ]
    for kind, service, records in sections:
        try:
            yield from records
        except Exception as exc:  # one API's failure does not hide the other's
            yield Gap(kind, fault_message(exc, service, where))


def _rest_stages(apigateway: Any, prefix: str, where: str) -> Iterator[Record]:
    gaps = Gaps(STAGE, "apigateway", where)
    for page in apigateway.get_paginator("get_rest_apis").paginate():
        for api in page["items"]:
            api_id = api["id"]
            for stage in gaps.attempt(partial(_rest_stage_list, apigateway, api_id)) or []:
                name = stage["stageName"]
                yield Observation(
                    STAGE,
                    f"{prefix}/restapis/{api_id}/stages/{name}",
                    {
                        "api_id": api_id,
                        "api_type": "REST",
                        "stage": name,
                        "access_logging": _logs_to(stage, "accessLogSettings", "destinationArn"),
                        "client_certificate": bool(stage.get("clientCertificateId")),
                    },
                )
    yield from gaps.records()


def _rest_stage_list(apigateway: Any, api_id: str) -> list[dict[str, Any]]:
    return list(apigateway.get_stages(restApiId=api_id).get("item", []))


def _v2_stages(apigatewayv2: Any, prefix: str, where: str) -> Iterator[Record]:
    gaps = Gaps(STAGE, "apigatewayv2", where)
    for page in apigatewayv2.get_paginator("get_apis").paginate():
        for api in page["Items"]:
            api_id = api["ApiId"]
            for stage in gaps.attempt(partial(_v2_stage_list, apigatewayv2, api_id)) or []:
                name = stage["StageName"]
                yield Observation(
                    STAGE,
                    f"{prefix}/apis/{api_id}/stages/{name}",
                    {
                        "api_id": api_id,
                        "api_type": api.get("ProtocolType"),  # HTTP or WEBSOCKET
                        "stage": name,
                        "access_logging": _logs_to(stage, "AccessLogSettings", "DestinationArn"),
                        # HTTP and WebSocket APIs verify clients on the domain (mutual TLS).
                        "client_certificate": None,
                    },
                )
    yield from gaps.records()


def _v2_stage_list(apigatewayv2: Any, api_id: str) -> list[dict[str, Any]]:
    pages = apigatewayv2.get_paginator("get_stages").paginate(ApiId=api_id)
    return [stage for page in pages for stage in page["Items"]]


def _logs_to(stage: dict[str, Any], settings: str, destination: str) -> bool:
    """Access logging is on when the stage names a log destination."""
    found = stage.get(settings)
    return isinstance(found, dict) and bool(found.get(destination))


def _domains(apigateway: Any, apigatewayv2: Any, prefix: str, region: str) -> Iterator[Record]:
    seen: set[str] = set()
    for page in apigateway.get_paginator("get_domain_names").paginate():
        for domain in page["items"]:
            seen.add(domain["domainName"])
            yield _domain(prefix, region, domain["domainName"], domain.get("securityPolicy"))
    for page in apigatewayv2.get_paginator("get_domain_names").paginate():
        for domain in page["Items"]:
            if domain["DomainName"] in seen:
                continue
            policies = {c.get("SecurityPolicy") for c in domain.get("DomainNameConfigurations", [])}
            # One endpoint configuration in practice; several must agree to be known.
            policy = policies.pop() if len(policies) == 1 else None
            yield _domain(prefix, region, domain["DomainName"], policy)


def _domain(prefix: str, region: str, name: str, policy: str | None) -> Observation:
    return Observation(
        DOMAIN,
        f"{prefix}/domainnames/{name}",
        {
            "name": name,
            "region": region,
            "security_policy": policy,
            "min_tls_version": _min_tls(policy),
        },
    )


def _min_tls(policy: str | None) -> str | None:
    """The lowest TLS version a security policy accepts: legacy TLS_1_0 takes
    1.0, SecurityPolicy_TLS13_1_3_* only 1.3. TLS_1_2 and the other enhanced
    policies (TLS12_*, TLS13_1_2_*, TLS13_2025_EDGE) take 1.2 at the least, so
    1.2 is what is claimed for them. Anything else is unknown."""
    if policy == "TLS_1_0":
        return "1.0"
    if not isinstance(policy, str):
        return None
    if policy.startswith("SecurityPolicy_TLS13_1_3"):
        return "1.3"
    if policy == "TLS_1_2" or policy.startswith(("SecurityPolicy_TLS12", "SecurityPolicy_TLS13")):
        return "1.2"
    return None


SERVICE = AwsService(
    name="apigateway",
    kinds=(STAGE, DOMAIN),
    regional=True,
    collect=collect,
)
