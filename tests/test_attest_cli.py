"""`hipaa-cac attest`: writes files that load, refuses to overwrite, lists what is missing."""

from __future__ import annotations

import os
import pty
import select
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from git_repos import git as run_git

from hipaa_cac.attestations import Signature, load_attestation, load_attestations
from hipaa_cac.attestations.signature import public_key_pem
from hipaa_cac.cli import Cli
from hipaa_cac.cli.attest import attest
from hipaa_cac.durations import parse_timestamp, utc_now

NOW = parse_timestamp("2026-11-20T12:00:00Z")
TODAY = utc_now().date().isoformat()

BAA = [
    "--field", "attested_by=dana@example.com",
    "--field", "party=Acme Storage",
    "--field", "role=subprocessor",
    "--field", "services=storage, backups",
    "--field", "signed_on=2026-01-05",
    "--field", "expires_on=2028-01-04",
    "--field", "document_sha256=" + "cd" * 32,
]  # fmt: skip


@click.group(cls=Cli)
def app() -> None:
    """The command as `hipaa-cac` registers it, with the same error handling."""


app.add_command(attest)


@pytest.fixture
def run() -> Callable[..., Result]:
    runner = CliRunner()

    def invoke(*args: str | Path) -> Result:
        return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)

    return invoke


def test_writes_a_file_that_loads(run: Callable[..., Result], example_repo: Path) -> None:
    result = run("attest", "baa", "--name", "acme", *BAA, "--repo", example_repo)
    assert result.exit_code == 0, result.output
    assert result.output == "wrote attestations/baa/acme.yaml\n"
    path = example_repo / "attestations" / "baa" / "acme.yaml"
    assert path.read_text() == (
        "# Written by `hipaa-cac attest`; edit freely (docs/attestations.md).\n"
        "type: baa\n"
        "attested_by: dana@example.com\n"
        f"attested_on: {TODAY}\n"
        "party: Acme Storage\n"
        "role: subprocessor\n"
        "services:\n- storage\n- backups\n"
        "signed_on: 2026-01-05\n"
        "expires_on: 2028-01-04\n"
        f"document_sha256: {'cd' * 32}\n"
    )
    attestation = load_attestation(path, example_repo, utc_now())
    assert attestation.fields["services"] == ["storage", "backups"]
    assert attestation.document_sha256 == "sha256:" + "cd" * 32


def test_refuses_to_overwrite_unless_forced(run: Callable[..., Result], example_repo: Path) -> None:
    aws = example_repo / "attestations" / "baa" / "aws.yaml"
    before = aws.read_text()
    result = run("attest", "baa", "--name", "aws", *BAA, "--repo", example_repo)
    assert result.exit_code == 2
    assert (
        result.stderr
        == "error: attestations/baa/aws.yaml: already exists: pass --force to replace it\n"
    )
    assert aws.read_text() == before
    result = run("attest", "baa", "--name", "aws", *BAA, "--force", "--repo", example_repo)
    assert result.exit_code == 0, result.output
    assert "party: Acme Storage" in aws.read_text()


def test_lists_missing_fields_when_not_interactive(
    run: Callable[..., Result], example_repo: Path
) -> None:
    result = run("attest", "baa", "--field", "party=Acme", "--repo", example_repo)
    assert result.exit_code == 2
    assert result.stderr == (
        "error: missing fields for baa: --name, attested_by, role, services, signed_on, "
        "expires_on|evergreen, document|document_sha256 "
        "(pass them as --field KEY=VALUE, --name NAME)\n"
    )
    decision = [
        "--field", "attested_by=dana@example.com",
        "--field", "control=hipaa-164-312-a-2-i",
        "--field", "decision=alternative_measure",
        "--field", "rationale=shared accounts are audited",
    ]  # fmt: skip
    result = run("attest", "addressable_decision", *decision, "--repo", example_repo)
    assert result.exit_code == 2
    assert "missing fields for addressable_decision: alternative_measure " in result.stderr
    assert not (
        example_repo / "attestations" / "addressable_decision" / "hipaa-164-312-a-2-i.yaml"
    ).exists()


