"""Ed25519 keys and signatures: `hipaa-cac keygen`, signed bundles, signed attestations.

    auditor-bundle.key       -----BEGIN PRIVATE KEY----- (PKCS#8 PEM, mode 0600)
    auditor-bundle.key.pub   -----BEGIN PUBLIC KEY-----  (what an auditor is given)

A public key may also be an OpenSSH `ssh-ed25519 AAAA…` line or the raw 32
bytes in base64, so a team can reuse a key it already publishes. Keys are
named by a fingerprint, `ed25519:sha256:<hex of the raw public key>`, which
is what a bundle's manifest records about its signer.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from hipaa_cac.canonical import sha256_hex
from hipaa_cac.errors import InputError

_RAW = serialization.Encoding.Raw, serialization.PublicFormat.Raw


def generate_keypair(private_path: Path) -> Path:
    """Write a new key pair (`private_path`, `private_path.pub`); refuses to overwrite.

    Returns the public key's path.
    """
    public_path = private_path.with_name(private_path.name + ".pub")
    for path in (private_path, public_path):
        if path.exists():
            raise InputError("already exists; refusing to overwrite a key", path)
    key = Ed25519PrivateKey.generate()
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public_pem = public_key_pem(key.public_key()).encode("ascii")
    private_path.parent.mkdir(parents=True, exist_ok=True)
    # O_EXCL + 0600 from the start: the private key is never readable by others,
    # not even for the moment a chmod after writing would leave.
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(private_pem)
    public_path.write_bytes(public_pem)
    return public_path


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """An unencrypted Ed25519 private key, PEM (PKCS#8) or OpenSSH."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read private key: {exc.strerror or exc}", path) from None
    try:
        if data.lstrip().startswith(b"-----BEGIN OPENSSH PRIVATE KEY"):
            key: object = serialization.load_ssh_private_key(data, password=None)
        else:
            key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        # TypeError: the key is encrypted. Never echo the file: it is key material.
        raise InputError(
            f"not an unencrypted Ed25519 private key ({exc.__class__.__name__}); "
            "make one with 'hipaa-cac keygen'",
            path,
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise InputError("not an Ed25519 private key; make one with 'hipaa-cac keygen'", path)
    return key


def public_key_pem(key: Ed25519PublicKey) -> str:
    pem = key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return pem.decode("ascii")


def load_public_key(path: Path, shown: str | None = None) -> Ed25519PublicKey:
    """A PEM, OpenSSH or raw-base64 Ed25519 public key; InputError naming `shown` otherwise."""
    name = shown if shown is not None else str(path)
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise InputError(f"cannot read public key: {exc.strerror or exc}", name) from None
    return parse_public_key(text, name)


def parse_public_key(text: str, name: str) -> Ed25519PublicKey:
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key: object = serialization.load_pem_public_key(text.encode())
        elif text.startswith("ssh-ed25519 "):
            key = serialization.load_ssh_public_key(text.encode())
        else:
            key = Ed25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True))
    except (ValueError, UnsupportedAlgorithm):
        key = None
    if not isinstance(key, Ed25519PublicKey):
        raise InputError("not an Ed25519 public key", name)
    return key


def fingerprint(key: Ed25519PublicKey) -> str:
    """`ed25519:sha256:<hex>` of the raw 32-byte public key."""
    return "ed25519:sha256:" + sha256_hex(key.public_bytes(*_RAW))


def sign(key: Ed25519PrivateKey, message: bytes) -> str:
    """The base64 signature. Ed25519 is deterministic: same key and message, same bytes."""
    return base64.b64encode(key.sign(message)).decode("ascii")


def verify(key: Ed25519PublicKey, message: bytes, signature: str) -> bool:
    try:
        key.verify(base64.b64decode(signature.strip(), validate=True), message)
    except (InvalidSignature, ValueError):
        return False
    return True
