"""Safe Harbor identifiers in sample log files (45 CFR 164.514(b)(2)(i)(A)-(R)).

Reports the identifiers a pattern can find, one detection per match,
deduplicated per (line, category, fingerprint of the normalised value); the
value itself never leaves this module, only its keyed fingerprint.

Choices against false positives (each one tested):
- Dates count only right after a birth/admission/discharge/death word or under
  such a key (`dob=`, `"admission_date":`, `born on`): the timestamp a log line
  starts with, or any other bare date, never does. Years alone are not looked for.
- SSN: dashed 3-2-4 anywhere, with a valid area (not 000, 666, 9xx), group (not
  00) and serial (not 0000); nine bare digits only after an SSN word or key.
- Phone and fax: NANP numbers with separators (`(415) 555-0134`, `415-555-0134`,
  `+1 415 555 0134`); ten bare digits only after a phone word or key. A fax is
  reported as a phone (the rule is the same); its message says fax.
- Email: every address but role mailboxes (noreply, postmaster, ...), which
  belong to no individual.
- IP addresses are identifiers, but only public IPv4 is reported: private,
  loopback (127.0.0.1), link-local and documentation ranges are infrastructure.
  IPv6 is not looked for.
- Address: a street address (number, one to three capitalised words, a street
  suffix) anywhere; a 5-digit ZIP only after zip/postal. The 3-digit ZIP prefix
  Safe Harbor allows is never reported.
- Names only as values of name keys (`patient_name=`, `"last_name":`, `name=`
  after a patient word or under a patient object); free text is not parsed.
- MRN, health plan / member id, account, licence/certificate, device/serial and
  plate numbers only after their context word or key, with two or more digits.
- VIN: 17 upper-case characters of the VIN alphabet with a valid check digit.
- URL: a URL or path whose query string carries a PHI-named parameter with a
  value (`/search?dob=...`): the app puts PHI where every proxy logs it.
  `/patients/123` (an internal id) is not reported.
- Biometric/photo: base64 (40+ characters, not a hex digest) or a data:image
  URI under such a key; a bare `photo` key counts, a bare `fingerprint` does
  not (certificate and key fingerprints are logged everywhere).
- "version 1.2.3.4" / "v1.2.3.4" is a release number, not an IP address.
- Placeholder values (`redacted`, `***`, `null`, `fp:...`) never count.
A line that holds a JSON object (after any prefix) is read as JSON: its keys
give context, and a name under a patient object counts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple
from urllib.parse import parse_qsl

from hipaa_cac.detect import Detection
from hipaa_cac.detect import safe_harbor_values as values
from hipaa_cac.detect.phi_terms import is_patient_object, phi_category


class _Hit(NamedTuple):
    category: str
    value: str  # normalised, only ever fingerprinted
    message: str


_SEP = r"""(?:(?<=\#)|(?!\w))\.?["']?\s*[:=#]?\s*["']?"""
_ID = r"(?P<v>[A-Za-z0-9][A-Za-z0-9-]{3,})"
_NUMBER = r"[ _-]?(?:number|num|no|\#)"
_CONTEXTS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (category, re.compile(rf"(?i)\b(?:{words}){_SEP}{value}"))
    for category, words, value in (
        (
            "date",
            r"dob|d\.o\.b|date[ _-]?of[ _-]?birth|birth[ _-]?date|birthday|born(?:[ _-]on)?"
            r"|admi(?:ssion|tted|t)(?:[ _-]?(?:date|on))?|discharged?(?:[ _-]?(?:date|on))?"
            r"|date[ _-]?of[ _-]?death|death[ _-]?date|died(?:[ _-]on)?|deceased(?:[ _-]on)?|dod",
            rf"(?P<v>{values.DATE})",
        ),
        (
            "address",
            r"zip(?:[ _-]?code)?|postal[ _-]?code|postcode",
            r"(?P<v>\d{5}(?:-\d{4})?)(?![\w-])",
        ),
        ("medical_record_number", rf"mrn|medical[ _-]?record(?:{_NUMBER})?", _ID),
        (
            "health_plan_id",
            r"(?:member|subscriber|beneficiary|insurance|medicare|medicaid|health[ _-]?plan)"
            rf"[ _-]?(?:id|number|num|no)|policy{_NUMBER}",
            _ID,
        ),
        ("account_number", rf"(?:account|acct){_NUMBER}", _ID),
        (
            "license_number",
            rf"(?:(?:driver'?s?[ _-]?)?licen[cs]e|certificate|cert|dl){_NUMBER}",
            _ID,
        ),
        ("vehicle_id", rf"license[ _-]?plate|plate{_NUMBER}", r"(?P<v>[A-Za-z0-9-]{2,8})"),
        ("device_id", rf"device[ _-]?(?:id|identifier|serial)|serial{_NUMBER}|udi|imei", _ID),
        (
            "ssn",
            rf"ssn|social[ _-]?security(?:{_NUMBER})?",
            r"(?P<v>\d{3}[ -]?\d{2}[ -]?\d{4})(?![\w-])",
        ),
        (
            "phone",
            rf"(?:phone|tel|telephone|mobile|cell|fax)(?:{_NUMBER})?",
            r"(?P<v>\+?1?\d{10})(?![\w-])",
        ),
    )
)
_END = r"(?![\w-])"
_SSN = re.compile(rf"(?<![\w-])\d{{3}}-\d{{2}}-\d{{4}}{_END}")
_PHONE = re.compile(
    rf"(?<![\w+-])(?:\+?1[ .-]?)?(?:\(\d{{3}}\)[ .-]?|\d{{3}}[ .-])\d{{3}}[ .-]\d{{4}}{_END}"
)
_EMAIL = re.compile(rf"(?<![\w.%+-]){values.EMAIL_TEXT}{_END}")
_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?!\.?\d|\w)")
_VERSION_BEFORE = re.compile(r"(?i)\b(?:v|ver|version)[\s:=]*$")
_STREET = re.compile(
    r"\b\d{1,6}\s+(?:[A-Z][A-Za-z0-9'.-]*\s+){1,3}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard"
    r"|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Parkway|Pkwy|Highway|Hwy|Circle)\b"
)
# Starts only after a space, quote, `=` or bracket: a long path is scanned once.
_URL = re.compile(r"(?<![^\s\"'=(\[])(?:https?://[^\s\"'<>/?#]+)?/[^\s\"'<>?#]*\?[^\s\"'<>#]+")
_PAIR = re.compile(
    r"""(?<![\w.-])(?P<key>[A-Za-z_][\w.-]*)["']?\s*[=:]\s*"""
    r"""(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s,;&|)\]}"']+))"""
)
_PATIENT_WORD = re.compile(r"(?i)\b(?:patient|pt|member|subscriber|beneficiary|enrollee)\b")
_PLACEHOLDERS = frozenset({"", "null", "none", "nil", "undefined", "n/a", "na", "-", "unknown"})