def test_validates_before_writing(run: Callable[..., Result], example_repo: Path) -> None:
    bad = [*BAA[:-2], "--field", "document=documents/none.pdf"]
    result = run("attest", "baa", "--name", "acme", *bad, "--repo", example_repo)
    assert result.exit_code == 2
    assert result.stderr == (
        "error: attestations/baa/acme.yaml: document: cannot read documents/none.pdf: "
        "No such file or directory\n"
    )
    future = [a.replace("signed_on=2026-01-05", "signed_on=2999-01-01") for a in BAA]
    result = run("attest", "baa", "--name", "acme", *future, "--repo", example_repo)
    assert result.exit_code == 2
    assert "signed_on: 2999-01-01 is in the future" in result.stderr
    result = run("attest", "baa", "--name", "acme", "--field", "colour=red", "--repo", example_repo)
    assert result.exit_code == 2
    assert "error: baa has no field 'colour'; its fields: attested_by, attested_on" in result.stderr
    assert not (example_repo / "attestations" / "baa" / "acme.yaml").exists()


def test_decision_is_named_after_its_control(
    run: Callable[..., Result], example_repo: Path
) -> None:
    fields = [
        "--field", "attested_by=dana@example.com",
        "--field", "control=hipaa-164-312-a-2-i",
        "--field", "decision=implemented",
        "--field", "rationale=Okta SSO with per-person accounts",
    ]  # fmt: skip
    result = run("attest", "addressable_decision", *fields, "--repo", example_repo)
    assert result.exit_code == 0, result.output
    path = example_repo / "attestations/addressable_decision/hipaa-164-312-a-2-i.yaml"
    assert load_attestation(path, example_repo, utc_now()).fields["decision"] == "implemented"


def test_training_appends_to_the_log_keeping_comments(
    run: Callable[..., Result], example_repo: Path
) -> None:
    log = example_repo / "attestations" / "training.yaml"
    before = log.read_text()
    entry = ["--field", "person_id=p-103", "--field", "course=HIPAA Security 2026"]
    result = run(
        "attest", "training", *entry, "--field", "completed_on=2026-11-02", "--repo", example_repo
    )
    assert result.exit_code == 0, result.output
    assert log.read_text() == before + (
        "  - person_id: p-103\n    course: HIPAA Security 2026\n    completed_on: 2026-11-02\n"
    )
    records = load_attestations(example_repo / "attestations", example_repo, NOW)
    (training,) = [a for a in records if a.type == "training"]
    assert len(training.fields["entries"]) == 4

    result = run("attest", "training", *entry, "--field", "attested_by=x", "--repo", example_repo)
    assert result.exit_code == 2
    assert result.stderr == (
        "error: attestations/training.yaml: set attested_by by editing the log itself\n"
    )


def git(repo: Path, *args: str) -> None:
    run_git(repo, *args, author="Dana Reyes", date=None)


def test_in_git_the_commit_signs(run: Callable[..., Result], tmp_path: Path) -> None:
    repo = tmp_path / "policies"
    repo.mkdir()
    (repo / "hipaa-cac.yaml").write_text(
        "version: 1\nsources:\n  - {id: people, collector: attestations, config: {path: human}}\n"
    )
    git(repo, "init", "-q", "-b", "main")
    entry = [
        "--field",
        "person_id=p-1",
        "--field",
        "course=HIPAA 2026",
        "--field",
        "completed_on=2026-01-10",
    ]
    result = run("attest", "training", *entry, "--repo", repo)
    assert result.exit_code == 0, result.output
    assert result.output == (
        "wrote human/training.yaml\ncommit it: the commit's author is recorded as the signer\n"
    )
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "training")
    (log,) = load_attestations(repo / "human", repo, utc_now())
    assert log.attested_by == "Dana Reyes <dana@example.com>"
    assert log.attested_on == TODAY


