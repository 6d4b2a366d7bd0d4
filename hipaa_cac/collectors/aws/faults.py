"""Turn AWS errors into evidence gaps a person can act on.

    AccessDenied on s3:GetBucketPolicy in 123456789012: grant s3:GetBucketPolicy
    (it is in hipaa_cac/collectors/aws/iam-policy.json)

Never the request, never credentials: only the error code, the operation and
where it happened.
"""

from __future__ import annotations

import re

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ReadTimeoutError,
)

from hipaa_cac.redact import redact

DENIED = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError"}
EXPIRED = {"ExpiredToken", "ExpiredTokenException", "RequestExpired", "InvalidClientTokenId"}
REGION_OFF = {
    "OptInRequired",
    "UnrecognizedClientException",
    "AuthFailure",
    "InvalidSignatureException",
}
THROTTLED = {
    "Throttling",
    "ThrottlingException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
}

# IAM action names that differ from the API operation name.
ACTION_OVERRIDES = {
    ("s3", "ListBuckets"): "s3:ListAllMyBuckets",
    ("s3", "GetBucketEncryption"): "s3:GetEncryptionConfiguration",
    ("s3", "GetBucketLifecycleConfiguration"): "s3:GetLifecycleConfiguration",
    ("s3", "GetBucketReplication"): "s3:GetReplicationConfiguration",
    ("s3", "GetPublicAccessBlock"): "s3:GetBucketPublicAccessBlock",
    ("s3control", "GetPublicAccessBlock"): "s3:GetAccountPublicAccessBlock",
    ("opensearch", "ListDomainNames"): "es:ListDomainNames",
    ("opensearch", "DescribeDomain"): "es:DescribeDomain",
    ("opensearch", "DescribeDomains"): "es:DescribeDomains",
    ("elbv2", "DescribeLoadBalancers"): "elasticloadbalancing:DescribeLoadBalancers",
    ("elbv2", "DescribeListeners"): "elasticloadbalancing:DescribeListeners",
    (
        "elbv2",
        "DescribeLoadBalancerAttributes",
    ): "elasticloadbalancing:DescribeLoadBalancerAttributes",
    ("elbv2", "DescribeSSLPolicies"): "elasticloadbalancing:DescribeSSLPolicies",
    ("elbv2", "DescribeRules"): "elasticloadbalancing:DescribeRules",
    ("elb", "DescribeLoadBalancers"): "elasticloadbalancing:DescribeLoadBalancers",
    ("elb", "DescribeLoadBalancerPolicies"): "elasticloadbalancing:DescribeLoadBalancerPolicies",
    (
        "elb",
        "DescribeLoadBalancerAttributes",
    ): "elasticloadbalancing:DescribeLoadBalancerAttributes",
    ("apigateway", "GetRestApis"): "apigateway:GET",
    ("apigateway", "GetStages"): "apigateway:GET",
    ("apigatewayv2", "GetApis"): "apigateway:GET",
    ("apigatewayv2", "GetStages"): "apigateway:GET",
    ("apigateway", "GetDomainNames"): "apigateway:GET",
    ("apigatewayv2", "GetDomainNames"): "apigateway:GET",
    ("elbv2", "DescribeSslPolicies"): "elasticloadbalancing:DescribeSSLPolicies",
    ("logs", "DescribeLogGroups"): "logs:DescribeLogGroups",
    ("monitoring", "DescribeAlarms"): "cloudwatch:DescribeAlarms",
}
# boto3 client names whose IAM prefix differs.
PREFIXES = {
    "elbv2": "elasticloadbalancing",
    "elb": "elasticloadbalancing",
    "opensearch": "es",
    "s3control": "s3",
    "apigatewayv2": "apigateway",
    "cloudwatch": "cloudwatch",
}


def iam_action(service: str, operation: str) -> str:
    """The IAM action a boto3 call needs: ('s3', 'ListBuckets') → 's3:ListAllMyBuckets'."""
    return ACTION_OVERRIDES.get(
        (service, operation), f"{PREFIXES.get(service, service)}:{operation}"
    )


def fault_message(exc: Exception, service: str, where: str) -> str:
    """One line for a Gap: what failed, where, and what to do about it.
    `service` is the boto3 client name the failing call was made with."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        code = str(error.get("Code") or (f"HTTP {status}" if status else "Unknown"))
        # An XML error body where JSON was expected: botocore leaves the code
        # as the status and the body as the message; the real code is inside.
        inner = re.search(r"<Code>([^<]{1,64})</Code>", str(error.get("Message", "")))
        if inner and (code.isdigit() or code.startswith("HTTP")):
            code = inner.group(1)
            error = {**error, "Message": ""}
        action = iam_action(service, exc.operation_name)
        if code in DENIED:
            return f"{code} on {action} in {where}: grant {action} (see the read-only IAM policy)"
        if code in EXPIRED:
            return (
                f"{code} in {where}: the session's credentials expired or are invalid; refresh them"
            )
        if code in REGION_OFF:
            return f"{code} in {where}: the region is not enabled for this account"
        if code in THROTTLED:
            return f"{code} on {action} in {where}: still throttled after adaptive retries"
        message = redact(str(error.get("Message", "")))[:200]
        return f"{code} on {action} in {where}: {message}"
    if isinstance(exc, ConnectTimeoutError | ReadTimeoutError):
        return f"timed out in {where}: {exc.__class__.__name__}"
    if isinstance(exc, EndpointConnectionError):
        return f"cannot reach the endpoint in {where}"
    if isinstance(exc, NoCredentialsError):
        return f"no AWS credentials found for {where}"
    if isinstance(exc, BotoCoreError):
        return f"{exc.__class__.__name__} in {where}: {redact(str(exc))[:200]}"
    return f"{exc.__class__.__name__} in {where}: {redact(str(exc))[:200]}"
