"""The `opa` engine against an OPA-compatible server: same answers as the embedded engine.

The suite runs against tests/opa_server.py (OPA's wire format, regopy inside);
`test_real_opa_binary` repeats the agreement checks on a real `opa` when one
is on PATH.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from opa_server import OpaTestServer

from hipaa_cac.canonical import canonical_json
from hipaa_cac.engines.base import EngineError
from hipaa_cac.engines.embedded import EmbeddedEngine
from hipaa_cac.engines.opa import OpaEngine, _Refusal, policy_id
from hipaa_cac.errors import InputError
from hipaa_cac.policy import PolicyLibrary, load_library

ENCRYPTION = """\
package hipaa.technical.encryption

import rego.v1

# METADATA
# title: S3 buckets encrypt data at rest
# custom:
#   controls: [hipaa-164-312-a-2-iv]
#   evidence: [aws.s3.bucket]
#   severity: high
storage_encrypted_at_rest contains finding if {
	some bucket in input.evidence["aws.s3.bucket"]
	not bucket.data.encryption.enabled == true
	finding := {
		"control": "hipaa-164-312-a-2-iv",
		"resource": bucket.subject,
		"message": "bucket has no default encryption at rest",
		"severity": "high",
	}
}

bucket_count := count(input.evidence["aws.s3.bucket"])

names := [bucket.subject | some bucket in input.evidence["aws.s3.bucket"]]

by_name[bucket.subject] := bucket.data.encryption.enabled if {
	some bucket in input.evidence["aws.s3.bucket"]
}

default all_encrypted := false

all_encrypted if count(storage_encrypted_at_rest) == 0

is_unencrypted(bucket) if not bucket.data.encryption.enabled == true

size_of(x) := count(x)
"""

ACCESS = """\
package hipaa.administrative.access

import rego.v1

# METADATA
# title: Every workforce account has an owner
# custom:
#   controls: [hipaa-164-308-a-3]
#   evidence: [iam.user]
#   severity: medium
accounts_have_owner contains finding if {
	some user in input.evidence["iam.user"]
	not user.data.owner
	finding := {
		"control": "hipaa-164-308-a-3",
		"resource": user.subject,
		"message": "account has no owner",
		"severity": "medium",
	}
}

owned := [user | some user in input.evidence["iam.user"]; user.data.owner]

owner_count := data.hipaa.technical.encryption.size_of(owned)

