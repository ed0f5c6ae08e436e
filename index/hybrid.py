"""Hybrid search: folded/accented BM25 fused with dense cosine, with document and section filters.

Fusion is a weighted sum of max-normalised BM25 and the dense cosine rescaled over the
candidates; the dense weight is a setting measured on the question set (see README).
"""

from __future__ import annotations

from dataclasses import dataclass

import logging

import numpy as np

from index.dense import DenseIndex
from index.embedder import Embedder, EmbeddingModelError
from index.segment import Segmenter
from index.sparse import SparseIndex
from ingest.model import Chunk, Document
from ingest.text import fold, has_diacritics


logger = logging.getLogger(__name__)


@dataclass
class ScoredChunk:
    chunk: Chunk
    score: float
    sparse: float
    dense: float


@dataclass
class SearchFilters:
    doc_ids: set[str] | None = None
    issuer: str | None = None  # folded substring of the issuing body
    section: str | None = None  # folded prefix of the section path or label

    def mask(self, chunks: list[Chunk], docs: dict[str, Document]) -> np.ndarray | None:
        if not (self.doc_ids or self.issuer or self.section):
            return None
        issuer = fold(self.issuer) if self.issuer else None
        section = fold(self.section) if self.section else None
        keep = np.ones(len(chunks), dtype=bool)
        for i, chunk in enumerate(chunks):
            if self.doc_ids and chunk.doc_id not in self.doc_ids:
                keep[i] = False
            elif issuer and issuer not in fold(docs[chunk.doc_id].metadata.issuer):
                keep[i] = False
            elif section and not (fold(chunk.section).startswith(section) or fold(chunk.section_label).startswith(section)):
                keep[i] = False
        return keep


class HybridIndex:
    """The searchable corpus: chunks, their BM25 fields and (optionally) their embeddings."""

    def __init__(self, docs: list[Document], chunks: list[Chunk], sparse: SparseIndex, segmenter: Segmenter,
                 dense: DenseIndex | None = None, embedder: Embedder | None = None, dense_weight: float = 0.3,
                 restore=None):
        self.docs = {d.doc_id: d for d in docs}
        self.chunks = chunks
        self.sparse = sparse
        self.dense = dense
        self.embedder = embedder
        self.segmenter = segmenter
        self.dense_weight = dense_weight
        self._restore = restore
        self._chunk_doc = np.array([c.doc_id for c in chunks], dtype=object)

    def sparse_scores(self, query: str) -> np.ndarray:
        tokens = self.segmenter.tokens(query, drop_stopwords=True)
        accented = tokens.accented if has_diacritics(query) else None
        return self.sparse.scores(accented, tokens.folded)

    def dense_scores(self, query: str, candidates: int = 200, *, restore: bool = True) -> dict[int, float]:
        """Cosine of the ``candidates`` nearest chunks. An unaccented query is given its diacritics
        first (the model understands accented Vietnamese); ``restore=False`` embeds the text as it
        is (an English question: restoring would turn its words into Vietnamese syllables)."""
        if self.dense is None or self.embedder is None or not self.dense.size:
            return {}
        text = query
        if restore and not has_diacritics(query) and self._restore is not None:
            text = self._restore(query)
        try:
            query_vector = self.embedder.embed_query(text)
        except EmbeddingModelError as exc:  # the model failed to load: answer from BM25 alone
            logger.warning("%s; searching with BM25 only", exc)
            return {}
        ids, scores = self.dense.search(query_vector, candidates)
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
        fused = _normalise(sparse)
        if dense:
            values = np.array(list(dense.values()), dtype=np.float32)
            low, high = float(values.min()), float(values.max())
            span = (high - low) or 1.0
            for i, s in dense.items():
                fused[i] += self.dense_weight * (s - low) / span
        if filters and filters.doc_ids and not (filters.issuer or filters.section):
            mask = np.isin(self._chunk_doc, list(filters.doc_ids))  # the common case, vectorised
        else:
            mask = filters.mask(self.chunks, self.docs) if filters else None
        if mask is not None:
            fused = np.where(mask, fused, -1.0)
        order = _top_k(fused, k)
        return [ScoredChunk(self.chunks[i], float(fused[i]), float(sparse[i]), dense.get(int(i), 0.0))
                for i in order if fused[i] > 0]


def _top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k best scores, best first (ties by position): a partition, not a full sort."""
    if k >= scores.size:
        return np.lexsort((np.arange(scores.size), -scores))
    part = np.argpartition(-scores, k - 1)[:k]
    return part[np.lexsort((part, -scores[part]))]


def _normalise(scores: np.ndarray) -> np.ndarray:
    top = float(scores.max()) if scores.size else 0.0
    return scores / top if top > 0 else scores.copy()
