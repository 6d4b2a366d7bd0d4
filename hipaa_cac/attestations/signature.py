"""Optional signatures on attestations, verified whenever present.

What is signed is the canonical JSON (hipaa_cac.canonical) of the document
without its `signature` field, so re-indenting the YAML or quoting a date
does not break a signature, while changing any value does.

    signature: {method: ed25519, key: dana, value: <base64>}
        verified with keys/dana.pub (raw base64 or PEM Ed25519 public key)
    signature: {method: ssh, key: dana@example.com, value: <armored SSH SIGNATURE>}
        verified by `ssh-keygen -Y verify` against keys/allowed_signers

A signature that does not verify, or names a key the repo does not trust, is
an error: the attestation does not count.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hipaa_cac import signing
from hipaa_cac.attestations.model import Signature
from hipaa_cac.canonical import canonical_json
from hipaa_cac.errors import InputError

NAMESPACE = "hipaa-cac-attestation"  # ssh-keygen -n: a signature for git or mail is no attestation
KEYS_DIR = "keys"
ALLOWED_SIGNERS = f"{KEYS_DIR}/allowed_signers"
_KEY_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]*$")  # also keeps key paths inside keys/


def signed_bytes(document: Mapping[str, Any]) -> bytes:
    return canonical_json({k: v for k, v in document.items() if k != "signature"}).encode()


def verify(
    document: Mapping[str, Any], root: Path, shown: str, line: int | None
) -> Signature | None:
    """The verified signature, None when unsigned; InputError when it does not verify."""
    signature = document.get("signature")
    if signature is None:
        return None
    method, key, value = signature["method"], signature["key"], signature["value"]
    if not _KEY_ID.match(key):
        raise InputError(f"signature: invalid key id {key!r}", shown, line)
    message = signed_bytes(document)
    if method == "ed25519":
        _verify_ed25519(message, key, value, root, shown, line)
    elif method == "ssh":
        _verify_ssh(message, key, value, root, shown, line)
    else:
        raise InputError(f"signature: unknown method {method!r}", shown, line)
    return Signature(method=method, key=key)


def _verify_ed25519(
    message: bytes, key: str, value: str, root: Path, shown: str, line: int | None
) -> None:
    path = root / KEYS_DIR / f"{key}.pub"
    if not path.is_file():
        raise InputError(
            f"signature: unknown key {key!r}: {KEYS_DIR}/{key}.pub is not in the repo", shown, line
        )
    name = f"{KEYS_DIR}/{key}.pub"
    try:
        public = signing.parse_public_key(path.read_text(encoding="utf-8", errors="replace"), name)
    except InputError:
        raise InputError(f"signature: {name} is not an Ed25519 public key", shown, line) from None
    if not signing.verify(public, message, value):
        raise InputError(
            f"signature: does not verify with key {key!r}: the file changed after it was "
            "signed, or another key signed it",
            shown,
            line,
        )


def _verify_ssh(
    message: bytes, principal: str, armored: str, root: Path, shown: str, line: int | None
) -> None:
    allowed = root / ALLOWED_SIGNERS
    if not allowed.is_file():
        raise InputError(
            f"signature: unknown signer {principal!r}: {ALLOWED_SIGNERS} is not in the repo",
            shown,
            line,
        )
    with tempfile.TemporaryDirectory(prefix="hipaa-cac-sig-") as tmp:
        sig = Path(tmp) / "attestation.sig"
        sig.write_text(armored.strip() + "\n", encoding="utf-8")
        verify_cmd = ["-Y", "verify", "-f", str(allowed), "-I", principal, "-n", NAMESPACE]
        if _ssh_keygen([*verify_cmd, "-s", str(sig)], message, shown, line) == 0:
            return
        # Verification failed; tell an untrusted key from a changed file.
        found = _ssh_keygen(["-Y", "find-principals", "-f", str(allowed), "-s", str(sig)], b"")
    if found != 0:
        raise InputError(
            f"signature: unknown key: the key that signed is not in {ALLOWED_SIGNERS}", shown, line
        )
    raise InputError(
        f"signature: does not verify for {principal!r}: the file changed after it was signed, "
        f"or {ALLOWED_SIGNERS} does not list that key for {principal!r}",
        shown,
        line,
    )


def _ssh_keygen(
    args: list[str], stdin: bytes, shown: str | None = None, line: int | None = None
) -> int:
    try:
        done = subprocess.run(
            ["ssh-keygen", *args], input=stdin, capture_output=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise InputError(
            f"signature: cannot run ssh-keygen to verify: {exc.__class__.__name__}", shown, line
        ) from None
    return done.returncode


def sign_attestation(
    document: dict[str, Any], private_key_path: Path, key_id: str | None = None
) -> dict[str, Any]:
    """`document` with an ed25519 signature by the key in `private_key_path`
    (PEM/PKCS#8 or OpenSSH, unencrypted). The key id defaults to the file's
    stem: alice.key signs as `alice`, verified with keys/alice.pub."""
    key_id = key_id or private_key_path.stem
    if not _KEY_ID.match(key_id):
        raise InputError(f"invalid key id {key_id!r}: use letters, digits and . _ @ + -")
    value = signing.sign(signing.load_private_key(private_key_path), signed_bytes(document))
    unsigned = {k: v for k, v in document.items() if k != "signature"}
    return {**unsigned, "signature": {"method": "ed25519", "key": key_id, "value": value}}


def sign_attestation_ssh(
    document: dict[str, Any], private_key_path: Path, principal: str
) -> dict[str, Any]:
    """`document` with an ssh signature made by real `ssh-keygen -Y sign`
    (any key type ssh-keygen signs with, an agent-backed one included),
    verified later against keys/allowed_signers for `principal`."""
    if not _KEY_ID.match(principal):
        raise InputError(f"invalid principal {principal!r}: use letters, digits and . _ @ + -")
    args = ["ssh-keygen", "-q", "-Y", "sign", "-f", str(private_key_path), "-n", NAMESPACE]
    try:
        done = subprocess.run(
            args, input=signed_bytes(document), capture_output=True, timeout=120, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise InputError(f"cannot run ssh-keygen to sign: {exc.__class__.__name__}") from None
    if done.returncode != 0:
        reason = done.stderr.decode(errors="replace").strip()
        raise InputError(f"ssh-keygen could not sign: {reason}", private_key_path)
    unsigned = {k: v for k, v in document.items() if k != "signature"}
    value = done.stdout.decode()
    return {**unsigned, "signature": {"method": "ssh", "key": principal, "value": value}}


def public_key_pem(private_key_path: Path) -> str:
    """The PEM public key to commit as keys/<key id>.pub."""
    return signing.public_key_pem(signing.load_private_key(private_key_path).public_key())
