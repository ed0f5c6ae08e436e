"""Answers from structured facts: a unit's duties, a plan's signer/number/issuer/date, and the
documents a plan implements or cites."""

from __future__ import annotations

import re

from assistant.cite import cite, source_label
from assistant.draft import Draft, fit, shorten
from assistant.evidence import terms
from assistant.query import Query, contains
from ingest.model import Document, Fact, Reference
from ingest.text import fold
from assistant.lexicon import DOCNUM_RE, DOC_KINDS_FOLDED, EN_DOC_KINDS, INTENT_CUES, META_ORDER, REPEAL_CUES, REPLACES_CUES, ISSUER_CUES, KIND_WORDS, MISSING_EN, MISSING_VI, ROLE_WORDS, UNIT_GENERIC  # noqa: F401

_SYL_RE = re.compile(r"[a-z0-9]+")


def _longest_run(unit: list[str], question: list[str]) -> int:
    best = 0
    for i in range(len(unit)):
        for j in range(len(question)):
            k = 0
            while i + k < len(unit) and j + k < len(question) and unit[i + k] == question[j + k]:
                k += 1
            if k > best and i == 0:
                best = k
    return best


def match_unit(query: Query, facts: list[tuple[Document, Fact]]) -> list[tuple[float, Document, Fact]]:
    """Responsibility facts whose unit the question names (from the unit's first word on)."""
    q_syl = _SYL_RE.findall(query.folded)
    scored = []
    for doc, fact in facts:
        unit_syl = _SYL_RE.findall(fold(fact.unit))
        if not unit_syl:
            continue
        run = _longest_run(unit_syl, q_syl)
        distinctive = [s for s in unit_syl[:run] if s not in UNIT_GENERIC]
        if run == len(unit_syl) or (run >= 4 and distinctive):
            scored.append((run / len(unit_syl) + run * 0.1, doc, fact))
    scored.sort(key=lambda x: -x[0])
    return scored


def answer_duty(query: Query, docs: list[Document], hinted: set[str], issuer_fold) -> Draft | None:
    facts = [(d, f) for d in docs for f in d.facts if f.kind == "responsibility"]
    if hinted:  # the plan the question names: another plan's duties for the same body are not an answer
        facts = [(d, f) for d, f in facts if d.doc_id in hinted]
    matches = match_unit(query, facts)
    if not matches:
        return None
    score, doc, fact = matches[0]
    ties = [m for m in matches if abs(m[0] - score) < 1e-6 and m[1].doc_id != doc.doc_id]
    if ties and not hinted:
        return None  # the same unit in several plans: let retrieval pick with the whole question
    body = fact.text
    first_nl = body.find("\n")
    duties = body[first_nl + 1:] if first_nl > 0 else body
    prefix = f"Theo {source_label(doc)}, {fact.unit} có nhiệm vụ:"
    if query.lang == "en":
        prefix = f"According to {source_label(doc)}, the duties of “{fact.unit}” are:"
    answer = fit([prefix, shorten(duties, 600 - len(prefix))])
    return Draft(answer, [cite(doc, fact.start, fact.end)], doc_id=doc.doc_id, path="duty", confidence=0.9,
                 features={"cover": min(1.0, score), "margin": score - (matches[1][0] if len(matches) > 1 else 0.0)})




