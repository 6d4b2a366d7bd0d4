"""AWS Config, per region: each configuration recorder and whether it is
recording every supported resource type, or one item saying there is none.

    aws.config.recorder  the recorder's ARN (AWS gives one since 2024), else
                         arn:aws:config:<region>:<acct>:configuration-recorder/<name>
                         arn:aws:config:<region>:<acct>:configuration-recorder/none

(The module is named after the boto3 client, "config".)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hipaa_cac.collectors.aws.services import AwsService
from hipaa_cac.collectors.aws.services._records import Gaps
from hipaa_cac.collectors.aws.target import AwsTarget
from hipaa_cac.collectors.base import Observation, Record

RECORDER = "aws.config.recorder"


def collect(target: AwsTarget, region: str) -> Iterator[Record]:
    config = target.client("config", region)
    gaps = Gaps(RECORDER, "config", f"{target.account_id}/{region}")
    recorders = config.describe_configuration_recorders().get("ConfigurationRecorders", [])
    if not recorders:
        yield Observation(
            RECORDER,
            target.arn("config", region, "configuration-recorder/none"),
            {
                "name": None,
                "region": region,
                "exists": False,
                "recording": False,
                "all_supported": None,
                "include_global_resource_types": None,
                "last_status": None,
            },
        )
        return
    statuses = _statuses(config, gaps)
    for recorder in recorders:
        name = recorder.get("name")
        group = recorder.get("recordingGroup") or {}
        status = None if statuses is None else statuses.get(name, {})
        yield Observation(
            RECORDER,
            recorder.get("arn") or target.arn("config", region, f"configuration-recorder/{name}"),
            {
                "name": name,
                "region": region,
                "exists": True,
                "recording": None if status is None else bool(status.get("recording")),
                "all_supported": group.get("allSupported"),
                "include_global_resource_types": group.get("includeGlobalResourceTypes"),
                "last_status": None if status is None else status.get("lastStatus"),
            },
        )
    yield from gaps.records()


def _statuses(config: Any, gaps: Gaps) -> dict[str, dict[str, Any]] | None:
    answer = gaps.attempt(lambda: config.describe_configuration_recorder_status())
    if answer is None:
        return None
    return {s.get("name"): s for s in answer.get("ConfigurationRecordersStatus", [])}


SERVICE = AwsService(name="config", kinds=(RECORDER,), regional=True, collect=collect)
