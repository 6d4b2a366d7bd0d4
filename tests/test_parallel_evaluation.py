"""Large inputs spread over forked workers give exactly the single-process result."""

from __future__ import annotations

from datetime import UTC, datetime

from hipaa_cac.canonical import content_hash
from hipaa_cac.controls import load_catalog
from hipaa_cac.engines.embedded import EmbeddedEngine
from hipaa_cac.evaluator import evaluate
from hipaa_cac.evaluator.rules import PARALLEL_THRESHOLD
from hipaa_cac.evidence import Collection, EvidenceItem, EvidenceSet, KindStatus
from hipaa_cac.paths import builtin_dir
from hipaa_cac.policy import load_library

AT = "2026-11-20T06:00:00Z"


def bucket(i: int) -> EvidenceItem:
    ok = i % 4 != 0
    body = {
        "kind": "aws.s3.bucket",
        "subject": f"arn:aws:s3:::b{i}",
        "collected_at": AT,
        "max_age": "1d",
        "source": {"collector": "t", "version": "0", "scope": "aws:1"},
        "data": {"encryption": {"enabled": ok}, "versioning": "Enabled" if ok else None},
    }
    return EvidenceItem(**body, sha256=content_hash(body))


def test_workers_give_the_same_results_as_one_process():
    items = tuple(bucket(i) for i in range(PARALLEL_THRESHOLD + 500))
    evidence = EvidenceSet(
        (
            Collection(
                "t",
                "sha256:" + "0" * 64,
                "t",
                "0",
                "aws:1",
                AT,
                AT,
                {"aws.s3.bucket": KindStatus("complete")},
                items,
            ),
        )
    )
    catalog = load_catalog([builtin_dir("controls")])
    library = load_library([builtin_dir("policies")])
    engine = EmbeddedEngine()
    engine.load(library)
    now = datetime(2026, 11, 20, 12, tzinfo=UTC)
    single = evaluate(catalog, library, engine, evidence, now, workers=1)
    parallel = evaluate(catalog, library, engine, evidence, now, workers=2)
    assert parallel == single
    integrity = next(r for r in single.results if r.control == "hipaa-164-312-c-1")
    unversioned = [f for f in integrity.findings if f.rule.endswith(".storage_versioning")]
    assert len(unversioned) == len(range(0, len(items), 4))  # b0, b4, b8, ...
