"""Safe Harbor identifiers in sample logs (hipaa_cac.detect.safe_harbor)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hipaa_cac.detect import Detection
from hipaa_cac.detect.safe_harbor import scan_log_lines
from hipaa_cac.fingerprint import fingerprinter

LOGS = Path(__file__).parent / "samples" / "logs"
FINGERPRINT = fingerprinter(b"test-salt")

EXPECTED = {
    "app.log": [
        (4, "safe-harbor-date", "date"),
        (4, "safe-harbor-name", "name"),
        (5, "safe-harbor-health-plan-id", "health_plan_id"),
        (7, "safe-harbor-phone", "phone"),
        (8, "safe-harbor-phone", "phone"),
        (9, "safe-harbor-ssn", "ssn"),
        (13, "safe-harbor-date", "date"),
        (13, "safe-harbor-name", "name"),
        (13, "safe-harbor-url", "url"),
        (15, "safe-harbor-email", "email"),
        (16, "safe-harbor-medical-record-number", "medical_record_number"),
        (17, "safe-harbor-address", "address"),  # 42 Oak Street
        (17, "safe-harbor-address", "address"),  # zip=02139
        (18, "safe-harbor-ip-address", "ip_address"),
        (19, "safe-harbor-date", "date"),
        (21, "safe-harbor-vehicle-id", "vehicle_id"),
        (23, "safe-harbor-device-id", "device_id"),
    ],
    "api.jsonl": [
        (3, "safe-harbor-email", "email"),
        (3, "safe-harbor-ssn", "ssn"),
        (4, "safe-harbor-date", "date"),
        (4, "safe-harbor-name", "name"),
        (6, "safe-harbor-account-number", "account_number"),
        (6, "safe-harbor-health-plan-id", "health_plan_id"),
        (7, "safe-harbor-photo", "photo"),
        (9, "safe-harbor-address", "address"),
        (9, "safe-harbor-phone", "phone"),
    ],
    "access.log": [
        (4, "safe-harbor-ip-address", "ip_address"),
        (5, "safe-harbor-url", "url"),
    ],
}

PLANTED = [
    "Jane Roe",
    "jane roe",
    "1984-07-12",
    "07/12/1984",
    "XJH448120331",
    "(415) 555-0134",
    "4155550134",
    "415-555-0199",
    "4155550199",
    "123-45-6789",
    "123456789",
    "jane.roe",
    "A88213907",
    "42 Oak Street",
    "42 oak street",
    "02139",
    "73.162.44.10",
    "2026-11-18",
    "1HGCM82633A004352",
    "SN-4471-99812",
    "SN447199812",
    "004417739920",
    "iVBORw0KGgo",
    "last_name=Roe",
]


def scan(name: str) -> list[Detection]:
    with (LOGS / name).open(encoding="utf-8") as lines:
        return scan_log_lines(name, lines, FINGERPRINT)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_logs_exact_findings(name: str) -> None:
    found = scan(name)
    assert [(d.line, d.rule, d.category) for d in found] == EXPECTED[name]
    assert all(d.path == name and (d.fingerprint or "").startswith("fp:") for d in found)


def test_no_planted_value_leaves_the_detector() -> None:
    shown = repr([d for name in EXPECTED for d in scan(name)])
    for value in PLANTED:
        assert value not in shown, value


def test_same_value_same_fingerprint_across_lines_formats_and_files() -> None:
    app, api = scan("app.log"), scan("api.jsonl")

    def fp(found: list[Detection], line: int, category: str) -> set[str | None]:
        return {d.fingerprint for d in found if d.line == line and d.category == category}

    assert fp(app, 9, "ssn") == fp(api, 3, "ssn")  # 123-45-6789 in text and in JSON
    assert fp(app, 4, "date") == fp(app, 13, "date") == fp(api, 4, "date")  # ISO and M/D/Y
    assert fp(app, 4, "name") == fp(api, 4, "name")  # patient_name= and patient.name
    assert fp(app, 7, "phone") == fp(api, 9, "phone")  # (415) 555-0134 and 4155550134
    assert fp(app, 5, "health_plan_id") == fp(api, 6, "health_plan_id")
    assert fp(app, 15, "email") == fp(api, 3, "email")  # case-insensitive
    assert fp(app, 7, "phone") != fp(app, 8, "phone")


def test_fingerprint_sees_the_normalised_value() -> None:
    seen: list[str] = []

    def record(value: str) -> str:
        seen.append(value)
        return f"fp:{value}"

    lines = [
        "ssn=123-45-6789 dob: 07/12/1984 phone +1 (415) 555-0134 Email: Jane.Roe@Example.COM\n",
        "born on July 4, 1976 vin 1HGCM82633A004352 mrn=a-88213907\r\n",
    ]
    found = scan_log_lines("x.log", lines, record)
    assert sorted(set(seen)) == sorted(
        {
            "123456789",
            "1984-07-12",
            "4155550134",
            "jane.roe@example.com",
            "1976-07-04",
            "1HGCM82633A004352",
            "A88213907",
        }
    )
    assert len(found) == 7


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # SSN validity: area 000/666/9xx, group 00 and serial 0000 are never issued.
        ("id 123-45-6789", ["ssn"]),
        ("ids 000-12-3456 666-12-3456 900-12-3456 123-00-4567 123-45-0000", []),
        ("ssn 123456789 and order 123456789", ["ssn"]),
        ("uuid 4b8e-123-45-6789-9d2e", []),
        # Phones: NANP shapes; ten bare digits only after a phone word.
        ("call 415-555-0134 or 415.555.0135 or +1 415 555 0136", ["phone", "phone", "phone"]),
        ("phone=4155550134 order=4155550135", ["phone"]),
        ("ids 115-555-0134 415-155-0134", []),
        ("epoch 1763539200 took 4155550134ns", []),
        # Dates need an individual's context word; timestamps never fire.
        ("2026-11-19T08:00:00Z started 2026-11-19 next 11/20/2026", []),
        ("DOB: 07/12/1984, admitted 2026-11-18, died on Nov 3, 2025", ["date", "date", "date"]),
        ("discharge job ran at 2026-11-19", []),
        ("dob=1984-13-45", []),  # not a date
        # Addresses and ZIP codes.
        ("ship to 1600 Pennsylvania Avenue today", ["address"]),
        ("zip=02139 zip 021 and 02139 alone", ["address"]),
        ("retried 3 Times Way too often", ["address"]),  # the documented shape, accepted
        # Email: role mailboxes belong to no individual.
        ("from noreply@clinic.example to postmaster@x.org", []),
        ("to jane.roe+visits@mail.example.org", ["email"]),
        # IPv4: public only; version numbers are not addresses.
        ("from 127.0.0.1 10.1.2.3 172.16.0.9 192.168.1.1 169.254.1.1 0.0.0.0", []),
        ("from 192.0.2.10 198.51.100.7 203.0.113.9", []),  # documentation ranges
        ("release version 1.2.3.4 v8.8.8.8 and 1.2.3.4.5", []),
        ("from 8.8.8.8:53", ["ip_address"]),
        # VIN check digit.
        ("vin 1HGCM82633A004352", ["vehicle_id"]),
        ("build 1HGCM82633A004353 and 1hgcm82633a004352", []),
        ("plate_number=7ABC123", ["vehicle_id"]),
        # Context identifiers need their word and digits.
        ("mrn: A88213907 medical record # 55512345", ["medical_record_number"] * 2),
        ("member id 99887766 policy no. 12-334455", ["health_plan_id"] * 2),
        ("account #12345678 acct_no=99887766", ["account_number"] * 2),
        ("driver's license number D1234567", ["license_number"]),
        ("device_id=SN-4471-99812 imei 490154203237518", ["device_id"] * 2),
        ("mrn: pending member id ABCD", []),
        # Names only under name keys.
        ('patient_name="Jane Roe" first_name=Jane', ["name", "name"]),
        ("name=Jane worker=Roe", []),
        ("patient lookup name=Jane", ["name"]),
        ('{"user": {"name": "Jane Roe"}}', []),
        ('{"patient": {"name": "Jane Roe"}}', ["name"]),
        # URLs that put PHI in the query string.
        ("GET /search?dob=1984-07-12 200", ["date", "url"]),
        ("GET https://api.example/patients?email=x%40y.z 200", ["url"]),
        ("GET /patients/8812?page=2 200", []),
        # Payloads.
        (
            '{"fingerprint_template": "' + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldY" * 2 + '"}',
            ["biometric"],
        ),
        ('{"photo": "data:image/jpeg;base64,/9j/4AAQ"}', ["photo"]),
        ('{"fingerprint": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}', []),
        # Placeholders.
        ('ssn=***-**-6789 email=[redacted] phone=null name=<masked> dob="REDACTED"', []),
        # JSON after a log prefix, with key context.
        (
            '08:00:01 INFO {"msg": "x", "patient": {"zip": "02139", "city": "Cambridge"}}',
            ["address"],
        ),
    ],
)
def test_line_detection(line: str, expected: list[str]) -> None:
    found = scan_log_lines("x.log", [line], FINGERPRINT)
    assert sorted(d.category for d in found) == sorted(expected)


def test_fax_is_a_phone_with_a_fax_message() -> None:
    [found] = scan_log_lines("x.log", ["sent to fax: 415-555-0199"], FINGERPRINT)
    assert (found.rule, found.category, found.message) == (
        "safe-harbor-phone",
        "phone",
        "US fax number",
    )


def test_deduplicated_per_line_category_fingerprint_and_sorted() -> None:
    lines = [
        "ssn=123-45-6789 again 123-45-6789 and 234-56-7890 mail a@b.example\n",
        "nothing here\n",
        "ssn 123-45-6789\n",
    ]
    found = scan_log_lines("x.log", lines, FINGERPRINT)
    assert [(d.line, d.rule) for d in found] == [
        (1, "safe-harbor-email"),
        (1, "safe-harbor-ssn"),
        (1, "safe-harbor-ssn"),
        (3, "safe-harbor-ssn"),
    ]
    assert found[1].fingerprint != found[2].fingerprint
    assert found[3].fingerprint in {found[1].fingerprint, found[2].fingerprint}


def test_long_lines_stay_fast() -> None:
    # Regexes anchored to token starts: a 200 KB token without a match is one scan.
    lines = ["a" * 200_000, "/x" * 100_000, "1." * 100_000, "x=" * 100_000]
    assert scan_log_lines("big.log", lines, FINGERPRINT) == []


def test_deep_json_is_read_without_recursion() -> None:
    line = '{"a": ' * 900 + '{"patient": {"name": "Jane Roe"}}' + "}" * 900
    assert [d.category for d in scan_log_lines("x.log", [line], FINGERPRINT)] == ["name"]