def scan_log_lines(
    path: str, lines: Iterable[str], fingerprint: Callable[[str], str]
) -> list[Detection]:
    """Detections for Safe Harbor identifiers in the lines of one log file."""
    found: dict[tuple[int, str, str], Detection] = {}
    for number, raw in enumerate(lines, 1):
        for hit in _line_hits(raw.rstrip("\r\n")):
            fp = fingerprint(hit.value)
            rule = "safe-harbor-" + hit.category.replace("_", "-")
            detection = Detection(path, number, rule, hit.category, hit.message, fp)
            found.setdefault((number, hit.category, fp), detection)
    return sorted(found.values(), key=lambda d: (d.line, d.rule, d.category, d.fingerprint or ""))


def _line_hits(line: str) -> Iterator[_Hit]:
    yield from _pattern_hits(line)
    for category, pattern in _CONTEXTS:
        for match in pattern.finditer(line):
            value = _TYPES[category][1](match.group("v"))
            if value is not None:
                fax = category == "phone" and "fax" in match.group(0).lower()
                yield _Hit(category, value, "US fax number" if fax else _TYPES[category][0])
    for key, value, patient in _pairs(line):
        hit = _key_hit(key, value, patient)
        if hit is not None:
            yield hit


def _pattern_hits(line: str) -> Iterator[_Hit]:
    for match in _SSN.finditer(line):
        if (value := values.ssn(match.group(0))) is not None:
            yield _Hit("ssn", value, _TYPES["ssn"][0])
    for match in _PHONE.finditer(line):
        if (value := values.phone(match.group(0))) is not None:
            fax = "fax" in line[max(0, match.start() - 24) : match.start()].lower()
            yield _Hit("phone", value, "US fax number" if fax else _TYPES["phone"][0])
    for match in _IPV4.finditer(line):
        # "version 1.2.3.4" is a release number, not an address.
        if not _VERSION_BEFORE.search(line, 0, match.start()) and (
            value := values.ipv4(match.group(0))
        ):
            yield _Hit("ip_address", value, _TYPES["ip_address"][0])
    for pattern, category, check in (
        (_EMAIL, "email", values.email),
        (values.VIN, "vehicle_id", values.vin),
        (_STREET, "address", values.collapse),
        (_URL, "url", _url),
    ):
        for match in pattern.finditer(line):
            if (value := check(match.group(0))) is not None:
                yield _Hit(category, value, _TYPES[category][0])


