"""The workforce roster (YAML or CSV) and the workforce-access rules joining
it with the identity provider: loading, errors that name file and line, a
broken roster failing closed, and the example's planted accounts end to end."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from git_repos import commit, new_repo

from hipaa_cac.attestations.load import load_attestations, scan_attestations
from hipaa_cac.attestations.to_evidence import all_observations
from hipaa_cac.collectors.base import Observation
from hipaa_cac.durations import parse_timestamp
from hipaa_cac.errors import InputError
from tests.conftest import AS_OF

NOW = parse_timestamp("2026-11-20T12:00:00Z")
HEADER = "person_id,status,role,termination_date,accounts\n"
ROWS = (
    "p-101,active,Engineering lead,,dev-lead;DEV-LEAD@northwind.example\n"
    "p-105,terminated,Backend engineer,2026-11-02,backend-3\n"
    "p-107,on_leave,Designer,,\n"
)
YAML_ROSTER = """\
type: workforce_roster
attested_by: people-ops@example.com
attested_on: 2026-11-19
exported_on: 2026-11-18
people:
  - {person_id: p-1, status: active, role: Engineer, termination_date: null, accounts: [dana]}
  - person_id: p-2
    status: terminated
    role: Contractor
    termination_date: 2026-10-31
    accounts: [sam, okta:acme.okta.com/users/00u2]
