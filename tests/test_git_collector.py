"""The git collector against real repositories (and GitHub through recorded
answers replayed over HTTP)."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from git_repos import commit, git, new_repo
from http_replay import ReplayServer

from hipaa_cac.collectors.base import CollectContext, Gap, Observation, Record
from hipaa_cac.collectors.git import GitCollector
from hipaa_cac.fingerprint import fingerprinter

NOW = datetime(2026, 11, 20, 6, tzinfo=UTC)
FIXTURES = Path(__file__).parent / "fixtures" / "hosted" / "github"


def collect(root: Path, **config: object) -> list[Record]:
    context = CollectContext(root=root, now=NOW, fingerprint=fingerprinter(b"test-salt"))
    return list(GitCollector().collect(config, context))


def observed(records: list[Record], kind: str) -> list[Observation]:
    return [r for r in records if isinstance(r, Observation) and r.kind == kind]


def gaps(records: list[Record], kind: str) -> list[str]:
    return [r.error for r in records if isinstance(r, Gap) and r.kind == kind]


def test_repository_facts(tmp_path: Path) -> None:
    token = "ghp_" + "Zq9" * 12
    repo = new_repo(
        tmp_path / "api",
        {
            ".gitignore": ".env*\n!.env.example\n*.key\n",
            ".env.example": "DATABASE_URL=\n",
            "deploy/prod.pem": "not really a key\n",
            ".github/CODEOWNERS": "# owners\n*  @acme/platform\n",
            "app.py": "print('hi')\n",
        },
        remote=f"https://x-access-token:{token}@github.com/acme/api.git",
    )
    commit(repo, {"app.py": "print('hello')\n"}, "second", date="2026-01-01T00:00:00Z")
    records = collect(tmp_path, path="api")
    (repository,) = observed(records, "git.repository")
    assert repository.subject == "git:github.com/acme/api"
    data = repository.data
    assert data["remote"] == "github.com/acme/api" and token not in repr(records)
    assert data["default_branch"] == "main"
    assert data["codeowners"] == {"path": ".github/CODEOWNERS", "covers_all": True}
    assert data["gitignore"]["env_files_ignored"] is True
    assert data["gitignore"]["private_keys_ignored"] is False
    assert data["gitignore"]["not_ignored"] == [
        "cert.pfx",
        "id_ed25519",
        "id_rsa",
        "keystore.p12",
        "private.pem",
    ]
    assert data["sensitive_files_tracked"] == ["deploy/prod.pem"]  # .env.example is allowed
    # 90-day window: the initial commit (2026-11-01) is in it, the one dated January is not.
    assert data["commits"] == {"window_days": 90, "total": 1, "signed": 0, "unsigned": 1}
    # No hosting configured: the hosted kind is a recorded gap, not silently absent.
    assert gaps(records, "git.hosted_settings") == [
        "git:github.com/acme/api: no 'github' or 'gitlab' section in the source config, so "
        "branch protection, secret scanning and dependency alerts are not shown"
    ]


def test_a_path_that_is_not_a_repository_is_an_error_for_every_kind(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    records = collect(tmp_path, path="plain")
    assert all(isinstance(r, Gap) for r in records)
    assert {r.kind for r in records} == set(GitCollector.kinds)
    assert gaps(records, "git.repository") == ["plain is not a git repository"]


def test_disabled_history_scan_leaves_secrets_partial(tmp_path: Path) -> None:
    new_repo(tmp_path / "api", {"a.py": "x = 1\n"})
    records = collect(tmp_path, path="api", history=False)
    assert gaps(records, "secrets.finding") == [
        "history scan disabled ('history: false'): removed secrets unknown"
    ]


@pytest.mark.parametrize(
    ("fixture", "token", "expected"),
    [
        ("protected", "test-token", None),
        ("unauthorized", "test-token", "GitHub acme-health/billing-api: "),
    ],
)
def test_github_settings_through_the_api(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fixture: str, token: str, expected: str | None
) -> None:
    new_repo(
        tmp_path / "api", {"a.py": "x = 1\n"}, remote="git@github.com:acme-health/billing-api.git"
    )
    monkeypatch.setenv("ACME_GH", token)
    with ReplayServer(FIXTURES / f"{fixture}.json") as server:
        records = collect(
            tmp_path,
            path="api",
            github={
                "repository": "acme-health/billing-api",
                "token_env": "ACME_GH",
                "api_url": server.url,
            },
        )
    hosted = observed(records, "git.hosted_settings")
    if expected is None:
        (settings,) = hosted
        assert settings.subject == "github:acme-health/billing-api"
        assert settings.data["branch_protection"]["enabled"] is True
        assert gaps(records, "git.hosted_settings") == []
    else:
        assert hosted == []
        (gap,) = gaps(records, "git.hosted_settings")
        assert gap.startswith(expected) and "token rejected" in gap and token not in gap


def test_a_missing_token_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    new_repo(tmp_path / "api", {"a.py": "x = 1\n"})
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    records = collect(tmp_path, path="api", github={"repository": "acme/api"})
    assert gaps(records, "git.hosted_settings") == [
        "GitHub token not set: export GITHUB_TOKEN (read-only access suffices)"
    ]


def test_signed_commits_are_counted(tmp_path: Path) -> None:
    key = tmp_path / "signing"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    repo = new_repo(tmp_path / "api", {"a.py": "x = 1\n"})
    (repo / "a.py").write_text("x = 2\n")
    git(repo, "add", "-A")
    git(
        repo,
        "-c", "gpg.format=ssh", "-c", f"user.signingkey={key}",
        "commit", "-q", "-S", "-m", "signed", date="2026-11-10T00:00:00Z",
    )  # fmt: skip
    (repository,) = observed(collect(tmp_path, path="api"), "git.repository")
    assert repository.data["commits"] == {"window_days": 90, "total": 2, "signed": 1, "unsigned": 1}
