"""GuardDuty, per region: one item per detector, or one saying there is none.

    aws.guardduty.detector  arn:aws:guardduty:<region>:<acct>:detector/<id>
                            arn:aws:guardduty:<region>:<acct>:detector/none  (no detector)

The "none" item lets a policy say "GuardDuty is off in eu-west-1": absence
of a detector is a fact about the region, not a missing item.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hipaa_cac.collectors.aws.services import AwsService
from hipaa_cac.collectors.aws.services._records import Gaps
from hipaa_cac.collectors.aws.target import AwsTarget
from hipaa_cac.collectors.base import Observation, Record

DETECTOR = "aws.guardduty.detector"


def collect(target: AwsTarget, region: str) -> Iterator[Record]:
    guardduty = target.client("guardduty", region)
    gaps = Gaps(DETECTOR, "guardduty", f"{target.account_id}/{region}")
    ids = [
        detector_id
        for page in guardduty.get_paginator("list_detectors").paginate()
        for detector_id in page.get("DetectorIds", [])
    ]
    if not ids:
        yield Observation(
            DETECTOR,
            target.arn("guardduty", region, "detector/none"),
            {"detector_id": None, "region": region, "enabled": False, "status": None},
        )
    for detector_id in ids:
        status = _status(guardduty, detector_id, gaps)
        yield Observation(
            DETECTOR,
            target.arn("guardduty", region, f"detector/{detector_id}"),
            {
                "detector_id": detector_id,
                "region": region,
                # A detector can exist suspended (Status DISABLED).
                "enabled": None if status is None else status == "ENABLED",
                "status": status,
            },
        )
    yield from gaps.records()


def _status(guardduty: Any, detector_id: str, gaps: Gaps) -> str | None:
    detector = gaps.attempt(lambda: guardduty.get_detector(DetectorId=detector_id))
    return None if detector is None else detector.get("Status")


SERVICE = AwsService(name="guardduty", kinds=(DETECTOR,), regional=True, collect=collect)
