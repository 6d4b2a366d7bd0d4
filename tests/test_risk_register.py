"""`hipaa-cac risk list|add|review` on a policy repo made by `hipaa-cac init`,
with a hand-written register (comments, blank lines, quoting) that edits
must keep byte for byte."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import AS_OF

# As of AS_OF (2026-11-20): R-002 due in 10 days, R-001 overdue by 19 days,
# R-003 overdue by 50 days but closed, R-1000 due today, R-010 overdue by 1 day.
REGISTER = """\
# Risk register (reviewed in PRs)
version: 1
risks:
  # --- rated in the 2026 analysis ---
  - id: R-010
    title: Old tablets in the front office
    threat: Theft
    vulnerability: No disk encryption
    likelihood: 1
    impact: 4
    rating: low
    treatment: mitigate
    owner: it-lead
    review_date: 2026-11-19
    status: open

  - id: R-001
    title: PHI in application logs
    threat: Log vendor staff read patient data
    vulnerability: >-
      Request bodies are logged
      at debug level
    assets: [datadog]
    likelihood: 3   # seen twice in 2026
    impact: 4
    rating: high
    treatment: mitigate
    owner: security-official
    controls: [hipaa-164-312-b]
    review_date: "2026-11-01"   # moved once already
    status: open
    reviews:
      - {on: 2026-05-01, by: jdoe, note: "Filter designed", next: 2026-11-01}
      # the filter shipped in June

  - id: R-002
    title: Stolen admin credential
    threat: Phishing of an administrator
    vulnerability: No phishing-resistant MFA
    likelihood: 5
    impact: 5
    rating: critical
    treatment: mitigate
    owner: security-official
    controls: [hipaa-164-312-d]
    review_date: 2026-11-30
    status: open

  - id: R-003
    title: Fax server
    threat: Misdialled faxes
    vulnerability: Manual dialling
    likelihood: 3
    impact: 3
    rating: medium
    treatment: avoid
    owner: operations
    review_date: 2026-10-01
    status: closed

  - id: R-1000
    title: Vendor outage
    threat: Regional outage of the video vendor
    vulnerability: No fallback
    likelihood: 4
    impact: 4
    rating: high
    treatment: accept
    accepted_by: ceo
    owner: operations
    review_date: 2026-11-20
    status: open
    reviews: []
