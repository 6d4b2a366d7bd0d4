"""How evaluation time grows with the number of resources.

Prints, for 100 ... 100k synthetic S3 buckets (plus users and listeners in
proportion), the time to evaluate the whole shipped catalog and policy library
with the embedded engine, and the time per resource. Linear growth means a
flat per-resource figure. Run: `make bench` or `python bench/evaluate_scaling.py [N ...]`.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import UTC, datetime

from hipaa_cac.canonical import content_hash
from hipaa_cac.controls import load_catalog
from hipaa_cac.engines.embedded import EmbeddedEngine
from hipaa_cac.evaluator import evaluate
from hipaa_cac.evidence import Collection, EvidenceItem, EvidenceSet, KindStatus
from hipaa_cac.paths import builtin_dir
from hipaa_cac.policy import load_library

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
AT = "2026-11-20T06:00:00Z"
WORKERS = os.cpu_count() or 1


def item(kind: str, subject: str, data: dict) -> EvidenceItem:
    body = {
        "kind": kind,
        "subject": subject,
        "collected_at": AT,
        "max_age": "1d",
        "data": data,
        "source": {"collector": "bench", "version": "0", "scope": "aws:1"},
    }
    return EvidenceItem(**body, sha256=content_hash(body))


def synthetic(n: int) -> EvidenceSet:
    flags = (
        "block_public_acls",
        "ignore_public_acls",
        "block_public_policy",
        "restrict_public_buckets",
    )
    items = [item("aws.account", "arn:aws:iam::1:root", {"account_id": "1"})]
    for i in range(n):
        ok = i % 3 != 0
        items.append(
            item(
                "aws.s3.bucket",
                f"arn:aws:s3:::b{i}",
                {
                    "name": f"b{i}",
                    "account_id": "1",
                    "encryption": {"enabled": ok},
                    "public_access_block": dict.fromkeys(flags, ok),
                    "policy": {"is_public": False, "denies_insecure_transport": ok},
                    "acl": {"is_public": False},
                    "versioning": "Enabled" if ok else "Suspended",
                    "logging": {"enabled": ok},
                },
            )
        )
    for i in range(max(n // 10, 1)):
        items.append(
            item(
                "idp.user",
                f"okta:t/users/{i}",
                {
                    "user_id": str(i),
                    "status": "active",
                    "mfa_enrolled": i % 7 != 0,
                    "shared_account": False,
                },
            )
        )
        items.append(
            item(
                "aws.elbv2.listener",
                f"arn:aws:elb:l/{i}",
                {"protocol": "HTTPS", "port": 443, "min_tls_version": "1.2" if i % 5 else "1.0"},
            )
        )
    kinds = {k: KindStatus("complete") for k in sorted({i.kind for i in items})}
    return EvidenceSet(
        (
            Collection(
                "bench", "sha256:" + "0" * 64, "bench", "0", "aws:1", AT, AT, kinds, tuple(items)
            ),
        )
    )


def main(sizes: list[int]) -> None:
    catalog = load_catalog([builtin_dir("controls")])
    library = load_library([builtin_dir("policies")])
    engine = EmbeddedEngine()
    started = time.perf_counter()
    engine.load(library)
    print(
        f"policy load: {time.perf_counter() - started:.3f} s "
        f"({len(library.rules)} rules, {len(catalog)} controls)"
    )
    print(f"workers: {WORKERS}")
    print(f"{'resources':>10} {'seconds':>9} {'us/resource':>12} {'findings':>9}")
    for n in sizes:
        evidence = synthetic(n)
        resources = sum(len(c.items) for c in evidence.collections)
        started = time.perf_counter()
        result = evaluate(catalog, library, engine, evidence, NOW, workers=WORKERS)
        elapsed = time.perf_counter() - started
        findings = sum(len(r.findings) for r in result.results)
        print(f"{resources:>10} {elapsed:>9.3f} {elapsed / resources * 1e6:>12.1f} {findings:>9}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [100, 1_000, 10_000, 100_000])