login_count := count(input.login)
"""

DECISIONS = (
    "data.hipaa.administrative.access.accounts_have_owner",
    "data.hipaa.technical.encryption.storage_encrypted_at_rest",
)
HELPERS = (
    "data.hipaa.technical.encryption.bucket_count",
    "data.hipaa.technical.encryption.names",
    "data.hipaa.technical.encryption.by_name",
    "data.hipaa.technical.encryption.all_encrypted",
    "data.hipaa.administrative.access.owner_count",
)


def _bucket(subject: str, enabled: Any) -> dict[str, Any]:
    return {"subject": subject, "data": {"encryption": {"enabled": enabled}}}


INPUTS: list[dict[str, Any]] = [
    {"evidence": {"aws.s3.bucket": [], "iam.user": []}},
    {
        "evidence": {
            "aws.s3.bucket": [_bucket(f"arn:aws:s3:::b{i}", i % 3 == 0) for i in range(12)],
            "iam.user": [{"subject": "u1", "data": {"owner": "a"}}, {"subject": "u2", "data": {}}],
        }
    },
    {
        "evidence": {
            # Subjects whose order differs between "by value" and "by printed text".
            "aws.s3.bucket": [
                _bucket("r1", False),
                _bucket("r1 x", None),
                _bucket("r10", "yes"),
                _bucket("r9", False),
                _bucket("R", True),
                _bucket("é-bucket", False),
            ],
            "iam.user": [{"subject": f"user-{i}", "data": {"owner": None}} for i in range(5)],
        }
    },
]


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / "policies" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "policies"


def _library(root: Path, files: dict[str, str] | None = None) -> PolicyLibrary:
    files = files or {"technical/encryption.rego": ENCRYPTION, "administrative/access.rego": ACCESS}
    return load_library([_write(root, files)])


def _stored_ids(url: str) -> set[str]:
    listing = requests.get(f"{url}/v1/policies", timeout=5).json()["result"]
    return {policy["id"] for policy in listing}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def opa_url() -> Iterator[str]:
    with OpaTestServer() as url:
        yield url


def unordered(value: Any) -> Any:
    return sorted(canonical_json(v) for v in value) if isinstance(value, list) else value


def check_agreement(url: str, tmp_path: Path) -> None:
    """The checks that must hold against any OPA: the test server or a real binary."""
    library = _library(tmp_path / "lib")
    assert set(library.rules) == set(DECISIONS)
    opa, embedded = OpaEngine(url), EmbeddedEngine()
    opa.load(library)
    embedded.load(library)
    for input_document in INPUTS:
        for ref in (*DECISIONS, *HELPERS):
            # A set comes back as a list, in each engine's own order.
            assert unordered(opa.query(ref, input_document)) == unordered(
                embedded.query(ref, input_document)
            ), ref
    for ref in ("data.hipaa.technical.encryption.no_such_rule", "data.hipaa.nowhere.rule"):
        assert opa.query(ref, INPUTS[0]) is None
        assert embedded.query(ref, INPUTS[0]) is None

    # A built-in given the wrong type is an error on both, and the error never
    # quotes the input.
    bad = {"login": 5, "note": "PHI: patient Jane Roe"}
    ref = "data.hipaa.administrative.access.login_count"
    for engine in (opa, embedded):
        with pytest.raises(EngineError) as caught:
            engine.query(ref, bad)
        assert "Jane Roe" not in str(caught.value)
        assert str(caught.value).startswith(ref)

    # A syntax error is located in the same file and line by both.
    broken = ENCRYPTION.replace("bucket_count := count(", "bucket_count := := count(")
    line = (
        broken.splitlines().index('bucket_count := := count(input.evidence["aws.s3.bucket"])') + 1
    )
    library = _library(tmp_path / "broken", {"technical/encryption.rego": broken})
    for engine in (OpaEngine(url), EmbeddedEngine()):
        with pytest.raises(InputError) as located:
            engine.load(library)
        assert located.value.message.startswith("Rego compile error:")
        assert (located.value.file, located.value.line) == (
            "policies/technical/encryption.rego",
            line,
        )


def test_same_answers_as_embedded(opa_url: str, tmp_path: Path) -> None:
    check_agreement(opa_url, tmp_path)


def test_load_pushes_each_module_under_a_stable_id(opa_url: str, tmp_path: Path) -> None:
    OpaEngine(opa_url).load(_library(tmp_path))
    assert _stored_ids(opa_url) == {
        "hipaa-cac/policies/technical/encryption.rego",
        "hipaa-cac/policies/administrative/access.rego",
    }
    stored = requests.get(
        f"{opa_url}/v1/policies/hipaa-cac/policies/technical/encryption.rego", timeout=5
    ).json()
    assert stored["result"]["raw"] == ENCRYPTION


def test_reload_removes_modules_no_longer_in_the_library(opa_url: str, tmp_path: Path) -> None:
    foreign = "package other\n\nimport rego.v1\n\nallow := true\n"
    requests.put(f"{opa_url}/v1/policies/someone-else/other.rego", data=foreign, timeout=5)
    engine = OpaEngine(opa_url)
    engine.load(_library(tmp_path))
    ref = "data.hipaa.administrative.access.accounts_have_owner"
    assert engine.query(ref, INPUTS[1]) == [
        {
            "control": "hipaa-164-308-a-3",
            "resource": "u2",
            "message": "account has no owner",
            "severity": "medium",
        }
    ]

    (tmp_path / "policies" / "administrative" / "access.rego").unlink()
    engine.load(load_library([tmp_path / "policies"]))
    assert _stored_ids(opa_url) == {
        "hipaa-cac/policies/technical/encryption.rego",
        "someone-else/other.rego",  # not ours: left alone
    }
    assert engine.query(ref, INPUTS[1]) is None


def test_refused_steps_are_retried_while_others_make_progress(
    opa_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """OPA compiles all stored modules on each PUT: access.rego, which calls a function
    of encryption.rego, is refused until encryption.rego is there. (regopy does not
    check that, so the refusal is simulated here.)"""
    engine = OpaEngine(opa_url)
    put = engine._put
    attempts: list[str] = []

    def refuse_access_until_encryption_is_stored(pid: str, source: str) -> Any:
        attempts.append(pid)
        if pid.endswith("access.rego") and not any(a.endswith("encryption.rego") for a in attempts):
            return _Refusal("policies/administrative/access.rego", {"code": "invalid_parameter"})
        return put(pid, source)

    monkeypatch.setattr(engine, "_put", refuse_access_until_encryption_is_stored)
    engine.load(_library(tmp_path))
    assert [a.rsplit("/", 1)[1] for a in attempts] == [
        "access.rego",
        "encryption.rego",
        "access.rego",
    ]
    assert len(_stored_ids(opa_url)) == 2


def test_module_paths_that_need_escaping(opa_url: str, tmp_path: Path) -> None:
    assert policy_id("policies/a b/ü~.rego") == "hipaa-cac/policies/a~20b/~C3~BC~7E.rego"
    broken = "package x\n\nimport rego.v1\n\np := := 1\n"
    library = _library(tmp_path, {"new rules/ok.rego": "package y\n\nimport rego.v1\n\nq := 2\n"})
    engine = OpaEngine(opa_url)
    engine.load(library)
    assert engine.query("data.y.q", {}) == 2
    assert _stored_ids(opa_url) == {"hipaa-cac/policies/new~20rules/ok.rego"}
    with pytest.raises(InputError) as located:
        engine.load(_library(tmp_path, {"new rules/bad.rego": broken}))
    assert (located.value.file, located.value.line) == ("policies/new rules/bad.rego", 5)


def test_server_unreachable_is_a_usage_error(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_free_port()}"
    with pytest.raises(InputError) as caught:
        OpaEngine(url).load(_library(tmp_path))
    assert str(caught.value).startswith(f"cannot reach OPA at {url}: ")


def test_server_gone_mid_run_is_an_engine_error(tmp_path: Path) -> None:
    with OpaTestServer() as url:
        engine = OpaEngine(url)
        engine.load(_library(tmp_path))
    with pytest.raises(EngineError, match="cannot reach OPA"):
        engine.query(DECISIONS[0], INPUTS[1])


@pytest.mark.parametrize("url", ["localhost:8181", "ftp://h:1", "http://h:1/opa", "http://h:x"])
def test_malformed_url(url: str) -> None:
    with pytest.raises(InputError, match="--opa-url"):
        OpaEngine(url)


def test_real_opa_binary(tmp_path: Path) -> None:
    opa = shutil.which("opa")
    if opa is None:
        pytest.skip(
            "no opa binary on PATH; the OPA-compatible test server covers the wire protocol"
        )
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [opa, "run", "--server", "--addr", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if requests.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, "opa did not become healthy"
            time.sleep(0.1)
        check_agreement(url, tmp_path)
    finally:
        process.terminate()
        process.wait(timeout=10)
