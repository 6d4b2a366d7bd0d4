"""Organization Policy: the effective policy of the constraints HIPAA rules
read, per project (and for the organization when one is configured).

    gcp.orgpolicy.policy
      //orgpolicy.googleapis.com/projects/acme-prod/policies/sql.restrictPublicIp
        {"constraint": "sql.restrictPublicIp", "scope": "projects/acme-prod",
         "type": "boolean", "enforced": true,
         "allow_all": false, "deny_all": false, "allowed_values": [], "denied_values": []}

"Effective" is Google's merge of the hierarchy (organization, folders,
project), so an unset constraint reads as not enforced: that is Google's own
answer for it, not a guess. For the list constraint
(`iam.allowedPolicyMemberDomains`) `enforced` is null and the values say what
is allowed (customer ids, never user names).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hipaa_cac.collectors.base import Gap, Observation, Record
from hipaa_cac.collectors.gcp.api import GcpApi
from hipaa_cac.collectors.gcp.faults import GcpCallError
from hipaa_cac.collectors.gcp.project import Project
from hipaa_cac.collectors.gcp.services import GcpService

POLICY = "gcp.orgpolicy.policy"
ORGPOLICY = "//orgpolicy.googleapis.com/"
CONSTRAINTS = {
    "iam.allowedPolicyMemberDomains": "list",
    "sql.restrictPublicIp": "boolean",
    "storage.publicAccessPrevention": "boolean",
    "storage.uniformBucketLevelAccess": "boolean",
}


def enforced(policy: dict[str, Any]) -> bool:
    """A boolean constraint's effective policy: enforced when a rule says so."""
    return any(rule.get("enforce") is True for rule in _rules(policy))


def collect(project: Project) -> Iterator[Record]:
    records: list[Record] = []
    failures: dict[str, None] = {}
    scope = f"projects/{project.project_id}"
    for constraint in CONSTRAINTS:
        policy, error = project.effective_policy(constraint)
        if policy is None:
            failures[error or f"no policy for {constraint} in {project.where}"] = None
        else:
            records.append(_observation(scope, constraint, policy))
    for message in failures:
        yield Gap(POLICY, message)
    yield from records


def collect_organization(api: GcpApi, organization: str) -> Iterator[Record]:
    """The organization's own effective policies (what new projects inherit)."""
    scope = f"organizations/{organization}"
    records: list[Record] = []
    failures: dict[str, None] = {}
    for constraint in CONSTRAINTS:
        try:
            policy = api.call(
                "orgpolicy",
                "organizations.policies.getEffectivePolicy",
                {"name": f"{scope}/policies/{constraint}"},
                f"organization {organization}",
            )
        except GcpCallError as exc:
            failures[str(exc)] = None
            continue
        records.append(_observation(scope, constraint, policy))
    for message in failures:
        yield Gap(POLICY, message)
    yield from records


def _observation(scope: str, constraint: str, policy: dict[str, Any]) -> Observation:
    rules = _rules(policy)
    kind = CONSTRAINTS[constraint]
    values = [rule.get("values") or {} for rule in rules]
    data = {
        "constraint": constraint,
        "scope": scope,
        "type": kind,
        "enforced": enforced(policy) if kind == "boolean" else None,
        "allow_all": any(rule.get("allowAll") is True for rule in rules),
        "deny_all": any(rule.get("denyAll") is True for rule in rules),
        "allowed_values": sorted({str(v) for r in values for v in r.get("allowedValues") or []}),
        "denied_values": sorted({str(v) for r in values for v in r.get("deniedValues") or []}),
    }
    return Observation(POLICY, f"{ORGPOLICY}{scope}/policies/{constraint}", data)


def _rules(policy: dict[str, Any]) -> list[dict[str, Any]]:
    return list((policy.get("spec") or {}).get("rules") or [])


SERVICE = GcpService(name="orgpolicy", kinds=(POLICY,), collect=collect)
