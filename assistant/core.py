"""The assistant: one object behind the CLI, the HTTP API and the eval suite.

``ask`` tries the structured answer paths first (task records, duties, metadata, referenced
documents), then extractive answering over hybrid retrieval, and abstains when the evidence
does not cover the question.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from assistant.deadlines import deadline_matches
from assistant.confidence import DEFAULT_MODEL, Calibrator, calibrated, evidence_of
from assistant.docmatch import EXACT_MATCH_SCORE
from assistant.draft import Draft
from assistant.evidence import question_units
from assistant.library import Library, Loaded
from assistant.llm import rewriter_from_settings
from assistant.crosslingual import english_units
from assistant.query import Query, parse
from assistant.schema import (Answer, DocumentDetail, DocumentInfo, SearchHit, SectionInfo, TaskInfo,
                              Turn, UploadedDocument)
from assistant.settings import Settings, get_settings
from assistant.parts import answer_clauses, complete_parts
from assistant.paths import PATHS, Context
from assistant.paths.structured import Metadata
from assistant.task_answer import task_info
from index.backend import ScoredChunk, SearchFilters
from index.embedder import Embedder, EmbeddingModelError, resolve_model_path
from index.segment import Segmenter
from ingest import diacritics
from ingest.model import Document
from ingest.text import fold
from ingest.errors import UserInputError

_EXTRACTIVE = next(p for p in PATHS if p.name == "extractive")  # answers the clauses metadata does not serve
logger = logging.getLogger(__name__)


class QuestionTooLongError(UserInputError):
    """The question is longer than ``CCHC_MAX_QUESTION_CHARS``."""


def _warm_up_segmenter() -> None:
    from index.segment import _segment

    _segment("khởi động bộ tách từ")


class Assistant:
    def __init__(self, settings: Settings | None = None, *, build: bool = True):
        self.settings = settings or get_settings()
        self.segmenter = Segmenter()
        # underthesea's import takes ~3 s: start it now, beside the model load, not on the first question
        threading.Thread(target=_warm_up_segmenter, name="warm-up-underthesea", daemon=True).start()
        self.embedder = self._load_embedder()
        self.library = Library(self.settings, self.segmenter, self.embedder)
        self.rewriter = rewriter_from_settings(self.settings)
        self.calibrator = self._load_calibrator()
        if build:
            self.library.bootstrap()

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
    def _load_calibrator(self) -> Calibrator | None:
        """The shipped confidence model, another one, or none ('off': the paths' own checks only)."""
        choice = self.settings.calibration
        if choice == "off":
            return None
        path = DEFAULT_MODEL if choice == "default" else Path(choice)
        if not path.exists():
            logger.warning("no calibration model at %s: answering without calibrated confidence", path)
            return None
        try:
            return Calibrator.load(path)
        except (ValueError, KeyError, OSError) as exc:  # a model of another version: answer, but say so
            logger.error("calibration model not used: %s", exc)
            return None

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
                            batch_threads=self.settings.embedding_threads)
        except EmbeddingModelError as exc:
            logger.warning("%s; retrieval falls back to BM25 only", exc)
            return None

    # -- the loaded plans (assistant.library) ---------------------------------
    @property
    def corpus(self):
        return self.library.corpus

    @property
    def index_store(self):
        return self.library.index_store

    @property
    def ready(self) -> bool:
        return self.library.ready

    @property
    def state(self) -> Loaded:
        return self.library.loaded

    def bootstrap(self, progress=None, *, rebuild: bool = False) -> None:
        """Ingest the shipped plans into a new data directory, parse again what an older parser
        ingested, then load and index what is stale (everything with ``rebuild``)."""
        self.library.bootstrap(progress, rebuild=rebuild)

    def refresh(self, *, rebuild: bool = False, progress=None) -> None:
        """Parse again what an older parser ingested, then load (and update) the index."""
        self.library.refresh(rebuild=rebuild, progress=progress)

    def reload(self, *, rebuild: bool = False, progress=None) -> None:
        """Load the corpus and index (building what is missing). ``progress`` is called with
        (chunks embedded, chunks to embed) while new documents are embedded."""
        self.library.reload(rebuild=rebuild, progress=progress)

    def index_manifest(self) -> dict:
        """What the index on disk was built from ({} before the first build)."""
        return self.library.manifest() or {}

    def close(self) -> None:
        """Release the index's connection (a Milvus client); the assistant cannot answer afterwards."""
        self.library.close()

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
        draft = self._calibrate(query, state, draft)
        if self.rewriter is not None and not draft.abstained and draft.citations:
            rewritten = self.rewriter.rewrite(question, draft.answer, draft.citations)
            if rewritten:
                draft.answer = rewritten
        return Answer(
            question=question, answer=draft.answer, abstained=draft.abstained, citations=draft.citations,
            task=draft.task, latency_ms=round((time.perf_counter() - began) * 1000, 2), confidence=round(draft.confidence, 3),
            path=draft.path, reason=draft.reason, evidence={k: round(v, 4) for k, v in draft.features.items()},
            declined=draft.declined,
        )

    def _calibrate(self, query: Query, state: Loaded, draft: Draft) -> Draft:
        """Turn an answer's evidence into the probability that it is right; below the fitted
        threshold, abstain and show the closest passages instead (a wrong answer costs more)."""
        if draft.abstained:
            return draft
        if draft.answer.rstrip().endswith(":"):  # a lead-in or heading with nothing under it answers nothing
            return _withheld(query, draft, "the answer would be a heading with nothing under it")
        hinted = state.matcher.hinted_docs(query.names_text or query.text)
        exact = {m.doc_id for m in state.matcher.match(query.names_text or query.text) if m.score >= EXACT_MATCH_SCORE}
        draft.features = evidence_of(draft.path, draft.features, lang=query.lang, plan_named=bool(hinted),
                                     doc_in_hinted=draft.doc_id in hinted, plan_exact=draft.doc_id in exact,
                                     units=len(query.folded.split()), answer_len=len(draft.answer))
        if self.calibrator is None or not calibrated(draft.path, draft.features):
            return draft
        draft.confidence = self.calibrator.probability(draft.features)
        if draft.confidence >= self.calibrator.threshold:
            return draft
        logger.info("abstained on %r: %s answer at confidence %.2f < %.2f", query.text[:80], draft.path,
                    draft.confidence, self.calibrator.threshold)
        return _withheld(query, draft, f"confidence {draft.confidence:.2f} below the calibrated threshold "
                                       f"{self.calibrator.threshold:.2f}")

    def _add_units(self, query: Query) -> None:
        from index.segment import _segment

        if query.lang == "en":  # its glossary terms, each satisfied by any of its Vietnamese renderings
            query.units = query.units_folded = english_units(query)
            return
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

    def _answer(self, query: Query, state: Loaded, only_docs: set[str]) -> Draft:
        docs = [d for d in state.docs if not only_docs or d.doc_id in only_docs]
        if not docs:
            return Draft("Không có tài liệu nào được chọn để tìm câu trả lời.", abstained=True, path="no-docs")
        if not query.folded.strip():
            return Draft("Câu hỏi trống.", abstained=True, path="empty")
        unknown = state.matcher.unknown_organisations(query.text)
        if unknown:
            return Draft(f"Các kế hoạch hiện có không đề cập đến {', '.join(unknown)}, nên không thể trả lời câu hỏi này.",
                         abstained=True, path="unknown-org")
        names = query.names_text or query.text
        hinted = state.matcher.hinted_docs(names) & {d.doc_id for d in docs} if not only_docs else set(only_docs)
        in_scope = {d.doc_id for d in docs}
        matches = [m for m in state.matcher.match(names) if m.doc_id in in_scope]
        ranked = [m.doc_id for m in matches]
        ctx = Context(docs=docs, hinted=hinted, ranked=ranked, matches=matches, index=state.index, weights=state.weights,
                      matcher=state.matcher, settings=self.settings, add_units=self._add_units,
                      extractive_threshold=self.calibrator.extractive_floor if self.calibrator
                      else self.settings.abstain_threshold)
        for path in PATHS:
            if not path.applies(query):
                continue
            outcome = path.answer(query, ctx)
            if outcome.draft is not None:
                if path.name == Metadata.name:  # the clauses it does not serve, from the same document
                    outcome.draft = complete_parts(query, outcome.draft, ctx, _EXTRACTIVE)
                elif path.name == _EXTRACTIVE.name:  # a question asking two things: each clause answered
                    outcome.draft = answer_clauses(query, outcome.draft, ctx, _EXTRACTIVE)
                outcome.draft.declined = dict(ctx.declined)
                logger.info("%s answered %r%s", path.name, query.text[:60],
                            f" (declined: {ctx.declined})" if ctx.declined else "")
                return outcome.draft
            ctx.declined[path.name] = outcome.reason
        raise AssertionError("the extractive path always answers or abstains")

    # -- browsing ------------------------------------------------------------
    def search(self, query: str, k: int = 10, doc_id: str | None = None) -> list[SearchHit]:
        """Ranked chunks: hybrid retrieval, then the structure the question names comes first
        (the task or section it references, the plans whose issuer it names)."""
        state = self.state
        parsed = parse(query)
        filters = SearchFilters(doc_ids={doc_id}) if doc_id else None
        hits = state.index.search(parsed.search_text, max(k, 30), filters)
        hinted = state.matcher.hinted_docs(parsed.names_text or parsed.text)
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
        return self.library.find(doc_id)

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
    def add_document(self, path: Path, *, timeout: float | None = None,
                     cancelled: Callable[[], bool] | None = None) -> UploadedDocument:
        """Ingest one file and re-index incrementally; raises IngestError (a UserInputError) for
        unreadable files. ``timeout``/``cancelled``: see :meth:`assistant.library.Library.add`."""
        status, doc = self.library.add(path, timeout=timeout, cancelled=cancelled)
        return UploadedDocument(**_info(doc).model_dump(), status=status)

    def delete_document(self, doc_id: str) -> bool:
        return self.library.remove(doc_id)