def answer_metadata(query: Query, docs: list[Document], ranked_docs: list[str]) -> Draft | None:
    """What identifies the document the question names, several parts at once: number, date,
    issuer, signer and role, the proposal it answers, when it takes effect, its recipients."""
    wanted = [i for i in META_ORDER if i in query.intents]
    if not wanted or not ranked_docs:
        return None
    if wanted == ["proposal"] and "to trinh" in query.folded and not _asks_about_document(query):
        return None  # "tờ trình" in a question about content
    if wanted == ["effective"] and not _names_a_document(query):
        return None  # "giấy vào, ra cảng có hiệu lực bao lâu": the validity of a permit, not of the document
    doc = next(d for d in docs if d.doc_id == ranked_docs[0])
    number = fold(doc.metadata.number).lower()
    not_asked = set()
    if number and number in query.folded.lower():
        # the question names this document by its number: the number it asks for is another's
        # ("QĐ 44/2025/QĐ-TTg có bãi bỏ QĐ về … không, số hiệu QĐ đó là gì")
        not_asked.add("number")
    if _asks_only_what_it_repeals(query) and not _effective_names_a_document(doc):
        # "does it repeal the decision on …": an entry-into-force clause that names no document is no answer
        not_asked.add("effective")
    wanted = [i for i in wanted if i not in not_asked]
    if not wanted:
        return None
    english = query.lang == "en"
    if "effective" not in wanted and _asks_what_it_replaces(query) and _effective_names_replacement(doc):
        # "… do ai ký và thay thế quyết định nào": a document states what it replaces in its
        # entry-into-force article, which the "effective" part quotes; without it the answer
        # would silently leave that part out
        wanted = [i for i in META_ORDER if i in wanted or i == "effective"]
    parts = [(intent, _meta_part(doc, intent, english)) for intent in wanted]
    found = [(text, span) for _, part in parts if part is not None for text, span in [part]]
    if not found:
        return None
    missing = [MISSING_EN[i] if english else MISSING_VI[i] for i, part in parts if part is None]
    label = source_label(doc)
    sentences = [text for text, _ in found]
    if missing:  # every part asked is answered or named as not found
        sentences.append(("The document does not state " if english else "Văn bản không ghi ") + ", ".join(missing) + ".")
    answer = fit([f"{label}:"] + sentences, sep=" ")
    citations = _unique([cite(doc, *span) for _, span in found if span])
    if not citations:
        return None
    # half or more of what was asked is not in the document: say what is, but do not call it an answer
    partial = 2 * len(missing) >= len(wanted)
    return Draft(answer, citations, doc_id=doc.doc_id, path="metadata", confidence=0.9, abstained=partial,
                 features={"fields_ratio": len(found) / len(wanted)},
                 reason="the document does not state most of the parts asked" if partial else "")


def _asks_what_it_replaces(query: Query) -> bool:
    return "references" in query.intents and any(contains(query.folded, w) for w in REPLACES_CUES)


def _asks_only_what_it_repeals(query: Query) -> bool:
    """"bãi bỏ những …", "repeal": the question asks what the document ends, not when it starts."""
    return (any(contains(query.folded, w) for w in REPEAL_CUES)
            and not any(contains(query.folded, w) for w in INTENT_CUES["effective"] if w not in REPEAL_CUES))


def _effective_names_a_document(doc: Document) -> bool:
    span = doc.metadata.effective_span
    return bool(span) and _DOC_NUMBER_RE.search(fold(doc.text[span[0]:span[1]]).lower()) is not None


def _effective_names_replacement(doc: Document) -> bool:
    """The entry-into-force clause names, after "thay thế", the number of what it replaces (not a
    lead-in to a list the quote would cut off)."""
    span = doc.metadata.effective_span
    if not span:
        return False
    clause = fold(doc.text[span[0]:span[1]]).lower()
    at = max(clause.find(w) for w in REPLACES_CUES)
    return at >= 0 and _DOC_NUMBER_RE.search(clause, at) is not None


_DOC_NUMBER_RE = re.compile(r"\d+(?:/\d{4})?/[a-z]")


def _names_a_document(query: Query) -> bool:
    """The question speaks of a document: its kind ("quy chế", "circular"), "văn bản", or a number."""
    return (_asks_about_document(query) or bool(_DOC_NUMBER_RE.search(query.folded))
            or any(contains(query.folded, k) for k in (*DOC_KINDS_FOLDED, *EN_DOC_KINDS)))


def _asks_about_document(query: Query) -> bool:
    return bool(query.doc_kinds) or any(contains(query.folded, w) for w in ("ban hanh", "van ban", "issued"))


def _meta_part(doc: Document, intent: str, english: bool) -> tuple[str, tuple[int, int] | None] | None:
    """One sentence of a metadata answer and the span that shows it."""
    meta = doc.metadata
    text = doc.text
    if intent == "signer" and meta.signer and meta.signer_span:
        start, end = meta.signer_span
        role = meta.signer_role or _role_text(text[_signature_block_start(text, start):start])
        role_at = text.rfind(role.split()[0], max(0, start - 400), start) if role else -1
        span = (role_at if role_at >= 0 else _signature_block_start(text, start), end)
        if english:
            return f"Signed by {meta.signer}" + (f" ({role})." if role else "."), span
        return f"Người ký: {meta.signer}" + (f" ({role})." if role else "."), span
    if intent == "number" and meta.number:
        return ("Number: " if english else "Số hiệu: ") + f"{meta.number}.", _line_with(doc, meta.number.split("/")[-1])
    if intent == "issuer" and meta.issuer:
        issuer = f"{meta.issuer} ({meta.issuer_parent})" if meta.issuer_parent else meta.issuer
        span = meta.issuer_span or meta.preamble_span or meta.title_span
        return ("Issued by: " if english else "Cơ quan ban hành: ") + f"{issuer}.", span
    if intent == "date" and meta.date:
        span = _line_with(doc, meta.date.split("/")[-1]) if "/" in meta.date else None
        return ("Date of issue: " if english else "Ngày ban hành: ") + f"{meta.date}.", span
    if intent == "amends":
        return _amended(doc, english)
    for name, span, label_vi, label_en, room in (("proposal", meta.proposal_span, "Ban hành", "Issued", 260),
                                                 ("effective", meta.effective_span, "Hiệu lực", "In force", 420),
                                                 ("recipients", meta.recipients_span, "Nơi nhận", "Recipients", 260)):
        if intent == name and span:
            whole = " ".join(text[span[0]:span[1]].split()).strip(" .;*")
            label = label_en if english else label_vi
            if name == "effective" and len(whole) > room:
                compact = _effective_with_numbers(whole, room, english)
                if compact:
                    return f"{label}: {compact}", span
            return f"{label}: “{shorten(whole, room)}”.", span
    return None


