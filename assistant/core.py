"""The assistant: one object behind the CLI, the HTTP API and the eval suite.

``ask`` tries the structured answer paths first (task records, duties, metadata, referenced
documents), then extractive answering over hybrid retrieval, and abstains when the evidence
does not cover the question.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.deadlines import deadline_matches
from assistant.confidence import DEFAULT_MODEL, Calibrator, calibrated, evidence_of
from assistant.docmatch import EXACT_MATCH_SCORE, DocMatcher
from assistant.draft import Draft
from assistant.evidence import TermWeights, question_units
from assistant.llm import rewriter_from_settings
from assistant.crosslingual import english_units
from assistant.query import Query, parse
from assistant.schema import (Answer, DocumentDetail, DocumentInfo, IngestStatus, SearchHit, SectionInfo, TaskInfo,
                              Turn, UploadedDocument)
from assistant.settings import Settings, get_settings
from assistant.paths import PATHS, Context
from assistant.task_answer import task_info
from index.backend import IndexBackend, ScoredChunk, SearchFilters
from index.embedder import Embedder, EmbeddingModelError, resolve_model_path
from index.factory import open_index, parse_index_uri
from index.segment import Segmenter
from index.store import IndexStore
from ingest import diacritics
from ingest.loaders import IngestError
from ingest.model import Document
from ingest.pipeline import PARSER_VERSION
from ingest.store import CorpusStore, ingest_paths
from ingest.worker import parse_in_worker
from ingest.text import fold

logger = logging.getLogger(__name__)


class QuestionTooLongError(ValueError):
    pass


@dataclass
class _State:
    """Everything a question needs, swapped as one object when the corpus changes."""

    docs: list[Document]
    index: IndexBackend
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
        self.calibrator = self._load_calibrator()
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

    def _bootstrap(self) -> None:
        """Ingest the shipped plans into a data directory that was never initialised (not into one
        an administrator emptied: deleting every plan must survive a restart)."""
        if not self.corpus.initialised():
            if self.settings.corpus_dir and Path(self.settings.corpus_dir).exists():
                logger.info("new data directory: ingesting %s", self.settings.corpus_dir)
                ingest_paths([Path(self.settings.corpus_dir)], self.corpus, limits=self.settings.ingest_limits())
            self.corpus.mark_initialised()
        self.refresh()

    def refresh(self, *, rebuild: bool = False, progress=None) -> None:
        """Parse again what an older parser ingested, then load (and update) the index."""
        outdated = self.corpus.outdated_sources()
        if outdated:  # parsed by an older version of the parser: parse again from the sources
            logger.info("re-parsing %d documents ingested by an older parser", len(outdated))
            ingest_paths(outdated, self.corpus, limits=self.settings.ingest_limits())
        self.reload(rebuild=rebuild, progress=progress)

    def _build_index(self, docs: list[Document], progress=None) -> None:
        self.index_store.build(docs, self.segmenter, self.embedder, restore=diacritics.repair_ocr,
                               ocr_fold=diacritics.ocr_fold, workers=self.settings.embedding_workers,
                               progress=progress)

    def _open_index(self, docs: list[Document], rebuild: bool) -> IndexBackend:
        """The engine ``CCHC_INDEX_URI`` names, over ``docs`` (a Milvus connection is kept across reloads)."""
        token = self.settings.index_token.get_secret_value() if self.settings.index_token else None
        return open_index(parse_index_uri(self.settings.index_uri, self.settings.data_dir), self.index_store, docs,
                          self.segmenter, self.embedder, collection=self.settings.index_collection, token=token,
                          dense_weight=self.settings.dense_weight, restore=diacritics.restore_diacritics,
                          current=self._state.index if self._state is not None else None, rebuild=rebuild)

    def close(self) -> None:
        """Release the index's connection (a Milvus client); the assistant cannot answer afterwards."""
        if self._state is not None:
            self._state.index.close()

    def reload(self, *, rebuild: bool = False, progress=None) -> None:
        """Load the corpus and index (building what is missing), then swap them in. ``progress``
        is called with (chunks embedded, chunks to embed) while new documents are embedded."""
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
            self._build_index(docs, progress)
        try:
            index = self._open_index(docs, rebuild)
        except FileNotFoundError as exc:  # a cache went missing or stale: rebuild what is needed, once
            logger.warning("%s; rebuilding the index", exc)
            self._build_index(docs, progress)
            index = self._open_index(docs, rebuild)
        texts = [c.text + " " + (diacritics.ocr_fold(c.text) if d.ocr_damaged else "") for d in docs for c in d.chunks]
        owners = [d.doc_id for d in docs for _ in d.chunks]
        state = _State(docs, index, DocMatcher(docs, issuer_fold=_issuer_fold), TermWeights(texts, owners))
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

    def _calibrate(self, query: Query, state: "_State", draft: Draft) -> Draft:
        """Turn an answer's evidence into the probability that it is right; below the fitted
        threshold, abstain and show the closest passages instead (a wrong answer costs more)."""
        if draft.abstained:
            return draft
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
        english = query.lang == "en"
        closest = "; ".join(dict.fromkeys(c.source or c.title for c in draft.citations))
        text = ("The documents do not answer this with enough certainty"
                if english else "Không tìm thấy câu trả lời đủ chắc chắn trong tài liệu")
        text += f" (độ tin cậy ước tính {draft.confidence:.0%})." if not english else \
            f" (estimated confidence {draft.confidence:.0%})."
        if closest:
            text += (" Closest passages: " if english else " Đoạn gần nhất: ") + closest + "."
        logger.info("abstained on %r: %s answer at confidence %.2f < %.2f", query.text[:80], draft.path,
                    draft.confidence, self.calibrator.threshold)
        return Draft(text, draft.citations, abstained=True, doc_id=draft.doc_id, path=draft.path,
                     confidence=draft.confidence, features=draft.features, declined=draft.declined,
                     reason=f"confidence {draft.confidence:.2f} below the calibrated threshold {self.calibrator.threshold:.2f}")

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
    def add_document(self, path: Path, *, timeout: float | None = None,
                     cancelled: Callable[[], bool] | None = None) -> UploadedDocument:
        """Ingest one file and re-index incrementally; raises ValueError (IngestError) for unreadable files.

        With ``timeout`` the file is parsed in a worker process that is stopped when the time is
        spent or ``cancelled()`` turns true (the HTTP client went away); once parsed and stored,
        the index update runs to the end so corpus and index stay consistent.
        """
        limits = self.settings.ingest_limits()
        parse = None
        if timeout is not None:
            parse = functools.partial(parse_in_worker, limits=limits, timeout=timeout,
                                      cancelled=cancelled or (lambda: False))
        report = ingest_paths([Path(path)], self.corpus, limits=limits, parse=parse)  # refused before the store changes
        if report.failures:
            raise IngestError(path, report.failures[0][1])
        status: IngestStatus = "added" if report.added else "replaced" if report.replaced else "unchanged"
        if status != "unchanged" or self._doc(Path(path).stem) is None:
            self.reload()
        doc = self._doc(Path(path).stem)
        assert doc is not None
        return UploadedDocument(**_info(doc).model_dump(), status=status)

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
