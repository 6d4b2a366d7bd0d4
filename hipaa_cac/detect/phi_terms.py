"""Vocabulary of PHI-like identifiers, shared by the log detectors.

An identifier is split into lower-case tokens (camelCase, snake_case, kebab,
ALLCAPS: `patientSSN` -> patient, ssn) and a run of tokens is looked up in a
table of the 18 Safe Harbor identifiers (45 CFR 164.514(b)(2)) written as field
names, plus the health information that makes them PHI (diagnosis, medication).

Choices against false positives (each one tested):
- Generic words ("name", "address", "zip", "condition", "ip", "url", "photo",
  "fingerprint") are *weak*: they count only next to a patient word in the same
  identifier (`patient_name`, `memberAddress`) or on a patient-like object
  (`patient.name`). `logger.name`, `file.name`, `__name__`, `filename`,
  `hostname` never count.
- `username`/`user_name` is a login, not PHI: audit logs (164.312(b)) must say
  who acted. `user.email` still counts: an email is an identifier wherever it is.
- Internal ids (`patient_id`, `patient.id`, `diagnosis_id`) are not PHI on their
  own: a surrogate key not derived from PHI is allowed by 164.514(c). So is a
  value visibly transformed (`masked_ssn`, `ssn_hash`, `ssnLast4`, `email_verified`).
- IP addresses are weak: every access log carries the client address and
  164.312(b) wants it; `patient.ip_address` still counts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

RULE_FIELD = "phi-log-field"
RULE_OBJECT = "phi-log-object"
RULE_BODY = "phi-log-body"
PATIENT_RECORD = "patient_record"


def words(text: str) -> frozenset[str]:
    """A vocabulary set written as one space-separated string."""
    return frozenset(text.split())


class Reference(NamedTuple):
    """What a logged expression carries: the rule it trips and the category."""

    rule: str
    category: str


# category -> (strong terms, weak terms), written snake_case; compared compacted.
_VOCABULARY: dict[str, tuple[str, str]] = {
    "name": (
        "first_name last_name full_name patient_name given_name family_name middle_name "
        "maiden_name surname legal_name preferred_name",
        "name display_name",
    ),
    "date_of_birth": ("dob date_of_birth birth_date birthday birth_dt", ""),
    "date": ("admission_date admit_date discharge_date date_of_death death_date", "service_date"),
    "ssn": ("ssn social_security social_security_number social_security_no", ""),
    "medical_record_number": ("mrn medical_record_number medical_record_no chart_number", ""),
    "diagnosis": (
        "diagnosis diagnoses icd10 icd9 icd_code icd10_code diagnosis_code dx_code",
        "dx condition conditions",
    ),
    "medication": ("medication medications prescription prescriptions", "rx drug drugs"),
    "lab_result": ("lab_result lab_results lab_value lab_values", "test_result test_results"),
    "clinical_note": ("clinical_note clinical_notes progress_note chief_complaint", "notes"),
    "address": (
        "street street_address home_address mailing_address address_line zip_code postal_code "
        "postcode",
        "address addr zip city county",
    ),
    "phone": (
        "phone phone_number telephone mobile_number cell_phone home_phone work_phone fax "
        "fax_number",
        "mobile tel cell",
    ),
    "email": ("email email_address", "mail"),
    "health_plan_id": (
        "insurance_id member_id policy_number health_plan_id subscriber_id beneficiary_id "
        "medicare_id medicare_number medicaid_id insurance_number",
        "",
    ),
    "account_number": (
        "account_number account_no acct_number acct_no bank_account iban card_number credit_card",
        "",
    ),
    "license_number": (
        "license_number licence_number license_no drivers_license driver_license dl_number "
        "certificate_number",
        "license licence certificate",
    ),
    "vehicle_id": ("vin vehicle_id license_plate plate_number vehicle_identification_number", ""),
    "device_id": (
        "device_id device_serial device_identifier serial_number udi imei mac_address",
        "serial",
    ),
    "ip_address": ("", "ip ip_address ip_addr client_ip remote_addr"),
    "url": ("", "url website homepage"),
    "biometric": (
        "biometric biometrics fingerprint_template retina_scan iris_scan voiceprint face_template "
        "faceprint",
        "fingerprint",
    ),
    "photo": (
        "face_photo full_face_photo facial_image face_image headshot selfie",
        "photo picture",
    ),
}

# compacted term -> (category, weak)
_TERMS: dict[str, tuple[str, bool]] = {}
for _category, (_strong, _weak) in _VOCABULARY.items():
    for _weak_flag, _words in ((False, _strong), (True, _weak)):
        for _word in _words.split():
            _TERMS[_word.replace("_", "")] = (_category, _weak_flag)

_PATIENT_HEADS = words(
    "patient patients pt member members subscriber beneficiary enrollee encounter encounters "
    "insured guarantor"
)
# Tokens that make a weak term count inside one identifier (`emergency_contact_name`).
_QUALIFIERS = _PATIENT_HEADS | {"contact", "guardian", "spouse", "mother", "father", "kin"}
_RECORD_SUFFIXES = words(
    "record records info data details detail profile obj object dict json payload chart model "
    "entity dto row doc document resource bundle demographics"
)
_RECORD_QUALIFIERS = _PATIENT_HEADS | {"medical", "health", "clinical", "ehr", "emr", "fhir"}
_USER_RECORD_SUFFIXES = frozenset({"record", "records", "profile"})

# Next to a PHI term these say the value is not the identifier itself.
_SAFE = words(
    "id ids uuid key keys hash hashed digest mask masked redact redacted encrypted enc "
    "ciphertext token tokenized last4 count counts len length size is has valid validated "
    "validation verified verify present exists missing required enabled field fields column "
    "columns col label type types kind format formatter pattern regex re template schema "
    "status flag sent send service provider config settings host port server backend "
    "smtp domain prefix file filename path dir class table logger log event func function "
    "method module package project db database index idx tag attr attribute param params "
    "var env queue topic bucket app org organization company clinic facility hospital "
    "practice doctor physician nurse staff system version code country state "
    "verification confirmed confirmation opt optin subscribed notification notifications "
    "notify changed updated error errors err placeholder example"
)
_SAFE_FRAGMENTS = ("last4", "lastfour")

_REQUEST_OWNERS = frozenset({"request", "req"})
_RESPONSE_OWNERS = frozenset({"response", "resp", "res"})
_REQUEST_BODY = words(
    "body data json getjson getdata form post values rawbody payload rawpostdata text"
)
_RESPONSE_BODY = words("body data json text content raw payload getjson getdata")
_BODY_NAMES = frozenset({"body", "payload", "json", "data", "text", "content"})
# Calls or attributes on a patient-like object that dump the whole record.
_DUMPS = words(
    "dict todict asdict json tojson modeldump modeldumpjson serialize toobject tostring "
    "repr str values items"
)

_ACRONYM = re.compile(r"([A-Z]+)([A-Z][a-z])")
_CAMEL = re.compile(r"([a-z0-9])([A-Z])")
_SPLIT = re.compile(r"[^A-Za-z0-9]+")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


@lru_cache(maxsize=65536)
def tokens(identifier: str) -> tuple[str, ...]:
    """`patientSSN` -> (patient, ssn); `date_of_birth` -> (date, of, birth).

    Cached: code repeats the same few thousand identifiers."""
    spaced = _CAMEL.sub(r"\1_\2", _ACRONYM.sub(r"\1_\2", identifier))
    return tuple(token.lower() for token in _SPLIT.split(spaced) if token)


def _compact(identifier: str) -> str:
    return "".join(tokens(identifier))


@lru_cache(maxsize=65536)
def phi_category(identifier: str, *, patient_context: bool = False) -> str | None:
    """The PHI category an identifier names, or None.

    patient_context: the identifier is a field of a patient-like object, which
    lets weak terms ("name", "address") count.
    """
    if identifier.startswith("__") and identifier.endswith("__"):
        return None
    parts = tokens(identifier)
    best: tuple[tuple[int, bool, int], str, bool, int, int] | None = None
    for start in range(len(parts)):
        joined = ""
        for end in range(start, len(parts)):
            joined += parts[end]
            term = _TERMS.get(joined) or _TERMS.get(joined.rstrip("0123456789"))
            if term is None:
                continue
            # Longest run wins ("ip_address" over "address"), then strong over weak.
            rank = (end - start, not term[1], -start)
            if best is None or rank > best[0]:
                best = (rank, term[0], term[1], start, end)
    if best is None:
        return None
    _rank, category, weak, start, end = best
    rest = parts[:start] + parts[end + 1 :]
    if any(word in _SAFE for word in rest) or any(f in "".join(rest) for f in _SAFE_FRAGMENTS):
        return None
    if weak and not (patient_context or any(word in _QUALIFIERS for word in rest)):
        return None
    return category


@lru_cache(maxsize=65536)
def is_patient_object(identifier: str) -> bool:
    """`patient`, `current_member`, `patient_record`, `user_record`, `pt`, `encounter`."""
    parts = tokens(identifier)
    if not parts:
        return False
    last, before = parts[-1], parts[:-1]
    if last in _PATIENT_HEADS:
        return True
    if last in _RECORD_SUFFIXES and any(word in _RECORD_QUALIFIERS for word in before):
        return True
    return last in _USER_RECORD_SUFFIXES and "user" in before


def body_kind(owner: str | None, name: str) -> str | None:
    """ "request_body"/"response_body" for `request.json`, `res.body`, `reqBody`, else None.

    owner is the segment before name (`request` in `ctx.request.body`), None for
    a bare identifier.
    """
    if owner is None:
        parts = tokens(name)
        if len(parts) < 2 or parts[-1] not in _BODY_NAMES:
            return None
        owner, name = parts[-2], parts[-1]
    owner_word = (tokens(owner) or [""])[-1]
    attribute = _compact(name)
    if owner_word in _REQUEST_OWNERS and attribute in _REQUEST_BODY:
        return "request_body"
    if owner_word in _RESPONSE_OWNERS and attribute in _RESPONSE_BODY:
        return "response_body"
    if owner_word == "event" and attribute == "body":  # AWS Lambda proxy events
        return "request_body"
    return None


def classify_chain(segments: Sequence[str]) -> Reference | None:
    """What logging the access path `a.b["c"].d()` exposes, read left to right.

    Segments are attribute names, string subscript keys and method names; an
    empty segment stands for an expression that is not a name (a call result).
    The first PHI field found wins; a body or patient object at the end is the
    whole thing; either one in the middle makes later weak terms count.
    """
    context = False
    after_patient = False
    for index, segment in enumerate(segments):
        rest = segments[index + 1 :]
        owner = segments[index - 1] if index else None
        kind = body_kind(owner, segment) if segment else None
        if kind:
            if not rest:
                return Reference(RULE_BODY, kind)
            context = True
            continue
        if after_patient and _compact(segment) in _DUMPS and not rest:
            return Reference(RULE_OBJECT, PATIENT_RECORD)
        category = phi_category(segment, patient_context=context)
        if category:
            if rest and _compact(rest[-1]) in _SAFE:  # patient.ssn.length
                return None
            return Reference(RULE_FIELD, category)
        after_patient = is_patient_object(segment) or (
            context and _compact(segment) in _RECORD_SUFFIXES
        )
        if after_patient:
            if not rest:
                return Reference(RULE_OBJECT, PATIENT_RECORD)
            context = True
    return None


def describe(caller: str, reference: Reference, shown: Sequence[str]) -> str:
    """The message of a log detection: the call and the code it passes, never a value."""
    what = ", ".join(shown)
    if reference.rule == RULE_FIELD:
        return f"{caller}() logs {what} ({reference.category} field)"
    if reference.rule == RULE_BODY:
        return f"{caller}() logs the {reference.category.replace('_', ' ')} {what}"
    return f"{caller}() logs the whole patient-like object {what}"


def classify_key(key: str) -> Reference | None:
    """A keyword argument or object key that names what it carries (`ssn=`, `{patient}`)."""
    category = phi_category(key)
    if category:
        return Reference(RULE_FIELD, category)
    if is_patient_object(key):
        return Reference(RULE_OBJECT, PATIENT_RECORD)
    kind = body_kind(None, key)
    return Reference(RULE_BODY, kind) if kind else None


_SANITIZERS = words(
    "mask redact scrub hash sha1 sha256 md5 hmac hexdigest digest anonymize anonymise "
    "pseudonymize pseudonymise deidentify encrypt tokenize fingerprint obfuscate len bool "
    "isinstance issubclass hasattr callable type id keys count"
)


def is_sanitizer(function_name: str) -> bool:
    """Calls whose result no longer carries the value (`mask_ssn`, `sha256`, `redact`)."""
    return any(word in _SANITIZERS for word in tokens(function_name))


def display_key(key: str) -> str:
    """How a string subscript key is shown in a message: vocabulary words only,
    since any other literal could itself be a value."""
    known = (
        phi_category(key, patient_context=True)
        or is_patient_object(key)
        or _compact(key) in _REQUEST_BODY | _RESPONSE_BODY
    )
    return f"[{key!r}]" if known and _IDENTIFIER.fullmatch(key) else "[...]"
