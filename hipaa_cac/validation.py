"""Cross-checks between the catalog, the policy library and the ledger.

The schema checks each control alone; these check that the pieces agree:
every check a control lists is a decision rule that names it back, every
control a rule names exists, every kind a rule reads is in the control's
evidence, and no control changed content without a version bump.
"""

from __future__ import annotations

from collections.abc import Iterable

from hipaa_cac.controls import Catalog
from hipaa_cac.errors import InputError
from hipaa_cac.policy import PolicyLibrary


def check_consistency(catalog: Catalog, library: PolicyLibrary) -> None:
    """Raise InputError at the first disagreement (file and line of the side to fix)."""
    for rule in library.rules.values():
        for control_id in rule.controls:
            if control_id not in catalog.controls:
                raise InputError(
                    f"{rule.ref} names unknown control {control_id}", rule.module, rule.line
                )
            if rule.ref not in catalog.controls[control_id].checks:
                raise InputError(
                    f"{rule.ref} names {control_id}, but that control does not list it in 'checks'",
                    rule.module,
                    rule.line,
                )
    for control in catalog:
        kinds = {need.kind for need in control.evidence}
        for ref in control.checks:
            check = library.rules.get(ref)
            if check is None:
                raise InputError(
                    f"{control.id}: check {ref} is not a decision rule in the policy library",
                    control.source,
                )
            if control.id not in check.controls:
                raise InputError(
                    f"{control.id}: check {ref} does not name this control in its METADATA",
                    control.source,
                )
            unread = [k for k in check.evidence if k not in kinds]
            if unread:
                raise InputError(
                    f"{control.id}: check {ref} reads {', '.join(unread)}, which "
                    "the control's 'evidence' does not list",
                    control.source,
                )


def unbumped_versions(catalog: Catalog, recorded: Iterable[tuple[str, str, str]]) -> list[str]:
    """Controls whose content changed while their version stayed the same.

    `recorded` holds (control id, version, content hash) as the ledger saw them.
    """
    problems = []
    for control_id, version, content_hash in recorded:
        control = catalog.controls.get(control_id)
        if control and control.version == version and control.content_hash != content_hash:
            problems.append(
                f"{control.source}: {control_id} {version} changed since the ledger "
                "recorded it, but its version was not bumped"
            )
    return sorted(set(problems))
