"""Every kind of AWS failure becomes one actionable line, never a credential."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, ConnectTimeoutError, EndpointConnectionError

from hipaa_cac.collectors.aws.faults import fault_message, iam_action


def client_error(code: str, operation: str, message: str = "", status: int = 400) -> ClientError:
    response = {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": {"HTTPStatusCode": status},
    }
    return ClientError(response, operation)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("error", "service", "expected"),
    [
        (
            client_error("AccessDenied", "ListBuckets"),
            "s3",
            "AccessDenied on s3:ListAllMyBuckets in acct/us-east-1: grant s3:ListAllMyBuckets",
        ),
        (
            client_error("ExpiredToken", "DescribeVolumes"),
            "ec2",
            "ExpiredToken in acct/us-east-1: the session's credentials expired",
        ),
        (
            client_error("OptInRequired", "DescribeVolumes"),
            "ec2",
            "OptInRequired in acct/us-east-1: the region is not enabled",
        ),
        (
            client_error("ThrottlingException", "DescribeTable"),
            "dynamodb",
            "ThrottlingException on dynamodb:DescribeTable in acct/us-east-1: still throttled",
        ),
        (
            client_error(
                "403", "ListDetectors", "<Error><Code>AccessDeniedException</Code></Error>"
            ),
            "guardduty",
            "AccessDeniedException on guardduty:ListDetectors",
        ),
        (
            client_error("", "ListDistributions", status=403),
            "cloudfront",
            "HTTP 403 on cloudfront:ListDistributions",
        ),
        (
            ConnectTimeoutError(endpoint_url="https://ec2.us-east-1.amazonaws.com"),
            "ec2",
            "timed out in acct/us-east-1: ConnectTimeoutError",
        ),
        (
            EndpointConnectionError(endpoint_url="https://ec2.x.amazonaws.com"),
            "ec2",
            "cannot reach the endpoint in acct/us-east-1",
        ),
    ],
)
def test_fault_messages(error: Exception, service: str, expected: str) -> None:
    assert fault_message(error, service, "acct/us-east-1").startswith(expected)


def test_error_messages_are_redacted() -> None:
    token = "ghp_" + "Ab1" * 12
    message = fault_message(
        client_error("ValidationError", "GetBucketPolicy", f"bad token={token}"), "s3", "acct"
    )
    assert token not in message and message.startswith("ValidationError on s3:GetBucketPolicy")


def test_iam_action_names() -> None:
    assert iam_action("elbv2", "DescribeListeners") == "elasticloadbalancing:DescribeListeners"
    assert iam_action("s3control", "GetPublicAccessBlock") == "s3:GetAccountPublicAccessBlock"
    assert iam_action("s3", "GetPublicAccessBlock") == "s3:GetBucketPublicAccessBlock"
    assert iam_action("rds", "DescribeDBInstances") == "rds:DescribeDBInstances"
