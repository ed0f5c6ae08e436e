"""The index interface, one behavioural suite run on both backends: bm25s + FAISS in the process
and Milvus (the real engine, Milvus Lite in a temporary folder)."""

from __future__ import annotations

import dataclasses
import json

import pytest

from index.backend import IndexBackend, SearchFilters
from index.factory import InvalidIndexUriError, open_index, parse_index_uri
from index.segment import Segmenter
from index.store import IndexMismatchError, IndexStore
from ingest.pipeline import parse_file
from tests.conftest import CORPUS, OCR_DOC, PUBLIC_QUESTIONS, TABLE_DOC
from tests.index.test_index import FakeEmbedder

pytest.importorskip("pymilvus")
pytest.importorskip("milvus_lite")

BACKENDS = {"faiss": "", "milvus": "milvus://index.db"}
CHI_LANG = "004_09a2eaba18d10548"


@pytest.fixture(scope="module")
def docs():
    return [parse_file(p) for p in sorted(CORPUS.glob("*.txt"))]


def _open(data, docs, uri: str, embedder=None, **options) -> IndexBackend:
    store = IndexStore(data)
    seg = Segmenter()
    store.build(docs, seg, embedder)
    return open_index(parse_index_uri(uri, data), store, docs, seg, embedder, **options)


@pytest.fixture(scope="module", params=list(BACKENDS))
def index(request, tmp_path_factory, docs):
    built = _open(tmp_path_factory.mktemp(request.param), docs, BACKENDS[request.param], FakeEmbedder())
    yield built
    built.close()


@pytest.fixture(scope="module")
def pair(tmp_path_factory, docs):
    """Both backends over one data directory (same caches)."""
    data = tmp_path_factory.mktemp("pair")
    built = {name: _open(data, docs, uri, FakeEmbedder()) for name, uri in BACKENDS.items()}
    yield built
    for b in built.values():
        b.close()


def test_implements_the_interface_and_counts_every_chunk(index, docs):
    assert isinstance(index, IndexBackend)
    assert index.count() == len(index.chunks) == sum(len(d.chunks) for d in docs)
    assert set(index.docs) == {d.doc_id for d in docs}


def test_hybrid_search_finds_the_passage(index):
    hits = index.search("Báo cáo Quý I gửi trước ngày nào", k=3)
    assert "Báo cáo Quý I" in hits[0].chunk.text
    assert all(a.score >= b.score for a, b in zip(hits, hits[1:]))
    assert hits[0].sparse > 0


def test_unaccented_question_matches_the_folded_field(index):
    hits = index.sparse_search("sap xep tinh gon to chuc bo may", k=5)
    assert hits and all("tinh gọn" in h.chunk.text.lower() or "tinh gon" in h.chunk.text.lower() for h in hits[:1])


def test_codes_are_one_term(index):
    """``29/KH-UBND``-like codes are single BM25 terms on both engines (escaped for Milvus)."""
    hits = index.sparse_search("III.5", k=3)
    assert hits and any("III.5" in (h.chunk.task_id or h.chunk.section_label or "") or "5" in h.chunk.text for h in hits)
    ref = next(c for c in index.chunks if "/KH-UBND" in c.text)
    code = next(w for w in ref.text.split() if "/KH-UBND" in w).strip(".,;:()")
    top = index.sparse_search(code, k=20)
    assert any(code in h.chunk.text for h in top)


def test_filters_by_document_issuer_and_section(index):
    by_doc = index.search("cải cách thủ tục hành chính", k=20, filters=SearchFilters(doc_ids={TABLE_DOC}))
    assert by_doc and {h.chunk.doc_id for h in by_doc} == {TABLE_DOC}
    by_issuer = index.search("cải cách thủ tục hành chính", k=20, filters=SearchFilters(issuer="xa chi lang"))
    assert by_issuer and {h.chunk.doc_id for h in by_issuer} == {CHI_LANG}
    by_section = index.search("báo cáo", k=20, filters=SearchFilters(section="IV"))
    assert by_section and all(h.chunk.section_label.startswith("IV") for h in by_section)
    assert not index.search("báo cáo", k=5, filters=SearchFilters(doc_ids={"no-such-doc"}))


def test_sparse_and_dense_search_alone(index):
    sparse = index.sparse_search("tổ chức tuyển dụng công chức", k=5)
    assert sparse and all(h.dense == 0.0 and h.score == h.sparse for h in sparse)
    dense = index.dense_search("tổ chức tuyển dụng công chức", k=5, filters=SearchFilters(doc_ids={OCR_DOC}))
    assert len(dense) == 5 and {h.chunk.doc_id for h in dense} == {OCR_DOC}
    assert all(a.dense >= b.dense for a, b in zip(dense, dense[1:]))


