"""The shipped read-only IAM policy (hipaa_cac/collectors/aws/iam-policy.json)
is exactly what the collector calls: every boto3 call in the AWS service
modules is allowed by it (nothing the collector does is denied by a customer
who deployed it), and it allows nothing else (least privilege).

The calls are read from the modules' source: `x = target.client("svc", ...)`
binds a client name; `x.some_operation(...)` and `x.get_paginator("op")` are
calls. Then a real moto server with IAM enforcement on runs the whole
collector as a user holding only that policy, and nothing may be denied.
"""

from __future__ import annotations

import ast
import json
from datetime import UTC, datetime
from pathlib import Path

import boto3
import pytest
from moto_server import MotoServer

from hipaa_cac.collectors.aws import AwsCollector
from hipaa_cac.collectors.aws.faults import iam_action
from hipaa_cac.collectors.base import CollectContext, Gap
from hipaa_cac.fingerprint import fingerprinter

AWS = Path(__file__).resolve().parent.parent / "hipaa_cac" / "collectors" / "aws"
POLICY = AWS / "iam-policy.json"
NOT_API = {"get_paginator", "paginate", "can_paginate", "get_waiter", "close", "meta"}


def _operation(service: str, method: str) -> str:
    """botocore's own operation name: describe_db_instances -> DescribeDBInstances."""
    mapping = boto3.client(service, region_name="us-east-1").meta.method_to_api_mapping
    return str(mapping[method])


def calls_in(module: Path) -> set[tuple[str, str]]:
    tree = ast.parse(module.read_text())
    clients: dict[str, str] = {}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Attribute)
            and node.value.func.attr == "client"
            and node.value.args
            and isinstance(node.value.args[0], ast.Constant)
        ):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    clients[target.id] = str(node.value.args[0].value)
    found: set[tuple[str, str]] = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        owner = node.func.value
        if not (isinstance(owner, ast.Name) and owner.id in clients):
            continue
        service = clients[owner.id]
        if node.func.attr == "get_paginator" and node.args:
            arg = node.args[0]
            if isinstance(arg, ast.Constant):
                found.add((service, _operation(service, str(arg.value))))
        elif node.func.attr not in NOT_API:
            found.add((service, _operation(service, node.func.attr)))
    return found


def collector_actions() -> set[str]:
    calls: set[tuple[str, str]] = {("sts", "GetCallerIdentity"), ("ec2", "DescribeRegions")}
    for module in sorted((AWS / "services").glob("*.py")):
        calls |= calls_in(module)
    return {iam_action(service, operation) for service, operation in calls}


def policy_actions() -> set[str]:
    document = json.loads(POLICY.read_text())
    return {a for s in document["Statement"] for a in s["Action"]}


def test_the_policy_allows_exactly_what_the_collector_calls() -> None:
    needed, granted = collector_actions(), policy_actions()
    assert sorted(needed - granted) == [], "add these to iam-policy.json"
    assert sorted(granted - needed) == [], "least privilege: nothing calls these"
    assert all(
        ":Get" in a
        or ":List" in a
        or ":Describe" in a
        or a.endswith(":GET")
        or a in {"iam:GenerateCredentialReport"}
        for a in granted
    ), "read-only"


def test_a_user_with_only_the_policy_is_never_denied(
    aws: MotoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    iam = boto3.client("iam")
    iam.create_user(UserName="hipaa-cac")
    iam.put_user_policy(UserName="hipaa-cac", PolicyName="read", PolicyDocument=POLICY.read_text())
    key = iam.create_access_key(UserName="hipaa-cac")["AccessKey"]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
    monkeypatch.delenv("AWS_SESSION_TOKEN")
    aws.enforce_iam()
    try:
        context = CollectContext(
            root=tmp_path, now=datetime(2026, 11, 20, tzinfo=UTC), fingerprint=fingerprinter(b"s")
        )
        records = list(AwsCollector().collect({"regions": ["us-east-1"]}, context))
    finally:
        aws.stop_enforcing_iam()
    denied = [r.error for r in records if isinstance(r, Gap) and "Denied" in r.error]
    assert denied == []
