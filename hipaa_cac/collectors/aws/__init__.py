"""The AWS collector: every configured account and region, each service in
its own task on a bounded thread pool.

    sources:
      - id: aws-prod
        collector: aws
        config:
          regions: [us-east-1, us-west-2]     # default: every enabled region
          accounts:                           # default: the credentials' own account
            - {role_arn: "arn:aws:iam::111122223333:role/hipaa-cac-read"}
          services: [s3, iam, rds]            # default: all
          max_workers: 8

The credentials need only the read-only policy in iam-policy.json. A task
that fails (denied, throttled past retries, a disabled region, a timeout,
an expired session) is recorded as a gap for its kinds; the others go on.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ClassVar

from hipaa_cac import __version__
from hipaa_cac.collectors.aws.faults import fault_message
from hipaa_cac.collectors.aws.services import AwsService
from hipaa_cac.collectors.aws.services.registry import all_services
from hipaa_cac.collectors.aws.sessions import base_session, targets
from hipaa_cac.collectors.aws.target import HOME_REGION, AwsTarget
from hipaa_cac.collectors.base import CollectContext, Gap, Observation, Record

ACCOUNT = "aws.account"


class AwsCollector:
    name: ClassVar[str] = "aws"
    version: ClassVar[str] = __version__
    kinds: ClassVar[tuple[str, ...]] = tuple(
        sorted({ACCOUNT, *(k for s in all_services() for k in s.kinds)})
    )
    max_age: ClassVar[str] = "1d"
    config_schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "profile": {"type": "string"},
            "regions": {"type": "array", "items": {"type": "string"}, "minItems": 1},
            "accounts": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["role_arn"],
                    "properties": {
                        "role_arn": {"type": "string", "pattern": "^arn:aws[a-z-]*:iam::"},
                        "external_id": {"type": "string", "minLength": 2, "maxLength": 1224},
                    },
                },
            },
            "services": {
                "type": "array",
                "items": {"enum": [s.name for s in all_services()]},
            },
            "max_workers": {"type": "integer", "minimum": 1, "maximum": 64},
        },
    }

    def collect(self, config: Mapping[str, Any], context: CollectContext) -> Iterator[Record]:
        names = [s.name for s in all_services()]
        wanted = set(config.get("services", names))  # [] means none, not all
        chosen = [s for s in all_services() if s.name in wanted]
        try:
            base = base_session(config)
        except Exception as exc:  # e.g. a profile that does not exist
            base, failures = None, [fault_message(exc, "sts", "the configured credentials")]
        found: list[AwsTarget] = []
        if base is not None:
            found, failures = targets(base, config)
        for message in failures:
            for kind in self.kinds:
                yield Gap(kind, message)
        tasks = [
            (target, service, region)
            for target in found
            for service in chosen
            for region in (target.regions if service.regional else (HOME_REGION,))
        ]
        for target in found:
            yield from _account(target)
        with ThreadPoolExecutor(max_workers=config.get("max_workers", 8)) as pool:
            # map keeps task order, so evidence order does not depend on timing.
            for records in pool.map(lambda task: _run(*task), tasks):
                yield from records


def _account(target: AwsTarget) -> Iterator[Record]:
    subject = f"arn:{target.partition}:iam::{target.account_id}:root"
    yield Observation(
        ACCOUNT,
        subject,
        {"account_id": target.account_id, "regions": list(target.regions)},
    )


def _run(target: AwsTarget, service: AwsService, region: str) -> list[Record]:
    """One service in one account and region; never raises."""
    records: list[Record] = []
    try:
        records.extend(service.collect(target, region))
    except Exception as exc:
        where = f"{target.account_id}/{region}"
        message = fault_message(exc, service.name, where)
        records.extend(Gap(kind, message) for kind in service.kinds)
    return records
