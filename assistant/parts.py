"""The parts of a question that one answer path does not serve.

"Quyết định 2843 thông qua bao nhiêu thủ tục, và ai ký quyết định này?" asks a metadata part (the
signer) and a content part (how many procedures). The metadata path answers the first; the
clause that asks something else is answered from the same document by the extractive path, or
named as not found, so no asked part is silently dropped.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from assistant.draft import MAX_ANSWER_CHARS, Draft, shorten
from assistant.lexicon import (CLAUSE_ASK_CUES, CLAUSE_ASK_CUES_ACCENTED, CLAUSE_SPLIT_RE, INTENT_CUES, META_ORDER,
                               PREDICATE_RE, SIGNER_ROLE_CUES)
from assistant.query import Query, contains, parse
from ingest.text import fold, fold_aligned, nfc

if TYPE_CHECKING:
    from assistant.paths.base import AnswerPath, Context

MIN_CLAUSE_WORDS = 3  # "và khi nào": too short to be asked of a document on its own


def clauses(text: str) -> list[str]:
    """The question cut at commas, semicolons and "và" / "and", original wording kept."""
    folded = fold(text)
    out, pos = [], 0
    for m in CLAUSE_SPLIT_RE.finditer(folded):
        out.append(text[pos:m.start()])
        pos = m.end()
    out.append(text[pos:])
    return [c.strip() for c in out if c.strip()]


def _asks(clause: str, folded: str) -> bool:
    lower = clause.lower()
    return (any(contains(folded, cue) for cue in CLAUSE_ASK_CUES)
            or any(re.search(rf"(?<!\w){cue}(?!\w)", lower) for cue in CLAUSE_ASK_CUES_ACCENTED))


def _metadata_clause(folded: str) -> bool:
    return (any(contains(folded, cue) for intent in (*META_ORDER, "references") for cue in INTENT_CUES[intent])
            or any(contains(folded, cue) for cue in SIGNER_ROLE_CUES))


def unserved_by_metadata(query: Query) -> list[str]:
    """Clauses that ask something and name no part of a document's identity."""
    if query.lang == "en":
        return []  # English clauses do not stand alone as Vietnamese retrieval queries
    out = []
    for clause in clauses(query.text):
        folded = fold(clause)
        if len(folded.split()) >= MIN_CLAUSE_WORDS and _asks(clause, folded) and not _metadata_clause(folded):
            out.append(clause)
    return out


def content_clauses(query: Query) -> list[str]:
    """The clauses of a question that each ask something, with the words of the clauses before
    them that ask nothing ("… định kỳ 6 tháng" + "hằng năm trước ngày nào" is one clause)."""
    if query.lang == "en":
        return []
    out: list[str] = []
    pending: list[str] = []
    for clause in clauses(query.text):
        folded = fold(clause)
        if _asks(clause, folded) and len(folded.split()) >= MIN_CLAUSE_WORDS:
            shared = _shared_predicate(pending[-1], clause) if pending else None
            out.append(" ".join([*pending, clause]))
            if shared:
                out.append(shared)
            pending = []
        else:
            pending.append(clause)
    if pending and out:
        out[-1] = " ".join([out[-1], *pending])
    return out


MAX_SUBJECT_WORDS = 5


def _shared_predicate(subject: str, clause: str) -> str | None:
    """"thương binh và người hoàn thành nghĩa vụ quân sự được cộng bao nhiêu điểm": the short
    subject before "và" shares the clause's predicate, so it is asked of too ("thương binh được
    cộng bao nhiêu điểm"). None when the words before are no short subject or no predicate is seen."""
    words = subject.split()
    if not words or len(words) > MAX_SUBJECT_WORDS or any(ch.isdigit() for ch in subject):
        return None
    match = PREDICATE_RE.search(fold_aligned(nfc(clause)))  # offsets of the folded text are the clause's
    if match is None or match.start() == 0:
        return None
    return f"{subject} {clause[match.start():]}"


