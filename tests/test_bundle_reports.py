"""What is inside the bundle, read the way its readers read it: the OSCAL through
compliance-trestle's models, the HTML report in real headless Chromium, and
every file searched for planted secrets and PHI."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from chromium import chromium_binary, open_page
from test_bundle import built, members  # noqa: F401  (the module fixture)
from test_planted_findings import AT_COLLECT, AT_EVALUATE, PLANTED, planted  # noqa: F401

from hipaa_cac.bundle.html_report import COLORS


def last_run_counts(files: dict[str, bytes]) -> tuple[dict[str, int], list[dict]]:
    entries = [json.loads(line) for line in files["ledger/entries.jsonl"].splitlines()]
    last = [e for e in entries if e["run_id"] == "run-000002"]
    statuses = [e["payload"] for e in last if e["type"] == "control_status"]
    return last[0]["payload"]["counts"], statuses


def test_oscal_assessment_results_and_catalog_load_in_trestle(built, tmp_path: Path) -> None:  # noqa: F811
    from trestle.oscal.assessment_results import AssessmentResults
    from trestle.oscal.catalog import Catalog

    files = members(built["zip"])
    for name in ("oscal/assessment-results.json", "catalog/oscal-catalog.json"):
        (tmp_path / Path(name).name).write_bytes(files[name])
    results = AssessmentResults.oscal_read(tmp_path / "assessment-results.json")
    catalog = Catalog.oscal_read(tmp_path / "oscal-catalog.json")

    assert [r.title for r in results.results] == ["Evaluation run-000001", "Evaluation run-000002"]
    counts, statuses = last_run_counts(files)
    findings = results.results[1].findings
    assert len(findings) == len(statuses) == sum(counts.values())
    satisfied = Counter(f.target.status.state.value for f in findings)
    assert satisfied["satisfied"] == counts["pass"] + counts["not_applicable"]
    # Every fail is not-satisfied with reason fail, and each finding names its control.
    failing = {s["control"] for s in statuses if s["status"] == "fail"}
    assert {f.target.target_id for f in findings if f.target.status.reason == "fail"} == failing
    controls = {c.id for g in catalog.groups for c in g.controls}
    assert {f.target.target_id for f in findings} <= controls
    # relevant-evidence points at files that are in the bundle.
    hrefs = {e.href for o in results.results[1].observations for e in (o.relevant_evidence or [])}
    assert hrefs and hrefs <= set(files)


@pytest.mark.skipif(
    chromium_binary() is None, reason="chromium not installed (make system-packages)"
)
def test_html_report_renders_in_chromium_with_the_ledger_counts(built, tmp_path: Path) -> None:  # noqa: F811
    files = members(built["zip"])
    report = tmp_path / "report.html"
    report.write_bytes(files["report.html"])
    counts, statuses = last_run_counts(files)
    with open_page(report) as page:
        shown = page.value(
            "Object.fromEntries([...document.querySelectorAll('#overview .count')]"
            ".map(e => [e.dataset.status, Number(e.querySelector('.n').textContent)]))"
        )
        rows = page.value(
            "[...document.querySelectorAll('#controls tr[data-control]')]"
            ".map(r => [r.dataset.control, r.dataset.status])"
        )
        bars = page.value("document.querySelectorAll('#trend svg rect').length")
        visible = page.value("document.querySelector('#trend svg').getBoundingClientRect().height")
        png = page.screenshot()
        errors = page.errors
    assert shown == {status: counts.get(status, 0) for status in COLORS}
    assert rows == [[s["control"], s["status"]] for s in statuses]
    # Two runs, one rect per status present in each.
    entries = [json.loads(line) for line in files["ledger/entries.jsonl"].splitlines()]
    present = sum(
        1 for e in entries if e["type"] == "run" for n in e["payload"]["counts"].values() if n
    )
    assert bars == present
    assert visible > 100
    assert png.startswith(b"\x89PNG") and len(png) > 10_000
    (tmp_path / "report.png").write_bytes(png)
    assert errors == []


def test_no_planted_secret_or_phi_in_any_bundle_file(cli, planted: Path) -> None:  # noqa: F811
    assert cli("collect", "--repo", planted, "--at", AT_COLLECT).exit_code == 0
    assert cli("evaluate", "--repo", planted, "--at", AT_EVALUATE).exit_code == 1
    key = planted / "bundle.key"
    assert cli("keygen", key).exit_code == 0
    out = planted / "bundle.zip"
    args = ["--from", "2026-11-01", "--to", "2026-11-30", "--out", out, "--sign-key", key]
    created = cli("bundle", "create", "--repo", planted, *args)
    assert created.exit_code == 0, created.output
    files = members(out)
    # The bundle does hold the evidence of the planted problems, by reference only.
    assert any(name.startswith("evidence/objects/") for name in files)
    assert b"phi.log_sample" in b"".join(files.values())
    for name, data in files.items():
        for value in PLANTED:
            assert value.encode() not in data, f"{value!r} leaked into {name}"
