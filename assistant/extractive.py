"""Answer from retrieved text: pick the sentence (or clause) that best covers the question.

Candidates are sentences of the top chunks, and clauses of very long sentences. A candidate
scores by IDF-weighted coverage of the question plus a bonus when it holds the kind of value
asked (a percentage for "bao nhiêu", a date for "khi nào", a document number for "Quyết định
nào"). Below the calibrated coverage threshold the assistant abstains.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.cite import cite, source_label
from assistant.answer_type import has_type, required_type
from assistant.draft import MAX_ANSWER_CHARS, Draft, fit, shorten
from assistant.evidence import TermWeights, coverage
from assistant.lexicon import BODY_RE, LIST_QUESTION_RE
from assistant.lists import list_span, render
from assistant.parts import content_clauses
from assistant.query import Query
from index.hybrid import ScoredChunk
from ingest.model import Document
from ingest.structure import split_sentences
from ingest.text import fold
from assistant.lexicon import ASKS_FOR_DOCUMENT  # noqa: F401

_PERCENT_RE = re.compile(r"\d+(?:[.,]\d+)?\s*%")
_NUMBER_RE = re.compile(r"\b\d+\b")
_DATE_RE = re.compile(r"\b\d{1,2}/\d{1,2}(?:/\d{4})?\b|\bquý\s+[IV]+|\bquy\s+[iv]+|\bngày\b|\bngay\b|thường xuyên|hằng năm|hàng năm",
                      re.IGNORECASE)
_DOCNUM_RE = re.compile(r"\d+(?:/\d{4})?/[A-ZĐ][A-Za-zĐđ\-]+|\d+-[A-Z]+/[A-Z]+")
MAX_SENTENCE = 520
MAX_PAIR = 400  # two consecutive sentences of a chunk are also a candidate up to this length


@dataclass
class Candidate:
    doc: Document
    hit: ScoredChunk
    start: int
    end: int
    sent_start: int  # the whole sentence a clause belongs to
    sent_end: int
    score: float = 0.0
    cover: float = 0.0
    evidence: str = ""  # what coverage was measured on: the text, its section, the document's names


def _candidates(hits: list[ScoredChunk], docs: dict[str, Document], lists: bool = False) -> list[Candidate]:
    out: list[Candidate] = []
    for hit in hits:
        chunk = hit.chunk
        lead_in = lists and chunk.text.rstrip().endswith(":")  # "b) 06 phòng chuyên môn:" heads the list asked for
        if chunk.kind == "heading" and not _reads_as_sentence(chunk.text) and not lead_in:
            continue  # a heading names a topic; it does not answer a question
        doc = docs[chunk.doc_id]
        title_span = doc.metadata.title_span
        if title_span and chunk.end <= title_span[0]:
            continue  # the header block (issuer, motto, number and date): metadata answers read it
        prev_start = None
        for s, e in split_sentences(chunk.text, chunk.start, at_semicolons=False):
            out.append(Candidate(doc, hit, s, e, s, e))
            if prev_start is not None and e - prev_start <= MAX_PAIR:
                # "Sở Tài chính tổng hợp … gửi Bộ Tài chính. Thời gian hoàn thành: Trước ngày 31/5/2026."
                # the value is in one sentence and what it is about in the one before
                out.append(Candidate(doc, hit, prev_start, e, prev_start, e))
            prev_start = s
            if e - s > MAX_SENTENCE:  # long enumerations: also offer their clauses
                pos = s
                text = doc.text[s:e]
                for part in re.split(r"(?<=;)\s+", text):
                    ps = doc.text.find(part, pos)
                    if ps >= 0 and len(part) > 25:
                        out.append(Candidate(doc, hit, ps, ps + len(part), s, e))
                        pos = ps + len(part)
    return out


def _same_start(label: str, text: str) -> bool:
    head = label.rstrip("…").strip()
    return bool(head) and text.startswith(head[:40])


def _reads_as_sentence(text: str) -> bool:
    """A labelled item parsed as a heading ("d) Chủ trì triển khai … theo chỉ đạo của Bộ Y tế.") is
    content when it is a finished sentence of some length, not a title."""
    body = text.strip()
    return body.endswith((".", ";")) and len(body.split()) >= 12


def _names_another_body(query: Query, text: str) -> bool:
    """Does the passage name a body the question does not ("Sở Tài chính quyết định …" for "cơ
    quan nào quyết định …")?"""
    return any(fold(" ".join(m.group(0).split()[:4])) not in query.folded for m in BODY_RE.finditer(text))


def _type_bonus(query: Query, text: str) -> float:
    bonus = 0.0
    if query.fields == ["lead"]:  # "cơ quan nào / ai có thẩm quyền …": the answer names a body
        bonus += BODY_BONUS if _names_another_body(query, text) else -BODY_BONUS / 2
    if "target" in query.intents:
        bonus += 0.15 if _PERCENT_RE.search(text) else (0.05 if _NUMBER_RE.search(text) else -0.1)
    if "deadline" in query.intents:
        bonus += 0.15 if _DATE_RE.search(text) else -0.05
    if query.doc_kinds and ASKS_FOR_DOCUMENT.search(query.folded):
        bonus += 0.15 if _DOCNUM_RE.search(text) else -0.05
    return bonus


def best_evidence(query: Query, hits: list[ScoredChunk], docs: dict[str, Document], weights: TermWeights,
                  ocr_fold=None) -> list[Candidate]:
    """Candidates sorted by score (coverage + value-type bonus + retrieval score)."""
    asks_list = bool(LIST_QUESTION_RE.search(query.folded))
    cands = _candidates(hits, docs, asks_list)
    top_score = max((h.score for h in hits), default=1.0) or 1.0
    for c in cands:
        text = c.doc.text[c.start:c.end]
        meta = c.doc.metadata
        deepest = c.hit.chunk.section.split(" > ")[-1] if c.hit.chunk.section else ""
        # a question that names the plan must not make its header line the answer
        evidence = f"{text} {deepest} {meta.naming_text()}"
        if c.hit.chunk.kind == "table_row":  # a row's values are named by its table's header ("Năm 2026: 90%")
            evidence += " " + c.hit.chunk.context
        if c.doc.ocr_damaged and ocr_fold is not None:
            evidence += " " + ocr_fold(evidence)
        c.evidence = evidence
        c.cover = _cover(query, evidence, weights, c.doc.ocr_damaged and ocr_fold is not None)
        list_bonus = LIST_BONUS if asks_list and _list_shaped(text, deepest) else 0.0
        c.score = c.cover + _type_bonus(query, text) + list_bonus + 0.25 * (c.hit.score / top_score) - 0.0004 * max(0, len(text) - 300)
    cands.sort(key=lambda c: -c.score)
    return cands


def _cover(query: Query, evidence: str, weights: TermWeights, folded_only: bool = False) -> float:
    if query.lang == "vi" and not folded_only:
        return coverage(query.units, evidence, weights, accented=True)
    return coverage(query.units_folded, evidence, weights, accented=False)


PAIR_POOL = 8  # the best candidates a two-part question's pairs are drawn from
PAIR_GAIN = 0.1  # a pair must cover this much more of the question than its better half


def best_pair(query: Query, cands: list[Candidate], weights: TermWeights, threshold: float,
              wanted: str | None) -> tuple[Candidate, Candidate] | None:
    """For a question that asks two things, the two passages of one document that together
    cover it ("… hoàn thiện hồ sơ trong bao lâu, … chậm nhất bao nhiêu ngày phải đến nhận việc"
    is answered by two sentences of one article); None unless they reach ``threshold`` and cover
    clearly more than either alone."""
    pool = cands[:PAIR_POOL]
    best, best_cover = None, threshold
    for i, first in enumerate(pool):
        for second in pool[i + 1:]:
            if second.doc.doc_id != first.doc.doc_id or _overlap(first, second):
                continue
            if wanted and not (has_type(wanted, _typed_text(first), query.text)
                               or has_type(wanted, _typed_text(second), query.text)):
                continue
            together = _cover(query, f"{first.evidence} {second.doc.text[second.start:second.end]}", weights)
            if together >= best_cover and together >= max(first.cover, second.cover) + PAIR_GAIN:
                best, best_cover = (first, second), together
    if best is None:
        return None
    best[0].cover = best[1].cover = best_cover
    return (best if best[0].start < best[1].start else (best[1], best[0]))


def _overlap(a: Candidate, b: Candidate) -> bool:
    return a.sent_start < b.sent_end and b.sent_start < a.sent_end


def answer_span(doc: Document, cand: Candidate, limit: int = 560) -> tuple[int, int]:
    """The whole sentence when it fits, else the chosen clause and the clauses after it."""
    if cand.sent_end - cand.sent_start <= limit:
        start, end = cand.sent_start, cand.sent_end
    else:
        start, end = cand.start, cand.end
        while end < cand.sent_end:
            nxt = doc.text.find(";", end + 1, cand.sent_end)
            nxt = cand.sent_end if nxt < 0 else nxt + 1
            if nxt - start > limit:
                break
            end = nxt
    text = doc.text[start:end]
    if text.rstrip().endswith(":"):  # a lead-in: the values follow on the next lines
        line_end = doc.text.find("\n", end)
        following = doc.text.find("\n", line_end + 1) if line_end >= 0 else -1
        if line_end >= 0:
            end = following if following > 0 else len(doc.text)
    return start, end


def lead_in(doc: Document, start: int) -> str:
    """For a '+' sub-item, the '- …:' line it hangs from (it often carries the period or the unit)."""
    line_start = doc.text.rfind("\n", 0, start) + 1
    if not doc.text[line_start:start + 1].lstrip().startswith("+"):
        return ""
    pos = line_start
    for _ in range(8):
        if pos <= 0:
            break
        prev_start = doc.text.rfind("\n", 0, pos - 1) + 1
        line = doc.text[prev_start:pos].strip()
        if line.startswith(("-", "•")) or (line and not line.startswith("+") and line.endswith(":")):
            return line if line.endswith(":") else ""
        pos = prev_start
    return ""


def answer_extractive(query: Query, hits: list[ScoredChunk], docs: dict[str, Document], weights: TermWeights,
                      threshold: float, *, ocr_fold=None, restore=None) -> Draft:
    cands = best_evidence(query, hits, docs, weights, ocr_fold)
    wanted = required_type(query)
    # a lead-in heading was let in for the list under it: without one, it answers nothing
    cands = [c for c in cands if c.hit.chunk.kind != "heading" or _reads_as_sentence(c.hit.chunk.text)
             or list_span(c.doc.text, c.start) is not None]
    typed = [c for c in cands if has_type(wanted, _typed_text(c), query.text)]
    if (not typed or typed[0].cover < threshold) and len(content_clauses(query)) >= 2:
        pair = best_pair(query, cands, weights, threshold, wanted)
        if pair is not None:
            return _pair_draft(query, pair, hits, wanted is not None)
    if not typed:
        return _abstain(query, cands, "no passage holds the kind of value asked")
    if typed[0].cover < threshold:
        return _abstain(query, typed, "the evidence covers too little of the question")
    best = typed[0]
    features = _features(best, typed, hits, wanted is not None)
    doc = best.doc
    task = next((t for t in doc.tasks if t.task_id == best.hit.chunk.task_id and t.start <= best.start < t.end), None)
    if task is not None:  # a task row answers best when shown as a task: "which unit leads …?"
        from assistant.task_answer import task_draft

        draft = task_draft(query, doc, task, [])
        draft.confidence, draft.path = best.cover, "extractive-task"
        draft.features = features
        return draft
    start, end = answer_span(doc, best)
    listed = list_span(doc.text, best.start) if LIST_QUESTION_RE.search(query.folded) else None
    if listed is not None:
        start, end = listed.start, listed.end
    text = doc.text[start:end].strip()
    context = lead_in(doc, start)
    if context:
        text = f"{context} {text}"
    path = best.hit.chunk.section.split(" > ") if best.hit.chunk.section else []
    if len(path) > 1 and _same_start(path[-1], text):
        path = path[:-1]  # the item is its own section: name the one above it ("3. Sở Y tế")
    section = path[-1] if path else ""
    # a clause of an article is named with its article: "Điều 24. Trách nhiệm của Công an tỉnh" says who
    article = next((p for p in reversed(path[:-1]) if p.startswith("Điều ")), "")
    sections = [f"{article} > {section}", article, section] if article else [section]
    # the passage is the answer: it gets the room it needs, the section name in the lead gives way
    lead = next((lead for name in sections if len(lead := _lead(query, doc, name)) + 1 + min(len(text), 400)
                 <= MAX_ANSWER_CHARS), _lead(query, doc, ""))
    room = min(600, MAX_ANSWER_CHARS - len(lead) - 1)
    body = render(doc.text, listed, room) if listed is not None else shorten(text, room)
    parts = [lead, body]
    if doc.ocr_damaged and restore is not None:
        restored = restore(text)
        budget = MAX_ANSWER_CHARS - len(lead) - len(body) - 50
        if budget > 80:
            parts.append(f"(bản quét OCR; khôi phục dấu: {shorten(restored, budget)})")
    answer = fit(parts, sep=" ")
    quote_start, quote_end = _quote_window(doc, best)
    if context:
        context_at = doc.text.rfind(context, 0, start)
        if 0 <= context_at and start - context_at < 600:
            quote_start = min(quote_start, context_at)
    citation = cite(doc, min(quote_start, start), max(quote_end, end), task_id=best.hit.chunk.task_id)
    return Draft(answer, [citation], doc_id=doc.doc_id, path="extractive", confidence=best.cover, features=features,
                 body=body)


def _pair_draft(query: Query, pair: tuple[Candidate, Candidate], hits: list[ScoredChunk], required: bool) -> Draft:
    """Two passages of one document, in document order, each cited."""
    doc = pair[0].doc
    spans = [answer_span(doc, c) for c in pair]
    lead = _lead(query, doc, "")
    room = (MAX_ANSWER_CHARS - len(lead) - 2) // 2
    body = " ".join(shorten(doc.text[s:e], room) for s, e in spans)
    citations = [cite(doc, s, e, task_id=c.hit.chunk.task_id) for (s, e), c in zip(spans, pair)]
    features = _features(pair[0], list(pair), hits, required)
    features["margin"] = pair[0].cover - max(pair[0].score, pair[1].score)  # how much the second part adds
    return Draft(f"{lead} {body}", citations, doc_id=doc.doc_id, path="extractive", confidence=pair[0].cover,
                 features=features, body=body)


BODY_BONUS = 0.08
LIST_BONUS = 0.1  # a list question prefers a lead-in, an item under one, or an enumeration "…: A; B; C"


def _list_shaped(text: str, deepest: str) -> bool:
    body = text.rstrip()
    return body.endswith(":") or deepest.rstrip().endswith(":") or (":" in body and body.count(";") >= 2)


def _lead(query: Query, doc: Document, section: str) -> str:
    where = f"{source_label(doc)}" + (f", mục “{section}”" if section else "")
    return f"According to {where}:" if query.lang == "en" else f"Theo {where}:"


def _features(best: Candidate, typed: list[Candidate], hits: list[ScoredChunk], required: bool) -> dict[str, float]:
    """What the chosen sentence has going for it: coverage, lead over the next other passage,
    retrieval score and rank of its chunk, whether a value type was required."""
    rival = next((c for c in typed[1:] if c.hit.chunk.chunk_id != best.hit.chunk.chunk_id), None)
    top = max((h.score for h in hits), default=1.0) or 1.0
    rank = next((i for i, h in enumerate(hits) if h.chunk.chunk_id == best.hit.chunk.chunk_id), len(hits))
    return {"cover": best.cover, "margin": best.score - rival.score if rival else 1.0,
            "retrieval": best.hit.score / top, "rank": rank / max(1, len(hits)), "typed_required": float(required)}


def _typed_text(c: Candidate) -> str:
    start, end = answer_span(c.doc, c)
    return lead_in(c.doc, start) + " " + c.doc.text[start:end]


def _quote_window(doc: Document, cand: Candidate) -> tuple[int, int]:
    """Quote the whole chunk when short, else the chosen sentence."""
    chunk = cand.hit.chunk
    if chunk.end - chunk.start <= 700:
        return chunk.start, chunk.end
    return cand.start, cand.end


def _abstain(query: Query, cands: list[Candidate], reason: str) -> Draft:
    text = "Các kế hoạch hiện có không chứa thông tin để trả lời câu hỏi này."
    if query.lang == "en":
        text = "The plans in the corpus do not contain the answer to this question."
    citations = []
    if cands and cands[0].cover > 0.2:
        best = cands[0]
        text += (" Nội dung gần nhất: " if query.lang != "en" else " Closest related content: ") + \
            f"{source_label(best.doc)}."
        citations = [cite(best.doc, best.start, best.end)]
    return Draft(text, citations, abstained=True, path="abstain", confidence=cands[0].cover if cands else 0.0,
                 reason=reason)
