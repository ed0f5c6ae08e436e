"""assistant.library: the loaded plans kept current, on a tiny corpus without an embedding model."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

from assistant.library import Library
from assistant.settings import Settings
from index.segment import Segmenter

PLAN = Path(__file__).parent / "data" / "crawled_plan_45.md"


def _library(tmp_path: Path) -> Library:
    shipped = tmp_path / "shipped"
    shipped.mkdir(exist_ok=True)
    shutil.copy(PLAN, shipped / PLAN.name)
    settings = Settings(data_dir=tmp_path / "data", embedding_model="none", corpus_dir=shipped)
    return Library(settings, Segmenter(), None)


def test_bootstrap_ingests_indexes_and_a_second_load_reuses_the_index(tmp_path: Path) -> None:
    library = _library(tmp_path)
    assert not library.ready
    library.bootstrap()
    assert library.ready and [d.doc_id for d in library.loaded.docs] == [PLAN.stem]
    assert library.manifest()["documents"] == {PLAN.stem: library.loaded.docs[0].source_hash}
    assert not library._stale(library.loaded.docs)
    built_at = library.manifest()["built_at"]
    again = _library(tmp_path)
    again.bootstrap()  # nothing changed: the index is opened, not rebuilt
    assert again.manifest()["built_at"] == built_at and again.find(PLAN.stem) is not None


def test_the_index_is_stale_when_the_documents_or_the_parser_change(tmp_path: Path, monkeypatch) -> None:
    library = _library(tmp_path)
    library.bootstrap()
    docs = library.loaded.docs
    assert library._stale([])  # a document removed
    import assistant.library as module

    monkeypatch.setattr(module, "PARSER_VERSION", -1)
    assert library._stale(docs)


def test_a_reload_swaps_the_state_in_whole(tmp_path: Path) -> None:
    library = _library(tmp_path)
    library.bootstrap()
    before = library.loaded
    seen = []
    reader = threading.Thread(target=lambda: seen.extend(library.loaded for _ in range(200)))
    reader.start()
    library.reload()
    reader.join()
    assert library.loaded is not before
    assert all(s is before or s is library.loaded for s in seen)  # never a half-built state


def test_add_then_remove_a_document(tmp_path: Path) -> None:
    library = _library(tmp_path)
    library.bootstrap()
    other = tmp_path / "ke_hoach_moi.md"
    other.write_text("# KẾ HOẠCH\nCải cách hành chính năm 2027 của xã Mới.\n\n1. Rà soát thủ tục hành chính.\n",
                     encoding="utf-8")
    status, doc = library.add(other)
    assert status == "added" and doc.doc_id == "ke_hoach_moi" and library.find("ke_hoach_moi") is not None
    assert library.add(other)[0] == "unchanged"
    assert library.remove("ke_hoach_moi") and library.find("ke_hoach_moi") is None
    assert not library.remove("ke_hoach_moi")
