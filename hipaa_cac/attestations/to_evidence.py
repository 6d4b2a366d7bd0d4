"""Attestations as evidence: the shapes docs/evidence-kinds.md promises the
policies, plus who attested, the file it came from and its signature.

    kind     attestation.<type>
    subject  attestation:<type>/<file stem>; training: attestation:training/<person_id>
             (latest completion only); workforce_roster: attestation:workforce_roster/
             <person_id> (one per person); addressable_decision: the control id
    data     the type's fields as written (absent optional ones null, so
             policies see every field), statement, document, document_sha256,
             attested_by, source_file, signature, and controls when given
    observed_at  attested_on (training: completed_on; roster: exported_on) at 00:00:00Z
"""

from __future__ import annotations

from datetime import date
from typing import Any

from hipaa_cac.attestations.model import COMMON_FIELDS, MAX_AGE, Attestation
from hipaa_cac.attestations.roster import person_subject
from hipaa_cac.attestations.schema import schema_of
from hipaa_cac.collectors.base import Observation

RETENTION_YEARS = 6  # 164.316(b)(2)(i): six years from when it was last in effect

# Input-only fields with no place in the evidence: evergreen becomes expires_on null.
_NOT_EVIDENCE = {"evergreen"}


def subject(attestation: Attestation) -> str | None:
    """The one subject of a file's evidence; None for a training log or a
    roster (one per person)."""
    if attestation.type in ("training", "workforce_roster"):
        return None
    if attestation.type == "addressable_decision":
        return str(attestation.fields["control"])
    return f"attestation:{attestation.type}/{attestation.name}"


def observations(attestation: Attestation) -> list[Observation]:
    if attestation.type == "training":
        latest = _latest_per_person([attestation]).values()
        return [_completion(log, entry) for log, entry in latest]
    if attestation.type == "workforce_roster":
        return [_roster_person(attestation, person) for person in attestation.fields["people"]]
    key = subject(attestation)
    assert key is not None
    return [
        Observation(
            kind=attestation.kind,
            subject=key,
            data={**_fields(attestation), **_common(attestation)},
            observed_at=f"{attestation.attested_on}T00:00:00Z",
            max_age=MAX_AGE,
        )
    ]


def all_observations(attestations: list[Attestation]) -> list[Observation]:
    """Observations of every attestation. Training completions are merged
    across logs first: an old log must not report a person overdue who has
    since completed the course, recorded in another log."""
    result = [o for a in attestations if a.type != "training" for o in observations(a)]
    logs = [a for a in attestations if a.type == "training"]
    result += [_completion(log, entry) for log, entry in _latest_per_person(logs).values()]
    return result


def _latest_per_person(
    logs: list[Attestation],
) -> dict[str, tuple[Attestation, dict[str, Any]]]:
    """person_id -> (log, entry) of their latest completion; on a tie, the one written last."""
    latest: dict[str, tuple[Attestation, dict[str, Any]]] = {}
    for log in logs:
        for entry in log.fields["entries"]:
            person = entry["person_id"]
            if person not in latest or entry["completed_on"] >= latest[person][1]["completed_on"]:
                latest[person] = (log, entry)
    return latest


def _completion(log: Attestation, entry: dict[str, Any]) -> Observation:
    return Observation(
        kind=log.kind,
        subject=f"attestation:training/{entry['person_id']}",
        data={
            "person_id": entry["person_id"],
            "course": entry["course"],
            "completed_on": entry["completed_on"],
            **_common(log),
        },
        observed_at=f"{entry['completed_on']}T00:00:00Z",
        max_age=MAX_AGE,
    )


def _roster_person(roster: Attestation, person: dict[str, Any]) -> Observation:
    # A CSV roster has no exported_on of its own: its commit's day is the export's.
    exported_on = roster.fields.get("exported_on") or roster.attested_on
    return Observation(
        kind=roster.kind,
        subject=person_subject(person),
        data={
            "person_id": person["person_id"],
            "status": person["status"],
            "role": person["role"],
            "termination_date": person.get("termination_date"),
            "accounts": person["accounts"],
            "exported_on": exported_on,
            **_common(roster),
        },
        observed_at=f"{exported_on}T00:00:00Z",
        max_age=MAX_AGE,
    )


def _fields(attestation: Attestation) -> dict[str, Any]:
    properties = schema_of(attestation.type)["properties"]
    names = [p for p in properties if p not in COMMON_FIELDS and p not in _NOT_EVIDENCE]
    fields = {name: attestation.fields.get(name) for name in names}
    if attestation.type == "policies_procedures":
        fields["retain_until"] = retain_until(attestation.fields)
    return fields


def retain_until(fields: dict[str, Any]) -> str:
    """Six years after it was last in effect: after it was superseded, else
    after its last review (the latest day it is known to have been in effect;
    the date moves forward with every review)."""
    last = date.fromisoformat(fields.get("superseded_on") or fields["last_reviewed_on"])
    try:
        until = last.replace(year=last.year + RETENTION_YEARS)
    except ValueError:  # 29 February: round up, retention must not fall short
        until = date(last.year + RETENTION_YEARS, 3, 1)
    return until.isoformat()


def _common(attestation: Attestation) -> dict[str, Any]:
    signature = attestation.signature
    common: dict[str, Any] = {
        "statement": attestation.statement,
        "document": attestation.document,
        "document_sha256": attestation.document_sha256,
        "attested_by": attestation.attested_by,
        "source_file": attestation.source_file,
        "signature": (
            None
            if signature is None
            else {"verified": True, "method": signature.method, "key": signature.key}
        ),
    }
    # Only when given: decide.py reads a missing `controls` as "every control
    # asking for this kind", and a null one would match none.
    if attestation.controls is not None:
        common["controls"] = list(attestation.controls)
    return common
