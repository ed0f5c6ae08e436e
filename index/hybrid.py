"""The default index: folded/accented BM25 (bm25s) fused with dense cosine (FAISS), in the process.

Fusion is :mod:`index.fusion`'s rule: max-normalised BM25 plus the dense cosine rescaled over
the candidates, with a dense weight measured on the question set (see README). Documents,
issuers and sections filter the fused scores.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np

from index.backend import DocumentFields, IndexUpdateError, ScoredChunk, SearchFilters
from index.dense import DEFAULT_HNSW_THRESHOLD, DenseIndex
from index.embedder import Embedder
from index.fusion import add_dense, normalise_sparse, top_k
from index.query import query_terms, query_vector
from index.segment import Segmenter
from index.sparse import SparseIndex
from ingest.model import Chunk, Document

__all__ = ["HybridIndex", "ScoredChunk", "SearchFilters"]

logger = logging.getLogger(__name__)


class HybridIndex:
    """The searchable corpus: chunks, their BM25 fields and (optionally) their embeddings.

    ``fields_of`` reads a document's stored fields (the caches :class:`index.store.IndexStore`
    writes); :meth:`put_document` and :meth:`delete_document` need it, since bm25s cannot add
    to or remove from a built index: both rebuild the in-memory structures from the caches, as
    loading does. They are not safe beside concurrent searches; the assistant swaps whole
    indexes instead.
    """

    def __init__(self, docs: list[Document], chunks: list[Chunk], sparse: SparseIndex, segmenter: Segmenter,
                 dense: DenseIndex | None = None, embedder: Embedder | None = None, dense_weight: float = 0.3,
                 restore=None, *, fields_of: Callable[[Document], DocumentFields] | None = None,
                 hnsw_threshold: int = DEFAULT_HNSW_THRESHOLD):
        self.docs = {d.doc_id: d for d in docs}
        self.chunks = chunks
        self.sparse = sparse
        self.dense = dense
        self.embedder = embedder
        self.segmenter = segmenter
        self.dense_weight = dense_weight
        self._restore = restore
        self._fields_of = fields_of
        self._hnsw_threshold = hnsw_threshold
        self._put: dict[str, DocumentFields] = {}  # fields given to put_document, kept over later rebuilds
        self._chunk_doc = np.array([c.doc_id for c in chunks], dtype=object)

    @classmethod
    def from_fields(cls, docs: list[Document], fields: list[DocumentFields], segmenter: Segmenter,
                    embedder: Embedder | None = None, *, dim: int | None = None, **options) -> "HybridIndex":
        """Assemble BM25 and FAISS over ``docs`` and their stored fields (same order)."""
        chunks: list[Chunk] = [c for d in docs for c in d.chunks]
        accented = [t for f in fields for t in f.accented]
        folded = [t for f in fields for t in f.folded]
        sparse = SparseIndex(accented, folded)
        dense = None
        if embedder is not None:
            vectors = [f.vectors for f in fields if f.vectors is not None]
            matrix = np.concatenate(vectors) if vectors else np.zeros((0, dim or embedder.dim), dtype=np.float32)
            dense = DenseIndex(matrix, hnsw_threshold=options.get("hnsw_threshold", DEFAULT_HNSW_THRESHOLD))
        return cls(docs, chunks, sparse, segmenter, dense, embedder, **options)

    # -- search --------------------------------------------------------------
    def sparse_scores(self, query: str) -> np.ndarray:
        terms = query_terms(self.segmenter, query)
        return self.sparse.scores(terms.accented, terms.folded)

    def dense_scores(self, query: str, candidates: int = 200, *, restore: bool = True) -> dict[int, float]:
        """Cosine of the ``candidates`` nearest chunks. An unaccented query is given its diacritics
        first (the model understands accented Vietnamese); ``restore=False`` embeds the text as it
        is (an English question: restoring would turn its words into Vietnamese syllables)."""
        if self.dense is None or self.embedder is None or not self.dense.size:
            return {}
        vector = query_vector(self.embedder, query, self._restore if restore else None)
        if vector is None:
            return {}
        ids, scores = self.dense.search(vector, candidates)
        return {int(i): float(s) for i, s in zip(ids, scores)}

    def search(self, query: str, k: int = 10, filters: SearchFilters | None = None,
               use_dense: bool = True, *, dense_query: str | None = None) -> list[ScoredChunk]:
        """The ``k`` best chunks for ``query``. ``dense_query`` is what the dense stage embeds
        instead of ``query``, as written (an English question, while BM25 reads ``query``: the
        question with its glossary terms in Vietnamese)."""
        if not self.chunks:
            return []
        sparse = self.sparse_scores(query)
        dense: dict[int, float] = {}
        if use_dense and self.dense_weight > 0:
            dense = self.dense_scores(query) if dense_query is None else self.dense_scores(dense_query, restore=False)
        fused = normalise_sparse(sparse)
        add_dense(fused, dense, self.dense_weight)
        mask = self._mask(filters)
        if mask is not None:
            fused = np.where(mask, fused, -1.0)
        order = top_k(fused, k)
        return [ScoredChunk(self.chunks[i], float(fused[i]), float(sparse[i]), dense.get(int(i), 0.0))
                for i in order if fused[i] > 0]

    def sparse_search(self, query: str, k: int = 10, filters: SearchFilters | None = None) -> list[ScoredChunk]:
        if not self.chunks:
            return []
        sparse = self.sparse_scores(query)
        mask = self._mask(filters)
        scores = np.where(mask, sparse, -1.0) if mask is not None else sparse
        return [ScoredChunk(self.chunks[i], float(sparse[i]), float(sparse[i]), 0.0)
                for i in top_k(scores, k) if scores[i] > 0]

    def dense_search(self, query: str, k: int = 10, filters: SearchFilters | None = None) -> list[ScoredChunk]:
        """The ``k`` nearest chunks that pass the filters (searched among the chunks that pass)."""
        if self.dense is None or not self.dense.size:
            return []
        vector = query_vector(self.embedder, query, self._restore)
        if vector is None:
            return []
        mask = self._mask(filters)
        allowed = None if mask is None else np.flatnonzero(mask)
        ids, scores = self.dense.search(vector, k, allowed)
        return [ScoredChunk(self.chunks[i], float(s), 0.0, float(s)) for i, s in zip(ids, scores)]

    def _mask(self, filters: SearchFilters | None) -> np.ndarray | None:
        if filters and filters.doc_ids and not (filters.issuer or filters.section):
            return np.isin(self._chunk_doc, list(filters.doc_ids))  # the common case, vectorised
        return filters.mask(self.chunks, self.docs) if filters else None

    # -- updates -------------------------------------------------------------
    def put_document(self, doc: Document, fields: DocumentFields) -> None:
        docs = list(self.docs.values())
        at = next((i for i, d in enumerate(docs) if d.doc_id == doc.doc_id), None)
        if at is None:
            docs.append(doc)
        else:
            docs[at] = doc  # a replaced document keeps its place, so ties still break the same way
        self._rebuild(docs, {**self._put, doc.doc_id: fields})

    def delete_document(self, doc_id: str) -> bool:
        if doc_id not in self.docs:
            return False
        self._rebuild([d for d in self.docs.values() if d.doc_id != doc_id],
                      {k: v for k, v in self._put.items() if k != doc_id})
        return True

    def _rebuild(self, docs: list[Document], given: dict[str, DocumentFields]) -> None:
        if self._fields_of is None:
            raise IndexUpdateError("this HybridIndex cannot read stored fields; load it with IndexStore.load")
        fields = [given.get(d.doc_id) or self._fields_of(d) for d in docs]
        fresh = HybridIndex.from_fields(
            docs, fields, self.segmenter, self.embedder, dim=self.dense.dim if self.dense is not None else None,
            dense_weight=self.dense_weight, restore=self._restore, fields_of=self._fields_of,
            hnsw_threshold=self._hnsw_threshold)
        fresh._put = given
        self.__dict__.update(fresh.__dict__)

    def count(self) -> int:
        return len(self.chunks)

    def close(self) -> None:
        """Nothing to release: the index lives in this process's memory."""
