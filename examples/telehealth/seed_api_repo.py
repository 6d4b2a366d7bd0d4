"""Build the example's application repository with real git, history included.

The Northwind team's API lives in its own repository; `make demo` rebuilds it
from `api/` at `.hipaa-cac/demo/telehealth-api` (git-ignored) so the git
collector has a real repository to read. Author, dates and content are fixed,
so every rebuild has the same commit ids and the collected evidence is the
same.

Planted for the demo, beside the PHI logging in `api/`: an AWS key committed
in `deploy/aws.env` and deleted the next day (still in history), and a Slack
webhook still in the tree. Neither value is stored in this repository: both
are derived below at build time, so scanners of hipaa-cac itself stay quiet.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET = HERE / ".hipaa-cac" / "demo" / "telehealth-api"
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def fake(seed: str, length: int, alphabet: str = ALPHABET) -> str:
    digest = hashlib.sha256(seed.encode()).digest() * 4
    return "".join(alphabet[b % len(alphabet)] for b in digest[:length])


def git(*args: str, date: str | None = None) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Dana Dev",
        "GIT_AUTHOR_EMAIL": "dana@northwind.example",
        "GIT_COMMITTER_NAME": "Dana Dev",
        "GIT_COMMITTER_EMAIL": "dana@northwind.example",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
    subprocess.run(["git", "-c", "commit.gpgsign=false", *args], cwd=TARGET, env=env, check=True)


def main() -> None:
    if TARGET.exists():
        shutil.rmtree(TARGET)
    shutil.copytree(HERE / "api", TARGET)
    git("init", "-q", "-b", "main")
    git("remote", "add", "origin", "https://github.com/northwind/telehealth-api.git")
    lower = "abcdefghijklmnopqrstuvwxyz0123456789"
    key_id = "AKIA" + fake("demo-key-id", 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    (TARGET / "deploy").mkdir()
    (TARGET / "deploy" / "aws.env").write_text(
        f"AWS_ACCESS_KEY_ID={key_id}\nAWS_SECRET_ACCESS_KEY={fake('demo-secret', 40, lower)}\n"
    )
    git("add", "-A")
    git("commit", "-q", "-m", "Telehealth API", date="2026-09-01T10:00:00Z")
    git("rm", "-q", "deploy/aws.env")
    git("commit", "-q", "-m", "Remove deploy credentials", date="2026-09-02T09:30:00Z")
    webhook = (
        "https://hooks.slack.com/services/"
        f"T{fake('t', 8)}/B{fake('b', 8)}/{fake('w', 24, lower + 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')}"
    )
    (TARGET / "app" / "notify.py").write_text(
        '"""On-call notifications (demo code with a planted secret)."""\n\n'
        f'ONCALL_WEBHOOK = "{webhook}"\n'
    )
    git("add", "-A")
    git("commit", "-q", "-m", "Page on-call from the API", date="2026-10-01T15:00:00Z")
    print(f"built {TARGET.relative_to(HERE)}", file=sys.stderr)


if __name__ == "__main__":
    main()
