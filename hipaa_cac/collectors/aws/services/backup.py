"""AWS Backup: vaults (encryption key, lock) and plans (rules, and which
resources each selection covers), so a policy can tell whether every ePHI
store is backed up.

A selection lists resource ARNs or patterns (`arn:aws:rds:*:*:db:*`, `*`),
exclusions, and conditions. Conditions (tag tests) are recorded as operator
and key only, never the tag values: a policy can see that a selection depends
on tags it cannot evaluate. `retention_days` null means kept until deleted.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from hipaa_cac.collectors.aws.services import AwsService
from hipaa_cac.collectors.aws.services._records import Gaps
from hipaa_cac.collectors.aws.target import AwsTarget
from hipaa_cac.collectors.base import Observation, Record

VAULT = "aws.backup.vault"
PLAN = "aws.backup.plan"


def collect(target: AwsTarget, region: str) -> Iterator[Record]:
    backup = target.client("backup", region)
    where = f"{target.account_id}/{region}"
    listing = Gaps(VAULT, "backup", where)
    vaults = listing.attempt(lambda: _vaults(backup)) or []
    yield from listing.gaps
    for vault in vaults:
        data = {
            "name": vault["BackupVaultName"],
            "region": region,
            "encryption_key_arn": vault.get("EncryptionKeyArn"),
            "locked": vault.get("Locked"),
        }
        yield Observation(VAULT, vault["BackupVaultArn"], data)
    listing = Gaps(PLAN, "backup", where)
    plans = listing.attempt(lambda: _plans(backup)) or []
    yield from listing.gaps
    for plan in plans:
        yield from _plan(backup, region, f"{where} plan {plan['BackupPlanName']}", plan)


def _vaults(backup: Any) -> list[dict[str, Any]]:
    pages = backup.get_paginator("list_backup_vaults").paginate()
    return [vault for page in pages for vault in page["BackupVaultList"]]


def _plans(backup: Any) -> list[dict[str, Any]]:
    pages = backup.get_paginator("list_backup_plans").paginate()
    return [plan for page in pages for plan in page["BackupPlansList"]]


def _selection_ids(backup: Any, plan_id: str) -> list[str]:
    pages = backup.get_paginator("list_backup_selections").paginate(BackupPlanId=plan_id)
    return [s["SelectionId"] for page in pages for s in page["BackupSelectionsList"]]


def _plan(backup: Any, region: str, where: str, plan: dict[str, Any]) -> Iterator[Record]:
    read = Gaps(PLAN, "backup", where)
    plan_id = plan["BackupPlanId"]
    document = read(
        lambda: backup.get_backup_plan(BackupPlanId=plan_id), absent={"ResourceNotFoundException"}
    )
    if document == {}:  # deleted since it was listed
        return
    rules = None if document is None else document.get("BackupPlan", {}).get("Rules", [])
    data = {
        "name": plan["BackupPlanName"],
        "region": region,
        "rules": None if rules is None else [_rule(r) for r in rules],
        "selections": _selections(backup, read, plan_id),
    }
    yield from read.gaps
    yield Observation(PLAN, plan["BackupPlanArn"], data)


def _selections(backup: Any, read: Gaps, plan_id: str) -> list[dict[str, Any]] | None:
    listed = read(lambda: {"Ids": _selection_ids(backup, plan_id)})
    if listed is None:
        return None
    found = []
    for selection_id in listed["Ids"]:
        answer = read(partial(_get_selection, backup, plan_id, selection_id))
        if answer is None:  # one unreadable selection leaves the coverage unknown
            return None
        found.append(_selection(answer.get("BackupSelection", {})))
    return found


def _get_selection(backup: Any, plan_id: str, selection_id: str) -> dict[str, Any]:
    return dict(backup.get_backup_selection(BackupPlanId=plan_id, SelectionId=selection_id))


def _rule(rule: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": rule.get("RuleName"),
        "schedule": rule.get("ScheduleExpression"),
        "retention_days": (rule.get("Lifecycle") or {}).get("DeleteAfterDays"),
        "vault": rule.get("TargetBackupVaultName"),
    }


def _selection(selection: dict[str, Any]) -> dict[str, Any]:
    conditions = [
        {"operator": t.get("ConditionType", "STRINGEQUALS"), "key": t.get("ConditionKey")}
        for t in selection.get("ListOfTags") or []
    ]
    for operator, tests in (selection.get("Conditions") or {}).items():
        conditions.extend({"operator": operator, "key": t.get("ConditionKey")} for t in tests)
    return {
        "name": selection.get("SelectionName"),
        "resources": list(selection.get("Resources") or []),
        "not_resources": list(selection.get("NotResources") or []),
        "conditions": conditions,
    }


SERVICE = AwsService(name="backup", kinds=(VAULT, PLAN), regional=True, collect=collect)
