"""Signed attestations: Ed25519 keys in keys/, SSH signatures by real ssh-keygen."""

from __future__ import annotations

import base64
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hipaa_cac.attestations import Signature, load_attestations, observations, sign_attestation
from hipaa_cac.attestations.signature import (
    NAMESPACE,
    public_key_pem,
    sign_attestation_ssh,
    signed_bytes,
)
from hipaa_cac.canonical import canonical_json
from hipaa_cac.durations import parse_timestamp
from hipaa_cac.errors import InputError

NOW = parse_timestamp("2026-11-20T12:00:00Z")
DOCUMENT: dict[str, Any] = {
    "type": "sanctions_policy",
    "attested_by": "dana@example.com",
    "attested_on": "2026-01-15",
    "version": "3",
    "approved_on": "2026-01-15",
}
FILE = "attestations/sanctions_policy/v3.yaml"

needs_ssh_keygen = pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="no ssh-keygen")


def make_key(directory: Path, name: str) -> Path:
    """A PEM (PKCS#8) Ed25519 private key, as `openssl genpkey -algorithm ed25519` writes."""
    path = directory / f"{name}.key"
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.write_bytes(pem)
    return path


def trust(repo: Path, private: Path, key_id: str) -> None:
    (repo / "keys").mkdir(parents=True, exist_ok=True)
    (repo / "keys" / f"{key_id}.pub").write_text(public_key_pem(private))


def write_yaml(repo: Path, document: dict[str, Any]) -> None:
    path = repo / FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(document, sort_keys=False))


def load_error(repo: Path) -> str:
    with pytest.raises(InputError) as caught:
        load_attestations(repo / "attestations", repo, NOW)
    return str(caught.value)


