"""The content-addressed evidence store: runs written as an index plus
objects, read back with every hash checked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hipaa_cac.canonical import content_hash
from hipaa_cac.errors import InputError
from hipaa_cac.evidence import EvidenceItem, EvidenceStore, KindStatus
from hipaa_cac.evidence.objects import ObjectStore
from hipaa_cac.evidence.writer import NewCollection, write_collection


def item(subject: str, data: dict[str, object], at: str = "2026-11-20T06:00:00Z") -> EvidenceItem:
    document = {
        "kind": "git.repository",
        "subject": subject,
        "source": {"collector": "git", "version": "0.1.0", "scope": "api"},
        "collected_at": at,
        "max_age": "1d",
        "data": data,
    }
    return EvidenceItem(**document, sha256=content_hash(document))  # type: ignore[arg-type]


def run(finished: str, *items: EvidenceItem, scope: str = "api") -> NewCollection:
    return NewCollection(
        collector="git",
        collector_version="0.1.0",
        scope=scope,
        started_at=finished,
        finished_at=finished,
        kinds={"git.repository": KindStatus("complete")},
        items=items,
    )


def test_round_trip_and_deterministic_names(tmp_path: Path) -> None:
    a, b = item("git:a", {"x": 1}), item("git:b", {"x": 2})
    path = write_collection(tmp_path, run("2026-11-20T06:00:09Z", b, a))
    again = write_collection(tmp_path, run("2026-11-20T06:00:09Z", a, b))
    assert path == again  # same run, same file: rerunning a write is harmless
    assert path.parent.name == "runs" and path.name.startswith("20261120T060009Z-api-")
    index = json.loads(path.read_text())
    assert [ref["subject"] for ref in index["items"]] == ["git:a", "git:b"]
    assert set(index["items"][0]) == {"kind", "subject", "sha256"}

    (collection,) = EvidenceStore(tmp_path).collections()
    assert collection.items == (a, b)
    assert collection.path == f"{tmp_path.name}/runs/{path.name}"


def test_an_unchanged_item_is_stored_once(tmp_path: Path) -> None:
    same = item("git:a", {"x": 1})
    write_collection(tmp_path, run("2026-11-20T06:00:00Z", same))
    write_collection(tmp_path, run("2026-11-21T06:00:00Z", same, item("git:b", {"x": 2})))
    assert len(ObjectStore(tmp_path).all_hashes()) == 2
    current = EvidenceStore(tmp_path).current()
    assert [c.finished_at for c in current.collections] == ["2026-11-21T06:00:00Z"]
    assert [i.subject for i in current.items("git.repository")] == ["git:a", "git:b"]


def test_a_missing_object_is_an_error_naming_the_run(tmp_path: Path) -> None:
    gone = item("git:a", {"x": 1})
    path = write_collection(tmp_path, run("2026-11-20T06:00:00Z", gone))
    ObjectStore(tmp_path).path_for(gone.sha256).unlink()
    with pytest.raises(InputError) as caught:
        EvidenceStore(tmp_path).collections()
    assert caught.value.file is not None and caught.value.file.endswith(path.name)
    assert "is missing from objects/" in caught.value.message
    lines = path.read_text().splitlines()
    assert lines[caught.value.line - 1].strip() == "{"  # the item's entry in the index
    assert '"kind": "git.repository"' in lines[caught.value.line]


@pytest.mark.parametrize("rehash", [False, True])
def test_a_modified_object_is_refused(tmp_path: Path, rehash: bool) -> None:
    target = item("git:a", {"protected": False})
    write_collection(tmp_path, run("2026-11-20T06:00:00Z", target))
    file = ObjectStore(tmp_path).path_for(target.sha256)
    stored = json.loads(file.read_text())
    stored["data"]["protected"] = True
    if rehash:  # a careful forger recomputes the object's own hash: the index still disagrees
        stored["sha256"] = content_hash({k: v for k, v in stored.items() if k != "sha256"})
    file.write_text(json.dumps(stored))
    with pytest.raises(InputError) as caught:
        EvidenceStore(tmp_path).collections()
    expected = "does not hold" if rehash else "sha256 does not match"
    assert expected in caught.value.message


def test_inline_collections_are_still_read(tmp_path: Path) -> None:
    inline = item("git:a", {"x": 1})
    document = run("2026-11-20T06:00:00Z", inline).index()
    document["items"] = [{**inline.document(), "sha256": inline.sha256}]
    (tmp_path / "imported.json").write_text(json.dumps(document))
    (collection,) = EvidenceStore(tmp_path).collections()
    assert collection.items == (inline,)