def test_signs_with_a_trusted_key(
    run: Callable[..., Result], example_repo: Path, tmp_path: Path
) -> None:
    key = tmp_path / "dana.key"
    key.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    args = ["attest", "baa", "--name", "acme", *BAA, "--sign-key", key, "--repo", example_repo]
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr == (
        "error: attestations/baa/acme.yaml: signature: unknown key 'dana': keys/dana.pub is not "
        "in the repo\n"
    )
    assert not (example_repo / "attestations" / "baa" / "acme.yaml").exists()
    (example_repo / "keys").mkdir()
    (example_repo / "keys" / "dana.pub").write_text(public_key_pem(key))
    assert run(*args).exit_code == 0
    path = example_repo / "attestations" / "baa" / "acme.yaml"
    assert load_attestation(path, example_repo, utc_now()).signature == Signature("ed25519", "dana")


def test_list_shows_types_and_required_fields(run: Callable[..., Result], tmp_path: Path) -> None:
    result = run("attest", "--list")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == 34
    width = len("information_system_activity_review")
    assert lines[0] == "baa".ljust(width) + (
        "  party, role, services, signed_on, expires_on|evergreen, document|document_sha256"
    )
    assert "training".ljust(width) + "  entries: person_id, course, completed_on" in lines
    assert "workstation_use".ljust(width) + "  statement  (statement type)" in lines
    result = run("attest", "bba", "--repo", tmp_path)
    assert result.exit_code == 2
    assert result.stderr == "error: unknown attestation type 'bba': see 'hipaa-cac attest --list'\n"


SCRIPT = """
import sys
from hipaa_cac.cli import Cli
from hipaa_cac.cli.attest import attest
app = Cli()
app.add_command(attest)
app(sys.argv[1:], prog_name="hipaa-cac")
"""


def in_terminal(args: list[str], typed: str) -> tuple[int, str]:
    """Run the command on a real pseudo-terminal, typing `typed` ahead."""
    master, child = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, *args], stdin=child, stdout=child, stderr=child
    )
    os.close(child)
    os.write(master, typed.encode())
    output = b""
    try:
        # A prompt nobody answers must fail the test, not hang it.
        while select.select([master], [], [], 30)[0]:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            output += chunk
    finally:
        os.close(master)
        if process.poll() is None:
            process.kill()
    return process.wait(timeout=30), output.decode(errors="replace")


def test_prompts_for_missing_fields_on_a_terminal(example_repo: Path) -> None:
    typed = (
        "dana@example.com\nAcme Storage\nsubprocessor\nstorage, backups\n2026-01-05\n\n\n"
        + "ef" * 32
        + "\n"
    )
    code, output = in_terminal(
        ["attest", "baa", "--name", "acme", "--repo", str(example_repo)], typed
    )
    assert code == 0, output
    assert "expires_on (empty for evergreen):" in output
    assert "document (empty for document_sha256):" in output
    attestation = load_attestation(
        example_repo / "attestations/baa/acme.yaml", example_repo, utc_now()
    )
    assert attestation.fields == {
        "party": "Acme Storage",
        "role": "subprocessor",
        "services": ["storage", "backups"],
        "signed_on": "2026-01-05",
        "evergreen": True,
    }
    assert attestation.attested_by == "dana@example.com"
    assert attestation.document_sha256 == "sha256:" + "ef" * 32


@pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="no ssh-keygen")
def test_signs_with_an_ssh_key(
    run: Callable[..., Result], example_repo: Path, tmp_path: Path
) -> None:
    key = tmp_path / "id_ed25519"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    kind, blob = key.with_suffix(".pub").read_text().split()[:2]
    (example_repo / "keys").mkdir()
    (example_repo / "keys" / "allowed_signers").write_text(f"dana@example.com {kind} {blob}\n")
    signing = ["--sign-key", key, "--ssh-principal", "dana@example.com"]
    result = run("attest", "baa", "--name", "acme", *BAA, *signing, "--repo", example_repo)
    assert result.exit_code == 0, result.output
    path = example_repo / "attestations" / "baa" / "acme.yaml"
    assert "-----BEGIN SSH SIGNATURE-----" in path.read_text()
    attestation = load_attestation(path, example_repo, utc_now())
    assert attestation.signature == Signature("ssh", "dana@example.com")
