"""The attestations collector: observations for valid files, a Gap for each broken one."""

from __future__ import annotations

import shutil
from pathlib import Path

from jsonschema import Draft202012Validator

from hipaa_cac import __version__
from hipaa_cac.attestations.model import ALL_TYPES
from hipaa_cac.collectors.attestations import AttestationCollector
from hipaa_cac.collectors.base import CollectContext, Collector, Gap, Observation, Record
from hipaa_cac.durations import parse_timestamp
from tests.conftest import EXAMPLE

NOW = parse_timestamp("2026-11-20T12:00:00Z")


def collect(root: Path, config: dict[str, str] | None = None) -> list[Record]:
    context = CollectContext(root=root, now=NOW, fingerprint=lambda value: "fp:0000000000000000")
    return list(AttestationCollector().collect(config or {}, context))


def example_copy(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLE / "attestations", root / "attestations")
    shutil.copytree(EXAMPLE / "documents", root / "documents")
    return root


def test_collector_contract() -> None:
    collector = AttestationCollector()
    assert isinstance(collector, Collector)
    assert collector.name == "attestations"
    assert collector.version == __version__
    assert collector.kinds == tuple(f"attestation.{t}" for t in ALL_TYPES)
    assert "attestation.baa" in collector.kinds
    assert "attestation.addressable_decision" in collector.kinds
    assert collector.max_age == "365d"
    assert collector.config_schema == {
        "type": "object",
        "properties": {"path": {"type": "string", "default": "attestations"}},
        "additionalProperties": False,
    }
    Draft202012Validator.check_schema(collector.config_schema)


def test_example_attestations_carry_what_the_demo_plants(tmp_path: Path) -> None:
    """The example's YAML: an expired log-vendor BAA, overdue training for
    p-103, a contingency plan attested in 2025, six addressable decisions, and
    the roster (seven people) with access reviews and documented accounts."""
    records = collect(example_copy(tmp_path))
    assert all(isinstance(r, Observation) for r in records)
    mine = {r.subject: r for r in records if isinstance(r, Observation)}
    assert len(mine) == 28
    logstream = mine["attestation:baa/logstream"]
    assert logstream.kind == "attestation.baa" and logstream.observed_at == "2026-02-01T00:00:00Z"
    assert logstream.data["expires_on"] == "2026-10-01"
    assert logstream.data["role"] == "subprocessor"
    assert logstream.data["attested_by"] == "security-official@northwind.example"
    assert mine["attestation:baa/aws"].data["expires_on"] is None  # evergreen
    overdue = mine["attestation:training/p-103"]
    assert (overdue.data["completed_on"], overdue.observed_at) == (
        "2025-06-12",
        "2025-06-12T00:00:00Z",
    )
    assert mine["attestation:contingency_plan/2025"].observed_at == "2025-09-01T00:00:00Z"
    decisions = {s: r.data["decision"] for s, r in mine.items() if s.startswith("hipaa-")}
    assert decisions["hipaa-164-310-a-2-ii"] == "not_reasonable_and_appropriate"
    assert decisions["hipaa-164-310-a-2-iii"] == "alternative_measure"
    assert len(decisions) == 6
    assert all(r.max_age == "365d" for r in mine.values())


def test_one_invalid_file_is_a_gap_for_its_kind_and_the_rest_still_count(tmp_path: Path) -> None:
    root = example_copy(tmp_path)
    logstream = root / "attestations" / "baa" / "logstream.yaml"
    logstream.write_text(logstream.read_text().replace("role: subprocessor", "role: vendor"))
    records = collect(root)
    gaps = [r for r in records if isinstance(r, Gap)]
    assert gaps == [
        Gap(
            "attestation.baa",
            "attestations/baa/logstream.yaml:6: role: 'vendor' is not one of "
            "['covered_entity', 'subprocessor']",
        )
    ]
    subjects = [r.subject for r in records if isinstance(r, Observation)]
    assert len(subjects) == 27
    assert "attestation:baa/logstream" not in subjects
    assert {"attestation:baa/aws", "attestation:baa/northside-clinic"} <= set(subjects)


def test_unparseable_file_is_a_gap_for_the_kind_its_folder_names(tmp_path: Path) -> None:
    root = example_copy(tmp_path)
    (root / "attestations" / "training" / "2027.yaml").parent.mkdir()
    (root / "attestations" / "training" / "2027.yaml").write_text("entries: [\n")
    (root / "attestations" / "notes.yaml").write_text("just: [broken\n")
    gaps = [r for r in collect(root) if isinstance(r, Gap)]
    training = [g for g in gaps if g.kind == "attestation.training"]
    assert len(training) == 2  # the file in training/ and the one that could be anything
    assert training[0].error.startswith("attestations/notes.yaml:2: malformed YAML")
    assert training[1].error.startswith("attestations/training/2027.yaml:2: malformed YAML")
    assert {g.kind for g in gaps} == {f"attestation.{t}" for t in ALL_TYPES}
    assert len(gaps) == len(ALL_TYPES) + 1


def test_training_completions_merge_across_logs(tmp_path: Path) -> None:
    root = example_copy(tmp_path)
    (root / "attestations" / "training-2026b.yaml").write_text(
        "type: training\nattested_by: hr@northwind.example\nattested_on: 2026-11-02\n"
        "entries:\n  - {person_id: p-103, course: HIPAA Security 2026, completed_on: 2026-11-02}\n"
    )
    training = [
        r for r in collect(root) if isinstance(r, Observation) and r.kind == "attestation.training"
    ]
    by_person = {r.subject: (r.observed_at, r.data["source_file"]) for r in training}
    assert by_person == {
        "attestation:training/p-101": ("2026-04-02T00:00:00Z", "attestations/training.yaml"),
        "attestation:training/p-102": ("2026-04-09T00:00:00Z", "attestations/training.yaml"),
        "attestation:training/p-103": ("2026-11-02T00:00:00Z", "attestations/training-2026b.yaml"),
    }


def test_configured_path_and_missing_directory(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLE / "attestations", root / "human" / "evidence")
    shutil.copytree(EXAMPLE / "documents", root / "documents")
    records = collect(root, {"path": "human/evidence"})
    found = [r for r in records if isinstance(r, Observation)]
    assert len(found) == len(records) == 28
    assert all(r.data["source_file"].startswith("human/evidence/") for r in found)

    missing = collect(tmp_path / "empty")
    assert missing == [
        Gap(kind, "attestations: attestation directory does not exist")
        for kind in AttestationCollector.kinds
    ]