@pytest.mark.parametrize("name", list(BACKENDS))
def test_put_replaces_and_delete_removes_a_document(tmp_path, docs, name):
    index = _open(tmp_path, docs[:3], BACKENDS[name], FakeEmbedder())
    try:
        doc = docs[1]
        marker = "Kiểm tra chỉ mục xyzzy thay thế"
        changed = dataclasses.replace(doc, chunks=[dataclasses.replace(doc.chunks[0], text=marker)] + doc.chunks[1:4])
        fields = dataclasses.replace(_fields(tmp_path / "other", changed), version="test-1")
        before = index.count()
        index.put_document(changed, fields)
        assert index.count() == before - len(doc.chunks) + 4
        assert index.sparse_search("xyzzy", k=3)[0].chunk.text == marker
        new = docs[4]
        index.put_document(new, _fields(tmp_path / "other", new))
        assert new.doc_id in index.docs and index.search("Trung tâm Dịch vụ công ích xã", k=1)[0].chunk.doc_id == new.doc_id
        assert index.delete_document(doc.doc_id) is True
        assert doc.doc_id not in index.docs and not index.sparse_search("xyzzy", k=3)
        assert index.delete_document(doc.doc_id) is False
        assert index.count() == sum(len(d.chunks) for d in (docs[0], docs[2], new))
    finally:
        index.close()


def _fields(data, doc):
    store, seg, embedder = IndexStore(data), Segmenter(), FakeEmbedder()
    store.build([doc], seg, embedder)
    return store.fields(doc, seg, embedder)


def _public_questions() -> list[str]:
    """The public set's questions; a clone without ``../shared`` skips the comparisons that use them."""
    if not PUBLIC_QUESTIONS.exists():
        pytest.skip("needs ../shared/eval/questions.jsonl")
    questions = [json.loads(line)["question"] for line in PUBLIC_QUESTIONS.read_text(encoding="utf-8").splitlines()
                 if line.strip()]
    if not questions:
        pytest.skip("no public question set")
    return questions


def test_backends_rank_alike(pair):
    """Same chunks in the same order, scores equal to float precision, for every public
    question, unfiltered and with each kind of filter."""
    questions = _public_questions()
    filters = [None, SearchFilters(doc_ids={TABLE_DOC}), SearchFilters(issuer="xa chi lang"), SearchFilters(section="III")]
    # each question unfiltered and with one kind of filter, in turn
    local, milvus = pair["faiss"], pair["milvus"]
    compared = 0
    for i, q in enumerate(questions):
        for f in (None, filters[1 + i % 3]):
            a, b = local.search(q, 10, f), milvus.search(q, 10, f)
            assert [h.chunk.chunk_id for h in a] == [h.chunk.chunk_id for h in b], (q, f)
            assert all(abs(x.score - y.score) < 1e-5 and abs(x.sparse - y.sparse) < 1e-4 * max(1.0, x.sparse)
                       for x, y in zip(a, b)), (q, f)
            compared += bool(a)
        a, b = local.sparse_search(q, 10), milvus.sparse_search(q, 10)
        assert [h.chunk.chunk_id for h in a] == [h.chunk.chunk_id for h in b], q
    assert compared >= len(questions)


def test_milvus_reopens_without_rewriting_and_refuses_another_model(tmp_path, docs):
    from index.milvus_backend import MilvusIndex

    store, seg, embedder = IndexStore(tmp_path), Segmenter(), FakeEmbedder("model-a")
    store.build(docs[:2], seg, embedder)
    target = parse_index_uri("milvus://index.db", tmp_path)
    first = open_index(target, store, docs[:2], seg, embedder)
    first.close()
    again = MilvusIndex.connect(target.uri, "cchc_chunks", [], seg, embedder)
    try:
        report = again.sync(docs[:2], lambda d: store.fields(d, seg, embedder))
        assert report.unchanged == 2 and not report.inserted and not report.deleted
        assert again.count() == sum(len(d.chunks) for d in docs[:2])
    finally:
        again.close()
    other = FakeEmbedder("model-b")
    store.build(docs[:2], seg, other)
    with pytest.raises(IndexMismatchError, match="model-a.*model-b|'model-a'"):
        open_index(target, store, docs[:2], seg, other)
    rebuilt = open_index(target, store, docs[:2], seg, other, rebuild=True)
    try:
        assert rebuilt.count() == sum(len(d.chunks) for d in docs[:2])
    finally:
        rebuilt.close()


