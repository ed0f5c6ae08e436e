"""The kind of value a question asks for, and whether a passage holds one.

"bao nhiêu phần trăm" needs a percentage, "ngày nào" a date, "tên là gì" a person's name,
"Quyết định nào" a document number. A passage without such a value cannot answer, however
many words it shares with the question: this check is what keeps near-misses from being
served as answers.
"""

from __future__ import annotations

import re

from assistant.query import Query, contains
from ingest.text import SURNAMES, fold
from assistant.lexicon import AMOUNT_CUES, COUNTED_RE, DATE_CUES, DATE_RE, DAY_CUES, DAY_RE, DOCNUM_RE, MONEY_RE, NAMED_DOC_RE, NOT_NOUNS, PERCENT_CUES, PERCENT_RE, PERSON_CUES, QUANTITY_CUES  # noqa: F401

_DAY_MONTH_RE = re.compile(r"\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b")
_YEAR_RE = re.compile(r"^(19|20)\d{2}$")
_NUMBER_TOKEN_RE = re.compile(r"(?<![\w/.\-])\d+(?:[.,]\d+)?(?![\w/.\-])")
_WORD_RE = re.compile(r"[^\W\d_]+")


_ROW_NUMBER_RE = re.compile(r"^\s*\d{1,3}\t")


def counted_noun(question: str) -> str | None:
    """The noun a 'bao nhiêu X' question counts (``biên chế``, ``ngày``), folded; None if none."""
    match = COUNTED_RE.search(fold(question))
    if not match:
        return None
    words = [w for w in match.group(1).split() if w not in NOT_NOUNS]
    if not words or words[0] != match.group(1).split()[0]:
        return None
    return words[0]


def required_type(query: Query) -> str | None:
    """'person', 'date', 'percent', 'amount', 'quantity', 'docnum' or None."""
    f = query.folded
    if any(contains(f, c) for c in PERSON_CUES):
        return "person"
    if any(contains(f, c) for c in DAY_CUES):
        return "day"  # "ngày nào" wants a day, not a year or a quarter
    if any(contains(f, c) for c in DATE_CUES):
        return "date"
    if re.search(r"\b(ke hoach|quyet dinh|nghi quyet|chi thi|nghi dinh|thong tu|luat|ket luan|cong van|van ban)"
                 r"\s+(?:so\s+)?(?:nao|may|bao nhieu)\b", f) or re.search(r"\bwhich (decision|plan|resolution|decree)", f):
        return "docnum"
    if any(contains(f, c) for c in PERCENT_CUES) and any(contains(f, c) for c in QUANTITY_CUES + ("what share", "ty le")):
        return "percent"
    if any(contains(f, c) for c in AMOUNT_CUES):
        return "amount"  # a sum of money: a number with its currency
    if any(contains(f, c) for c in QUANTITY_CUES):
        return "quantity"
    return None


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and (len(word) == 1 or word[1:].islower())


def person_names(text: str) -> list[str]:
    """Vietnamese personal names: 2–4 capitalised syllables opening with a common surname."""
    words = [(m.group(0), m.start()) for m in _WORD_RE.finditer(text)]
    names = []
    i = 0
    while i < len(words):
        j = i
        while j < len(words) and _capitalised(words[j][0]) and (j == i or words[j][1] - (words[j - 1][1] + len(words[j - 1][0])) <= 1):
            j += 1
        run = [w for w, _ in words[i:j]]
        if 2 <= len(run) <= 4 and fold(run[0]) in SURNAMES:
            names.append(" ".join(run))
        i = max(j, i + 1)
    return names


def has_type(kind: str | None, text: str, question: str = "") -> bool:
    if kind is None:
        return True
    if kind == "percent":
        return bool(PERCENT_RE.search(text))
    if kind == "date":
        return bool(DATE_RE.search(text))
    if kind == "day":
        return bool(DAY_RE.search(text))
    if kind == "docnum":  # a number (29/KH-UBND) or a named law (Luật An ninh mạng)
        return bool(DOCNUM_RE.search(text) or NAMED_DOC_RE.search(text))
    if kind == "person":
        return bool(person_names(text))
    if kind == "amount":
        return bool(MONEY_RE.search(text))
    if kind == "quantity":
        text = _ROW_NUMBER_RE.sub("", text)  # a table row's STT is not a quantity
        noun = counted_noun(question)
        if noun:  # "bao nhiêu biên chế": a number must count that noun
            folded = fold(text)
            # "Năm (05) ngày làm việc": the figure may stand in brackets
            pattern = r"(?<![\w/.\-])\d+(?:[.,]\d+)?\)?\s+(?:\S+\s+){0,2}?" + re.escape(noun)
            return re.search(pattern, folded) is not None
        if PERCENT_RE.search(text):
            return True
        stripped = DOCNUM_RE.sub(" ", _DAY_MONTH_RE.sub(" ", text))
        asked = set(_NUMBER_TOKEN_RE.findall(question))
        return any(not _YEAR_RE.match(n) and n not in asked for n in _NUMBER_TOKEN_RE.findall(stripped))
    return True
