"""One resource's API calls, where a failed call costs one field, not the
resource (nor the other resources of the task):

    read = Reader("aws.s3.bucket", "s3", "123456789012/us-east-1 bucket uploads")
    answer = read(lambda: s3.get_bucket_policy(Bucket="uploads"), absent={"NoSuchBucketPolicy"})
    # a dict: the answer; {}: AWS says there is none (an `absent` error code);
    # None: the call failed, and read.gaps holds a Gap naming the action and where
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from hipaa_cac.collectors.aws.faults import fault_message
from hipaa_cac.collectors.base import Gap


class Reader:
    def __init__(self, kind: str, service: str, where: str) -> None:
        self.kind = kind
        self.service = service
        self.where = where
        self.gaps: list[Gap] = []

    def __call__(
        self, call: Callable[[], Mapping[str, Any]], absent: Collection[str] = ()
    ) -> dict[str, Any] | None:
        try:
            return dict(call())
        except ClientError as exc:
            if error_code(exc) in absent:
                return {}
            self.gaps.append(Gap(self.kind, fault_message(exc, self.service, self.where)))
        except BotoCoreError as exc:
            # Timeouts and connection errors too: the next resource may still answer.
            self.gaps.append(Gap(self.kind, fault_message(exc, self.service, self.where)))
        return None


def error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))
