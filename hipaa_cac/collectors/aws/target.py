"""What one AWS service module works against: an account's session, its
regions, and clients configured the same way everywhere.

    target = AwsTarget(session, account_id="123456789012", partition="aws",
                       regions=("us-east-1", "eu-west-1"), max_attempts=8)
    s3 = target.client("s3")                      # global services: the home region
    ec2 = target.client("ec2", "eu-west-1")

`AWS_ENDPOINT_URL` (and per-service `AWS_ENDPOINT_URL_<SERVICE>`) is honoured
by boto3 itself, which is how the tests reach a local moto server.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config

HOME_REGION = "us-east-1"


@dataclass(frozen=True)
class AwsTarget:
    session: boto3.Session
    account_id: str
    partition: str
    regions: tuple[str, ...]
    max_attempts: int = 8
    timeout_seconds: int = 20
    _config: Config = field(init=False, repr=False, compare=False)
    _lock: threading.Lock = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Adaptive retries back off on throttling across all threads sharing
        # a client; timeouts keep one dead endpoint from stalling the run.
        config = Config(
            retries={"mode": "adaptive", "max_attempts": self.max_attempts},
            connect_timeout=self.timeout_seconds,
            read_timeout=self.timeout_seconds,
            user_agent_extra="hipaa-cac",
        )
        object.__setattr__(self, "_config", config)
        object.__setattr__(self, "_lock", threading.Lock())

    def client(self, service: str, region: str | None = None) -> Any:
        # Creating clients from one Session is not thread-safe (clients are).
        with self._lock:
            return self.session.client(
                service, region_name=region or HOME_REGION, config=self._config
            )

    def arn(self, service: str, region: str, resource: str) -> str:
        return f"arn:{self.partition}:{service}:{region}:{self.account_id}:{resource}"
