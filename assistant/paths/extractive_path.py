"""The last path: the sentence of the retrieved passages that best covers the question."""

from __future__ import annotations

from assistant.extractive import answer_extractive
from assistant.paths.base import Context, Outcome
from assistant.query import Query
from index.hybrid import ScoredChunk, SearchFilters
from ingest import diacritics
from ingest.model import Document
from ingest.text import fold


class Extractive:
    name = "extractive"

    def applies(self, query: Query) -> bool:
        return True

    def answer(self, query: Query, ctx: Context) -> Outcome:
        ctx.add_units(query)  # segmentation is only needed to judge extractive evidence
        top_k = ctx.settings.top_k
        filters = SearchFilters(doc_ids=ctx.hinted or None)
        # an English question: BM25 reads its glossary terms, the multilingual model the question itself
        dense_query = query.text if query.lang == "en" else None
        hits = ctx.index.search(query.search_text, top_k, filters, dense_query=dense_query)
        if ctx.hinted and not hits:
            hits = ctx.index.search(query.search_text, top_k, dense_query=dense_query)
        elif ctx.hinted:
            hits = _add_content_hits(query, hits, [ctx.index.docs[d] for d in ctx.hinted], filters, ctx)
        draft = answer_extractive(query, hits, ctx.index.docs, ctx.weights, ctx.extractive_threshold,
                                  ocr_fold=diacritics.ocr_fold, restore=diacritics.repair_ocr)
        return Outcome(draft, draft.reason)


def _add_content_hits(query: Query, hits: list, docs: list[Document], filters: SearchFilters, ctx: Context) -> list:
    """Inside the plan the question names, the words naming it (title, issuer, number) match its
    header and headings best and crowd out the passage asked about; a second, BM25-only search
    without them brings that passage in. Its hits join at the lowest retrieval score, so they win
    only on coverage of the question."""
    naming = {w for d in docs for w in fold(d.metadata.naming_text()).split()}
    words = query.search_text.split()
    content = [w for w in words if fold(w).strip(".,;:?!()\"“”") not in naming]
    if len(content) < 2 or len(content) == len(words):
        return hits
    extra = ctx.index.search(" ".join(content), ctx.settings.top_k, filters, use_dense=False)
    known = {h.chunk.chunk_id for h in hits}
    floor = min((h.score for h in hits), default=0.0)
    return hits + [ScoredChunk(h.chunk, floor, h.sparse, h.dense) for h in extra if h.chunk.chunk_id not in known]
