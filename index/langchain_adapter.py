"""LangChain views of the index: the hybrid search as a ``BaseRetriever``, the model as ``Embeddings``.

So the project plugs into LangChain chains, and its embeddings into LangChain's own vector
stores (``langchain_community.vectorstores.FAISS.from_texts(texts, CchcEmbeddings(...))``).
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.embeddings import Embeddings
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from index.hybrid import HybridIndex, SearchFilters


class CchcRetriever(BaseRetriever):
    """Hybrid BM25 + dense retrieval over the CCHC corpus, returning LangChain documents."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    index: Any  # HybridIndex (kept loose so pydantic does not try to validate it)
    k: int = 8
    doc_ids: set[str] | None = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[LCDocument]:
        index: HybridIndex = self.index
        filters = SearchFilters(doc_ids=self.doc_ids) if self.doc_ids else None
        out = []
        for hit in index.search(query, self.k, filters):
            c = hit.chunk
            out.append(LCDocument(page_content=c.text, metadata={
                "doc_id": c.doc_id, "chunk_id": c.chunk_id, "section": c.section, "task_id": c.task_id,
                "page": c.page, "start": c.start, "end": c.end, "score": hit.score,
            }))
        return out


class CchcEmbeddings(Embeddings):
    """The project's embedder (e5 prompts included) behind LangChain's interface."""

    def __init__(self, embedder):
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.embed_passages(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed_query(text).tolist()
