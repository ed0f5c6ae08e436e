"""Segmentation, BM25 and FAISS round trips, incremental builds, model-mismatch refusal, fusion, filters."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from index.dense import DenseIndex
from index.hybrid import SearchFilters
from index.segment import Segmenter
from index.sparse import SparseIndex
from index.store import IndexMismatchError, IndexStore, dense_text
from ingest.pipeline import parse_file
from tests.conftest import CORPUS, OCR_DOC, TABLE_DOC


class FakeEmbedder:
    """Deterministic bag-of-syllables vectors: enough to exercise the dense path without a model."""

    def __init__(self, name: str = "fake", dim: int = 64):
        self.name, self.dim, self.path = name, dim, Path("/nonexistent") / name
        self.fingerprint = hashlib.sha256(name.encode()).hexdigest()[:16]
        self.calls = 0
        self.texts: list[str] = []  # every text embedded, in order

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for word in text.lower().split():
            v[int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dim] += 1.0
        n = np.linalg.norm(v)
        return v / n if n else v

    def embed_passages(self, texts):
        self.calls += len(texts)
        self.texts += list(texts)
        return np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def embed_query(self, text):
        return self._vec(text)


@pytest.fixture(scope="module")
def docs():
    return [parse_file(p) for p in sorted(CORPUS.glob("*.txt"))]


def test_segmentation_joins_compounds_and_keeps_codes():
    words = Segmenter(mode="both").words("Cải cách hành chính theo Kế hoạch số 29/KH-UBND, nhiệm vụ III.5 đạt 95%")
    assert "cải_cách" in words and "hành_chính" in words and "cải" in words
    assert "29/kh-ubnd" in words and "iii.5" in words and "95%" in words
    folded = Segmenter(mode="both").tokens("Cải cách hành chính").folded
    assert "cai_cach" in folded and "hanh_chinh" in folded
    plain = Segmenter().words("Cải cách hành chính theo Kế hoạch số 29/KH-UBND")  # the default: syllables
    assert "cải_cách" not in plain and "cải" in plain and "29/kh-ubnd" in plain


def test_unaccented_question_matches_folded_field():
    seg = Segmenter()
    texts = ["Sắp xếp, tinh gọn tổ chức bộ máy của cơ quan", "Báo cáo Quý I gửi trước ngày 01/3"]
    tokens = [seg.tokens(t) for t in texts]
    index = SparseIndex([t.accented for t in tokens], [t.folded for t in tokens])
    q = seg.tokens("sap xep tinh gon to chuc bo may")
    scores = index.scores(None, q.folded)
    assert scores[0] > 0 and scores[1] == 0


def test_dense_flat_and_hnsw_agree_on_the_nearest():
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(300, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    flat, hnsw = DenseIndex(vectors), DenseIndex(vectors, hnsw_threshold=100)
    assert (flat.kind, hnsw.kind) == ("flat", "hnsw")
    ids_flat, _ = flat.search(vectors[7], 3)
    ids_hnsw, _ = hnsw.search(vectors[7], 3)
    assert ids_flat[0] == ids_hnsw[0] == 7


def test_build_load_round_trip_and_incremental_update(tmp_path, docs):
    store = IndexStore(tmp_path)
    seg = Segmenter()
    embedder = FakeEmbedder()
    first = store.build(docs[:3], seg, embedder)
    assert sorted(first.segmented) == sorted(d.doc_id for d in docs[:3])
    assert len(embedder.texts) == len(set(embedder.texts))  # each distinct unit once
    first_units = set(embedder.texts)
    calls = embedder.calls
    second = store.build(docs, seg, embedder)  # two more documents
    assert sorted(second.embedded) == sorted(d.doc_id for d in docs[3:])
    # only the new documents' units were embedded, each once, and none already embedded before
    new_units = {dense_text(d, c, None) for d in docs[3:] for c in d.chunks}
    assert set(embedder.texts[calls:]) == new_units - first_units
    assert embedder.calls - calls == len(new_units - first_units) <= sum(len(d.chunks) for d in docs[3:])
    index = store.load(docs, seg, embedder)
    assert len(index.chunks) == sum(len(d.chunks) for d in docs)
    hits = index.search("Báo cáo Quý I gửi trước ngày nào", k=3)
    assert "Báo cáo Quý I" in hits[0].chunk.text
    third = store.build(docs[1:], seg, embedder)  # a document removed: its caches go
    assert third.removed and not third.embedded


def test_repeated_units_share_one_vector_within_and_across_documents(tmp_path, docs):
    """A text repeated inside a document or across documents is embedded once and every chunk
    holding it gets that vector; a later document reuses the vector cached for an earlier one."""
    import dataclasses

    repeat = dataclasses.replace(docs[0].chunks[1], chunk_id=f"{docs[0].doc_id}:again")  # a line written twice
    base = dataclasses.replace(docs[0], chunks=docs[0].chunks + [repeat])
    twin = dataclasses.replace(base, doc_id="twin_of_000", chunks=[dataclasses.replace(c, doc_id="twin_of_000")
                                                                   for c in base.chunks])
    store, seg, embedder = IndexStore(tmp_path), Segmenter(), FakeEmbedder()
    store.build([base], seg, embedder)
    units = [dense_text(base, c, None) for c in base.chunks]
    assert embedder.calls == len(set(units)) == len(units) - 1
    report = store.build([base, twin], seg, embedder)
    assert report.embedded == ["twin_of_000"] and embedder.calls == len(set(units))  # nothing new to embed
    index = store.load([base, twin], seg, embedder)
    half = len(base.chunks)
    matrix = np.stack([index.dense.index.reconstruct(i) for i in range(2 * half)])
    np.testing.assert_array_equal(matrix[:half], matrix[half:])
    for i, chunk in enumerate(base.chunks):  # every chunk, headings included, has its own unit's vector
        np.testing.assert_allclose(matrix[i], embedder._vec(dense_text(base, chunk, None)), atol=1e-6)
    assert any(c.kind == "heading" for c in base.chunks)


def test_a_different_model_is_refused(tmp_path, docs):
    store = IndexStore(tmp_path)
    store.build(docs[:2], Segmenter(), FakeEmbedder("model-a"))
    with pytest.raises(IndexMismatchError, match="model-a"):
        store.load(docs[:2], Segmenter(), FakeEmbedder("model-b"))


def test_sparse_only_index_loads_without_a_model(tmp_path, docs):
    store = IndexStore(tmp_path)
    store.build(docs, Segmenter(), None)
    index = store.load(docs, Segmenter(), None)
    assert index.dense is None
    assert index.search("Trung tâm Dịch vụ công ích xã", k=1)[0].chunk.doc_id == "004_09a2eaba18d10548"


@pytest.fixture(scope="module")
def hybrid(tmp_path_factory, docs):
    store = IndexStore(tmp_path_factory.mktemp("idx"))
    embedder = FakeEmbedder()
    store.build(docs, Segmenter(), embedder)
    return store.load(docs, Segmenter(), embedder, dense_weight=0.3)


def test_fusion_ranks_documents_matched_by_both_stages_first(hybrid):
    both = hybrid.search("tổ chức tuyển dụng công chức", k=5)
    sparse_only = hybrid.search("tổ chức tuyển dụng công chức", k=5, use_dense=False)
    assert both[0].chunk.chunk_id == sparse_only[0].chunk.chunk_id
    assert all(a.score >= b.score for a, b in zip(both, both[1:]))
    assert both[0].dense > 0


def test_filters_by_document_issuer_and_section(hybrid):
    by_doc = hybrid.search("cải cách thủ tục hành chính", k=20, filters=SearchFilters(doc_ids={TABLE_DOC}))
    assert by_doc and {h.chunk.doc_id for h in by_doc} == {TABLE_DOC}
    by_issuer = hybrid.search("cải cách thủ tục hành chính", k=20, filters=SearchFilters(issuer="xa chi lang"))
    assert by_issuer and {h.chunk.doc_id for h in by_issuer} == {"004_09a2eaba18d10548"}
    by_section = hybrid.search("báo cáo", k=20, filters=SearchFilters(section="IV"))
    assert by_section and all(h.chunk.section_label.startswith("IV") for h in by_section)


def test_ocr_document_found_by_a_correctly_accented_question(hybrid):
    hits = hybrid.search("kinh phí thực hiện từ nguồn ngân sách nhà nước Sở Ngoại vụ", k=5,
                         filters=SearchFilters(doc_ids={OCR_DOC}))
    assert any("ngan sach nha nugc" in h.chunk.text for h in hits)


def test_langchain_retriever_and_embeddings(hybrid):
    from langchain_community.vectorstores import FAISS

    from index.langchain_adapter import CchcEmbeddings, CchcRetriever

    docs = CchcRetriever(index=hybrid, k=3).invoke("Báo cáo Quý I gửi trước ngày nào")
    assert len(docs) == 3 and "Báo cáo Quý I" in docs[0].page_content
    assert docs[0].metadata["doc_id"] == "000_72f1ce626ddca84b"
    store = FAISS.from_texts(["báo cáo quý", "tuyển dụng công chức"], CchcEmbeddings(FakeEmbedder()))
    assert store.similarity_search("tuyển dụng công chức", k=1)[0].page_content == "tuyển dụng công chức"


def test_a_model_that_fails_to_load_falls_back_to_bm25(hybrid, tmp_path):
    from index.embedder import Embedder, EmbeddingModelError

    with pytest.raises(EmbeddingModelError, match="not a sentence-transformers model folder"):
        Embedder(tmp_path)

    class Broken(FakeEmbedder):
        def embed_query(self, text):
            raise EmbeddingModelError("cannot load the embedding model in /x: truncated")

    original = hybrid.embedder
    hybrid.embedder = Broken()
    try:
        hits = hybrid.search("Báo cáo Quý I gửi trước ngày nào", k=3)
        assert hits and "Báo cáo Quý I" in hits[0].chunk.text and hits[0].dense == 0.0
    finally:
        hybrid.embedder = original


def test_caches_from_another_parse_of_the_same_file_are_rebuilt(tmp_path, docs):
    """Same file and parser version in the cache key, but a different chunking (a store parsed by
    an older parser and indexed after an upgrade): the caches are redone, not trusted."""
    import dataclasses

    store = IndexStore(tmp_path)
    seg, embedder = Segmenter(), FakeEmbedder()
    store.build(docs[:2], seg, embedder)
    reparsed = [dataclasses.replace(docs[0], chunks=docs[0].chunks[:-1]), docs[1]]
    report = store.build(reparsed, seg, embedder)
    assert report.segmented == [docs[0].doc_id] and report.embedded == [docs[0].doc_id]
    index = store.load(reparsed, seg, embedder)
    assert len(index.chunks) == len(docs[0].chunks) - 1 + len(docs[1].chunks)


def test_a_dense_query_is_embedded_as_written(hybrid):
    """An English question goes to the dense stage as it is; an unaccented Vietnamese one is
    given its diacritics first (restoring English would make Vietnamese syllables of it)."""
    seen: list[str] = []
    original_embed, original_restore = hybrid.embedder.embed_query, hybrid._restore
    hybrid.embedder.embed_query = lambda text: (seen.append(text), original_embed(text))[1]
    hybrid._restore = lambda text: "RESTORED " + text
    try:
        hybrid.search("bao cao quy", k=3)
        hybrid.search("bao cao quy", k=3, dense_query="Which quarterly report is due?")
    finally:
        hybrid.embedder.embed_query, hybrid._restore = original_embed, original_restore
    assert seen == ["RESTORED bao cao quy", "Which quarterly report is due?"]
