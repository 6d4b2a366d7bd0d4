"""OpenSearch Service (and legacy Elasticsearch) domains: encryption at rest
and in transit, minimum TLS version, and whether the endpoint is public.

A domain without VPC options has a public endpoint (`public` true), whatever
its access policy says: the policy is a second line, not network isolation.
`min_tls_version` is read from the TLS security policy's name
(`Policy-Min-TLS-1-2-…` → "1.2"); null for a name it does not know.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from typing import Any

from hipaa_cac.collectors.aws.services import AwsService
from hipaa_cac.collectors.aws.services._records import Gaps
from hipaa_cac.collectors.aws.target import AwsTarget
from hipaa_cac.collectors.base import Observation, Record

DOMAIN = "aws.opensearch.domain"
BATCH = 5  # DescribeDomains takes at most 5 names
TLS_POLICY = re.compile(r"^Policy-Min-TLS-(\d)-(\d)-")


def collect(target: AwsTarget, region: str) -> Iterator[Record]:
    opensearch = target.client("opensearch", region)
    read = Gaps(DOMAIN, "opensearch", f"{target.account_id}/{region}")
    listed = read(lambda: opensearch.list_domain_names())
    names = [d["DomainName"] for d in (listed or {}).get("DomainNames", [])]
    domains: list[dict[str, Any]] = []
    for start in range(0, len(names), BATCH):
        batch = names[start : start + BATCH]
        answer = read(partial(_describe, opensearch, batch))
        domains.extend((answer or {}).get("DomainStatusList", []))
    yield from read.gaps
    for domain in domains:
        if domain.get("Deleted") is True:  # on its way out; nothing left to protect
            continue
        yield Observation(DOMAIN, domain["ARN"], _data(domain, region))


def _describe(opensearch: Any, names: list[str]) -> dict[str, Any]:
    return dict(opensearch.describe_domains(DomainNames=names))


def _data(domain: dict[str, Any], region: str) -> dict[str, Any]:
    at_rest = domain.get("EncryptionAtRestOptions") or {}
    endpoint = domain.get("DomainEndpointOptions") or {}
    vpc = domain.get("VPCOptions") or {}
    policy = endpoint.get("TLSSecurityPolicy")
    return {
        "name": domain["DomainName"],
        "region": region,
        "encryption_at_rest": at_rest.get("Enabled"),
        "kms_key_id": at_rest.get("KmsKeyId") if at_rest.get("Enabled") else None,
        "node_to_node_encryption": (domain.get("NodeToNodeEncryptionOptions") or {}).get("Enabled"),
        "enforce_https": endpoint.get("EnforceHTTPS"),
        "tls_security_policy": policy,
        "min_tls_version": _min_tls(policy),
        "public": not (vpc.get("VPCId") or vpc.get("SubnetIds")),
    }


def _min_tls(policy: object) -> str | None:
    match = TLS_POLICY.match(policy) if isinstance(policy, str) else None
    return f"{match.group(1)}.{match.group(2)}" if match else None


SERVICE = AwsService(name="opensearch", kinds=(DOMAIN,), regional=True, collect=collect)
