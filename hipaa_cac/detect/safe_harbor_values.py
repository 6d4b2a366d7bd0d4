"""What a Safe Harbor value looks like: each check takes a candidate found by
safe_harbor.py and returns it normalised (so the same SSN written two ways
gets one fingerprint), or None when it is not a plausible identifier.
"""

from __future__ import annotations

import ipaddress
import re
from datetime import datetime

MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
DATE = (
    rf"\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}|\d{{1,2}}-\d{{1,2}}-\d{{4}}"
    rf"|{MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{MONTH}\s+\d{{4}}"
)
DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%m-%d-%Y", "%b %d %Y", "%d %b %Y")
MONTH_WORD = re.compile(r"(?i)\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*")
EMAIL_TEXT = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
VIN = re.compile(r"(?<![A-Za-z0-9])[A-HJ-NPR-Z0-9]{17}(?![A-Za-z0-9])")
ROLE_MAILBOXES = frozenset(
    {"noreply", "no-reply", "donotreply", "do-not-reply", "postmaster", "mailer-daemon"}
    | {"hostmaster", "webmaster", "abuse", "root", "admin", "support", "security", "git"}
)
# VIN check digit (49 CFR 565.15): letters transliterate to digits, positions are weighted.
VIN_VALUES = dict(zip("ABCDEFGHJKLMNPRSTUVWXYZ", "12345678123457923456789", strict=True))
VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def ssn(value: str) -> str | None:
    digits = re.sub(r"[ -]", "", value)
    if not re.fullmatch(r"\d{9}", digits):
        return None
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    if area in {"000", "666"} or area[0] == "9" or group == "00" or serial == "0000":
        return None
    return digits


def phone(value: str) -> str | None:
    if not re.fullmatch(r"[\d\s().+-]+", value):
        return None
    digits = re.sub(r"\D", "", value)
    if len(digits) == 11 and digits[0] == "1":
        digits = digits[1:]
    if len(digits) != 10 or digits[0] in "01" or digits[3] in "01":
        return None  # NANP: area code and exchange start with 2-9
    return digits


def email(value: str) -> str | None:
    if not re.fullmatch(EMAIL_TEXT, value.strip()):
        return None
    local = value.strip().split("@", 1)[0].lower()
    return None if local in ROLE_MAILBOXES else value.strip().lower()


def ipv4(value: str) -> str | None:
    try:
        address = ipaddress.IPv4Address(value.strip())
    except ValueError:
        return None
    return str(address) if address.is_global else None


def vin(value: str) -> str | None:
    if not (VIN.fullmatch(value) and re.search(r"\d", value) and re.search(r"[A-Z]", value)):
        return None
    total = sum(
        int(c if c.isdigit() else VIN_VALUES[c]) * w
        for c, w in zip(value, VIN_WEIGHTS, strict=True)
    )
    check = "X" if total % 11 == 10 else str(total % 11)
    return value if value[8] == check else None


def date(value: str) -> str | None:
    match = re.search(DATE, value, re.IGNORECASE)
    if match is None:
        return None
    text = MONTH_WORD.sub(r"\1", re.sub(r"[.,]", "", " ".join(match.group(0).split())))
    for form in DATE_FORMATS:
        try:
            return datetime.strptime(text, form).date().isoformat()
        except ValueError:
            continue
    return None


def identifier(value: str) -> str | None:
    value = value.strip()
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 ./#:-]{2,39}", value):
        return None
    return re.sub(r"[\s-]", "", value).upper() if len(re.findall(r"\d", value)) >= 2 else None


def name(value: str) -> str | None:
    value = " ".join(value.split())
    shape = r"[A-Z][A-Za-z'\u2019.-]+(?:,? [A-Z][A-Za-z'\u2019.-]+){0,3}"
    return value.lower() if re.fullmatch(shape, value) else None


def address(value: str) -> str | None:
    value = " ".join(value.split())
    if re.fullmatch(r"\d{5}(?:-\d{4})?", value):
        return value
    has_both = re.search(r"\d", value) and re.search(r"[A-Za-z]{2}", value)
    return value.lower() if has_both and len(value) >= 5 else None


def payload(value: str) -> str | None:
    value = value.strip()
    if value.startswith("data:image/"):
        return value
    # Base64 of an image or template; a hex digest (certificate, commit) is not one.
    base64 = re.fullmatch(r"[A-Za-z0-9+/=_-]{40,}", value)
    return value if base64 and not re.fullmatch(r"[0-9a-fA-F]+", value) else None


def collapse(value: str) -> str | None:
    return " ".join(value.split()).lower()


def full_url(value: str) -> str | None:
    return value.strip() if re.match(r"https?://\S+$", value.strip()) else None
