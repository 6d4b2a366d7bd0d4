"""`--format junit`: JUnit XML, for CI test-report views (GitLab, Jenkins, Azure, GitHub actions).

One `<testsuite name="hipaa-cac">`, one `<testcase>` per control
(classname = the citation's section, "45 CFR 164.312"; name = id and title):

- pass: a plain testcase.
- fail: `<failure type="fail" message="N finding(s)">`, one finding a line
  (severity: resource: message), then anything still missing.
- insufficient_evidence, stale, attestation_missing, attestation_expired:
  `<failure type="<status>">` with the reason, and what is missing a line each.
  A control that cannot be proven must not look green, and a skip would.
- error: `<error type="error">`: the check itself broke.
- not_applicable, waived: `<skipped>` with the reason (a waived control's
  names its waiver ids). A finding a waiver covers ends "(waived by W-…)".

Deterministic: controls in id order, attributes in a fixed order, no time but
`as_of` (a suite property, with the catalog and policy hashes).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from hipaa_cac.evaluator import ControlResult, Evaluation, Status

SUITE = "hipaa-cac"
SKIPPED = (Status.NOT_APPLICABLE, Status.WAIVED)
# XML 1.0 cannot carry most control characters, even escaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SECTION = re.compile(r"^.*?\d+\.\d+")


def render(evaluation: Evaluation) -> str:
    results = sorted(evaluation.results, key=lambda r: r.control)
    suite = ET.Element("testsuite")
    suite.set("name", SUITE)
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("as_of", evaluation.as_of),
        ("passed", str(evaluation.passed).lower()),
        ("engine", evaluation.engine),
        ("tool_version", evaluation.tool_version),
        ("catalog_hash", evaluation.catalog_hash),
        ("policy_hash", evaluation.policy_hash),
    ):
        prop = ET.SubElement(properties, "property")
        prop.set("name", name)
        prop.set("value", _xml(value))
    outcomes = [_testcase(suite, result) for result in results]
    suite.set("tests", str(len(results)))
    for tag in ("failures", "errors", "skipped"):
        suite.set(tag, str(outcomes.count(tag)))
    ET.indent(suite)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suite, "unicode") + "\n"


def citation_section(citation: str) -> str:
    """`45 CFR 164.312(a)(2)(iv)` -> `45 CFR 164.312`."""
    match = _SECTION.match(citation)
    return match.group(0) if match else citation


def _testcase(suite: ET.Element, result: ControlResult) -> str:
    """Add the control's testcase; return what it counts as (a suite attribute name)."""
    case = ET.SubElement(suite, "testcase")
    case.set("classname", _xml(citation_section(result.citation)))
    case.set("name", _xml(f"{result.control} {result.title}"))
    findings = [
        f"{f.severity}: {f.resource}: {f.message}"
        + (f" (waived by {f.waiver})" if f.waiver else "")
        for f in result.findings
    ]
    if result.status is Status.PASS:
        return "tests"
    if result.status is Status.FAIL:
        _child(case, "failure", "fail", result.reason, findings + _missing(result))
        return "failures"
    if result.status is Status.ERROR:
        _child(case, "error", "error", result.reason, findings + _missing(result))
        return "errors"
    if result.status in SKIPPED:
        _child(case, "skipped", str(result.status), result.reason, findings)
        return "skipped"
    # Undecided (and any status added later): never green.
    _child(case, "failure", str(result.status), result.reason, _missing(result) + findings)
    return "failures"


def _missing(result: ControlResult) -> list[str]:
    return [f"missing: {m}" for m in result.missing]


def _child(case: ET.Element, tag: str, kind: str, message: str, lines: list[str]) -> None:
    element = ET.SubElement(case, tag)
    element.set("message", _xml(message))
    element.set("type", kind)
    if lines:
        element.text = _xml("\n".join(lines))


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)