"""


def roster_repo(tmp_path: Path, files: dict[str, str]) -> Path:
    """A policy repo in git whose attestations/ holds `files`, committed."""
    return new_repo(tmp_path / "policy", {f"attestations/{k}": v for k, v in files.items()})


def observations_of(root: Path) -> dict[str, Observation]:
    found = all_observations(load_attestations(root / "attestations", root, NOW))
    return {o.subject: o for o in found}


def csv_error(tmp_path: Path, text: str) -> str:
    root = roster_repo(tmp_path, {"roster.csv": text})
    with pytest.raises(InputError) as caught:
        load_attestations(root / "attestations", root, NOW)
    return str(caught.value)


# --- loading -----------------------------------------------------------------


def test_yaml_roster_is_one_item_per_person(tmp_path: Path) -> None:
    root = tmp_path / "policy"
    (root / "attestations").mkdir(parents=True)
    (root / "attestations" / "workforce_roster.yaml").write_text(YAML_ROSTER)
    items = observations_of(root)
    assert sorted(items) == ["attestation:workforce_roster/p-1", "attestation:workforce_roster/p-2"]
    leaver = items["attestation:workforce_roster/p-2"]
    assert leaver.kind == "attestation.workforce_roster"
    assert leaver.observed_at == "2026-11-18T00:00:00Z"  # the export's day
    assert leaver.data == {
        "person_id": "p-2",
        "status": "terminated",
        "role": "Contractor",
        "termination_date": "2026-10-31",
        "accounts": ["sam", "okta:acme.okta.com/users/00u2"],
        "exported_on": "2026-11-18",
        "statement": None,
        "document": None,
        "document_sha256": None,
        "attested_by": "people-ops@example.com",
        "source_file": "attestations/workforce_roster.yaml",
        "signature": None,
    }
    assert items["attestation:workforce_roster/p-1"].data["termination_date"] is None


def test_csv_roster_is_attested_by_its_commit(tmp_path: Path) -> None:
    root = roster_repo(tmp_path, {"README.md": "HR exports\n"})
    # As a spreadsheet saves it: a byte order mark and a blank last line.
    export = "\ufeff" + HEADER + ROWS + "\n"
    commit(root, {"attestations/hr/roster.csv": export}, "export", "2026-11-19T08:00:00Z")
    items = observations_of(root)
    assert sorted(items) == [f"attestation:workforce_roster/p-{n}" for n in (101, 105, 107)]
    lead = items["attestation:workforce_roster/p-101"].data
    assert lead["accounts"] == ["dev-lead", "DEV-LEAD@northwind.example"]
    assert (lead["status"], lead["termination_date"]) == ("active", None)
    assert lead["attested_by"] == "Test Dev <test@example.com>"
    assert lead["exported_on"] == "2026-11-19"  # the commit's day
    assert lead["source_file"] == "attestations/hr/roster.csv"
    leaver = items["attestation:workforce_roster/p-105"].data
    assert (leaver["status"], leaver["termination_date"]) == ("terminated", "2026-11-02")
    assert items["attestation:workforce_roster/p-107"].data["accounts"] == []


def test_uncommitted_csv_has_no_signer(tmp_path: Path) -> None:
    root = roster_repo(tmp_path, {"other.yaml": "type: evaluation\nstatement: x\n"})
    (root / "attestations" / "roster.csv").write_text(HEADER + ROWS)
    _, problems = scan_attestations(root / "attestations", root, NOW)
    messages = [str(p.error) for p in problems if p.error.file == "attestations/roster.csv"]
    assert len(messages) == 1
    assert messages[0].startswith(
        "attestations/roster.csv:1: missing signer: a CSV roster is attested by its last commit"
    )


# --- bad rosters: file and line ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "person_id,status,role,accounts\np-1,active,Engineer,dana\n",
            "attestations/roster.csv:1: missing column(s) termination_date: "
            "the header must be person_id,status,role,termination_date,accounts",
        ),
        (
            HEADER + "p-1,active,Engineer,,dana\np-2,terminated,Engineer,2026-02-30,sam\n",
            "attestations/roster.csv:3: people/1/termination_date: "
            "'2026-02-30' is not a real calendar date",
        ),
        (
            HEADER + "p-1,active,Engineer,,dana\n\np-2,terminated,Engineer,31/10/2026,sam\n",
            "attestations/roster.csv:4: people/1/termination_date: must be the last day of "
            "employment, written YYYY-MM-DD (required when status is terminated), or null",
        ),
        (
            HEADER + "p-1,active,Engineer,,dana\np-2,terminated,Engineer,,sam\n",
            "attestations/roster.csv:3: people/1/termination_date: "
            "p-2 is terminated; record the termination date",
        ),
        (
            HEADER + "p-1,retired,Engineer,,dana\n",
            "attestations/roster.csv:2: people/0/status: 'retired' is not one of "
            "['active', 'terminated', 'on_leave']",
        ),
        (
            HEADER + "p-1,active,Engineer,,dana\np-1,active,Engineer,,sam\n",
            "attestations/roster.csv:3: people/1/person_id: p-1 is listed twice (also people/0)",
        ),
        (
            HEADER + "p-1,active,Engineer,,dana\np-2,active,Engineer,,Dana\n",
            "attestations/roster.csv:3: people/1/accounts: account Dana is also listed for p-1",
        ),
        (
            HEADER + "p-1,active,Engineer,,dana,extra\n",
            "attestations/roster.csv:2: the row has 6 fields, the header 5 "
            "(person_id,status,role,termination_date,accounts)",
        ),
        (
            "",
            "attestations/roster.csv:1: empty roster: the first line must be the header "
            "person_id,status,role,termination_date,accounts",
        ),
        (
            HEADER,
            "attestations/roster.csv:1: people: [] should be non-empty",
        ),
    ],
    ids=[
        "missing-column",
        "unreal-date",
        "date-format",
        "terminated-without-date",
        "bad-status",
        "duplicate-person",
        "shared-account",
        "extra-field",
        "empty-file",
        "no-people",
    ],
)
def test_bad_csv_roster_names_file_and_line(tmp_path: Path, text: str, expected: str) -> None:
    assert csv_error(tmp_path, text) == expected


def test_a_names_column_is_refused_without_quoting_a_name(tmp_path: Path) -> None:
    message = csv_error(
        tmp_path,
        "person_id,name,status,role,termination_date,accounts\n"
        "p-1,Jane Roe,active,Engineer,,jroe\n",
    )
    assert message.startswith("attestations/roster.csv:1: unexpected column(s) 'name'")
    assert "Jane" not in message


def test_a_person_on_two_rosters_counts_on_neither(tmp_path: Path) -> None:
    root = roster_repo(tmp_path, {"roster.csv": HEADER + ROWS})
    (root / "attestations" / "old.yaml").write_text(
        YAML_ROSTER.replace("person_id: p-2", "person_id: p-105")
    )
    found, problems = scan_attestations(root / "attestations", root, NOW)
    assert [a.source_file for a in found] == []
    assert sorted(str(p.error).split(": ", 1)[0] for p in problems) == [
        "attestations/old.yaml:1",
        "attestations/roster.csv:1",
    ]
    assert all(p.kinds == ("attestation.workforce_roster",) for p in problems)
    assert "attestation:workforce_roster/p-105 is attested by more than one file" in str(
        problems[0].error
    )


# --- end to end over the example --------------------------------------------

WORKFORCE_RULES = {
    "data.hipaa.administrative.workforce_access.terminated_accounts_disabled",
    "data.hipaa.administrative.workforce_access.accounts_belong_to_workforce",
    "data.hipaa.administrative.workforce_access.privileged_access_reviewed",
    "data.hipaa.administrative.workforce_access.workforce_trained",
    "data.hipaa.technical.access_control.break_glass_documented",
}
OKTA = "okta:northwind.okta.com/users/"


def evaluate(cli, repo: Path) -> dict[str, dict]:
    out = repo / "result.json"
    cli("evaluate", "--repo", repo, "--at", AS_OF, "--format", "json", "--output", out)
    return {c["id"]: c for c in json.loads(out.read_text())["controls"]}


def test_example_flags_exactly_the_planted_accounts(cli, example_repo: Path) -> None:
    controls = evaluate(cli, example_repo)
    flagged = {
        (cid, f["rule"].rsplit(".", 1)[1], f["resource"])
        for cid, control in controls.items()
        for f in control["findings"]
        if f["rule"] in WORKFORCE_RULES
    }
    assert flagged == {
        ("hipaa-164-308-a-3-ii-c", "terminated_accounts_disabled", f"{OKTA}00u1e"),  # backend-3
        ("hipaa-164-308-a-4-ii-c", "accounts_belong_to_workforce", f"{OKTA}00u1k"),  # qa-temp
        ("hipaa-164-308-a-4-ii-c", "privileged_access_reviewed", f"{OKTA}00u1h"),  # ops-admin
        ("hipaa-164-312-a-2-ii", "break_glass_documented", f"{OKTA}00u1j"),  # breakglass-2
        ("hipaa-164-308-a-5-i", "workforce_trained", "attestation:workforce_roster/p-106"),
    }
    for cid in ("hipaa-164-308-a-3-ii-c", "hipaa-164-308-a-4-ii-c", "hipaa-164-312-a-2-ii"):
        assert controls[cid]["status"] == "fail", cid
    (termination,) = controls["hipaa-164-308-a-3-ii-c"]["findings"]
    assert termination["message"].startswith(
        "account is still active 18 days after its owner p-105 was terminated (2026-11-02)"
    )
    assert termination["evidence_sha256"].startswith("sha256:")
    (review,) = [
        f for f in controls["hipaa-164-308-a-4-ii-c"]["findings"] if f["resource"].endswith("1h")
    ]
    assert "last reviewed 255 days ago (2026-03-10)" in review["message"]


def test_a_broken_roster_leaves_its_controls_undecided(cli, example_repo: Path) -> None:
    """The CSV's error makes the roster partial: the termination check cannot
    run, so its control is insufficient_evidence, never pass."""
    (example_repo / "attestations" / "roster.csv").write_text(
        textwrap.dedent(
            """\
            person_id,status,role,termination_date,accounts
            p-201,terminated,Engineer,2026-13-01,someone
            """
        )
    )
    collected = cli(
        "collect", "--repo", example_repo, "--at", "2026-11-20T07:00:00Z", "attestations"
    )
    assert "attestations/roster.csv:2" in collected.output
    controls = evaluate(cli, example_repo)
    termination = controls["hipaa-164-308-a-3-ii-c"]
    assert termination["status"] == "insufficient_evidence"
    assert termination["findings"] == []
    assert "attestations/roster.csv:2: people/0/termination_date" in termination["reason"]
    # Rules whose primary kind is the roster still report what they can see.
    trained = {f["resource"] for f in controls["hipaa-164-308-a-5-i"]["findings"]}
    assert "attestation:workforce_roster/p-106" in trained
