"""Loading attestations: every type, exact errors with file:line, signers from real git."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from git_repos import git as run_git

from hipaa_cac.attestations import (
    Attestation,
    load_attestations,
    observations,
    scan_attestations,
)
from hipaa_cac.attestations.model import COMMON_FIELDS, GENERIC_TYPES, SPECIFIC_TYPES
from hipaa_cac.durations import parse_timestamp
from hipaa_cac.errors import InputError
from hipaa_cac.paths import builtin_dir

NOW = parse_timestamp("2026-11-20T12:00:00Z")
SIGNER = "attested_by: dana@example.com\nattested_on: 2026-03-01\n"

VALID = {
    "baa": """\
type: baa
party: Amazon Web Services
role: subprocessor
services: [hosting, backups]
signed_on: 2024-06-01
evergreen: true
document_sha256: ABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABAB
""",
    "training": """\
type: training
entries:
  - {person_id: p-1, course: HIPAA 2026, completed_on: 2026-04-02}
""",
    "sanctions_policy": 'type: sanctions_policy\nversion: "3"\napproved_on: 2026-01-15\n',
    "security_official": """\
type: security_official
person: dana@example.com
role: CTO, HIPAA Security Official
designated_on: 2026-01-05
""",
    "risk_analysis": """\
type: risk_analysis
performed_on: 2026-02-10
scope: AWS, Okta, API
method: NIST SP 800-30r1
inventory_sha256: sha256:0000000000000000000000000000000000000000000000000000000000000000
""",
    "risk_management_plan": "type: risk_management_plan\napproved_on: 2026-02-24\n",
    "contingency_plan": """\
type: contingency_plan
approved_on: 2026-02-01
last_tested_on: 2026-01-20
next_review: 2027-02-01
""",
    "contingency_plan_test": """\
type: contingency_plan_test
tested_on: 2026-01-20
scenario: restore the database from backup
result: passed_with_issues
findings: restore took 3h against a 2h objective
""",
    "policies_procedures": """\
type: policies_procedures
controls: [hipaa-164-316-a]
title: Information Security Policy
version: "4.1"
last_reviewed_on: 2024-02-29
next_review_on: 2027-02-28
""",
    "breach_notification_procedure": """\
type: breach_notification_procedure
covered_entity_notice_days: 60
notice_contents:
  - identification_of_individuals
  - description_of_breach
  - types_of_phi
  - steps_individuals_should_take
  - investigation_and_mitigation
  - contact_procedures
""",
    "addressable_decision": """\
type: addressable_decision
control: hipaa-164-310-a-2-iii
decision: alternative_measure
rationale: no offices of our own
alternative_measure: AWS data centers under the AWS BAA
""",
    "workforce_roster": """\
type: workforce_roster
exported_on: 2026-02-28
people:
  - {person_id: p-1, status: active, role: Engineer, termination_date: null, accounts: [dana]}
""",
    "access_review": """\
type: access_review
reviewed_on: 2026-02-20
accounts: [dana, okta:acme.okta.com/users/00u1]
""",
    "subprocessor": """\
