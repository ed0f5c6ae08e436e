"""The index interface the assistant searches through, whatever engine holds the chunks.

Two implementations: :class:`index.hybrid.HybridIndex` (bm25s + FAISS inside the process, the
default) and :class:`index.milvus_backend.MilvusIndex` (Milvus Lite in a file, or a Milvus server
or cluster), chosen by ``CCHC_INDEX_URI`` (see :mod:`index.factory`). Both rank by the same rule
(:mod:`index.fusion`) and return the same :class:`ScoredChunk` objects, whose chunks are the
parsed documents' own :class:`~ingest.model.Chunk` objects.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from ingest.model import Chunk, Document
from ingest.text import fold
from ingest.errors import CchcError


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

    @property
    def empty(self) -> bool:
        return not (self.doc_ids or self.issuer or self.section)

    def keeps(self, chunk: Chunk, docs: Mapping[str, Document]) -> bool:
        """Whether one chunk passes (the rule :meth:`mask` applies to every chunk)."""
        return self._keeps(chunk, docs, *self._folded())

    def mask(self, chunks: Sequence[Chunk], docs: Mapping[str, Document]) -> np.ndarray | None:
        if self.empty:
            return None
        issuer, section = self._folded()
        return np.fromiter((self._keeps(c, docs, issuer, section) for c in chunks), dtype=bool, count=len(chunks))

    def _folded(self) -> tuple[str | None, str | None]:
        return (fold(self.issuer) if self.issuer else None), (fold(self.section) if self.section else None)

    def _keeps(self, chunk: Chunk, docs: Mapping[str, Document], issuer: str | None, section: str | None) -> bool:
        if self.doc_ids and chunk.doc_id not in self.doc_ids:
            return False
        if issuer and issuer not in fold(docs[chunk.doc_id].metadata.issuer):
            return False
        return not section or fold(chunk.section).startswith(section) or fold(chunk.section_label).startswith(section)


@dataclass(frozen=True)
class DocumentFields:
    """What an index stores for one document, in chunk order: both BM25 token fields and the
    vectors (None for BM25-only indexes). ``version`` names the content hash, parser and token
    scheme they were made with, so an index can tell a stale copy from a current one."""

    accented: list[list[str]]
    folded: list[list[str]]
    vectors: np.ndarray | None
    version: str


class IndexUpdateError(CchcError, RuntimeError):
    """A document could not be added to, replaced in or deleted from the index."""


@runtime_checkable
class IndexBackend(Protocol):
    """Search and update one corpus's chunks.

    ``docs`` and ``chunks`` are the documents currently indexed (the assistant reads task rows,
    metadata chunks and citations from them); scores follow :mod:`index.fusion`: ``search`` is
    the hybrid ranking, ``sparse_search`` raw BM25 (folded field plus, for a question typed with
    diacritics, the accented field) and ``dense_search`` raw cosine.
    """

    dense_weight: float

    @property
    def docs(self) -> Mapping[str, Document]: ...

    @property
    def chunks(self) -> Sequence[Chunk]: ...

    def search(self, query: str, k: int = 10, filters: SearchFilters | None = None,
               use_dense: bool = True, *, dense_query: str | None = None) -> list[ScoredChunk]:
        """Fused BM25 + dense search; ``dense_query``, when given, is embedded as written in
        place of ``query`` (an English question while BM25 reads its Vietnamese rendering)."""

    def sparse_search(self, query: str, k: int = 10, filters: SearchFilters | None = None) -> list[ScoredChunk]: ...

    def dense_search(self, query: str, k: int = 10, filters: SearchFilters | None = None) -> list[ScoredChunk]: ...

    def put_document(self, doc: Document, fields: DocumentFields) -> None:
        """Add a document's chunks, or replace the ones indexed under its ``doc_id``."""

    def delete_document(self, doc_id: str) -> bool:
        """Remove a document's chunks; False when it was not indexed."""

    def count(self) -> int:
        """Chunks indexed."""

    def close(self) -> None: ...