# end of register
"""


@pytest.fixture
def repo(cli: Any, tmp_path: Path) -> Path:
    root = tmp_path / "policies"
    assert cli("init", root).exit_code == 0
    return root


def write(repo: Path, text: str) -> Path:
    path = repo / "risk" / "register.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(text.encode())
    return path


def listing(cli: Any, repo: Path, *extra: str) -> dict[str, Any]:
    result = cli("risk", "list", "--repo", repo, "--at", AS_OF, "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


ADD = (
    "--title", "Laptop theft", "--threat", "Theft of a laptop", "--vulnerability", "No MDM",
    "--likelihood", "3", "--impact", "4", "--treatment", "mitigate", "--owner", "it-lead",
    "--control", "hipaa-164-312-a-2-iv", "--review-date", "2027-03-01",
)  # fmt: skip


def test_list_ranks_by_rating_then_id_and_shows_when_reviews_are_due(cli, repo):
    write(repo, REGISTER)
    document = listing(cli, repo)
    risks = document["risks"]
    # critical, then high in number order (R-001 < R-1000), then medium, then low.
    assert [r["id"] for r in risks] == ["R-002", "R-001", "R-1000", "R-003", "R-010"]
    by_id = {r["id"]: r for r in risks}
    assert by_id["R-002"]["review"] == "due in 10 days"
    assert by_id["R-001"]["review"] == "overdue by 19 days"
    assert by_id["R-1000"]["review"] == "due today"
    assert by_id["R-010"]["review"] == "overdue by 1 day"
    assert by_id["R-003"]["review"] == "closed"
    assert by_id["R-001"]["score"] == 12
    assert by_id["R-001"]["last_review"] == "2026-05-01"
    assert by_id["R-1000"]["accepted_by"] == "ceo"

    # Only open risks past their day: not the closed one, not the one due today.
    overdue = listing(cli, repo, "--overdue")["risks"]
    assert [r["id"] for r in overdue] == ["R-001", "R-010"]

    table = cli("risk", "list", "--repo", repo, "--at", AS_OF)
    assert table.exit_code == 0
    rows = table.stdout.splitlines()
    assert rows[0].split()[:3] == ["ID", "RATING", "LxI"]
    assert rows[1].split()[:3] == ["R-002", "critical", "5x5"]
    assert "overdue by 19 days  PHI in application logs" in rows[2]
    assert rows[-1] == "5 risk(s) shown, 2 open risk(s) overdue for review"


def test_add_appends_an_item_and_list_shows_it(cli, repo):
    path = write(repo, REGISTER)
    result = cli("risk", "add", "--repo", repo, *ADD, "--asset", "laptops", "--asset", "mdm")
    assert result.exit_code == 0, result.output
    assert result.stdout == "added R-1001 (high) to risk/register.yaml\n"  # 3 x 4 = 12
    text = path.read_text()
    # Placed after the last item's lines (the comment under it is the file's, not the item's),
    # spaced like the others; everything before is unchanged.
    head, tail = REGISTER.removesuffix("# end of register\n"), "# end of register\n"
    assert text.startswith(head)
    assert text.endswith(tail)
    assert text[len(head) : -len(tail)] == (
        "\n"
        "  - id: R-1001\n"
        "    title: Laptop theft\n"
        "    threat: Theft of a laptop\n"
        "    vulnerability: No MDM\n"
        "    assets: [laptops, mdm]\n"
        "    likelihood: 3\n"
        "    impact: 4\n"
        "    rating: high\n"
        "    treatment: mitigate\n"
        "    owner: it-lead\n"
        "    controls: [hipaa-164-312-a-2-iv]\n"
        "    review_date: 2027-03-01\n"
        "    status: open\n"
    )
    added = {r["id"]: r for r in listing(cli, repo)["risks"]}["R-1001"]
    assert added["review"] == "due in 101 days"
    assert added["assets"] == ["laptops", "mdm"]


def test_add_starts_a_register_and_quotes_what_yaml_would_misread(cli, repo):
    path = repo / "risk" / "register.yaml"
    assert not path.exists()
    assert cli("risk", "list", "--repo", repo).exit_code == 2  # no register: not "no risks"
    tricky = ["--title", "Backups: untested # really", "--threat", "yes", "--owner", "123"]
    result = cli("risk", "add", "--repo", repo, *ADD, *tricky, "--id", "R-007")
    assert result.exit_code == 0, result.output
    assert path.read_text().startswith("# Risk register")
    assert '    title: "Backups: untested # really"\n' in path.read_text()
    assert '    threat: "yes"\n' in path.read_text()  # a boolean to YAML 1.1 readers
    [risk] = listing(cli, repo)["risks"]
    assert (risk["id"], risk["title"], risk["owner"]) == ("R-007", tricky[1], "123")
    assert cli("risk", "add", "--repo", repo, *ADD).stdout.startswith("added R-008 ")


def test_review_moves_the_date_and_appends_keeping_every_other_byte(cli, repo):
    path = write(repo, REGISTER)
    result = cli(
        "risk", "review", "R-001", "--repo", repo, "--by", "jdoe", "--note", "Filter: live",
        "--at", AS_OF,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    # R-001 is high: next review 180 days on.
    assert result.stdout == "reviewed R-001; next review due 2027-05-19\n"
    expected = REGISTER.replace(
        '    review_date: "2026-11-01"   # moved once already\n',
        '    review_date: "2027-05-19"   # moved once already\n',
    ).replace(
        "      # the filter shipped in June\n",
        "      # the filter shipped in June\n"
        '      - {on: 2026-11-20, by: jdoe, note: "Filter: live", next: 2027-05-19}\n',
    )
    assert path.read_text() == expected

    # No reviews yet: a `reviews:` list is started at the end of the item.
    cli("risk", "review", "R-002", "--repo", repo, "--by", "ciso", "--note", "ok", "--at", AS_OF)
    assert (
        "    status: open\n"
        "    reviews:\n"
        "      - {on: 2026-11-20, by: ciso, note: ok, next: 2027-02-18}\n"  # critical: 90 days
        "\n  - id: R-003\n"
    ) in path.read_text()

    # `reviews: []` becomes a block list; --next is taken as given.
    args = ("--by", "ceo", "--note", "still accepted", "--next", "2027-01-31", "--at", AS_OF)
    assert cli("risk", "review", "R-1000", "--repo", repo, *args).exit_code == 0
    assert path.read_text().endswith(
        "    review_date: 2027-01-31\n"
        "    status: open\n"
        "    reviews:\n"
        "      - {on: 2026-11-20, by: ceo, note: still accepted, next: 2027-01-31}\n"
        "# end of register\n"
    )
    overdue = listing(cli, repo, "--overdue")["risks"]
    assert [r["id"] for r in overdue] == ["R-010"]


def test_review_keeps_windows_line_endings_and_flow_lists(cli, repo):
    text = REGISTER.replace(
        "    reviews: []\n", "    reviews: [{on: 2026-01-05, by: ceo, note: accepted}]\n"
    ).replace("\n", "\r\n")
    path = write(repo, text)
    args = ("--by", "ceo", "--note", "renewed", "--next", "2027-06-01", "--at", AS_OF)
    assert cli("risk", "review", "R-1000", "--repo", repo, *args).exit_code == 0
    expected = text.replace("review_date: 2026-11-20", "review_date: 2027-06-01").replace(
        "note: accepted}]",
        "note: accepted}, {on: 2026-11-20, by: ceo, note: renewed, next: 2027-06-01}]",
    )
    assert path.read_bytes() == expected.encode()


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        (
            "    impact: 4\n    rating: high\n",
            "    impact: 4\n    rating: [high\n",
            27,
            "malformed",
        ),
        ("[hipaa-164-312-b]", "[hipaa-164-312-b, hipaa-999]", 29, "unknown control 'hipaa-999'"),
        ("likelihood: 3   #", "likelihood: 1   #", 26, "rating: high does not match likelihood 1"),
        ("  - id: R-003\n", "  - id: R-001\n", 49, "id: R-001 is used twice (also at line 17)"),
        ("    accepted_by: ceo\n", "", 61, "'accepted_by' is a required property"),
        ("review_date: 2026-11-30", "review_date: 2026-11-31", 46, "not a real calendar date"),
        ("rating: critical", "rating: severe", 42, "'severe' is not one of"),
        ("      - {on: 2026-05-01,", "      - {when: 2026-05-01,", 33, "'when' was unexpected"),
    ],
)
def test_a_bad_register_is_exit_2_at_its_line(cli, repo, old, new, line, message):
    assert old in REGISTER
    write(repo, REGISTER.replace(old, new, 1))
    result = cli("risk", "list", "--repo", repo)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: risk/register.yaml:{line}: ")
    assert message in result.stderr
    # `validate` checks the register too, with the same message.
    validated = cli("validate", "--repo", repo)
    assert validated.exit_code == 2 and validated.stderr == result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("add", *ADD[:-4], "--control", "hipaa-999", "--review-date", "2027-03-01"), "unknown"),
        (("add", *ADD, "--rating", "low"), "rating: low does not match likelihood 3 x impact 4"),
        (("add", *ADD, "--id", "R-002"), "R-002 is already in the register"),
        (("add", *ADD, "--id", "R-2"), "does not match '^R-[0-9]{3,}$'"),
        (("add", *ADD[:-8], "--treatment", "accept", *ADD[-6:]), "--accepted-by is required"),
        (("add", *ADD[:-1], "2027-02-30"), "--review-date: '2027-02-30' is not a date"),
        (("review", "R-404", "--by", "x", "--note", "y"), "no risk R-404 in the register"),
        (("review", "R-002", "--by", "x", "--note", "y", "--next", "2026-11-20", "--at", AS_OF),
         "is not after the review day"),
        (("review", "R-002", "--by", " ", "--note", "y"), "by: ' ' does not match"),
    ],
)  # fmt: skip
def test_a_refused_edit_leaves_the_file_byte_identical(cli, repo, args, message):
    path = write(repo, REGISTER.replace("\n", "\r\n"))
    before = path.read_bytes()
    result = cli("risk", args[0], "--repo", repo, *args[1:])
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["register.yaml"]  # no temp file


def test_an_invalid_register_is_not_edited(cli, repo):
    path = write(repo, REGISTER.replace("rating: low", "rating: medium"))
    before = path.read_bytes()
    result = cli("risk", "add", "--repo", repo, *ADD)
    assert result.exit_code == 2
    assert "error: risk/register.yaml:11: rating: medium does not match" in result.stderr
    assert path.read_bytes() == before


def test_the_example_register_lists(cli, example_repo):
    risks = listing(cli, example_repo)["risks"]
    assert [r["id"] for r in risks] == ["R-001", "R-002", "R-003", "R-004"]
    assert [r["id"] for r in risks if r["overdue"]] == ["R-002"]