def _already_quoted(part: Draft, draft: Draft) -> bool:
    head = " ".join(part.body.split())[:80].rstrip("…")
    return any(head and head in " ".join(c.quote.split()) for c in draft.citations) or head in draft.answer


def complete_parts(query: Query, draft: Draft, ctx: "Context", extractive: "AnswerPath") -> Draft:
    """A metadata answer takes in the clauses it does not serve, each answered from the same
    document by ``extractive`` or named as not found there."""
    rest = unserved_by_metadata(query)
    if not rest or draft.doc_id is None or draft.abstained:
        return draft
    return _take_in(draft, rest, ctx, extractive, english=query.lang == "en")


def answer_clauses(query: Query, draft: Draft, ctx: "Context", extractive: "AnswerPath") -> Draft:
    """A question that asks two things ("… trong bao lâu, … chậm nhất bao nhiêu ngày …") is
    answered clause by clause from one document: the one its whole-question answer comes from,
    or, when the question as a whole found too little, the one plan it names. One sentence
    rarely answers both, and a clause the document does not answer is named, not dropped."""
    asked = content_clauses(query)
    if len(asked) < 2:
        return draft
    if not draft.abstained:  # it may serve a clause the clause alone does not find: nothing is named missing
        return _take_in(draft, asked, ctx, extractive, strict=False) if draft.doc_id else draft
    if len(ctx.hinted) != 1:
        return draft
    doc_id = next(iter(ctx.hinted))
    first = None
    for clause in asked:  # the first clause the plan answers opens the answer; the others join it
        part = extractive.answer(parse(clause), replace(ctx, hinted={doc_id}, declined={})).draft
        if part is not None and not part.abstained and part.doc_id == doc_id and part.body:
            first = part
            break
    if first is None:
        return draft
    ratio = first.features.get("fields_ratio", 1.0)
    combined = _take_in(first, asked, ctx, extractive)
    # rescued from an abstention: only when every clause is answered
    return draft if combined.abstained or combined.features.get("fields_ratio", 1.0) < ratio else combined


def _take_in(draft: Draft, rest: list[str], ctx: "Context", extractive: "AnswerPath", *, english: bool = False,
             strict: bool = True) -> Draft:
    """``draft`` with each clause of ``rest`` it does not already quote answered from its document;
    ``strict``: a clause not found there is named, and half or more not found withholds it."""
    scoped = replace(ctx, hinted={draft.doc_id}, declined={})
    bodies, citations, missing = [], [], []
    for clause in rest:
        part = extractive.answer(parse(clause), scoped).draft
        if part is not None and not part.abstained and part.doc_id == draft.doc_id and part.body:
            if _already_quoted(part, draft):
                continue  # the clause only restates a part the answer holds ("bãi bỏ …" in the entry-into-force quote)
            bodies.append(part.body)
            citations += [c for c in part.citations if c not in draft.citations and c not in citations]
        elif strict:
            missing.append(clause)
    if not bodies and not missing:
        return draft
    if missing:
        bodies.append(("The document does not answer: " if english else "Văn bản không nêu rõ: ")
                      + "; ".join(f"“{shorten(c, 120)}”" for c in missing) + ".")
    extra = " ".join(bodies)
    room = MAX_ANSWER_CHARS - min(len(draft.answer), MAX_ANSWER_CHARS // 2) - 1
    extra = shorten(extra, room)
    draft.answer = f"{shorten(draft.answer, MAX_ANSWER_CHARS - len(extra) - 1)} {extra}"
    draft.citations = draft.citations + citations
    served = len(rest) - len(missing)
    draft.features = {**draft.features,
                      "fields_ratio": draft.features.get("fields_ratio", 1.0) * (1 + served) / (1 + len(rest))}
    if 2 * len(missing) >= 1 + len(rest):  # as in the metadata path: half or more of what was asked is not found
        draft.abstained = True
        draft.reason = "the document does not answer half or more of the parts asked"
    return draft