type: subprocessor
vendor: stripe
name: Stripe
may_handle_phi: false
rationale: Card payments only; the payment-processing exemption applies.
""",
}


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def load_one(root: Path, relative: str, text: str) -> Attestation:
    write(root, relative, text)
    (attestation,) = load_attestations(root / "attestations", root, NOW)
    return attestation


def error_of(root: Path, relative: str, text: str) -> str:
    write(root, relative, text)
    with pytest.raises(InputError) as caught:
        load_attestations(root / "attestations", root, NOW)
    return str(caught.value)


@pytest.mark.parametrize("type_", SPECIFIC_TYPES)
def test_every_type_loads(tmp_path: Path, type_: str) -> None:
    attestation = load_one(tmp_path, f"attestations/{type_}/x.yaml", VALID[type_] + SIGNER)
    assert (attestation.type, attestation.name) == (type_, "x")
    assert attestation.source_file == f"attestations/{type_}/x.yaml"
    assert (attestation.attested_by, attestation.attested_on) == ("dana@example.com", "2026-03-01")
    (observation,) = observations(attestation)
    assert observation.kind == f"attestation.{type_}"
    assert observation.max_age == "365d"
    assert observation.data["signature"] is None
    assert observation.data["source_file"] == f"attestations/{type_}/x.yaml"


@pytest.mark.parametrize("type_", GENERIC_TYPES)
def test_every_statement_type_loads(tmp_path: Path, type_: str) -> None:
    text = f"type: {type_}\nstatement: We do it.\nscope: all laptops\n" + SIGNER
    (observation,) = observations(load_one(tmp_path, "attestations/s.yaml", text))
    assert (observation.kind, observation.subject) == (
        f"attestation.{type_}",
        f"attestation:{type_}/s",
    )
    assert observation.observed_at == "2026-03-01T00:00:00Z"
    assert observation.data == {
        "statement": "We do it.",
        "scope": "all laptops",
        "next_review": None,
        "accounts": None,
        "document": None,
        "document_sha256": None,
        "attested_by": "dana@example.com",
        "source_file": "attestations/s.yaml",
        "signature": None,
    }


def test_baa_evidence_matches_the_policy_shape(tmp_path: Path) -> None:
    (observation,) = observations(
        load_one(tmp_path, "attestations/baa/aws.yaml", VALID["baa"] + SIGNER)
    )
    assert observation.subject == "attestation:baa/aws"
    assert observation.observed_at == "2026-03-01T00:00:00Z"
    assert observation.data == {
        "party": "Amazon Web Services",
        "vendor": None,  # optional: then the party is matched against vendor names
        "role": "subprocessor",
        "services": ["hosting", "backups"],
        "signed_on": "2024-06-01",
        "expires_on": None,  # evergreen
        "statement": None,
        "document": None,
        "document_sha256": "sha256:" + "ab" * 32,
        "attested_by": "dana@example.com",
        "source_file": "attestations/baa/aws.yaml",
        "signature": None,
    }


def test_addressable_decision_subject_is_the_control(tmp_path: Path) -> None:
    text = VALID["addressable_decision"] + SIGNER
    (observation,) = observations(load_one(tmp_path, "attestations/d.yaml", text))
    assert observation.subject == "hipaa-164-310-a-2-iii"
    assert observation.data["decision"] == "alternative_measure"
    assert observation.data["alternative_measure"] == "AWS data centers under the AWS BAA"


def test_policy_retention_is_six_years_after_last_in_effect(tmp_path: Path) -> None:
    text = VALID["policies_procedures"] + SIGNER
    (current,) = observations(load_one(tmp_path, "attestations/p.yaml", text))
    assert current.data["retain_until"] == "2030-03-01"  # 2024-02-29 + 6 years, rounded up
    assert current.data["controls"] == ["hipaa-164-316-a"]
    superseded = text + "superseded_on: 2026-06-30\n"
    (old,) = observations(load_one(tmp_path, "attestations/p.yaml", superseded))
    assert old.data["retain_until"] == "2032-06-30"


def test_training_log_yields_latest_completion_per_person(tmp_path: Path) -> None:
    text = """\
type: training
attested_by: hr@example.com
attested_on: 2026-05-01
entries:
  - {person_id: p-1, course: HIPAA 2025, completed_on: 2025-04-02}
  - {person_id: p-2, course: HIPAA 2025, completed_on: 2025-06-12}
  - {person_id: p-1, course: HIPAA 2026, completed_on: 2026-04-02}