def _document_numbers(text: str) -> list[str]:
    """The document numbers ``text`` names, once each, in order."""
    return list(dict.fromkeys(m.group(0) for m in DOCNUM_RE.finditer(text)))


def _amended(doc: Document, english: bool) -> tuple[str, tuple[int, int]] | None:
    """What an amending document amends, as its title says ("Sửa đổi, bổ sung một số điều của Nghị
    định số 72/2020/NĐ-CP …"); None when the title amends nothing it names by number."""
    span = doc.metadata.title_span
    if not span:
        return None
    title = " ".join(doc.text[span[0]:span[1]].split())
    at = re.search(r"sửa đổi|bổ sung|bãi bỏ", title, re.IGNORECASE)
    numbers = _document_numbers(title[at.start():]) if at else []
    if not numbers:
        return None
    label = "Amends" if english else "Văn bản được sửa đổi, bổ sung"
    return f"{label}: {', '.join(numbers)} (“{shorten(title, 300)}”).", span


def _effective_with_numbers(clause: str, room: int, english: bool) -> str:
    """A long entry-into-force article that goes on to list what it repeals: its first sentence
    verbatim, then the numbers of the documents it names — the whole list fits where the
    documents' full titles would be cut after the first one or two."""
    first_end = clause.find(". ")
    if first_end < 0:
        return ""
    numbers = _document_numbers(clause[first_end:])
    if not numbers:
        return ""
    named = ("Documents named after it (repealed or replaced): " if english
             else "Các văn bản được nêu tiếp theo (hết hiệu lực, bãi bỏ hoặc thay thế): ")
    return shorten(f"“{clause[:first_end + 1]}” {named}{', '.join(numbers)}.", room + 200)


def _role_text(block: str) -> str:
    """The role lines of a signature block, without the recipients list between them and the name."""
    lines = []
    for line in block.split("\n"):
        letters = [c for c in line if c.isalpha()]
        if letters and all(c.isupper() for c in letters) and len(line.strip()) <= 60:
            lines.append(line.strip())
        elif lines:
            break
    return " ".join(lines)


def _line_with(doc: Document, needle: str) -> tuple[int, int] | None:
    """The cleaned-text line holding ``needle`` within the first part of the document."""
    pos = doc.text.find(needle, 0, 4000)
    if pos < 0:
        return None
    start = doc.text.rfind("\n", 0, pos) + 1
    end = doc.text.find("\n", pos)
    return start, (end if end > 0 else len(doc.text))


def _unique(citations):
    seen, out = set(), []
    for c in citations:
        if (c.start, c.end) not in seen:
            seen.add((c.start, c.end))
            out.append(c)
    return out


def _signature_block_start(text: str, signer_start: int) -> int:
    """Start of the signature title lines (``KT. TRƯỞNG BAN / PHÓ TRƯỞNG BAN``) above the name.

    Markdown exports put the recipients list ("Nơi nhận") between the titles and the name, so
    the search looks back up to 30 lines for capitalised role lines.
    """
    lines_end = signer_start
    role_start = None
    pos = signer_start
    for _ in range(30):
        prev_end = text.rfind("\n", 0, pos - 1)
        line = text[prev_end + 1:pos].strip()
        letters = [c for c in line if c.isalpha()]
        is_role = (line and letters and all(c.isupper() for c in letters) and len(line) <= 60
                   and any(w in fold(line).upper() for w in ROLE_WORDS))
        if is_role:
            role_start = prev_end + 1
        elif role_start is not None:
            break
        if prev_end < 0:
            break
        pos = prev_end + 1
    return role_start if role_start is not None else lines_end


