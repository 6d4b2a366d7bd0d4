"""Secrets in text and git history (hipaa_cac.detect.secrets), on real git repositories.

Fake secrets are generated at run time, so neither this file nor the
repository holds a literal one for scanners to trip over; fixed fragments that
would look like one (a PEM header) are built by concatenation.
"""

from __future__ import annotations

import base64
import json
import os
import random
import string
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from detect_secrets.settings import transient_settings

from hipaa_cac.detect import Detection
from hipaa_cac.detect.gitcmd import GitError, iter_git_lines, run_git
from hipaa_cac.detect.secrets import PLUGINS, HistoryDetection, scan_history, scan_text
from hipaa_cac.fingerprint import fingerprinter

ROOT = Path(__file__).resolve().parent.parent
FP = fingerprinter(b"test-salt")
_random = random.SystemRandom()


def _chars(alphabet: str, n: int) -> str:
    return "".join(_random.choice(alphabet) for _ in range(n))


def aws_key() -> str:
    return "AKIA" + _chars(string.ascii_uppercase + string.digits, 16)


def github_token() -> str:
    return "ghp_" + _chars(string.ascii_letters + string.digits, 36)


def slack_token() -> str:
    return "xoxb-" + _chars(string.digits, 12) + "-" + _chars(string.ascii_lowercase, 24)


def private_key() -> str:
    body = [base64.b64encode(os.urandom(48)).decode() for _ in range(4)]
    return "\n".join(
        ["-----BEGIN " + "RSA PRIVATE KEY-----", *body, "-----END " + "RSA PRIVATE KEY-----"]
    )


def aws(path: str, line: int, value: str) -> Detection:
    return Detection(
        path=path,
        line=line,
        rule="secret",
        category="AWS Access Key",
        message="AWS Access Key found by detect-secrets AWSKeyDetector; value not kept",
        fingerprint=FP(value),
    )


