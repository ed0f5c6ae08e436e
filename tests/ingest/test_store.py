"""The corpus store: skip unchanged files, replace changed ones, drop removed ones, survive crashes."""

from __future__ import annotations

import json
import shutil

import pytest

from ingest import store as store_module
from ingest.store import CorpusStore, ingest_paths
from tests.conftest import CORPUS, TABLE_DOC


@pytest.fixture()
def folder(tmp_path):
    src = tmp_path / "plans"
    src.mkdir()
    for name in (f"{TABLE_DOC}.txt", "004_09a2eaba18d10548.txt"):
        shutil.copy(CORPUS / name, src / name)
    return src


def test_ingest_then_reingest_skips_unchanged(tmp_path, folder):
    store = CorpusStore(tmp_path / "data")
    first = ingest_paths([folder], store)
    assert sorted(first.added) == [TABLE_DOC, "004_09a2eaba18d10548"] and first.tasks == 33
    second = ingest_paths([folder], store)
    assert sorted(second.unchanged) == sorted(first.added) and not second.changed
    doc = store.load(TABLE_DOC)
    assert len(doc.tasks) == 33 and doc.chunks[0].text == doc.text[doc.chunks[0].start:doc.chunks[0].end]


def test_changed_file_replaces_and_removed_file_is_pruned(tmp_path, folder):
    store = CorpusStore(tmp_path / "data")
    ingest_paths([folder], store)
    path = folder / "004_09a2eaba18d10548.txt"
    path.write_text(path.read_text(encoding="utf-8") + "\n- Dòng mới thêm vào kế hoạch.\n", encoding="utf-8")
    (folder / f"{TABLE_DOC}.txt").unlink()
    report = ingest_paths([folder], store, prune=True)
    assert report.replaced == ["004_09a2eaba18d10548"] and report.removed == [TABLE_DOC]
    assert store.doc_ids() == ["004_09a2eaba18d10548"]
    assert "Dòng mới thêm" in store.load("004_09a2eaba18d10548").text
    assert len(list((tmp_path / "data" / "corpus").glob("*.json"))) == 2  # manifest + one document


def test_one_bad_file_does_not_stop_the_others(tmp_path, folder):
    (folder / "empty.txt").write_bytes(b"")
    (folder / "scan.docx").write_bytes(b"junk")
    store = CorpusStore(tmp_path / "data")
    report = ingest_paths([folder], store)
    assert len(report.added) == 2
    assert sorted(p.rsplit("/", 1)[-1] for p, _ in report.failures) == ["empty.txt", "scan.docx"]


def test_crash_while_writing_keeps_the_previous_state_readable(tmp_path, folder, monkeypatch):
    store = CorpusStore(tmp_path / "data")
    ingest_paths([folder], store)
    before = store.manifest()
    path = folder / "004_09a2eaba18d10548.txt"
    path.write_text(path.read_text(encoding="utf-8") + "\n- Thay đổi.\n", encoding="utf-8")
    real = store_module.atomic_write_text

    def crash_on_manifest(target, text):
        if target.name == "manifest.json":
            raise KeyboardInterrupt("power cut")
        real(target, text)

    monkeypatch.setattr(store_module, "atomic_write_text", crash_on_manifest)
    with pytest.raises(KeyboardInterrupt):
        ingest_paths([folder], store)
    monkeypatch.undo()
    assert store.manifest() == before
    assert "Thay đổi" not in store.load("004_09a2eaba18d10548").text
    assert all(not p.name.startswith(".") for p in (tmp_path / "data" / "corpus").iterdir())
    assert len(store.load_all()) == 2


def test_atomic_write_leaves_no_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "x.json"
    target.write_text(json.dumps({"ok": 1}))

    class Boom(Exception):
        pass

    def broken_fsync(fd):
        raise Boom()

    monkeypatch.setattr(store_module.os, "fsync", broken_fsync)
    with pytest.raises(Boom):
        store_module.atomic_write_text(target, "partial")
    assert json.loads(target.read_text()) == {"ok": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["x.json"]