def test_index_uri_forms(tmp_path):
    assert parse_index_uri("", tmp_path).kind == "local"
    assert parse_index_uri("milvus://index.db", tmp_path).uri == str(tmp_path / "index.db")
    assert parse_index_uri("milvus:///srv/cchc/index.db", tmp_path).uri == "/srv/cchc/index.db"
    assert parse_index_uri("http://milvus:19530", tmp_path).uri == "http://milvus:19530"
    for bad in ("milvus://index", "postgres://x", "index.db"):
        with pytest.raises(InvalidIndexUriError):
            parse_index_uri(bad, tmp_path)


def test_terms_and_filters_become_milvus_text():
    from index.milvus_backend import escape_term, filter_expression, terms_text

    assert escape_term("hành") == "hành" and escape_term("2026") == "2026"
    assert escape_term("29/kh-ubnd") == "29ǂ2fǂkhǂ2dǂubnd"
    assert escape_term("iii.5") != escape_term("iii,5") and escape_term("95%").isalnum()
    assert terms_text([]) == escape_term("∅") and terms_text(["a", "b"]) == "a b"
    expr = filter_expression(SearchFilters(doc_ids={"b", "a"}, issuer="Sở 100%_x", section="III"))
    assert expr == ('doc_id in ["a", "b"] and issuer like "%so 100\\%\\_x%" and '
                    '(section like "iii%" or section_label like "iii%")')
    assert filter_expression(SearchFilters()) == ""


def test_assistant_answers_alike_on_milvus(assistant, tmp_path):
    """The public set through the whole assistant (BM25 only): the same answers, word for word,
    on Milvus Lite as on the default index."""
    from assistant.core import Assistant
    from assistant.settings import Settings

    questions = _public_questions()
    on_milvus = Assistant(Settings(data_dir=tmp_path, embedding_model="none", corpus_dir=CORPUS,
                                   index_uri="milvus://index.db"))
    try:
        assert type(on_milvus.state.index).__name__ == "MilvusIndex"
        for q in questions:
            a, b = assistant.ask(q), on_milvus.ask(q)
            assert (a.answer, a.abstained, [c.model_dump() for c in a.citations]) == \
                   (b.answer, b.abstained, [c.model_dump() for c in b.citations]), q
    finally:
        on_milvus.close()


def test_langchain_retriever_takes_either_backend(index):
    from index.langchain_adapter import CchcRetriever

    docs = CchcRetriever(index=index, k=2).invoke("Báo cáo Quý I gửi trước ngày nào", doc_ids=["000_72f1ce626ddca84b"])
    assert len(docs) == 2 and docs[0].metadata["doc_id"] == "000_72f1ce626ddca84b"


def test_milvus_lite_collection_reopens_in_a_new_process(tmp_path, docs):
    """The next process (the next ``cchc ask``) finds both collections released and loads them.
    Milvus Lite locks its file for the process that opened it, so both steps run in children."""
    import subprocess
    import sys

    from tests.conftest import REPO

    store, seg = IndexStore(tmp_path), Segmenter()
    store.build(docs[:2], seg, None)
    build = ("from pathlib import Path; from index.factory import open_index, parse_index_uri; "
             "from index.segment import Segmenter; from index.store import IndexStore; "
             "from ingest.pipeline import parse_file; from tests.conftest import CORPUS; "
             "docs = [parse_file(p) for p in sorted(CORPUS.glob('*.txt'))][:2]; seg = Segmenter(); "
             f"data = Path({str(tmp_path)!r}); "
             "open_index(parse_index_uri('milvus://index.db', data), IndexStore(data), docs, seg, None).close()")
    reopen = ("import json; from index.milvus_backend import MilvusIndex; from index.segment import Segmenter; "
              f"m = MilvusIndex.connect({str(tmp_path / 'index.db')!r}, 'cchc_chunks', [], Segmenter()); "
              "print(json.dumps([sorted(m.indexed_versions()), m.count(), len(m.sparse_search('báo cáo', 3))]))")
    for script in (build, reopen):
        out = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=300)
        assert out.returncode == 0, out.stderr[-2000:]
    versions, count, hits = json.loads(out.stdout.strip().splitlines()[-1])
    assert versions == sorted(d.doc_id for d in docs[:2])
    assert count == sum(len(d.chunks) for d in docs[:2]) and hits == 0  # no local documents: hits are not resolved
