"""The auditor bundle: create on the example, verify, tamper, bad input, determinism."""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from conftest import EXAMPLE

from hipaa_cac.bundle import archive
from hipaa_cac.canonical import sha256_hex

RUNS = ("2026-11-20T12:00:00Z", "2026-11-21T12:00:00Z")
PERIOD = ("--from", "2026-11-01", "--to", "2026-11-30")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example with two recorded runs, a key pair and a signed bundle of them."""
    from click.testing import CliRunner

    from hipaa_cac.cli import main

    base = tmp_path_factory.mktemp("bundle")
    repo = base / "telehealth"
    shutil.copytree(EXAMPLE, repo, ignore=shutil.ignore_patterns(".hipaa-cac", "__pycache__"))
    runner = CliRunner()
    for at in RUNS:
        done = runner.invoke(main, ["evaluate", "--repo", str(repo), "--at", at])
        assert done.exit_code == 1, done.output  # the example plants failures
    key = base / "keys" / "auditor.key"
    assert runner.invoke(main, ["keygen", str(key)]).exit_code == 0
    out = base / "q4.zip"
    args = ["bundle", "create", "--repo", str(repo), *PERIOD, "--out", str(out)]
    done = runner.invoke(main, [*args, "--sign-key", str(key)])
    assert done.exit_code == 0, done.output
    return {"repo": repo, "key": key, "pub": key.with_name("auditor.key.pub"), "zip": out}


def members(bundle: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(bundle) as z:
        return {name: z.read(name) for name in z.namelist()}


def rewrite(source: Path, target: Path, change: Callable[[dict[str, bytes]], None]) -> Path:
    files = members(source)
    change(files)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    target.write_bytes(buffer.getvalue())
    return target


def relist(files: dict[str, bytes]) -> None:
    """Re-hash the manifest after a change (what a careful forger does; the signature
    no longer matches, so verify without a key to reach the deeper checks)."""
    manifest = json.loads(files[archive.MANIFEST])
    listed = {k: v for k, v in files.items() if k not in (archive.MANIFEST, archive.SIGNATURE)}
    manifest["files"] = archive.manifest_files(listed)
    files[archive.MANIFEST] = archive.manifest_bytes(manifest)


def verify(cli: Callable[..., Result], bundle: Path, pub: Path | None) -> Result:
    return cli("bundle", "verify", bundle, *(["--pubkey", pub] if pub else []))


def test_signed_bundle_verifies_and_holds_what_the_auditor_needs(cli, built) -> None:
    result = verify(cli, built["zip"], built["pub"])
    assert result.exit_code == 0, result.output
    assert "signature by ed25519:sha256:" in result.output
    files = members(built["zip"])
    manifest = json.loads(files[archive.MANIFEST])
    assert manifest["ledger"]["runs"] == ["run-000001", "run-000002"]
    assert set(files) - {archive.MANIFEST, archive.SIGNATURE} == {
        f["path"] for f in manifest["files"]
    }
    for entry in manifest["files"]:
        assert sha256_hex(files[entry["path"]]) == entry["sha256"]
    for wanted in ("README.md", "report.html", "oscal/assessment-results.json"):
        assert wanted in files
    assert "catalog/controls/technical/hipaa-164-312-b.yaml" in files
    assert "policy-library/policies/technical/audit.rego" in files
    assert "repository/attestations/baa/aws.yaml" in files
    # Every collection a run recorded is there, with the hash the run recorded.
    entries = [json.loads(line) for line in files["ledger/entries.jsonl"].splitlines()]
    runs = [e for e in entries if e["type"] == "run"]
    assert [e["run_id"] for e in runs] == ["run-000001", "run-000002"]
    for reference in runs[0]["payload"]["collections"]:
        bundled = manifest["evidence"][reference["collection"]]["file"]
        assert "sha256:" + sha256_hex(files[bundled]) == reference["sha256"]
    assert entries[-1]["hash"] == manifest["ledger"]["head_hash"]


def test_same_ledger_and_period_give_the_same_bytes(cli, built, tmp_path: Path) -> None:
    again = tmp_path / "again.zip"
    args = ["bundle", "create", "--repo", built["repo"], *PERIOD, "--out", again]
    assert cli(*args, "--sign-key", built["key"]).exit_code == 0
    assert again.read_bytes() == built["zip"].read_bytes()


def test_period_selects_runs_by_as_of(cli, built, tmp_path: Path) -> None:
    out = tmp_path / "one-day.zip"
    args = ["bundle", "create", "--repo", built["repo"], "--from", "2026-11-21"]
    assert cli(*args, "--to", "2026-11-21", "--out", out).exit_code == 0
    manifest = json.loads(members(out)[archive.MANIFEST])
    assert manifest["ledger"]["runs"] == ["run-000002"]
    assert manifest["signer"] is None
    result = verify(cli, out, None)
    assert result.exit_code == 0, result.output
    assert "not checked: signature" in result.output


def flip_byte(files: dict[str, bytes]) -> None:
    data = bytearray(files["report.html"])
    data[200] ^= 0x01
    files["report.html"] = bytes(data)


def tamper_ledger(files: dict[str, bytes]) -> None:
    lines = files["ledger/entries.jsonl"].decode().splitlines(keepends=True)
    entry = json.loads(lines[3])
    entry["payload"]["status"] = "pass" if entry["payload"]["status"] != "pass" else "fail"
    lines[3] = json.dumps(entry, sort_keys=True, separators=(",", ":")) + "\n"
    files["ledger/entries.jsonl"] = "".join(lines).encode()
    relist(files)


def swap_evidence(files: dict[str, bytes]) -> None:
    name = next(n for n in sorted(files) if n.startswith("evidence/objects/"))
    item = json.loads(files[name])
    item["data"]["tampered"] = True
    files[name] = json.dumps(item).encode()
    relist(files)


def drop_policy(files: dict[str, bytes]) -> None:
    del files["policy-library/policies/technical/audit.rego"]
    relist(files)


@pytest.mark.parametrize(
    ("change", "with_key", "named"),
    [
        (flip_byte, True, "report.html: content does not match its manifest hash"),
        (lambda f: f.pop("README.md"), True, "README.md: listed in the manifest, missing"),
        (lambda f: f.update({"extra.txt": b"x"}), True, "extra.txt: not listed in the manifest"),
        (
            lambda f: f.update({archive.SIGNATURE: f[archive.SIGNATURE][::-1]}),
            True,
            "does not verify",
        ),
        (lambda f: f.pop(archive.SIGNATURE), True, "manifest.sig: missing"),
        (tamper_ledger, False, "ledger/entries.jsonl: entry"),
        (tamper_ledger, True, "manifest.sig: does not verify"),
        (swap_evidence, False, "does not match the item's content"),
        (drop_policy, False, "policy-library/: policy files do not hash"),
    ],
)
def test_any_tampering_fails_verification_naming_it(
    cli, built, tmp_path: Path, change, with_key: bool, named: str
) -> None:
    bad = rewrite(built["zip"], tmp_path / "bad.zip", change)
    result = verify(cli, bad, built["pub"] if with_key else None)
    assert result.exit_code == 1, result.output
    assert named in result.output


def test_another_key_is_refused(cli, built, tmp_path: Path) -> None:
    other = tmp_path / "other.key"
    assert cli("keygen", other).exit_code == 0
    result = verify(cli, built["zip"], tmp_path / "other.key.pub")
    assert result.exit_code == 1
    assert "manifest.sig: does not verify manifest.json with other.key.pub" in result.output


def test_bad_input_exits_2_and_leaves_no_file(cli, built, tmp_path: Path) -> None:
    out = tmp_path / "out.zip"
    base = ["bundle", "create", "--repo", built["repo"], "--out", out]
    empty = cli(*base, "--from", "2025-01-01", "--to", "2025-01-31")
    assert empty.exit_code == 2
    assert "no evaluation run in the ledger has as_of within" in empty.output
    missing_key = cli(*base, *PERIOD, "--sign-key", tmp_path / "nope.key")
    assert missing_key.exit_code == 2
    assert "nope.key: cannot read private key" in missing_key.output
    not_a_key = tmp_path / "public-not-private.key"
    not_a_key.write_bytes(built["pub"].read_bytes())
    assert cli(*base, *PERIOD, "--sign-key", not_a_key).exit_code == 2
    backwards = cli(*base, "--from", "2026-11-30", "--to", "2026-11-01")
    assert backwards.exit_code == 2
    assert not out.exists()
    assert list(tmp_path.glob(".out.zip*")) == []

    not_zip = tmp_path / "notes.zip"
    not_zip.write_text("hello")
    result = verify(cli, not_zip, None)
    assert result.exit_code == 2
    assert "not a readable zip file" in result.output


def test_a_corrupted_ledger_is_refused(cli, built, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(built["repo"], repo)
    with sqlite3.connect(repo / ".hipaa-cac" / "ledger.sqlite") as db:
        # What someone with write access to the file can do: drop the guard, edit a row.
        db.execute("DROP TRIGGER ledger_entries_no_update")
        db.execute(
            "UPDATE ledger_entries SET payload = replace(payload, ?, ?) WHERE seq = 5",
            ('"status":"', '"status":"x'),
        )
    out = tmp_path / "out.zip"
    result = cli("bundle", "create", "--repo", repo, *PERIOD, "--out", out)
    assert result.exit_code == 2
    assert "the ledger is not intact (entry 5:" in result.output
    assert not out.exists()


def test_keygen_refuses_to_overwrite_and_keeps_the_key_private(cli, built) -> None:
    assert built["key"].stat().st_mode & 0o777 == 0o600
    again = cli("keygen", built["key"])
    assert again.exit_code == 2
    assert "refusing to overwrite" in again.output


def test_waivers_travel_with_the_bundle_and_show_in_the_report(cli, tmp_path: Path) -> None:
    repo = tmp_path / "telehealth"
    shutil.copytree(EXAMPLE, repo, ignore=shutil.ignore_patterns(".hipaa-cac", "__pycache__"))
    (repo / "waivers").mkdir()
    (repo / "waivers" / "W-2026-007.yaml").write_text(
        "id: W-2026-007\n"
        "control: hipaa-164-312-b\n"
        'scope: "*"\n'
        "reason: Audit logging moves to the new account in December.\n"
        "approver: security@northwind.example\n"
        "created: 2026-11-01\n"
        "expires: 2027-01-31\n"
    )
    assert cli("evaluate", "--repo", repo, "--at", RUNS[0]).exit_code == 1
    out = tmp_path / "w.zip"
    assert cli("bundle", "create", "--repo", repo, *PERIOD, "--out", out).exit_code == 0
    files = members(out)
    assert "repository/waivers/W-2026-007.yaml" in files
    report = files["report.html"].decode()
    waivers = report[report.index("<section id=waivers>") :]
    assert "W-2026-007" in waivers and "security@northwind.example" in waivers
    manifest = json.loads(files[archive.MANIFEST])
    assert "repository/waivers/W-2026-007.yaml" in {f["path"] for f in manifest["files"]}


def test_a_malformed_manifest_or_missing_object_is_bad_input(cli, built, tmp_path: Path) -> None:
    def gut(files: dict[str, bytes]) -> None:  # a manifest listing nothing: all unlisted
        files[archive.MANIFEST] = json.dumps({"format": archive.FORMAT}).encode()

    def mistype(files: dict[str, bytes]) -> None:
        files[archive.MANIFEST] = json.dumps({"format": archive.FORMAT, "files": [{}]}).encode()

    gutted = verify(cli, rewrite(built["zip"], tmp_path / "gutted.zip", gut), None)
    assert gutted.exit_code == 1
    assert "report.html: not listed in the manifest (added)" in gutted.output
    result = verify(cli, rewrite(built["zip"], tmp_path / "mistyped.zip", mistype), None)
    assert result.exit_code == 2
    assert "manifest.json is malformed" in result.output

    repo = tmp_path / "repo"
    shutil.copytree(built["repo"], repo)
    next((repo / "evidence" / "objects").rglob("*.json")).unlink()
    out = tmp_path / "out.zip"
    result = cli("bundle", "create", "--repo", repo, *PERIOD, "--out", out)
    assert result.exit_code == 2
    assert "it refers to is missing" in result.output
    assert not out.exists()
