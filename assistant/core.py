"""The assistant: one object behind the CLI, the HTTP API and the eval suite.

``ask`` tries the structured answer paths first (task records, duties, metadata, referenced
documents), then extractive answering over hybrid retrieval, and abstains when the evidence
does not cover the question.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from assistant.deadlines import deadline_matches
from assistant.docmatch import DocMatcher
from assistant.draft import Draft
from assistant.evidence import TermWeights, question_units
from assistant.extractive import answer_extractive
from assistant.llm import rewriter_from_settings
from assistant.fact_answer import answer_duty, answer_metadata, answer_references
from assistant.query import Query, parse
from assistant.schema import (Answer, DocumentDetail, DocumentInfo, SearchHit, SectionInfo, TaskInfo, Turn)
from assistant.settings import Settings, get_settings
from assistant.task_answer import answer_task, answer_task_by_content, answer_task_list, task_info
from index.embedder import Embedder, EmbeddingModelError, resolve_model_path
from index.hybrid import HybridIndex, ScoredChunk, SearchFilters
from index.segment import Segmenter
from index.store import IndexStore
from ingest import diacritics
from ingest.loaders import IngestError
from ingest.model import Document
from ingest.pipeline import PARSER_VERSION
from ingest.store import CorpusStore, ingest_paths
from ingest.text import fold

logger = logging.getLogger(__name__)


class QuestionTooLongError(ValueError):
    pass


@dataclass
class _State:
    """Everything a question needs, swapped as one object when the corpus changes."""

    docs: list[Document]
    index: HybridIndex
    matcher: DocMatcher
    weights: TermWeights


def _warm_up_segmenter() -> None:
    from index.segment import _segment

    _segment("khởi động bộ tách từ")


def _issuer_fold(doc_issuer: str) -> str:
    return diacritics.ocr_fold(doc_issuer)


class Assistant:
    def __init__(self, settings: Settings | None = None, *, build: bool = True):
        self.settings = settings or get_settings()
        self.corpus = CorpusStore(self.settings.data_dir)
        self.index_store = IndexStore(self.settings.data_dir)
        self.segmenter = Segmenter()
        # underthesea's import takes ~3 s: start it now, beside the model load, not on the first question
        threading.Thread(target=_warm_up_segmenter, name="warm-up-underthesea", daemon=True).start()
        self.embedder = self._load_embedder()
        self._lock = threading.Lock()
        self.rewriter = rewriter_from_settings(self.settings)
        self._state: _State | None = None
        self.ready = False
        if build:
            self._bootstrap()

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> "Assistant":
        """For a long-running service: everything loaded and warmed before it reports ready."""
        assistant = cls(settings)
        assistant.warm_up()
        return assistant

    def warm_up(self) -> None:
        """Wait for the background loads (embedding model, segmenter) so no request pays for them."""
        _warm_up_segmenter()
        if self.embedder is not None:
            try:
                self.embedder.embed_query("khởi động")
            except EmbeddingModelError as exc:
                logger.warning("%s; the service answers with BM25 only", exc)

    # -- loading -------------------------------------------------------------
    def _load_embedder(self) -> Embedder | None:
        try:
            path = resolve_model_path(self.settings.embedding_model, self.settings.data_dir)
        except EmbeddingModelError as exc:
            logger.warning("%s; retrieval falls back to BM25 only", exc)
            return None
        if path is None:
            return None
        try:
            return Embedder(path, threads=self.settings.torch_threads, backend=self.settings.embedding_backend,
                            precision=self.settings.embedding_precision,
                            passage_tokens=self.settings.embedding_passage_tokens,
                            workers=self.settings.embedding_workers)
        except EmbeddingModelError as exc:
            logger.warning("%s; retrieval falls back to BM25 only", exc)
            return None

    def _bootstrap(self) -> None:
        if not self.corpus.doc_ids() and self.settings.corpus_dir and Path(self.settings.corpus_dir).exists():
            logger.info("empty data directory: ingesting %s", self.settings.corpus_dir)
            ingest_paths([Path(self.settings.corpus_dir)], self.corpus)
        self.refresh()

    def refresh(self, *, rebuild: bool = False) -> None:
        """Parse again what an older parser ingested, then load (and update) the index."""
        outdated = self.corpus.outdated_sources()
        if outdated:  # parsed by an older version of the parser: parse again from the sources
            logger.info("re-parsing %d documents ingested by an older parser", len(outdated))
            ingest_paths(outdated, self.corpus)
        self.reload(rebuild=rebuild)

    def reload(self, *, rebuild: bool = False) -> None:
        """Load the corpus and index (building what is missing), then swap them in."""
        docs = self.corpus.load_all()
        manifest = self.index_store.manifest()
        stale = (
            rebuild or manifest is None
            or manifest.get("documents") != {d.doc_id: d.source_hash for d in docs}
            or manifest.get("tokens") != self.segmenter.key
            or manifest.get("parser") != PARSER_VERSION
            or (self.embedder is not None and (manifest.get("model") or {}).get("fingerprint") != self.embedder.fingerprint)
            or (self.embedder is None and manifest.get("model") is not None)
        )
        if stale:
            self.index_store.build(docs, self.segmenter, self.embedder, restore=diacritics.repair_ocr,
                                   ocr_fold=diacritics.ocr_fold)
        try:
            index = self.index_store.load(docs, self.segmenter, self.embedder, dense_weight=self.settings.dense_weight,
                                          restore=diacritics.restore_diacritics)
        except FileNotFoundError as exc:  # a cache went missing or stale: rebuild what is needed, once
            logger.warning("%s; rebuilding the index", exc)
            self.index_store.build(docs, self.segmenter, self.embedder, restore=diacritics.repair_ocr,
                                   ocr_fold=diacritics.ocr_fold)
            index = self.index_store.load(docs, self.segmenter, self.embedder, dense_weight=self.settings.dense_weight,
                                          restore=diacritics.restore_diacritics)
        texts = [c.text + " " + (diacritics.ocr_fold(c.text) if d.ocr_damaged else "") for d in docs for c in d.chunks]
        state = _State(docs, index, DocMatcher(docs, issuer_fold=_issuer_fold), TermWeights(texts))
        with self._lock:
            self._state = state
            self.ready = True

    @property
    def state(self) -> _State:
        if self._state is None:
            raise RuntimeError("the assistant is not loaded yet")
        return self._state

    # -- questions -----------------------------------------------------------
    def ask(self, question: str, history: list[Turn] | None = None, doc_ids: list[str] | None = None) -> Answer:
        began = time.perf_counter()
        question = question or ""
        if len(question) > self.settings.max_question_chars:
            raise QuestionTooLongError(f"Câu hỏi quá dài (tối đa {self.settings.max_question_chars} ký tự).")
        state = self.state
        query = parse(question)
        query = self._resolve_followup(query, history or [])
        draft = self._answer(query, state, set(doc_ids or []))
        if self.rewriter is not None and not draft.abstained and draft.citations:
            rewritten = self.rewriter.rewrite(question, draft.answer, draft.citations)
            if rewritten:
                draft.answer = rewritten
        return Answer(
            question=question, answer=draft.answer, abstained=draft.abstained, citations=draft.citations,
            task=draft.task, latency_ms=round((time.perf_counter() - began) * 1000, 2), confidence=round(draft.confidence, 3),
        )

    def _add_units(self, query: Query) -> None:
        from index.segment import _segment

        segment = _segment if self.segmenter.use_underthesea else str.split
        text = query.evidence_text or query.search_text
        if query.lang == "vi-noaccent":
            # the segmenter needs diacritics to find compounds: restore them first, then fold
            text = diacritics.restore_diacritics(text)
        query.units = question_units(text, segment, accented=True)
        query.units_folded = question_units(text, segment, accented=False)

    def _resolve_followup(self, query: Query, history: list[Turn]) -> Query:
        """A short follow-up inherits the task, plan and fields of the previous turn."""
        if not history:
            return query
        prev_turn = history[-1]
        prev = parse(prev_turn.question)
        prev_task = prev_turn.task_id or prev.task_ref
        short = len(query.folded.split()) <= 8
        if not short:
            return query
        if query.task_ref is None and prev_task and (query.fields or query.followup):
            query.task_ref = prev_task
        if query.task_ref and not query.fields and prev.fields:
            query.fields = list(prev.fields)
        if query.followup or query.task_ref:
            query.search_text = f"{query.search_text} {prev.search_text}"
            query.evidence_text = f"{query.evidence_text} {prev.evidence_text}"
        return query

    def _answer(self, query: Query, state: _State, only_docs: set[str]) -> Draft:
        docs = [d for d in state.docs if not only_docs or d.doc_id in only_docs]
        if not docs:
            return Draft("Không có tài liệu nào được chọn để tìm câu trả lời.", abstained=True, path="no-docs")
        if not query.folded.strip():
            return Draft("Câu hỏi trống.", abstained=True, path="empty")
        unknown = state.matcher.unknown_organisations(query.text)
        if unknown:
            return Draft(f"Các kế hoạch hiện có không đề cập đến {', '.join(unknown)}, nên không thể trả lời câu hỏi này.",
                         abstained=True, path="unknown-org")
        hinted = state.matcher.hinted_docs(query.text) & {d.doc_id for d in docs} if not only_docs else set(only_docs)
        ranked = [m.doc_id for m in state.matcher.match(query.text) if m.doc_id in {d.doc_id for d in docs}]
        if query.task_ref:
            draft = answer_task(query, docs, hinted)
            if draft is not None:
                return draft
        draft = answer_task_list(query, docs, hinted)
        if draft is not None:
            return draft
        if not query.task_ref and {"lead", "cooperating", "deadline", "product"} & set(query.fields) \
                and any(d.tasks for d in docs if not hinted or d.doc_id in hinted):
            self._add_units(query)
            draft = answer_task_by_content(query, docs, hinted, state.weights)
            if draft is not None:
                return draft
        for path in (self._metadata_path, self._references_path, self._duty_path):
            draft = path(query, docs, hinted, ranked)
            if draft is not None:
                return draft
        self._add_units(query)  # segmentation is only needed to judge extractive evidence
        filters = SearchFilters(doc_ids=hinted or None)
        hits = state.index.search(query.search_text, self.settings.top_k, filters)
        if hinted and not hits:
            hits = state.index.search(query.search_text, self.settings.top_k)
        elif hinted:
            hits = self._add_content_hits(query, hits, [state.index.docs[d] for d in hinted], filters)
        return answer_extractive(query, hits, state.index.docs, state.weights, self.settings.abstain_threshold,
                                 ocr_fold=diacritics.ocr_fold, restore=diacritics.repair_ocr)

    def _add_content_hits(self, query: Query, hits: list, docs: list[Document], filters: SearchFilters) -> list:
        """Inside the plan the question names, the words naming it (title, issuer, number)
        match its header and headings best and crowd out the passage asked about; a second,
        BM25-only search without them brings that passage in. Its hits join at the lowest
        retrieval score, so they win only on coverage of the question."""
        naming = {w for d in docs for w in fold(d.metadata.naming_text()).split()}
        words = query.search_text.split()
        content = [w for w in words if fold(w).strip(".,;:?!()\"“”") not in naming]
        if len(content) < 2 or len(content) == len(words):
            return hits
        extra = self.state.index.search(" ".join(content), self.settings.top_k, filters, use_dense=False)
        known = {h.chunk.chunk_id for h in hits}
        floor = min((h.score for h in hits), default=0.0)
        return hits + [ScoredChunk(h.chunk, floor, h.sparse, h.dense) for h in extra if h.chunk.chunk_id not in known]

    def _metadata_path(self, query, docs, hinted, ranked):
        order = [d for d in ranked if d in hinted] or ranked
        if not order and len(docs) == 1:
            order = [docs[0].doc_id]
        return answer_metadata(query, docs, order)

    def _references_path(self, query, docs, hinted, ranked):
        order = [d for d in ranked if d in hinted] or ranked
        return answer_references(query, docs, order)

    def _duty_path(self, query, docs, hinted, ranked):
        if "duty" not in query.intents:
            return None
        return answer_duty(query, docs, hinted, _issuer_fold)

    # -- browsing ------------------------------------------------------------
    def search(self, query: str, k: int = 10, doc_id: str | None = None) -> list[SearchHit]:
        """Ranked chunks: hybrid retrieval, then the structure the question names comes first
        (the task or section it references, the plans whose issuer it names)."""
        state = self.state
        parsed = parse(query)
        filters = SearchFilters(doc_ids={doc_id}) if doc_id else None
        hits = state.index.search(parsed.search_text, max(k, 30), filters)
        hinted = state.matcher.hinted_docs(parsed.text)
        if parsed.task_ref:
            ref_chunks = [c for c in state.index.chunks if (c.task_id or c.section_label) == parsed.task_ref
                          and (not doc_id or c.doc_id == doc_id)]
            known = {h.chunk.chunk_id for h in hits}
            hits += [ScoredChunk(c, 0.0, 0.0, 0.0) for c in ref_chunks if c.chunk_id not in known]
        if "signer" in parsed.intents:  # the signature is a name alone: bring the plans' signer lines in
            known = {h.chunk.chunk_id for h in hits}
            hits += [ScoredChunk(c, 0.0, 0.0, 0.0) for c in state.index.chunks if c.kind == "metadata"
                     and c.chunk_id not in known and (not hinted or c.doc_id in hinted)
                     and (not doc_id or c.doc_id == doc_id)]

        def boost(hit) -> float:
            score = hit.score
            if parsed.task_ref and (hit.chunk.task_id or hit.chunk.section_label) == parsed.task_ref:
                score += 2.0 if hit.chunk.task_id else 1.0
            if hit.chunk.doc_id in hinted:
                score += 0.5
            if "signer" in parsed.intents and hit.chunk.kind == "metadata":
                score += 2.0
            return score

        ranked = sorted(hits, key=lambda h: -boost(h))[:k]
        out = []
        for hit in ranked:
            c = hit.chunk
            doc = state.index.docs[c.doc_id]
            out.append(SearchHit(doc_id=c.doc_id, chunk_id=c.chunk_id, title=doc.metadata.title, section=c.section or None,
                                 task_id=c.task_id, page=c.page, start=c.start, end=c.end, text=c.text,
                                 score=round(boost(hit), 4)))
        return out

    def _doc(self, doc_id: str) -> Document | None:
        return self.state.index.docs.get(doc_id)

    def documents(self) -> list[DocumentInfo]:
        return [_info(d) for d in self.state.docs]

    def document(self, doc_id: str) -> DocumentDetail | None:
        doc = self._doc(doc_id)
        if doc is None:
            return None
        info = _info(doc).model_dump()
        return DocumentDetail(
            **info,
            sections=[SectionInfo(path=s.path, start=s.start, end=s.end, page=s.page) for s in doc.sections],
            implements=[r.text for r in doc.references if r.relation == "implements"],
            replaces=[r.text for r in doc.references if r.relation == "replaces"],
        )

    def document_text(self, doc_id: str) -> str | None:
        doc = self._doc(doc_id)
        return doc.text if doc else None

    def tasks(self, doc_id: str | None = None, lead: str | None = None, deadline: str | None = None) -> list[TaskInfo]:
        out = []
        lead_f = fold(lead) if lead else None
        for doc in self.state.docs:
            if doc_id and doc.doc_id != doc_id:
                continue
            for task in doc.tasks:
                if lead_f and lead_f not in fold(task.lead):
                    continue
                if deadline and not deadline_matches(task.deadline, deadline):
                    continue
                out.append(task_info(doc, task))
        return out

    # -- administration ------------------------------------------------------
    def add_document(self, path: Path) -> DocumentInfo:
        """Ingest one file and re-index incrementally; raises ValueError for unreadable files."""
        report = ingest_paths([Path(path)], self.corpus)  # a bad file is refused before the store changes
        if report.failures:
            raise IngestError(path, report.failures[0][1])
        self.reload()
        doc_id = Path(path).stem
        doc = self._doc(doc_id)
        assert doc is not None
        return _info(doc)

    def delete_document(self, doc_id: str) -> bool:
        if not self.corpus.remove(doc_id):
            return False
        self.reload()
        return True


def _info(doc: Document) -> DocumentInfo:
    m = doc.metadata
    pages = len({p for *_, p in doc.page_spans}) or None
    return DocumentInfo(doc_id=doc.doc_id, title=m.title, issuer=m.issuer, number=m.number, date=m.date,
                        period=m.period, signer=m.signer, kind=m.kind, pages=pages, chunks=len(doc.chunks),
                        tasks=len(doc.tasks), ocr_damaged=doc.ocr_damaged)
