"""AWS collection against a moto server: hipaa-cac vs the plain boto3 floor.

For accounts of 20, 200 and 1000 S3 buckets (plus RDS instances, volumes,
security groups, users and keys in proportion), prints the wall time and
peak memory of

- floor:     a plain boto3 script making the same S3 calls, sequentially
             (what any tool must at least do);
- collect:   `hipaa-cac collect` of the whole AWS collector (all services,
             so it makes more calls than the floor), in its own process;
- evaluate:  `hipaa-cac evaluate` of the result,

and the ratio of collect to the floor. Target: ≤ 1.5x for S3 alone, peak
memory ≤ 200 MB. Run: `python bench/aws_collect.py [N ...]`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from moto_server import MotoServer

FLOOR = """
import boto3, botocore.exceptions as e
s3 = boto3.client("s3")
for b in s3.list_buckets()["Buckets"]:
    n = b["Name"]
    region = s3.get_bucket_location(Bucket=n)["LocationConstraint"] or "us-east-1"
    for call in ("get_bucket_encryption", "get_public_access_block", "get_bucket_policy",
                 "get_bucket_acl", "get_bucket_versioning", "get_bucket_logging"):
        try:
            getattr(s3, call)(Bucket=n)
        except e.ClientError:
            pass
"""


# The CLI, with *.localhost resolved to the loopback: s3control addresses
# <account>.localhost, which this machine's resolver does not map (the tests
# do the same). Without it s3control retries for ~8 s and is recorded as a gap.
CLI = """
import socket, sys
resolve = socket.getaddrinfo
socket.getaddrinfo = lambda h, *a, **k: resolve(
    "127.0.0.1" if str(h).endswith(".localhost") else h, *a, **k)
from hipaa_cac.cli import main
sys.argv[0] = "hipaa-cac"
main()
"""


def populate(buckets: int) -> None:
    s3 = boto3.client("s3")
    ec2 = boto3.client("ec2")
    iam = boto3.client("iam")
    for n in range(buckets):
        name = f"bench-{n:05d}"
        s3.create_bucket(Bucket=name)
        if n % 2:
            s3.put_bucket_encryption(
                Bucket=name,
                ServerSideEncryptionConfiguration={
                    "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
                },
            )
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    for n in range(max(1, buckets // 10)):
        ec2.create_volume(AvailabilityZone="us-east-1a", Size=1, Encrypted=bool(n % 2))
        ec2.create_security_group(GroupName=f"sg-{n}", Description="bench")
        iam.create_user(UserName=f"user-{n}")


# A fresh parent per command, so the peak is that command's alone (RUSAGE_CHILDREN
# is the maximum over every child a process has waited for).
MEASURE = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=False, stdout=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of a command."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, *command], env=env, capture_output=True, text=True
    )
    wall = time.perf_counter() - start
    return wall, int(done.stdout.strip().splitlines()[-1]) / 1024


def main(sizes: list[int]) -> None:
    server = MotoServer()
    env = {**os.environ, **server.environment(), "HIPAA_CAC_SALT": "bench"}
    os.environ.update(server.environment())
    cli = [sys.executable, "-c", CLI]
    print(
        f"{'buckets':>8} {'floor s':>8} {'s3 s':>7} {'ratio':>6} {'all s':>7} "
        f"{'eval s':>7} {'peak MB':>8}"
    )
    try:
        for size in sizes:
            server.reset()
            populate(size)
            with tempfile.TemporaryDirectory() as repo:
                Path(repo, "hipaa-cac.yaml").write_text(
                    "version: 1\ncontrols: [builtin]\npolicies: [builtin]\nsources:\n"
                    "  - {id: s3, collector: aws, config: {regions: [us-east-1], services: [s3]}}\n"
                    "  - {id: all, collector: aws, config: {regions: [us-east-1]}}\n"
                )
                floor, _ = timed([sys.executable, "-c", FLOOR], env)
                s3, _ = timed([*cli, "collect", "--repo", repo, "s3"], env)
                every, peak = timed([*cli, "collect", "--repo", repo, "all"], env)
                evaluate, _ = timed([*cli, "evaluate", "--repo", repo, "--dry-run"], env)
            print(
                f"{size:>8} {floor:>8.2f} {s3:>7.2f} {s3 / floor:>6.2f} {every:>7.2f} "
                f"{evaluate:>7.2f} {peak:>8.0f}"
            )
    finally:
        server.stop()


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [20, 200, 1000])