def test_ed25519_sign_and_verify_round_trip(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    key = make_key(tmp_path / "private", "dana")
    trust(repo, key, "dana")
    signed = sign_attestation(DOCUMENT, key)
    assert signed["signature"]["method"] == "ed25519"
    assert signed["signature"]["key"] == "dana"
    assert len(base64.b64decode(signed["signature"]["value"])) == 64
    write_yaml(repo, signed)
    (attestation,) = load_attestations(repo / "attestations", repo, NOW)
    assert attestation.signature == Signature(method="ed25519", key="dana")
    (observation,) = observations(attestation)
    assert observation.data["signature"] == {"verified": True, "method": "ed25519", "key": "dana"}


def test_signature_survives_reformatting_but_not_a_changed_value(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    key = make_key(tmp_path / "private", "dana")
    trust(repo, key, "dana")
    value = sign_attestation(DOCUMENT, key)["signature"]["value"]
    # Hand-edited layout: other key order, quoted and bare dates, comments.
    (repo / "attestations/sanctions_policy").mkdir(parents=True)
    (repo / FILE).write_text(
        "# sanctions policy\n"
        'type: sanctions_policy\nversion: "3"\napproved_on: "2026-01-15"\n'
        "attested_on: 2026-01-15\nattested_by: dana@example.com\n"
        f"signature: {{method: ed25519, key: dana, value: '{value}'}}\n"
    )
    (attestation,) = load_attestations(repo / "attestations", repo, NOW)
    assert attestation.signature == Signature("ed25519", "dana")

    (repo / FILE).write_text((repo / FILE).read_text().replace('version: "3"', 'version: "4"'))
    assert load_error(repo) == (
        f"{FILE}:7: signature: does not verify with key 'dana': the file changed after it was "
        "signed, or another key signed it"
    )


def test_tampered_field_is_rejected(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    key = make_key(tmp_path / "private", "dana")
    trust(repo, key, "dana")
    signed = sign_attestation(DOCUMENT, key)
    write_yaml(repo, {**signed, "approved_on": "2026-01-16"})
    assert "signature: does not verify with key 'dana'" in load_error(repo)


def test_unknown_key_and_wrong_key_are_rejected(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    dana = make_key(tmp_path / "private", "dana")
    eve = make_key(tmp_path / "private", "eve")
    trust(repo, dana, "dana")
    write_yaml(repo, sign_attestation(DOCUMENT, eve))
    assert load_error(repo) == (
        f"{FILE}:7: signature: unknown key 'eve': keys/eve.pub is not in the repo"
    )
    # eve claims to be dana: the signature does not verify with dana's key.
    write_yaml(repo, sign_attestation(DOCUMENT, eve, key_id="dana"))
    assert "signature: does not verify with key 'dana'" in load_error(repo)


def test_raw_base64_public_key_and_key_ids_stay_in_keys(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    private = Ed25519PrivateKey.generate()
    key = tmp_path / "ops.key"
    key.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.OpenSSH,
            serialization.NoEncryption(),
        )
    )
    raw = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    (repo / "keys").mkdir(parents=True)
    (repo / "keys" / "ops.pub").write_text(base64.b64encode(raw).decode() + "\n")
    write_yaml(repo, sign_attestation(DOCUMENT, key))
    (attestation,) = load_attestations(repo / "attestations", repo, NOW)
    assert attestation.signature == Signature("ed25519", "ops")

    signed = sign_attestation(DOCUMENT, key)
    signed["signature"]["key"] = "../ops"
    write_yaml(repo, signed)
    assert "signature/key: '../ops' must be the key id" in load_error(repo)


def test_signed_bytes_are_the_canonical_json_without_the_signature() -> None:
    document = {**DOCUMENT, "signature": {"method": "ed25519", "key": "k", "value": "x"}}
    assert signed_bytes(document) == canonical_json(DOCUMENT).encode()


def ssh_setup(tmp_path: Path, principal: str) -> tuple[Path, Path]:
    """A real ssh-keygen key pair, and a repo whose allowed_signers trusts it."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    key = tmp_path / "id_ed25519"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", principal, "-f", str(key)],
        check=True,
    )
    repo = tmp_path / "repo"
    (repo / "keys").mkdir(parents=True)
    public = key.with_suffix(".pub").read_text().split()
    (repo / "keys" / "allowed_signers").write_text(f"{principal} {public[0]} {public[1]}\n")
    return key, repo


def ssh_sign(key: Path, document: dict[str, Any]) -> str:
    done = subprocess.run(
        ["ssh-keygen", "-Y", "sign", "-f", str(key), "-n", NAMESPACE],
        input=canonical_json(document).encode(),
        capture_output=True,
        check=True,
    )
    return done.stdout.decode()


@needs_ssh_keygen
def test_ssh_signature_verified_with_allowed_signers(tmp_path: Path) -> None:
    key, repo = ssh_setup(tmp_path, "dana@example.com")
    armored = ssh_sign(key, DOCUMENT)
    assert armored.startswith("-----BEGIN SSH SIGNATURE-----")
    signature = {"method": "ssh", "key": "dana@example.com", "value": armored}
    write_yaml(repo, {**DOCUMENT, "signature": signature})
    (attestation,) = load_attestations(repo / "attestations", repo, NOW)
    assert attestation.signature == Signature("ssh", "dana@example.com")

    write_yaml(repo, {**DOCUMENT, "version": "4", "signature": signature})
    assert load_error(repo) == (
        f"{FILE}:7: signature: does not verify for 'dana@example.com': the file changed after "
        "it was signed, or keys/allowed_signers does not list that key for 'dana@example.com'"
    )


@needs_ssh_keygen
def test_ssh_signature_by_an_untrusted_key_is_rejected(tmp_path: Path) -> None:
    _, repo = ssh_setup(tmp_path, "dana@example.com")
    other, _ = ssh_setup(tmp_path / "eve", "eve@example.com")
    signature = {"method": "ssh", "key": "dana@example.com", "value": ssh_sign(other, DOCUMENT)}
    write_yaml(repo, {**DOCUMENT, "signature": signature})
    assert load_error(repo) == (
        f"{FILE}:7: signature: unknown key: the key that signed is not in keys/allowed_signers"
    )
    (repo / "keys" / "allowed_signers").unlink()
    assert load_error(repo) == (
        f"{FILE}:7: signature: unknown signer 'dana@example.com': keys/allowed_signers is not "
        "in the repo"
    )


@needs_ssh_keygen
def test_sign_attestation_ssh_round_trip(tmp_path: Path) -> None:
    key, repo = ssh_setup(tmp_path, "dana@example.com")
    signed = sign_attestation_ssh(DOCUMENT, key, "dana@example.com")
    assert signed["signature"]["method"] == "ssh"
    write_yaml(repo, signed)
    (attestation,) = load_attestations(repo / "attestations", repo, NOW)
    assert attestation.signature == Signature("ssh", "dana@example.com")
