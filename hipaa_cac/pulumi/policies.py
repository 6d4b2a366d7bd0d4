"""One CrossGuard policy per HIPAA control, checked per resource and per stack.

    policies(Checker.builtin())
    -> [ControlPolicy(name="hipaa-164-312-a-1",
                      description="45 CFR 164.312(a)(1) Access control",
                      enforcement_level=MANDATORY), ...]   # addressable: ADVISORY

A control's checks span both levels Pulumi offers: a security group is judged
on its own when it is registered (Analyze, before it is created), an S3
bucket only with the resources that configure it (AnalyzeStack). Policy names
are unique in a pack and enforcement is configured per name, so a control is
one policy that is both a resource and a stack policy: pulumi_policy
dispatches Analyze to ResourceValidationPolicy instances and AnalyzeStack to
StackValidationPolicy ones, and `validate` tells the two apart by its
arguments. (tests/test_pulumi_grpc.py holds the SDK to that.)

Findings that wait on values unknown at preview are not violations: after
the decided ones are reported, the policy raises UnknownValueError, which the
SDK reports as one advisory "can't run policy ... during preview" diagnostic
naming the properties (never their values). That covers one resource in
Analyze and the undecided findings only in AnalyzeStack: every decided
violation of the stack is still reported.
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyComplianceFramework,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError

from hipaa_cac.controls import Control
from hipaa_cac.pulumi.checker import Checker, Violation
from hipaa_cac.pulumi.resources import Resource
from hipaa_cac.pulumi.values import plain

FRAMEWORK = PolicyComplianceFramework(
    name="HIPAA Security Rule", version="45 CFR Part 164 Subpart C", reference="hipaa-cac"
)


class ControlPolicy(ResourceValidationPolicy, StackValidationPolicy):
    def __init__(self, control: Control, checker: Checker) -> None:
        # Through the bases' cooperative __init__ chain only what both accept
        # in the same positions (name, description); the rest is set below.
        super().__init__(control.id, f"{control.citation} {control.title}")
        self.enforcement_level = default_enforcement(control)
        self.display_name = f"{control.id}: {control.title}"
        self.severity = Severity(checker.severity(control.id))
        self.framework = FRAMEWORK
        self.tags = ["hipaa", control.safeguard, control.requirement]
        self.control = control
        self.checker = checker

    def validate(
        self, args: ResourceValidationArgs | StackValidationArgs, report_violation: ReportViolation
    ) -> Awaitable[Any] | None:
        if isinstance(args, StackValidationArgs):
            found = self.checker.check_stack([_stack_resource(r) for r in args.resources])
        else:
            found = self.checker.check_resource(_resource(args))
        report(self.control, found, report_violation)
        return None


def report(control: Control, found: list[Violation], report_violation: ReportViolation) -> None:
    """Report the control's decided violations; then, if any wait on unknowns, say so."""
    mine = [v for v in found if v.control == control.id]
    for violation in mine:
        if violation.decided:
            report_violation(message(control, violation), violation.urn)
    undecided = [v for v in mine if not v.decided]
    if undecided:
        fields = sorted({f for v in undecided for f in v.waiting_on})
        error = UnknownValueError(UNKNOWN_STRING_VALUE, [])
        error.message = (
            f"{len(undecided)} check(s) of {control.id} wait on values known only after the "
            f"update ({', '.join(fields) or 'unknown properties'}); run the policy again on `up`"
        )
        raise error


def message(control: Control, violation: Violation) -> str:
    return f"{control.id} ({control.citation}): {violation.message}"


def default_enforcement(control: Control) -> EnforcementLevel:
    """Required specifications block a deployment; addressable ones advise."""
    if control.requirement == "required":
        return EnforcementLevel.MANDATORY
    return EnforcementLevel.ADVISORY


def policies(checker: Checker) -> list[Policy]:
    return [ControlPolicy(control, checker) for control in checker.controls]


def _resource(args: ResourceValidationArgs) -> Resource:
    return Resource(args.resource_type, args.urn, args.name, _props(args.props), args.opts.parent)


def _stack_resource(resource: PolicyResource) -> Resource:
    dependencies = {
        str(key): [r.urn for r in value] for key, value in resource.property_dependencies.items()
    }
    parent = resource.parent.urn if resource.parent is not None else resource.opts.parent
    return Resource(
        resource.resource_type,
        resource.urn,
        resource.name,
        _props(resource.props),
        parent,
        dependencies,
    )


def _props(props: Mapping[str, Any]) -> dict[str, Any]:
    found = plain(props)
    return found if isinstance(found, dict) else {}
