"""PHI in JavaScript/TypeScript logging calls (hipaa_cac.detect.js_logging)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hipaa_cac.detect import Detection
from hipaa_cac.detect.js_logging import scan_javascript

SAMPLE = Path(__file__).parent / "samples" / "phi_app_js"

EXPECTED_SAMPLE = [
    ("lib/audit.ts", 11, "phi-log-field", "email"),
    ("lib/audit.ts", 12, "phi-log-field", "medical_record_number"),
    ("lib/audit.ts", 19, "phi-log-field", "address"),
    ("routes/billing.js", 13, "phi-log-field", "date_of_birth"),
    ("routes/billing.js", 13, "phi-log-field", "health_plan_id"),
    ("routes/billing.js", 14, "phi-log-field", "ssn"),
    ("routes/billing.js", 16, "phi-log-body", "request_body"),
    ("routes/billing.js", 17, "phi-log-body", "response_body"),
    ("server.js", 15, "phi-log-body", "request_body"),
    ("server.js", 18, "phi-log-object", "patient_record"),
    ("server.js", 24, "phi-log-field", "name"),
    ("server.js", 26, "phi-log-object", "patient_record"),
]


def scan_sample() -> list[Detection]:
    found: list[Detection] = []
    for file in sorted(SAMPLE.rglob("*.[jt]s")):
        path = file.relative_to(SAMPLE).as_posix()
        found.extend(scan_javascript(path, file.read_text(), typescript=path.endswith(".ts")))
    return found


def summary(found: list[Detection]) -> list[tuple[int, str, str]]:
    return [(d.line, d.rule, d.category) for d in found]


def test_sample_app_exact_findings() -> None:
    found = scan_sample()
    assert [(d.path, d.line, d.rule, d.category) for d in found] == EXPECTED_SAMPLE
    assert all(d.fingerprint is None for d in found)


def test_sample_app_messages_hold_no_literal_text() -> None:
    shown = repr(scan_sample())
    for file in SAMPLE.rglob("*.[jt]s"):
        for literal in re.findall(r"\"([^\"\n]{4,})\"|`([^`\n]{4,})`", file.read_text()):
            text = literal[0] or literal[1]
            if set(text) & {" ", "%", "*", "$"}:  # message text, not a bare key
                assert text not in shown, text


def test_messages_name_the_call_and_the_fields() -> None:
    [found] = scan_javascript("a.js", "req.log.info(`x ${patient.firstName} ${patient.lastName}`)")
    assert found.message == "req.log.info() logs patient.firstName, patient.lastName (name field)"
    source = "logger.child({ ssn: p.ssn, note: '123-45-6789' }).info('visit for Jane')"
    [found] = scan_javascript("a.js", source)
    assert found.message == "logger.child() logs 'ssn':, p.ssn (ssn field)"
    source = "logger.child({ env: 'Jane Roe' }).info(patient)"
    [found] = scan_javascript("a.js", source)
    assert found.message == "logger.child(...).info() logs the whole patient-like object patient"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("console.log(`lookup ${patient.ssn}`)", [(1, "phi-log-field", "ssn")]),
        ("console.log({ ssn: p.ssn })", [(1, "phi-log-field", "ssn")]),
        ("console.log({ dob })", [(1, "phi-log-field", "date_of_birth")]),
        ("console.log({ 'date_of_birth': d })", [(1, "phi-log-field", "date_of_birth")]),
        (
            "console.log(p['dob'], p?.email)",
            [(1, "phi-log-field", "date_of_birth"), (1, "phi-log-field", "email")],
        ),
        ("console.log(params.get('mrn'))", [(1, "phi-log-field", "medical_record_number")]),
        ("console.log('x ' + patient.phone)", [(1, "phi-log-field", "phone")]),
        ("console.log(ok ? patient.email : 'none')", [(1, "phi-log-field", "email")]),
        ("console.log([patient.ssn])", [(1, "phi-log-field", "ssn")]),
        ("console.error(new Error(`bad ${p.dob}`))", [(1, "phi-log-field", "date_of_birth")]),
        ("console.log({ ...patient })", [(1, "phi-log-object", "patient_record")]),
        ("console.log(JSON.stringify(patient))", [(1, "phi-log-object", "patient_record")]),
        ("console.log(patient.toJSON())", [(1, "phi-log-object", "patient_record")]),
        ("logger.info({ patient }, 'created')", [(1, "phi-log-object", "patient_record")]),
        ("logger.info({ patient: p }, 'created')", [(1, "phi-log-object", "patient_record")]),
        ("logger.info(this.patient)", [(1, "phi-log-object", "patient_record")]),
        ("logger.info(await loadPatient(id).then(x => x))", []),
        ("console.log(req.body)", [(1, "phi-log-body", "request_body")]),
        ("console.log(request.body)", [(1, "phi-log-body", "request_body")]),
        ("console.log(ctx.request.body)", [(1, "phi-log-body", "request_body")]),
        ("console.log(await req.json())", [(1, "phi-log-body", "request_body")]),
        ("console.log(res.body)", [(1, "phi-log-body", "response_body")]),
        ("console.log(response.data)", [(1, "phi-log-body", "response_body")]),
        ("console.log(reqBody)", [(1, "phi-log-body", "request_body")]),
        ("console.log(req.body.ssn)", [(1, "phi-log-field", "ssn")]),
        ("req.log.info(patient.ssn)", [(1, "phi-log-field", "ssn")]),
        ("this.logger.warn(patient.ssn)", [(1, "phi-log-field", "ssn")]),
        ("fastify.log.error(patient.ssn)", [(1, "phi-log-field", "ssn")]),
        ("winston.info(patient.ssn)", [(1, "phi-log-field", "ssn")]),
        ("logger.child({ patient }).info('x')", [(1, "phi-log-object", "patient_record")]),
        ("const audit = pino();\naudit.info(patient.ssn)", [(2, "phi-log-field", "ssn")]),
        (
            "let w;\nw = winston.createLogger({});\nw.warn(p.dob)",
            [(3, "phi-log-field", "date_of_birth")],
        ),
        ("console.log(\n  'x',\n  patient.ssn,\n)", [(3, "phi-log-field", "ssn")]),
    ],
)
def test_reported(source: str, expected: list[tuple[int, str, str]]) -> None:
    assert summary(scan_javascript("a.js", source)) == expected


@pytest.mark.parametrize(
    "source",
    [
        "console.log('ssn dob email patient')",
        "console.log(`patient ${patient.id} done`, patientId, patient.patientId)",
        "console.log({ ssn: '***-**-1234', email: `x` })",
        "console.log(maskSsn(patient.ssn), redact(patient.email), hash(p.dob))",
        "console.log(Object.keys(patient), typeof patient, !patient)",
        "console.log(patient.ssn === x, patient.conditions.length)",
        "console.log(logger.name, __filename, file.name, hostname)",
        "console.log(user.username, user.name, req.method, req.params.id, res.statusCode)",
        "console.log(() => patient.ssn, function () { return patient; })",
        "Math.log(patient.weight); analytics.track(patient.email)",
        "res.json(patient); res.send(req.body)",
        "console.log(patient.ssn.length)",
    ],
)
def test_not_reported(source: str) -> None:
    assert scan_javascript("a.js", source) == []


def test_typescript_and_tsx() -> None:
    source = "log.info((<Patient>x).ssn, (y as Patient).dob, z!.email)"
    assert summary(scan_javascript("a.ts", source, typescript=True)) == [
        (1, "phi-log-field", "date_of_birth"),
        (1, "phi-log-field", "email"),
        (1, "phi-log-field", "ssn"),
    ]
    source = "const C = (props: P) => { console.log(props.patient); return <b>{props.name}</b>; };"
    assert summary(scan_javascript("a.tsx", source, tsx=True)) == [
        (1, "phi-log-object", "patient_record")
    ]


def test_parse_error_is_reported_with_what_was_still_found() -> None:
    source = "console.log(patient.ssn);\nfunction f( {\nconsole.log(req.body);\n"
    found = scan_javascript("bad.js", source)
    assert (found[0].line, found[0].rule, found[0].category) == (1, "phi-log-field", "ssn")
    errors = [d for d in found if d.rule == "parse-error"]
    assert [(d.line, d.category) for d in errors] == [(2, "javascript")]
    assert summary(found) == sorted(summary(found))
    [ts_error] = scan_javascript("bad.ts", "let x: = 1;", typescript=True)
    assert (ts_error.line, ts_error.rule, ts_error.category) == (1, "parse-error", "typescript")


def test_deep_code_stays_fast_and_within_the_recursion_limit() -> None:
    source = "logger" + ".child()" * 6 + ".info(patient.ssn);\n"
    source += "logger.info(" + "[" * 3000 + "patient.dob" + "]" * 3000 + ");\n"
    # Logger chains are followed 8 calls deep; this one is code, not a logger.
    source += "logger" + ".child()" * 3000 + ".info(patient.ssn);\n"
    assert summary(scan_javascript("a.js", source)) == [
        (1, "phi-log-field", "ssn"),
        (2, "phi-log-field", "date_of_birth"),
    ]