def answer_references(query: Query, docs: list[Document], ranked_docs: list[str]) -> Draft | None:
    """Which plans/decisions a plan implements or cites, filtered by kind and issuing body."""
    if not ranked_docs:
        return None
    if "references" not in query.intents or not asks_for_document(query):
        return None  # a plan's sources are asked with "căn cứ / thực hiện theo / thay thế … nào"
    doc = next(d for d in docs if d.doc_id == ranked_docs[0])
    refs = [r for r in doc.references if r.kind in query.doc_kinds]
    if not refs:
        return None
    codes = [c for cue, cs in ISSUER_CUES.items() if contains(query.folded, cue) for c in cs]
    if codes:
        refs = [r for r in refs if any(_issued_by(r, c) for c in codes)] or []
    if not refs:
        return None
    replaced = [r for r in refs if r.relation == "replaces"]
    if replaced and any(contains(query.folded, w) for w in REPLACES_CUES):
        # what a document replaces is a short, closed list: all of it answers "thay thế … nào"
        items = [shorten(r.text, 220) for r in _dedupe(replaced)]
        lead = f"{source_label(doc)} " + ("replaces: " if query.lang == "en" else "thay thế: ")
        return Draft(fit([lead + "; ".join(i.rstrip(" .;") for i in items) + "."]), _citations_for(doc, replaced),
                     doc_id=doc.doc_id,
                     path="references", confidence=0.85, features={"cover": 1.0})
    implements = [r for r in refs if r.relation == "implements"]
    title_words = set(terms(f"{doc.metadata.title} {doc.metadata.issuer}"))
    topic = set(terms(query.text)) - title_words - {"ke", "hoach", "quyet", "dinh", "nghi", "quyet", "thu", "tuong", "chinh", "phu",
                                       "ubnd", "tinh", "can", "cu", "thuc", "hien", "theo", "nam", "cchc"}
    scored = sorted(refs, key=lambda r: -len(topic & set(terms(r.text))))
    best_overlap = len(topic & set(terms(scored[0].text)))
    plural = any(contains(query.folded, w) for w in ("nhung", "cac", "which plans", "which documents"))
    if best_overlap >= 2:
        chosen = [scored[0]]
    elif implements and ("references" in query.intents or plural):
        chosen = implements if plural else implements[:1]
    else:
        chosen = scored[:1] if best_overlap else implements[:3] or scored[:1]
    items = [shorten(r.text, 220) for r in _dedupe(chosen)]
    lead = f"{source_label(doc)} " + ("thực hiện theo / căn cứ: " if chosen[0].relation == "implements" else "nêu: ")
    answer = fit([lead + "; ".join(items) + "."])
    citations = _citations_for(doc, chosen)
    return Draft(answer, citations, doc_id=doc.doc_id, path="references", confidence=0.85,
                 features={"cover": min(1.0, best_overlap / 3)})


def asks_for_document(query: Query) -> bool:
    """'Quyết định nào…', 'những kế hoạch nào', 'căn cứ …', 'which decision…'."""
    if not query.doc_kinds and "van ban" not in query.folded:
        return False
    if re.search(rf"\b({KIND_WORDS})\s+(?:so\s+)?(?:nao|gi|may|bao nhieu)\b", query.folded):
        return True
    if re.search(r"\bwhich\s+(decision|plan|resolution|directive|decree|document)", query.folded):
        return True
    return re.search(r"\b(nhung|cac)\s+(" + KIND_WORDS + r")\s+nao\b", query.folded) is not None


def _issued_by(ref: Reference, code: str) -> bool:
    number = fold(ref.number)
    text = fold(ref.text)
    tail = number.split("/")[-1]
    return tail.endswith(code) or tail.split("-")[-1] == code or (code == "ubnd" and "ubnd" in text[:80])


def _dedupe(refs: list[Reference]) -> list[Reference]:
    seen, out = set(), []
    for r in refs:
        if r.number not in seen:
            seen.add(r.number)
            out.append(r)
    return out


def _citations_for(doc: Document, refs: list[Reference]):
    """One citation per paragraph that names the chosen references."""
    spans: list[tuple[int, int]] = []
    for ref in refs:
        start = doc.text.rfind("\n", 0, ref.start) + 1
        end = doc.text.find("\n", ref.end)
        end = end if end > 0 else len(doc.text)
        if (start, end) not in spans:
            spans.append((start, end))
    return [cite(doc, s, e) for s, e in spans[:3]]
