"""`hipaa-cac collect`: sources run through the entry-point registry, each run
written to the store, failures recorded as evidence errors (fail closed)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

from hipaa_cac.evidence import EvidenceStore
from tests.plugin_collectors import install_plugin

AT = "2026-11-20T06:00:00Z"


@pytest.fixture
def plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    install_plugin(site)
    monkeypatch.syspath_prepend(str(site))
    yield
    sys.modules.pop("acme_tickets", None)


def configure(repo: Path, *sources: dict[str, object]) -> None:
    config = yaml.safe_load((repo / "hipaa-cac.yaml").read_text())
    config["sources"] = list(sources)
    (repo / "hipaa-cac.yaml").write_text(yaml.safe_dump(config, sort_keys=False))


def current(repo: Path, scope: str):  # type: ignore[no-untyped-def]
    collections = EvidenceStore(repo / "evidence").current().collections
    return next(c for c in collections if c.scope == scope)


def test_a_third_party_collector_is_found_and_its_run_recorded(cli, example_repo, plugin):
    configure(example_repo, {"id": "jira", "collector": "tickets", "config": {"reviews": 2}})
    result = cli("collect", "--repo", example_repo, "--at", AT)
    assert result.exit_code == 0, result.output
    assert "jira: 2 items -> evidence/runs/20261120T060000Z-jira-" in result.stderr

    run = current(example_repo, "jira")
    assert (run.collector, run.collector_version) == ("tickets", "2.0.1")
    assert {k: s.status for k, s in run.kinds.items()} == {
        "tickets.incident": "complete",  # collected, and there were none
        "tickets.review": "complete",
    }
    first = run.items[0]
    assert first.subject == "tickets:REV-0" and first.collected_at == AT
    assert first.source == {"collector": "tickets", "version": "2.0.1", "scope": "jira"}
    assert first.max_age == "7d" and first.sha256 == first.computed_hash()

    listed = cli("collect", "--list")
    assert "tickets.review, tickets.incident" in listed.output
    assert "misnamed         broken" in listed.output and "git " in listed.output


def test_a_failing_source_is_recorded_and_the_others_still_run(cli, example_repo, plugin):
    configure(
        example_repo,
        {
            "id": "broken",
            "collector": "tickets",
            "config": {"reviews": 3, "fail_after": 1, "secret_in_error": "ghp_" + "x1Y2" * 9},
        },
        {
            "id": "gappy",
            "collector": "tickets",
            "config": {"reviews": 0, "gap": "403 on /incidents"},
        },
    )
    result = cli("collect", "--repo", example_repo, "--at", AT)
    assert result.exit_code == 0  # recorded; evaluate is where it counts
    broken = current(example_repo, "broken")
    assert broken.kinds["tickets.review"].status == "partial"  # one item made it
    assert broken.kinds["tickets.incident"].status == "error"
    error = broken.kinds["tickets.review"].error or ""
    assert error.startswith("collector failed: RuntimeError: tracker went away")
    assert "x1Y2" not in error and "x1Y2" not in result.output
    assert [i.subject for i in broken.items] == ["tickets:REV-0"]

    gappy = current(example_repo, "gappy")
    assert gappy.kinds["tickets.incident"].status == "error"
    assert gappy.kinds["tickets.incident"].error == "403 on /incidents"
    assert gappy.kinds["tickets.review"].status == "complete"

    strict = cli("collect", "--repo", example_repo, "--at", AT, "--strict", "gappy")
    assert strict.exit_code == 1 and "tickets.incident error: 403 on /incidents" in strict.stderr


def test_bad_source_config_stops_before_anything_runs(cli, example_repo, plugin):
    configure(
        example_repo,
        {"id": "ok", "collector": "tickets", "config": {"reviews": 1}},
        {"id": "typo", "collector": "tickets", "config": {"reveiws": 1}},
    )
    before = sorted((example_repo / "evidence").rglob("*"))
    result = cli("collect", "--repo", example_repo)
    assert result.exit_code == 2
    assert "hipaa-cac.yaml:" in result.stderr and "sources/1/config" in result.stderr
    assert sorted((example_repo / "evidence").rglob("*")) == before


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ({"id": "x", "collector": "nope"}, "unknown collector 'nope' (available: "),
        ({"id": "x", "collector": "misnamed"}, "does not follow the contract"),
    ],
)
def test_unknown_or_broken_collectors_are_named(cli, example_repo, plugin, source, expected):
    configure(example_repo, source)
    result = cli("collect", "--repo", example_repo)
    assert result.exit_code == 2 and expected in result.stderr and "source x" in result.stderr


def test_selecting_an_unknown_source(cli, example_repo, plugin):
    configure(example_repo, {"id": "jira", "collector": "tickets", "config": {"reviews": 0}})
    result = cli("collect", "--repo", example_repo, "confluence")
    assert result.exit_code == 2 and "no source named confluence" in result.stderr
