"""Understand a question: language, task reference, fields asked, intent cues, time expressions.

Everything is matched on the accent-folded question, so ``ai chu tri nhiem vu IV.1`` and
``Ai chủ trì nhiệm vụ IV.1`` parse the same. English questions are recognised and their
domain terms mapped to Vietnamese for retrieval.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.abbreviations import with_expansions
from ingest.text import fold, has_diacritics
from assistant.lexicon import DOC_KINDS, EN_WORDS, FIELD_CUES, GLOSSARY, GROUPED_REF_RE, INTENT_CUES, STEP_REF_RE, TASK_REF_RE, TIME_RE  # noqa: F401
from assistant.lexicon import EN_NAME_STOP, EN_PLACE_KINDS, EN_PLACE_RE, VI_ABBREVIATIONS, VI_SYLLABLE_RE

Field_ = str  # "lead", "cooperating", "product", "deadline", "content"


@dataclass
class Query:
    """What the assistant understood of a question."""

    text: str
    folded: str
    lang: str  # "vi", "vi-noaccent" or "en"
    task_ref: str | None = None  # "III.5"
    fields: list[str] = field(default_factory=list)
    intents: set[str] = field(default_factory=set)
    doc_kinds: list[str] = field(default_factory=list)
    times: list[str] = field(default_factory=list)
    search_text: str = ""  # what retrieval searches (English terms mapped to Vietnamese)
    evidence_text: str = ""  # what evidence must cover: the question, or for English its Vietnamese terms
    names_text: str = ""  # what names the plan, as plans write it ("Chi Lăng commune" -> "xã Chi Lăng")
    en_terms: list[str] = field(default_factory=list)  # an English question's glossary terms, in Vietnamese
    units: list[str] = field(default_factory=list)  # content words with diacritics (for coverage)
    units_folded: list[str] = field(default_factory=list)
    followup: bool = False


def detect_lang(text: str) -> str:
    words = re.findall(r"\w+", text.lower())
    english = sum(1 for w in words if w in EN_WORDS)
    # a question word that is no Vietnamese syllable, with three words that cannot be Vietnamese:
    # "Who signed Chi Lăng commune's 2026 administrative reform plan?" is English
    strict = sum(1 for w in words if w in EN_WORDS and not VI_SYLLABLE_RE.match(w))
    foreign = sum(1 for w in words if w.isascii() and w.isalpha() and len(w) >= 3 and not VI_SYLLABLE_RE.match(w)
                  and w not in VI_ABBREVIATIONS)
    if has_diacritics(text):
        # English that names Vietnamese bodies or codes ("Decision 2500/QĐ-TTg", "Sở Nội vụ") is still English
        accented = sum(1 for w in words if has_diacritics(w))
        return "en" if (english >= 3 or strict >= 1 and foreign >= 3) and accented <= 0.4 * len(words) else "vi"
    return "en" if english >= 2 or strict >= 1 and foreign >= 3 else "vi-noaccent"


def _vietnamese_name(words: str) -> str:
    """The capitalised words that end ``words`` and can be Vietnamese syllables ("Under Nghe An" -> "Nghe An")."""
    name: list[str] = []
    for word in reversed(words.split()):
        if not VI_SYLLABLE_RE.match(fold(word).lower()) or word.lower() in EN_NAME_STOP:
            break
        name.insert(0, word)
    return " ".join(name)


def contains(folded: str, cue: str) -> bool:
    """Cue match on word boundaries (a cue ending in a space must be followed by a word)."""
    pattern = r"(?<![a-z0-9])" + re.escape(cue.strip()) + (r"\s" if cue.endswith(" ") else r"(?![a-z0-9])")
    return re.search(pattern, folded) is not None


def parse(question: str) -> Query:
    text = " ".join(question.split())
    folded = fold(text)
    query = Query(text=text, folded=folded, lang=detect_lang(text))
    match = TASK_REF_RE.search(folded)
    if match:
        raw = text[match.start(1):match.end(1)]
        explicit = match.group(0).strip()[:1].isalpha() and not match.group(0).strip().startswith(match.group(1))
        if raw.isupper() or explicit:
            query.task_ref = f"{match.group(1).upper()}.{int(match.group(2))}"
    if query.task_ref is None:
        grouped = GROUPED_REF_RE.search(folded)
        step = STEP_REF_RE.search(folded)
        if grouped:
            query.task_ref = f"{grouped.group(2).upper()}.{grouped.group(1)}"
        elif step:
            query.task_ref = f"Bước {int(step.group(1))}"
    query.fields = [name for name, cues in FIELD_CUES.items() if any(contains(folded, c) for c in cues)]
    query.intents = {name for name, cues in INTENT_CUES.items() if any(contains(folded, c) for c in cues)}
    query.doc_kinds = [v for k, v in DOC_KINDS.items() if contains(folded, k)]
    query.times = [m.group(0) for m in TIME_RE.finditer(folded)]
    query.followup = "followup" in query.intents and len(folded.split()) <= 10
    # abbreviated bodies and places also name plans written out ("hdnd tp hue": the Hội đồng nhân dân
    # thành phố Huế); evidence coverage matches either form itself (evidence.coverage). BM25 searches the
    # question as typed: the written-out terms were measured to crowd out its distinctive words.
    search, query.names_text = text, with_expansions(text, names_only=True)
    query.evidence_text = text
    if query.lang == "en":
        extra = [vi for en, vi in GLOSSARY.items() if contains(folded, en)]
        query.en_terms = extra
        search = f"{text} {' '.join(extra)}"
        # English puts the kind of a place after its name; plans write "xã Chi Lăng", "tỉnh Cà Mau"
        places = [f"{EN_PLACE_KINDS[m.group(2).lower()]} {name}" for m in EN_PLACE_RE.finditer(text)
                  if (name := _vietnamese_name(m.group(1)))]
        query.names_text = " ".join([text, *places, *extra])
        # coverage is judged on Vietnamese evidence: only the mapped terms, codes, numbers and names count
        keep = [w for w in re.findall(r"\S+", text) if re.search(r"\d", w) or w[:1].isupper() and not
                w.lower() in EN_WORDS | {"in", "what", "which", "who", "when", "how", "besides", "department",
                                          "board", "management", "border", "economic", "zone", "plan", "the"}]
        query.evidence_text = " ".join(extra + [w.strip("?,.'s") for w in keep if not w.isascii() or re.search(r"\d", w)])
    query.search_text = search
    return query