class Repo:
    """A real repository in a temp dir; git runs without the user's or system config."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, date: str = "2026-01-01T00:00:00Z") -> str:
        env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")} | {
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "Test",
            "GIT_AUTHOR_EMAIL": "test@example.com",
            "GIT_COMMITTER_NAME": "Test",
            "GIT_COMMITTER_EMAIL": "test@example.com",
            "GIT_AUTHOR_DATE": date,
            "GIT_COMMITTER_DATE": date,
        }
        done = subprocess.run(
            ["git", "-C", str(self.root), *args], env=env, capture_output=True, check=True
        )
        return done.stdout.decode()

    def write(self, path: str, content: str | bytes) -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")

    def commit(self, date: str, message: str = "change") -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--no-verify", "-m", message, date=date)
        return self.git("rev-parse", "HEAD").strip()


def rows(found: list[HistoryDetection]) -> list[tuple[str, int, str, str, str]]:
    return [
        (f.detection.path, f.detection.line, f.detection.category, f.commit, f.committed_at)
        for f in found
    ]


@pytest.fixture
def history(tmp_path: Path) -> Iterator[tuple[Repo, dict[str, str], dict[str, str]]]:
    """main: c1 -> c2 -> c3 -> c5 -> merge(feature: c3 -> c4), with secrets along the way."""
    values = {
        "aws1": aws_key(),
        "aws2": aws_key(),
        "aws3": aws_key(),
        "aws4": aws_key(),
        "aws5": aws_key(),
        "ghp": github_token(),
        "slack": slack_token(),
        "pem": private_key(),
    }
    repo = Repo(tmp_path / "repo")
    commits: dict[str, str] = {}

    repo.write("app/control.py", "# nothing here\nx = 1\n")
    repo.write("app/pragmas.py", "# pragma: allowlist nextline secret\nx = 1\n")
    settings = [
        '"""Settings."""',
        'REGION = "us-east-1"',
        f'AWS_KEY = "{values["aws1"]}"',
        f'LEGACY = "{values["aws2"]}"  # pragma: allowlist secret',
    ]
    repo.write("app/settings.py", "\n".join(settings) + "\n")
    repo.write("assets/blob.dat", b"\x00\x01" + values["aws3"].encode() + b"\x00\n")
    repo.write("keys/deploy key.pem", values["pem"] + "\n")
    commits["c1"] = repo.commit("2026-01-01T00:00:00Z")

    # The same key added again to the same file, and a key under a nextline pragma
    # that was committed before it (only the diff's context line shows the pragma).
    repo.write("app/control.py", f'# nothing here\nKEY = "{values["aws5"]}"\n')
    repo.write("app/pragmas.py", f'# pragma: allowlist nextline secret\nKEY = "{values["aws5"]}"\n')
    settings = ["# one", "# two", *settings, f'AWS_KEY_AGAIN = "{values["aws1"]}"']
    repo.write("app/settings.py", "\n".join(settings) + "\n")
    repo.write("docs/ünïcode notes.md", f"# Notes\ntoken: {values['ghp']}\n")
    commits["c2"] = repo.commit("2026-01-02T00:00:00Z")

    (repo.root / "keys" / "deploy key.pem").unlink()
    repo.write("app/other.py", f'AWS = "{values["aws1"]}"\n')
    commits["c3"] = repo.commit("2026-01-03T00:00:00Z")

    repo.git("checkout", "-q", "-b", "feature")
    repo.write("feature/slack.py", f'# Slack\nHOOK = "{values["slack"]}"\n')
    commits["c4"] = repo.commit("2026-01-04T00:00:00Z")

    repo.git("checkout", "-q", "main")
    repo.write("README.md", "hello\n")
    commits["c5"] = repo.commit("2026-01-05T00:00:00Z")

    # An "evil" merge: the merge commit itself adds a secret no parent has.
    repo.git("merge", "-q", "--no-ff", "--no-commit", "feature")
    repo.write("README.md", f'hello\nEXTRA = "{values["aws4"]}"\n')
    commits["merge"] = repo.commit("2026-01-06T00:00:00Z", "merge feature")
    yield repo, values, commits


def test_history_reports_each_secret_once_at_the_commit_that_added_it(
    history: tuple[Repo, dict[str, str], dict[str, str]],
) -> None:
    repo, values, c = history

    found = scan_history(repo.root, FP)

    assert rows(found) == [
        ("app/settings.py", 3, "AWS Access Key", c["c1"], "2026-01-01T00:00:00Z"),
        ("keys/deploy key.pem", 1, "Private Key", c["c1"], "2026-01-01T00:00:00Z"),
        ("app/control.py", 2, "AWS Access Key", c["c2"], "2026-01-02T00:00:00Z"),
        ("docs/ünïcode notes.md", 2, "GitHub Token", c["c2"], "2026-01-02T00:00:00Z"),
        ("app/other.py", 1, "AWS Access Key", c["c3"], "2026-01-03T00:00:00Z"),
        ("feature/slack.py", 2, "Slack Token", c["c4"], "2026-01-04T00:00:00Z"),
        ("README.md", 2, "AWS Access Key", c["merge"], "2026-01-06T00:00:00Z"),
    ]
    assert all(len(f.commit) == 40 for f in found)
    fingerprints = [f.detection.fingerprint for f in found]
    assert fingerprints == [
        FP(values["aws1"]),
        FP(values["pem"]),  # the whole key block, not its BEGIN line
        FP(values["aws5"]),
        FP(values["ghp"]),
        FP(values["aws1"]),
        FP(values["slack"]),
        FP(values["aws4"]),
    ]
    assert found[0].detection == aws("app/settings.py", 3, values["aws1"])


def test_history_holds_no_secret_value(
    history: tuple[Repo, dict[str, str], dict[str, str]],
) -> None:
    repo, values, _ = history

    shown = repr(scan_history(repo.root, FP))

    for value in values.values():
        for part in value.split("\n"):
            assert part not in shown


def test_history_max_commits_scans_only_the_newest(
    history: tuple[Repo, dict[str, str], dict[str, str]],
) -> None:
    repo, _, c = history

    newest = scan_history(repo.root, FP, max_commits=1)

    # The merge read against its first parent shows the feature branch's file too.
    assert rows(newest) == [
        ("README.md", 2, "AWS Access Key", c["merge"], "2026-01-06T00:00:00Z"),
        ("feature/slack.py", 2, "Slack Token", c["merge"], "2026-01-06T00:00:00Z"),
    ]
    assert scan_history(repo.root, FP, max_commits=0) == []
    with pytest.raises(ValueError, match="max_commits"):
        scan_history(repo.root, FP, max_commits=-1)


def test_working_tree_text_finds_the_secret_still_present(
    history: tuple[Repo, dict[str, str], dict[str, str]],
) -> None:
    repo, values, _ = history
    text = (repo.root / "app" / "settings.py").read_text(encoding="utf-8")

    assert scan_text("app/settings.py", text, FP) == [
        aws("app/settings.py", 5, values["aws1"]),
        aws("app/settings.py", 7, values["aws1"]),
    ]


def test_history_of_awkward_file_names(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    names = ["tab\there.txt", 'quote"d.txt', "new\nline.txt", "é space.txt", "back\\slash.txt"]
    keys = {name: aws_key() for name in names}
    for name, key in keys.items():
        repo.write(name, f'key = "{key}"\n')
    sha = repo.commit("2026-02-01T12:30:00Z")

    found = scan_history(repo.root, FP)

    assert sorted((f.detection.path, f.detection.fingerprint) for f in found) == sorted(
        (name, FP(key)) for name, key in keys.items()
    )
    assert {(f.detection.line, f.commit, f.committed_at) for f in found} == {
        (1, sha, "2026-02-01T12:30:00Z")
    }


def test_history_of_empty_repository(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "empty")

    assert scan_history(repo.root, FP) == []


def test_history_of_a_directory_that_is_not_a_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    # Keep git from finding a repository above the temp dir.
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))

    with pytest.raises(GitError, match="not a git repository"):
        scan_history(plain, FP)
    with pytest.raises(GitError, match="cannot change to"):
        scan_history(tmp_path / "missing", FP)


def test_git_errors_are_redacted(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    token = github_token()

    with pytest.raises(GitError) as raised:
        run_git(repo.root, "show", token)  # git echoes the unknown revision

    assert token not in str(raised.value)
    assert "'[REDACTED:GitHub Token]': unknown revision" in str(raised.value)


def test_iter_git_lines_streams_stops_and_fails(
    history: tuple[Repo, dict[str, str], dict[str, str]],
) -> None:
    repo, _, commits = history

    assert list(iter_git_lines(repo.root, "rev-parse", "HEAD")) == [
        commits["merge"].encode() + b"\n"
    ]
    lines = iter_git_lines(repo.root, "log", "--all", "--patch")
    assert next(lines).startswith(b"commit ")
    lines.close()  # stops git without an error
    with pytest.raises(GitError, match=r"git log failed .*exit 128.*no-such-ref"):
        list(iter_git_lines(repo.root, "log", "no-such-ref"))


def test_run_git_ignores_an_inherited_git_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = Repo(tmp_path / "repo")
    other = Repo(tmp_path / "other")
    # As inside another repository's hook.
    monkeypatch.setenv("GIT_DIR", str(other.root / ".git"))

    assert run_git(repo.root, "rev-parse", "--show-toplevel").strip() == str(repo.root.resolve())


def test_text_allowlist_pragmas_as_in_detect_secrets() -> None:
    keys = [aws_key() for _ in range(4)]
    text = "\n".join(
        [
            f'a = "{keys[0]}"  # pragma: allowlist secret',
            "# pragma: allowlist nextline secret",
            f'b = "{keys[1]}"',
            f'c = "{keys[2]}"',
            f'd = "{keys[3]}"  // pragma: allowlist secret',
        ]
    )

    assert scan_text("config.py", text, FP) == [aws("config.py", 4, keys[2])]


def test_text_token_in_a_call_on_an_assignment_line_is_found() -> None:
    # detect-secrets' is_indirect_reference filter would drop this whole line.
    key = aws_key()
    text = f'import boto3\nclient = boto3.client("s3", aws_access_key_id="{key}")\n'

    assert scan_text("app/aws.py", text, FP) == [aws("app/aws.py", 2, key)]


def test_text_keyword_secrets_and_detect_secrets_filters() -> None:
    value = _chars(string.ascii_letters + string.digits, 20)
    lines = [
        f'db_password = "{value}"',
        "db_password = get_password()",  # indirect reference: filtered
        'api_key = "${API_KEY}"',  # templated: filtered
        'secret = "550e8400-e29b-41d4-a716-446655440000"',  # uuid: filtered
    ]

    found = scan_text("app/db.py", "\n".join(lines), FP)

    assert found == [
        Detection(
            path="app/db.py",
            line=1,
            rule="secret",
            category="Secret Keyword",
            message="Secret Keyword found by detect-secrets KeywordDetector; value not kept",
            fingerprint=FP(value),
        )
    ]


def test_text_private_keys_fingerprint_the_whole_block() -> None:
    first, second = private_key(), private_key()
    text = f"key_one = '''\n{first}\n'''\nkey_two = '''\n{second}\n'''\n"

    found = scan_text("keys.py", text, FP)

    assert [(d.line, d.category, d.fingerprint) for d in found] == [
        (2, "Private Key", FP(first)),
        (10, "Private Key", FP(second)),
    ]
    assert scan_text("other/key.pem", first, FP)[0].fingerprint == FP(first)


def test_text_fingerprints_whole_tokens() -> None:
    # detect-secrets itself reports "ghp" for every GitHub token and a JWT
    # without its signature; fingerprints must tell tokens apart.
    claims = ".".join(
        base64.urlsafe_b64encode(json.dumps(part).encode()).decode().rstrip("=")
        for part in ({"alg": "HS256", "typ": "JWT"}, {"sub": "1234"})
    )
    signatures = [base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=") for _ in "ab"]
    tokens = [github_token(), github_token(), *(f"{claims}.{sig}" for sig in signatures)]
    text = "\n".join(f'value_{index} = "{token}"' for index, token in enumerate(tokens))

    found = scan_text("tokens.py", text, FP)

    assert [(d.line, d.category, d.fingerprint) for d in found] == [
        (1, "GitHub Token", FP(tokens[0])),
        (2, "GitHub Token", FP(tokens[1])),
        (3, "JSON Web Token", FP(tokens[2])),
        (4, "JSON Web Token", FP(tokens[3])),
    ]


def test_text_skips_lock_files_and_holds_no_value() -> None:
    key, token = aws_key(), github_token()
    text = f'k = "{key}"\nt = "{token}"\n'

    assert scan_text("package-lock.json", text, FP) == []
    found = scan_text("app/x.py", text, FP)
    assert [(d.line, d.category) for d in found] == [(1, "AWS Access Key"), (2, "GitHub Token")]
    assert key not in repr(found) and token not in repr(found)


def test_text_scan_ignores_detect_secrets_global_settings_and_threads() -> None:
    texts = {f"f{i}.py": f'a = "{aws_key()}"\nb = "{github_token()}"\n' for i in range(16)}
    serial = {path: scan_text(path, text, FP) for path, text in texts.items()}

    # detect-secrets' process-wide settings configured for the AWS plugin only.
    with (
        transient_settings({"plugins_used": [{"name": "AWSKeyDetector"}]}),
        ThreadPoolExecutor(max_workers=8) as pool,
    ):
        parallel = dict(
            zip(texts, pool.map(lambda item: scan_text(*item, FP), texts.items()), strict=True)
        )

    assert parallel == serial
    assert all(len(found) == 2 for found in serial.values())


def test_plugin_set_is_detect_secrets_defaults_minus_entropy_and_ip() -> None:
    assert sorted(type(plugin).__name__ for plugin in PLUGINS) == [
        "AWSKeyDetector",
        "ArtifactoryDetector",
        "AzureStorageKeyDetector",
        "BasicAuthDetector",
        "CloudantDetector",
        "DiscordBotTokenDetector",
        "GitHubTokenDetector",
        "GitLabTokenDetector",
        "IbmCloudIamDetector",
        "IbmCosHmacDetector",
        "JwtTokenDetector",
        "KeywordDetector",
        "MailchimpDetector",
        "NpmDetector",
        "OpenAIDetector",
        "PrivateKeyDetector",
        "PypiTokenDetector",
        "SendGridDetector",
        "SlackDetector",
        "SoftlayerDetector",
        "SquareOAuthDetector",
        "StripeDetector",
        "TelegramBotTokenDetector",
        "TwilioKeyDetector",
    ]


def test_hex_digests_are_not_secrets() -> None:
    digest = os.urandom(32).hex()
    text = f'"sha256": "{digest}"\ncommit = "{os.urandom(20).hex()}"\n'

    assert scan_text("evidence.json", text, FP) == []


def test_pathological_keyword_line_is_scanned_quickly() -> None:
    line = "api_key" * 3000  # 21 kB; detect-secrets' keyword regexes alone take ~1 min
    started = time.monotonic()
    assert scan_text("x.py", line, FP) == []
    assert time.monotonic() - started < 10


@pytest.mark.parametrize(
    "path",
    [
        "hipaa_cac/detect/secrets.py",
        "hipaa_cac/detect/gitcmd.py",
        "hipaa_cac/redact.py",
        "tests/test_detect_secrets.py",
        "tests/test_redact.py",
    ],
)
def test_our_own_sources_hold_nothing_the_scanner_flags(path: str) -> None:
    assert scan_text(path, (ROOT / path).read_text(encoding="utf-8"), FP) == []
