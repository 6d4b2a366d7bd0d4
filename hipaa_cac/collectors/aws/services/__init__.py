"""AWS service modules. Each collects one service's evidence:

    SERVICE = AwsService(
        name="s3",                       # config `services:` selects by this name
        kinds=("aws.s3.bucket",),        # what it yields (docs/evidence-kinds.md)
        regional=False,                  # True: called once per region
        collect=collect,                 # (target, region) -> Iterator[Observation | Gap]
    )

A module yields an Observation per resource (subject: its ARN) and a Gap for
anything it could not read (`fault_message(exc, "s3", where)`), keeping the
rest: one denied bucket policy must not hide the other buckets. An exception
escaping `collect` marks the module's kinds as errors for that account/region.
Metadata only: never object contents, secret values or parameter values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from hipaa_cac.collectors.aws.target import AwsTarget
from hipaa_cac.collectors.base import Record


@dataclass(frozen=True)
class AwsService:
    name: str
    kinds: tuple[str, ...]
    regional: bool
    collect: Callable[[AwsTarget, str], Iterator[Record]]
