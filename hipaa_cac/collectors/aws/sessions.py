"""Find the accounts and regions to collect from.

The standard credential chain (environment, profile, SSO, instance role)
gives the base session; each configured account is reached by assuming its
role from it. Regions: the configured list, else every region enabled for
the account.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import boto3

from hipaa_cac.collectors.aws.faults import fault_message
from hipaa_cac.collectors.aws.target import HOME_REGION, AwsTarget


def base_session(config: Mapping[str, Any]) -> boto3.Session:
    return boto3.Session(profile_name=config.get("profile"), region_name=HOME_REGION)


def targets(base: boto3.Session, config: Mapping[str, Any]) -> tuple[list[AwsTarget], list[str]]:
    """One target per reachable account, and a fault message per account that
    could not be reached (the others are still collected)."""
    found, failures = [], []
    for account in config.get("accounts") or [{}]:
        where = account.get("role_arn", "the credentials' account")
        service = "sts"
        try:
            session = _assume(base, account) if "role_arn" in account else base
            identity = session.client("sts").get_caller_identity()
            partition = identity["Arn"].split(":")[1]
            probe = AwsTarget(session, identity["Account"], partition, ())
            service = "ec2"
            regions = tuple(config.get("regions") or _enabled_regions(probe))
        except Exception as exc:
            failures.append(fault_message(exc, service, where))
            continue
        found.append(AwsTarget(session, identity["Account"], partition, regions))
    return found, failures


def _assume(base: boto3.Session, account: Mapping[str, Any]) -> boto3.Session:
    params = {"RoleArn": account["role_arn"], "RoleSessionName": "hipaa-cac"}
    if "external_id" in account:
        params["ExternalId"] = account["external_id"]
    credentials = base.client("sts").assume_role(**params)["Credentials"]
    return boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=HOME_REGION,
    )


def _enabled_regions(target: AwsTarget) -> list[str]:
    answer = target.client("ec2").describe_regions(
        Filters=[{"Name": "opt-in-status", "Values": ["opt-in-not-required", "opted-in"]}]
    )
    return sorted(r["RegionName"] for r in answer["Regions"])
