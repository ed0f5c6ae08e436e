"""What a question becomes before any engine sees it: BM25 terms and the query vector.

Shared by every backend, so that they search with exactly the same terms and vector.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from index.embedder import EmbeddingModelError
from index.segment import Segmenter
from ingest.text import has_diacritics

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class QueryTerms:
    """Folded terms always; accented terms only for a question typed with diacritics (an
    unaccented question would otherwise miss every accented token)."""

    accented: list[str] | None
    folded: list[str]


def query_terms(segmenter: Segmenter, query: str) -> QueryTerms:
    tokens = segmenter.tokens(query, drop_stopwords=True)
    return QueryTerms(tokens.accented if has_diacritics(query) else None, tokens.folded)


def query_vector(embedder, query: str, restore=None) -> np.ndarray | None:
    """The question's embedding, or None when the model failed to load (BM25 answers alone).
    An unaccented question is restored first: the dense model understands accented Vietnamese."""
    if embedder is None:
        return None
    text = restore(query) if restore is not None and not has_diacritics(query) else query
    try:
        return embedder.embed_query(text)
    except EmbeddingModelError as exc:
        logger.warning("%s; searching with BM25 only", exc)
        return None