def _withheld(query: Query, draft: Draft, reason: str) -> Draft:
    """Abstain instead of ``draft``, naming the passages it would have cited."""
    english = query.lang == "en"
    text = ("The documents do not answer this with enough certainty"
            if english else "Không tìm thấy câu trả lời đủ chắc chắn trong tài liệu")
    if draft.confidence and "confidence" in reason:
        text += f" (estimated confidence {draft.confidence:.0%})." if english else \
            f" (độ tin cậy ước tính {draft.confidence:.0%})."
    else:
        text += "."
    closest = "; ".join(dict.fromkeys(c.source or c.title for c in draft.citations))
    if closest:
        text += (" Closest passages: " if english else " Đoạn gần nhất: ") + closest + "."
    return Draft(text, draft.citations, abstained=True, doc_id=draft.doc_id, path=draft.path,
                 confidence=draft.confidence, features=draft.features, declined=draft.declined, reason=reason)


def _info(doc: Document) -> DocumentInfo:
    m = doc.metadata
    pages = len({p for *_, p in doc.page_spans}) or None
    return DocumentInfo(doc_id=doc.doc_id, title=m.title, issuer=m.issuer, number=m.number, date=m.date,
                        period=m.period, signer=m.signer, kind=m.kind, pages=pages, chunks=len(doc.chunks),
                        tasks=len(doc.tasks), ocr_damaged=doc.ocr_damaged)
