"""PHI in Python logging calls (hipaa_cac.detect.python_logging) and the shared
vocabulary (hipaa_cac.detect.phi_terms)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from hipaa_cac.detect import Detection
from hipaa_cac.detect.phi_terms import (
    body_kind,
    classify_chain,
    is_patient_object,
    phi_category,
)
from hipaa_cac.detect.python_logging import scan_python

SAMPLE = Path(__file__).parent / "samples" / "phi_app_py"

EXPECTED_SAMPLE = [
    ("app.py", 19, "phi-log-body", "request_body"),
    ("app.py", 28, "phi-log-field", "name"),
    ("app.py", 30, "phi-log-field", "date_of_birth"),
    ("app.py", 31, "phi-log-object", "patient_record"),
    ("app.py", 41, "phi-log-field", "name"),
    ("services/patients.py", 30, "phi-log-field", "address"),
    ("services/patients.py", 33, "phi-log-field", "address"),
    ("services/patients.py", 37, "phi-log-field", "health_plan_id"),
    ("services/patients.py", 38, "phi-log-field", "diagnosis"),
    ("services/patients.py", 41, "phi-log-object", "patient_record"),
    ("services/patients.py", 42, "phi-log-object", "patient_record"),
    ("tasks.py", 14, "phi-log-field", "name"),
    ("tasks.py", 14, "phi-log-field", "phone"),
    ("tasks.py", 16, "phi-log-field", "email"),
    ("tasks.py", 23, "phi-log-field", "medical_record_number"),
    ("tasks.py", 28, "phi-log-body", "request_body"),
]


def scan_sample() -> list[Detection]:
    found: list[Detection] = []
    for file in sorted(SAMPLE.rglob("*.py")):
        found.extend(scan_python(file.relative_to(SAMPLE).as_posix(), file.read_text()))
    return found


def summary(found: list[Detection]) -> list[tuple[int, str, str]]:
    return [(d.line, d.rule, d.category) for d in found]


def test_sample_app_exact_findings() -> None:
    found = scan_sample()
    assert [(d.path, d.line, d.rule, d.category) for d in found] == EXPECTED_SAMPLE
    assert all(d.fingerprint is None for d in found)


def test_sample_app_messages_hold_no_literal_text() -> None:
    shown = repr(scan_sample())
    for file in SAMPLE.rglob("*.py"):
        for node in ast.walk(ast.parse(file.read_text())):
            text = node.value if isinstance(node, ast.Constant) else None
            # Message text, format strings and values: anything that is not a bare key.
            if isinstance(text, str) and len(text.strip()) > 3 and set(text) & {" ", "%", "*"}:
                assert text not in shown, text


def test_messages_name_the_call_and_the_fields() -> None:
    [found] = scan_python("a.py", "logger.info('%s %s', patient.first_name, patient.last_name)")
    assert found.message == "logger.info() logs patient.first_name, patient.last_name (name field)"
    [found] = scan_python("a.py", "log.info('x', **vars(patient))")
    assert found.message == "log.info() logs the whole patient-like object patient"
    [found] = scan_python("a.py", "app.logger.debug(request.get_json())")
    assert found.message == "app.logger.debug() logs the request body request.get_json()"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # Arguments of every shape.
        ("logger.info('lookup %s', patient.ssn)", [(1, "phi-log-field", "ssn")]),
        ("logger.info(f'dob={p[\"dob\"]}')", [(1, "phi-log-field", "date_of_birth")]),
        ("logger.info('%s' % (pt.email,))", [(1, "phi-log-field", "email")]),
        ("logger.info('{}'.format(patientSSN))", [(1, "phi-log-field", "ssn")]),
        (
            "logger.info('x', extra={'mrn': record.number})",
            [(1, "phi-log-field", "medical_record_number")],
        ),
        ("log.info('event', date_of_birth=d)", [(1, "phi-log-field", "date_of_birth")]),
        ("log.bind(email=user.email).info('hi')", [(1, "phi-log-field", "email")]),
        ("logger.info('x', patient.address.zip)", [(1, "phi-log-field", "address")]),
        ("logger.info('x', patient.get('phone'))", [(1, "phi-log-field", "phone")]),
        ("logger.info('x', get_patient().ssn)", [(1, "phi-log-field", "ssn")]),
        # Whole objects.
        ("logger.info(patient)", [(1, "phi-log-object", "patient_record")]),
        ("logger.info('%s', self.patient)", [(1, "phi-log-object", "patient_record")]),
        ("logger.info(patient.__dict__)", [(1, "phi-log-object", "patient_record")]),
        ("logger.info(model_to_dict(patient))", [(1, "phi-log-object", "patient_record")]),
        ("logger.info(patient.model_dump())", [(1, "phi-log-object", "patient_record")]),
        ("logger.info(json.dumps(user_record))", [(1, "phi-log-object", "patient_record")]),
        ("logger.info('%r', patients[0])", [(1, "phi-log-object", "patient_record")]),
        ("logger.info('x', extra={'patient': p})", [(1, "phi-log-object", "patient_record")]),
        # Bodies.
        ("logger.info(request.body)", [(1, "phi-log-body", "request_body")]),
        ("logger.info(request.data)", [(1, "phi-log-body", "request_body")]),
        ("logger.info(request.json)", [(1, "phi-log-body", "request_body")]),
        ("logger.info(request.POST)", [(1, "phi-log-body", "request_body")]),
        ("logger.info(self.request.body)", [(1, "phi-log-body", "request_body")]),
        ("logger.info(event['body'])", [(1, "phi-log-body", "request_body")]),
        ("logger.error(response.text)", [(1, "phi-log-body", "response_body")]),
        ("logger.error(resp.json())", [(1, "phi-log-body", "response_body")]),
        ("logger.info(req_body)", [(1, "phi-log-body", "request_body")]),
        ("logger.info(request.json['ssn'])", [(1, "phi-log-field", "ssn")]),
        # Logging calls of every shape.
        ("logging.info(patient.ssn)", [(1, "phi-log-field", "ssn")]),
        ("LOGGER.exception(patient.ssn)", [(1, "phi-log-field", "ssn")]),
        ("logging.getLogger(__name__).warning(patient.ssn)", [(1, "phi-log-field", "ssn")]),
        ("structlog.get_logger().info('e', ssn=s)", [(1, "phi-log-field", "ssn")]),
        ("logger.log(logging.INFO, 'x %s', patient.ssn)", [(1, "phi-log-field", "ssn")]),
        ("print(patient.ssn)", [(1, "phi-log-field", "ssn")]),
        ("sys.stderr.write(patient.ssn)", [(1, "phi-log-field", "ssn")]),
        ("audit = logging.getLogger('a')\naudit.info(patient.ssn)", [(2, "phi-log-field", "ssn")]),
        ("self.audit = get_logger()\nself.audit.info(patient.ssn)", [(2, "phi-log-field", "ssn")]),
        # The line is the argument's, in a call over several lines.
        ("logger.info(\n    'x',\n    patient.ssn,\n)", [(3, "phi-log-field", "ssn")]),
    ],
)
def test_reported(source: str, expected: list[tuple[int, str, str]]) -> None:
    assert summary(scan_python("a.py", source)) == expected


@pytest.mark.parametrize(
    "source",
    [
        "logger.info('ssn dob email patient')",  # literals alone
        "logger.info('x', patient.id, patient_id, patient.patient_id)",  # internal ids
        "logger.info('x', extra={'patient_id': p.id, 'ssn': '***'})",  # literal value
        "logger.info(mask(patient.ssn), redact(patient.email))",  # sanitized
        "logger.info(hashlib.sha256(patient.ssn.encode()).hexdigest())",
        "logger.info(patient.masked_ssn, patient.ssn_last4, patient.email_verified)",
        "logger.info(len(patient.conditions), bool(patient.ssn), patient is None)",
        "logger.info(not patient, patient.ssn == other, -age)",
        "logger.info([p.id for p in patients])",  # the iterable is not logged
        "logger.info(logger.name, __name__, file.name, filename, hostname)",
        "logger.info(user.username, username, user.name, user_name)",
        "logger.info(request.method, request.path, request.args, response.status_code)",
        "logger.info(settings.EMAIL_HOST, config.email_backend)",
        "logger.info(remote_addr, request.remote_addr)",  # request IPs: see phi_terms
        "send_email(patient.email); sms.send(patient.phone)",  # not logging
        "math.log(patient.weight); np.log(x)",
        "logger.info('x', exc_info=patient_record)",  # control keywords
    ],
)
def test_not_reported(source: str) -> None:
    assert scan_python("a.py", source) == []


def test_findings_are_sorted_and_merged_per_line_rule_category() -> None:
    source = "logger.info(p.ssn, patient, patient.ssn)\nlogger.info(request.body)\n"
    assert summary(scan_python("a.py", source)) == [
        (1, "phi-log-field", "ssn"),
        (1, "phi-log-object", "patient_record"),
        (2, "phi-log-body", "request_body"),
    ]
    [ssn, *_] = scan_python("a.py", source)
    assert ssn.message == "logger.info() logs p.ssn, patient.ssn (ssn field)"


def test_non_vocabulary_subscript_keys_are_not_shown() -> None:
    [found] = scan_python("a.py", "logger.info(lookup['Jane Roe 1984'].ssn)")
    assert "Jane" not in found.message
    assert found.message == "logger.info() logs lookup[...].ssn (ssn field)"


@pytest.mark.parametrize(
    ("source", "line"),
    [("x = 1\ndef f(:\n    pass\n", 2), ("x = (\n", 1), ("a\x00b", 1)],
)
def test_parse_error_is_one_detection_with_the_line(source: str, line: int) -> None:
    [found] = scan_python("bad.py", source)
    assert (found.path, found.line, found.rule, found.category) == (
        "bad.py",
        line,
        "parse-error",
        "python",
    )


# The vocabulary shared with the JavaScript scanner.


@pytest.mark.parametrize(
    ("identifier", "category"),
    [
        ("patientSSN", "ssn"),
        ("social_security_number", "ssn"),
        ("date_of_birth", "date_of_birth"),
        ("dateOfBirth", "date_of_birth"),
        ("DOB", "date_of_birth"),
        ("patient_name", "name"),
        ("firstName", "name"),
        ("LASTNAME", "name"),
        ("emergency_contact_name", "name"),
        ("mrn", "medical_record_number"),
        ("icd10Code", "diagnosis"),
        ("address_line1", "address"),
        ("zipCode", "address"),
        ("phone_number", "phone"),
        ("fax", "phone"),
        ("email_address", "email"),
        ("user_email", "email"),
        ("insuranceId", "health_plan_id"),
        ("member_id", "health_plan_id"),
        ("account_number", "account_number"),
        ("drivers_license", "license_number"),
        ("vin", "vehicle_id"),
        ("mac_address", "device_id"),
        ("patientIpAddress", "ip_address"),
        ("fingerprint_template", "biometric"),
        ("medication", "medication"),
        ("lab_results", "lab_result"),
        # Weak terms need a patient word in the identifier.
        ("name", None),
        ("address", None),
        ("zip", None),
        ("condition", None),
        ("ip_address", None),
        ("license", None),
        # Not PHI.
        ("filename", None),
        ("hostname", None),
        ("username", None),
        ("user_name", None),
        ("__name__", None),
        ("patient_id", None),
        ("diagnosis_id", None),
        ("masked_ssn", None),
        ("ssnLast4", None),
        ("email_verified", None),
        ("EMAIL_HOST", None),
        ("iphone", None),
    ],
)
def test_phi_category(identifier: str, category: str | None) -> None:
    assert phi_category(identifier) == category


def test_weak_terms_count_on_a_patient() -> None:
    assert phi_category("name", patient_context=True) == "name"
    assert phi_category("zip", patient_context=True) == "address"
    assert phi_category("__name__", patient_context=True) is None


@pytest.mark.parametrize(
    ("identifier", "expected"),
    [
        ("patient", True),
        ("patients", True),
        ("currentPatient", True),
        ("pt", True),
        ("member", True),
        ("encounter", True),
        ("patient_record", True),
        ("user_record", True),
        ("medical_record", True),
        ("patient_id", False),
        ("user", False),
        ("user_data", False),
        ("opt", False),
    ],
)
def test_is_patient_object(identifier: str, expected: bool) -> None:
    assert is_patient_object(identifier) is expected


def test_body_kind_and_chains() -> None:
    assert body_kind("request", "get_json") == "request_body"
    assert body_kind(None, "reqBody") == "request_body"
    assert body_kind("res", "body") == "response_body"
    assert body_kind("request", "headers") is None
    assert classify_chain(["ctx", "request", "body"]) == ("phi-log-body", "request_body")
    assert classify_chain(["req", "body", "name"]) == ("phi-log-field", "name")
    assert classify_chain(["patient", "ssn", "length"]) is None
    assert classify_chain(["patient", "id"]) is None


def test_long_chains_stay_fast_and_within_the_recursion_limit() -> None:
    source = "logger" + ".bind()" * 6 + ".info(patient.ssn)\n"
    source += "logger.info(" + " + ".join(["x"] * 800) + " + patient.ssn)\n"
    # Logger chains are followed 8 calls deep; this one is code, not a logger.
    source += "logger" + ".bind()" * 1400 + ".info(patient.ssn)\n"
    assert summary(scan_python("a.py", source)) == [
        (1, "phi-log-field", "ssn"),
        (2, "phi-log-field", "ssn"),
    ]
