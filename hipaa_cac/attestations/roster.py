"""The workforce roster: an HR export of who works here, as YAML or CSV.

    attestations/roster.csv (any *.csv under attestations/ is a roster):
        person_id,status,role,termination_date,accounts
        p-101,active,Engineering lead,,dev-lead;dev-lead@northwind.example
        p-105,terminated,Backend engineer,2026-11-02,backend-3

    or YAML (type: workforce_roster; docs/attestations.md):
        people: [{person_id: p-101, status: active, role: Engineering lead,
                  termination_date: null, accounts: [dev-lead]}]

A CSV is read into the same document a YAML roster is, so both pass the one
schema (attestation-workforce_roster.schema.json); every error names the CSV
row's line. A CSV cannot name its signer: the author and date of its last
commit attest, and that date is its `exported_on`.

Evidence, one item per person (never a name: person_id is an HR id):

    kind     attestation.workforce_roster
    subject  attestation:workforce_roster/p-105
    data     {person_id, status, role, termination_date, accounts, exported_on,
              + the common attestation fields (attested_by, source_file, ...)}
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from hipaa_cac.attestations.schema import LineOf, parse_date
from hipaa_cac.errors import InputError

TYPE = "workforce_roster"
COLUMNS = ("person_id", "status", "role", "termination_date", "accounts")
ACCOUNT_SEPARATOR = ";"


def person_subject(person: dict[str, Any]) -> str:
    return f"attestation:{TYPE}/{person['person_id']}"


def parse_roster_csv(file: Path, shown: str) -> tuple[dict[str, Any], LineOf]:
    """The roster document a CSV holds, and the line of each person's row."""
    try:
        text = file.read_text(encoding="utf-8-sig")  # spreadsheets write a BOM
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read file: {exc.__class__.__name__}", shown) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    people: list[dict[str, Any]] = []
    lines: list[int] = []
    try:
        header = [cell.strip() for cell in next(reader, [])]
        _check_header(header, shown)
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue  # a blank line, as spreadsheets leave at the end
            if len(row) != len(header):
                raise InputError(
                    f"the row has {len(row)} fields, the header {len(header)} "
                    f"({','.join(COLUMNS)})",
                    shown,
                    reader.line_num,
                )
            people.append(_person(dict(zip(header, (cell.strip() for cell in row), strict=True))))
            lines.append(reader.line_num)
    except csv.Error as exc:
        raise InputError(f"malformed CSV: {exc}", shown, reader.line_num) from None

    def line_of(path: list[str | int]) -> int | None:
        # A person's fields are on their row; everything else is the header's.
        if len(path) >= 2 and path[0] == "people" and isinstance(path[1], int):
            return lines[path[1]] if path[1] < len(lines) else None
        return 1

    return {"type": TYPE, "people": people}, line_of


def _check_header(header: list[str], shown: str) -> None:
    expected = ",".join(COLUMNS)
    if header == [] or header == [""]:
        raise InputError(f"empty roster: the first line must be the header {expected}", shown, 1)
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(missing)}: the header must be {expected}", shown, 1
        )
    # Refusing unknown columns keeps names and e-mail addresses an HR export
    # may carry out of the policy repo (and out of any error message).
    unknown = [c for c in header if c not in COLUMNS]
    if unknown:
        raise InputError(
            f"unexpected column(s) {', '.join(repr(c) for c in unknown)}: a roster holds only "
            f"{expected} (HR ids, not names); remove them",
            shown,
            1,
        )
    if len(header) != len(set(header)):
        raise InputError(f"a column appears twice: the header must be {expected}", shown, 1)


def _person(cells: dict[str, str]) -> dict[str, Any]:
    accounts = [a.strip() for a in cells["accounts"].split(ACCOUNT_SEPARATOR) if a.strip()]
    return {
        "person_id": cells["person_id"],
        "status": cells["status"],
        "role": cells["role"],
        "termination_date": cells["termination_date"] or None,
        "accounts": accounts,
    }


def check_roster(data: dict[str, Any], shown: str, line_of: LineOf) -> None:
    """What the schema cannot say: real termination dates, one for everyone
    terminated, and each person and each account listed once."""
    people: list[dict[str, Any]] = data["people"]
    seen: dict[str, int] = {}
    owners: dict[str, str] = {}
    for index, person in enumerate(people):
        where = f"people/{index}"
        line = line_of(["people", index])
        day = person.get("termination_date")
        if day is not None:
            parse_date(day, f"{where}/termination_date", shown, line)
        elif person["status"] == "terminated":
            raise InputError(
                f"{where}/termination_date: {person['person_id']} is terminated; "
                "record the termination date",
                shown,
                line,
            )
        if person["person_id"] in seen:
            raise InputError(
                f"{where}/person_id: {person['person_id']} is listed twice "
                f"(also people/{seen[person['person_id']]})",
                shown,
                line,
            )
        seen[person["person_id"]] = index
        for account in person["accounts"]:
            # Accounts match the identity provider case-insensitively: an
            # account on two people would make both own it.
            owner = owners.setdefault(account.lower(), person["person_id"])
            if owner != person["person_id"]:
                raise InputError(
                    f"{where}/accounts: account {account} is also listed for {owner}",
                    shown,
                    line,
                )