"""
    found = observations(load_one(tmp_path, "attestations/training.yaml", text))
    assert [(o.subject, o.observed_at, o.data["course"]) for o in found] == [
        ("attestation:training/p-1", "2026-04-02T00:00:00Z", "HIPAA 2026"),
        ("attestation:training/p-2", "2025-06-12T00:00:00Z", "HIPAA 2025"),
    ]
    assert found[0].data == {
        "person_id": "p-1",
        "course": "HIPAA 2026",
        "completed_on": "2026-04-02",
        "statement": None,
        "document": None,
        "document_sha256": None,
        "attested_by": "hr@example.com",
        "source_file": "attestations/training.yaml",
        "signature": None,
    }


def test_invalid_yaml_names_file_and_line(tmp_path: Path) -> None:
    text = "type: baa\nparty: [Amazon\nrole: subprocessor\n"
    message = error_of(tmp_path, "attestations/baa/aws.yaml", text)
    assert message == (
        "attestations/baa/aws.yaml:3: malformed YAML: expected ',' or ']', but got ':'"
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("role: subprocessor", "role: vendor"),
            "aws.yaml:3: role: 'vendor' is not one of ['covered_entity', 'subprocessor']",
        ),
        (
            ("evergreen: true\n", ""),
            "aws.yaml:1: (document): expires_on (the agreement's last day) or evergreen: true "
            "is required",
        ),
        (
            ("evergreen: true", "evergreen: true\nexpires_on: 2027-01-01"),
            "aws.yaml:1: (document): give expires_on or evergreen: true, not both",
        ),
        (
            ("signed_on: 2024-06-01", "signed_on: 2024-6-1"),
            "aws.yaml:5: signed_on: '2024-6-1' must be a date written YYYY-MM-DD, not in the "
            "future",
        ),
        (
            ("signed_on: 2024-06-01", "signed_on: 2026-02-30"),
            "aws.yaml:5: signed_on: '2026-02-30' is not a real calendar date",
        ),
        (
            ("party: Amazon Web Services", "partie: Amazon Web Services"),
            "aws.yaml:1: (document): Additional properties are not allowed ('partie' was "
            "unexpected)",
        ),
        (
            ("party: Amazon Web Services\n", ""),
            "aws.yaml:1: (document): 'party' is a required property",
        ),
        (
            ("services: [hosting, backups]", "services: []"),
            "aws.yaml:4: services: [] should be non-empty",
        ),
        (
            ("evergreen: true", "expires_on: 2024-05-01"),
            "aws.yaml:6: expires_on: 2024-05-01 is not after signed_on 2024-06-01",
        ),
    ],
)
def test_schema_errors_name_field_and_line(
    tmp_path: Path, change: tuple[str, str], expected: str
) -> None:
    text = VALID["baa"].replace(*change) + SIGNER
    assert error_of(tmp_path, "attestations/baa/aws.yaml", text) == f"attestations/baa/{expected}"


def test_unknown_field_and_unknown_type(tmp_path: Path) -> None:
    text = VALID["baa"] + "notes: hi\n" + SIGNER
    assert error_of(tmp_path, "attestations/a.yaml", text) == (
        "attestations/a.yaml:1: (document): Additional properties are not allowed "
        "('notes' was unexpected)"
    )
    (tmp_path / "attestations/a.yaml").unlink()
    assert error_of(tmp_path, "attestations/b.yaml", "type: bba\n" + SIGNER) == (
        "attestations/b.yaml:1: type: 'bba' is not an attestation type (hipaa-cac attest --list)"
    )


def test_breach_procedure_needs_all_notice_contents_and_at_most_60_days(tmp_path: Path) -> None:
    base = VALID["breach_notification_procedure"] + SIGNER
    assert error_of(tmp_path, "attestations/b.yaml", base.replace("  - types_of_phi\n", "")) == (
        "attestations/b.yaml:4: notice_contents: notice_contents must include types_of_phi: "
        "the types of unsecured PHI involved (164.404(c)(1)(B))"
    )
    late = base.replace("days: 60", "days: 61")
    assert error_of(tmp_path, "attestations/b.yaml", late) == (
        "attestations/b.yaml:2: covered_entity_notice_days: 61 is greater than the maximum of 60"
    )


def test_alternative_measure_is_required_when_chosen(tmp_path: Path) -> None:
    text = VALID["addressable_decision"].replace(
        "alternative_measure: AWS data centers under the AWS BAA\n", ""
    )
    assert error_of(tmp_path, "attestations/d.yaml", text + SIGNER) == (
        "attestations/d.yaml:1: (document): 'alternative_measure' is a required property"
    )


def test_dates_in_the_future_are_errors_naming_the_field(tmp_path: Path) -> None:
    text = VALID["baa"] + "attested_by: dana@example.com\nattested_on: 2026-11-22\n"
    assert error_of(tmp_path, "attestations/baa/aws.yaml", text) == (
        "attestations/baa/aws.yaml:9: attested_on: 2026-11-22 is in the future "
        "(today is 2026-11-20); record the day it happened"
    )
    (tmp_path / "attestations/baa/aws.yaml").unlink()
    log = VALID["training"].replace("2026-04-02", "2027-01-01") + SIGNER
    assert error_of(tmp_path, "attestations/training.yaml", log) == (
        "attestations/training.yaml:3: entries/0/completed_on: 2027-01-01 is in the future "
        "(today is 2026-11-20); record the day it happened"
    )


def test_today_in_any_timezone_and_future_expiry_are_fine(tmp_path: Path) -> None:
    # 2026-11-21 is already today at UTC+14 while it is 12:00 UTC on the 20th.
    text = VALID["baa"].replace("evergreen: true", "expires_on: 2030-01-01")
    attestation = load_one(
        tmp_path,
        "attestations/baa/aws.yaml",
        text + "attested_by: dana@example.com\nattested_on: 2026-11-21\n",
    )
    assert attestation.fields["expires_on"] == "2030-01-01"


def test_missing_signer_outside_git(tmp_path: Path) -> None:
    assert error_of(tmp_path, "attestations/baa/aws.yaml", VALID["baa"]) == (
        "attestations/baa/aws.yaml:1: missing signer: set attested_by, or commit the file "
        "(it is not in a git repository)"
    )
    text = VALID["baa"] + "attested_by: dana@example.com\n"
    assert error_of(tmp_path, "attestations/baa/aws.yaml", text) == (
        "attestations/baa/aws.yaml:1: missing attested_on: set it, or commit the file "
        "(it is not in a git repository)"
    )


def git(repo: Path, *args: str, author: str = "Dana Reyes", date: str | None = None) -> str:
    return run_git(repo, *args, author=author, date=date)


def test_signer_is_the_git_author_of_the_last_change(tmp_path: Path) -> None:
    repo = tmp_path / "policies"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    file = write(repo, "attestations/baa/aws.yaml", VALID["baa"])
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "AWS BAA", date="2026-03-01T23:30:00-08:00")
    (first,) = load_attestations(repo / "attestations", repo, NOW)
    # The author's own calendar day, not UTC's (already 2026-03-02 there).
    assert (first.attested_by, first.attested_on) == ("Dana Reyes <dana@example.com>", "2026-03-01")

    write(repo, "attestations/other.yaml", "type: evaluation\nstatement: x\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "unrelated", author="Sam Lee", date="2026-04-01T10:00:00Z")
    (aws, _) = load_attestations(repo / "attestations", repo, NOW)
    assert aws.attested_by == "Dana Reyes <dana@example.com>"  # the file's last change

    file.write_text(VALID["baa"].replace("hosting", "hosting, email"))
    with pytest.raises(InputError, match="it has changes that are not committed"):
        load_attestations(repo / "attestations", repo, NOW)
    git(repo, "commit", "-q", "-am", "add email", author="Sam Lee", date="2026-05-02T09:00:00Z")
    (aws, _) = load_attestations(repo / "attestations", repo, NOW)
    assert (aws.attested_by, aws.attested_on) == ("Sam Lee <sam@example.com>", "2026-05-02")

    write(repo, "attestations/new.yaml", "type: evaluation\nstatement: y\n")
    with pytest.raises(InputError, match=r"new.yaml:1: missing signer: .*it is not committed"):
        load_attestations(repo / "attestations", repo, NOW)


def test_shallow_clone_cannot_name_the_author(tmp_path: Path) -> None:
    origin = tmp_path / "origin"
    origin.mkdir()
    git(origin, "init", "-q", "-b", "main")
    write(origin, "attestations/baa/aws.yaml", VALID["baa"])
    git(origin, "add", ".")
    git(origin, "commit", "-q", "-m", "one", date="2026-03-01T10:00:00Z")
    write(origin, "README.md", "later\n")
    git(origin, "add", ".")
    git(origin, "commit", "-q", "-m", "two", author="Sam Lee", date="2026-04-01T10:00:00Z")
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{origin}", "shallow")
    clone = tmp_path / "shallow"
    with pytest.raises(InputError, match="it is in a shallow clone"):
        load_attestations(clone / "attestations", clone, NOW)


def test_document_hash_is_computed_and_checked(tmp_path: Path) -> None:
    pdf = write(tmp_path, "documents/aws-baa.pdf", "%PDF-1.7 signed agreement\n")
    digest = "sha256:" + hashlib.sha256(pdf.read_bytes()).hexdigest()
    text = VALID["baa"].replace("document_sha256: " + "AB" * 32, "document: documents/aws-baa.pdf")
    attestation = load_one(tmp_path, "attestations/baa/aws.yaml", text + SIGNER)
    assert attestation.document_sha256 == digest
    (observation,) = observations(attestation)
    assert observation.data["document"] == "documents/aws-baa.pdf"
    assert observation.data["document_sha256"] == digest

    pinned = text + f"document_sha256: {digest}\n" + SIGNER
    assert load_one(tmp_path, "attestations/baa/aws.yaml", pinned).document_sha256 == digest
    pdf.write_text("%PDF-1.7 a different agreement\n")
    now = "sha256:" + hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert error_of(tmp_path, "attestations/baa/aws.yaml", pinned) == (
        f"attestations/baa/aws.yaml:8: document_sha256: documents/aws-baa.pdf does not have "
        f"this hash (its SHA-256 is {now})"
    )
    gone = text.replace("aws-baa.pdf", "missing.pdf") + SIGNER
    assert error_of(tmp_path, "attestations/baa/aws.yaml", gone) == (
        "attestations/baa/aws.yaml:7: document: cannot read documents/missing.pdf: "
        "No such file or directory"
    )
    outside = text.replace("documents/aws-baa.pdf", "../secret.pdf") + SIGNER
    assert error_of(tmp_path, "attestations/baa/aws.yaml", outside) == (
        "attestations/baa/aws.yaml:7: document: ../secret.pdf is outside the policy repo"
    )


def test_two_files_for_one_subject_both_fail(tmp_path: Path) -> None:
    decision = VALID["addressable_decision"] + SIGNER
    write(tmp_path, "attestations/a.yaml", decision)
    write(
        tmp_path,
        "attestations/b.yaml",
        decision.replace("alternative_measure\n", "implemented\n", 1),
    )
    found, problems = scan_attestations(tmp_path / "attestations", tmp_path, NOW)
    assert found == []
    assert [(p.kinds, str(p.error)) for p in problems] == [
        (
            ("attestation.addressable_decision",),
            f"attestations/{name}.yaml:1: hipaa-164-310-a-2-iii is attested by more than one "
            "file (attestations/a.yaml, attestations/b.yaml); keep one",
        )
        for name in ("a", "b")
    ]


def test_missing_directory_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_attestations(tmp_path / "attestations", tmp_path, NOW)
    assert str(caught.value) == "attestations: attestation directory does not exist"


def test_schemas_share_the_common_fields_and_cover_the_catalog() -> None:
    schemas_dir = Path(__file__).resolve().parent.parent / "hipaa_cac" / "schemas"
    loaded = {
        p.name: json.loads(p.read_text()) for p in schemas_dir.glob("attestation-*.schema.json")
    }
    assert len(loaded) == len(SPECIFIC_TYPES) + 1
    baa = loaded["attestation-baa.schema.json"]
    for name, schema in loaded.items():
        assert schema["additionalProperties"] is False, name
        assert schema["$defs"] == baa["$defs"], name
        for field in COMMON_FIELDS[1:]:
            if field in schema["properties"]:
                assert schema["properties"][field] == baa["properties"][field], (name, field)
    generic = loaded["attestation-generic.schema.json"]["properties"]["type"]["enum"]
    assert tuple(generic) == GENERIC_TYPES
    kinds = {
        line.split("attestation.", 1)[1].strip()
        for file in builtin_dir("controls").rglob("*.yaml")
        for line in file.read_text().splitlines()
        if "kind: attestation." in line
    }
    assert kinds <= set(SPECIFIC_TYPES) | set(GENERIC_TYPES)