def _pairs(line: str) -> Iterator[tuple[str, str, bool]]:
    """(key, value, under a patient) for `key=value`, `key: "value"` and JSON."""
    start = line.find("{")
    document = _json_object(line[start:]) if start >= 0 else None
    text = line[:start] if document is not None else line
    for match in _PAIR.finditer(text):
        value = next(v for v in match.group("dq", "sq", "bare") if v is not None)
        yield match.group("key"), value, bool(_PATIENT_WORD.search(text, 0, match.start()))
    if document is not None:
        yield from _json_pairs(document)


def _json_object(text: str) -> dict[str, object] | None:
    if not text.rstrip().endswith("}"):
        return None
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _json_pairs(document: dict[str, object]) -> Iterator[tuple[str, str, bool]]:
    """Scalar (key, value, under a patient key) pairs; a stack, as JSON nests deep."""
    stack: list[tuple[object, bool]] = [(document, False)]
    while stack:
        node, patient = stack.pop()
        items: Iterable[tuple[object, object]] = ()
        if isinstance(node, dict):
            items = node.items()
        elif isinstance(node, list):
            items = enumerate(node)
        for key, value in items:
            if isinstance(value, dict | list):
                stack.append((value, patient or (isinstance(key, str) and is_patient_object(key))))
            elif isinstance(key, str) and _scalar(value):
                yield key, str(value), patient


def _scalar(value: object) -> bool:
    return isinstance(value, str | int) and not isinstance(value, bool)


def _key_hit(key: str, value: str, patient: bool) -> _Hit | None:
    parts = [part for part in key.split(".") if part]
    if not parts or _placeholder(value):
        return None
    field = parts[-1]
    patient = patient or any(is_patient_object(part) for part in parts[:-1])
    category = _KEY_TYPES.get(phi_category(field, patient_context=patient) or "")
    if category is None and phi_category(field, patient_context=True) == "photo":
        category = "photo"  # a bare `photo` key: the payload check below is strict enough
    if category is None or (category == "address" and _STREET.search(value)):
        return None  # a street address in the value is reported by its pattern
    normal = _TYPES[category][1](value)
    if normal is None:
        return None
    shown = f" under key {field}" if re.fullmatch(r"[A-Za-z_][\w-]*", field) else ""
    return _Hit(category, normal, _TYPES[category][0] + shown)


def _placeholder(value: str) -> bool:
    lowered = value.strip().lower()
    return (
        lowered in _PLACEHOLDERS
        or "*" in lowered
        or "redact" in lowered
        or "mask" in lowered
        or lowered.startswith("fp:")
        or bool(re.fullmatch(r"x{3,}|<[^>]*>|\{\{.*\}\}|\[[^\]]*\]", lowered))
    )


def _url(value: str) -> str | None:
    path, _, query = value.partition("?")
    patient = "patient" in path.lower() or "member" in path.lower()
    for key, item in parse_qsl(query):
        category = _KEY_TYPES.get(phi_category(key, patient_context=patient) or "")
        if category and not _placeholder(item):
            return value
    return None


# Identifier type -> (message, check returning the normalised value or None).
_TYPES: dict[str, tuple[str, Callable[[str], str | None]]] = {
    "ssn": ("SSN with a valid area, group and serial", values.ssn),
    "phone": ("US phone number", values.phone),
    "email": ("email address", values.email),
    "date": ("date of birth, admission, discharge or death", values.date),
    "address": ("street address or 5-digit ZIP code", values.address),
    "medical_record_number": ("medical record number", values.identifier),
    "health_plan_id": ("health plan beneficiary / member number", values.identifier),
    "account_number": ("account number", values.identifier),
    "license_number": ("licence or certificate number", values.identifier),
    "vehicle_id": ("vehicle identifier (VIN or plate)", values.identifier),
    "device_id": ("device identifier or serial number", values.identifier),
    "url": ("URL whose query string carries PHI", values.full_url),
    "ip_address": ("public IPv4 address", values.ipv4),
    "name": ("person name", values.name),
    "biometric": ("biometric payload", values.payload),
    "photo": ("photo payload", values.payload),
}
# phi_terms categories that are Safe Harbor identifiers, by the type reported.
_KEY_TYPES = {**{t: t for t in _TYPES}, "date_of_birth": "date"}
