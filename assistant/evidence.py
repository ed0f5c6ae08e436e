"""Weigh question terms and measure how much of a question a piece of evidence covers.

Coverage is the IDF-weighted share of the question's content units (underthesea words, so a
compound such as ``lương cơ bản`` counts whole) found in the evidence. It drives both sentence selection and abstention: a question whose
rare terms appear nowhere near the best evidence is not answered by it.
"""

from __future__ import annotations

import math
from functools import lru_cache
from collections import Counter
import re

from assistant.abbreviations import expansions
from assistant.lexicon import ABBREVIATIONS, DOMAIN_COMMON, QUESTION_PHRASES_RE, QUESTION_WORDS, QUESTION_WORDS_ACCENTED, SYNONYM_GROUPS
from ingest.text import fold, fold_aligned, nfc

_SYL_RE = re.compile(r"[a-z0-9%]+(?:[/.\-][a-z0-9]+)*")
_ACC_RE = re.compile(r"[0-9a-zà-ỹđ%]+(?:[/.\-][0-9a-zà-ỹđ]+)*")

SYNONYMS = {fold(w): [fold(o) for o in group if o != w] for group in SYNONYM_GROUPS for w in group}
SYNONYMS.update({w: [o for o in group if o != w] for group in SYNONYM_GROUPS for w in group})


def terms(text: str) -> list[str]:
    """Folded content syllables of ``text`` (codes like ``02/nq-cp`` kept whole)."""
    return [t for t in _SYL_RE.findall(fold(text)) if t not in QUESTION_WORDS]


def accented_terms(text: str) -> list[str]:
    """Lower-cased syllables with their diacritics: ``lương`` and ``lượng`` stay apart."""
    return [t for t in _ACC_RE.findall(nfc(text).lower())
            if fold(t) not in QUESTION_WORDS and t not in QUESTION_WORDS_ACCENTED]


_YEAR_RE = re.compile(r"(?:19|20)\d{2}")
COMMON_DOC_SHARE = 0.8  # in at least this share of the documents ...
COMMON_MIN_DOCS = 3  # ... of a corpus of at least this many


class TermWeights:
    """Document frequencies over the corpus chunks of syllables and syllable pairs, with and
    without diacritics. A phrase longer than two syllables is weighed by its rarest pair: a
    compound the plans never use (``lương cơ bản``) weighs heavily when it is missing."""

    def __init__(self, texts: list[str], doc_of: list[str] | None = None):
        self.n = max(len(texts), 1)
        self._df_acc: Counter[str] = Counter()
        self._df_fold: Counter[str] = Counter()
        self._docs_with: Counter[str] = Counter()  # folded syllables and pairs: in how many documents
        per_doc: dict[str, set[str]] = {}
        for index, text in enumerate(texts):
            syls = _ACC_RE.findall(nfc(text).lower())
            folded = [fold(x) for x in syls]
            self._df_acc.update(set(syls) | {f"{a} {b}" for a, b in zip(syls, syls[1:])})
            grams = set(folded) | {f"{a} {b}" for a, b in zip(folded, folded[1:])}
            self._df_fold.update(grams)
            if doc_of is not None:
                per_doc.setdefault(doc_of[index], set()).update(grams)
        for grams in per_doc.values():
            self._docs_with.update(grams)
        self.n_docs = len(per_doc)

    def common(self, unit: str) -> bool:
        """A word every plan shares: the domain's own ("kế hoạch", "cải cách hành chính", in the
        lexicon) or a year nearly every document of this corpus names ("2026" among the shipped
        plans, read from the corpus, not written in code). It neither identifies evidence nor
        proves it answers."""
        folded = fold(unit)
        if folded in DOMAIN_COMMON:
            return True
        if not _YEAR_RE.fullmatch(folded) or self.n_docs < COMMON_MIN_DOCS:
            return False
        return self._docs_with.get(folded, 0) >= COMMON_DOC_SHARE * self.n_docs

    def df(self, unit: str, accented: bool = True) -> int:
        table = self._df_acc if accented else self._df_fold
        parts = unit.split()
        if len(parts) <= 2:
            return table.get(unit, 0)
        return min(table.get(f"{a} {b}", 0) for a, b in zip(parts, parts[1:]))

    def idf(self, unit: str, accented: bool = True) -> float:
        return math.log(1 + self.n / (min(self.df(unit, accented), self.n) + 0.5))


def fold_lines(text: str) -> str:
    return "\n".join(fold(line) for line in text.split("\n"))


def question_units(text: str, segment, *, accented: bool) -> list[str]:
    """Content units of a question: segmented words (compounds whole) and codes, lower-cased."""
    from index.segment import _CODE_RE

    text = nfc(text)
    # "bao lâu", "bao giờ" as phrases (typed without accents they are restored as "bao lậu")
    text = "".join(" " if keep is None else keep for keep in _unphrased(text))
    units = [m.group(0).lower() for m in _CODE_RE.finditer(text)]
    rest = _CODE_RE.sub(" ", text)
    for piece in segment(rest):
        syls = _ACC_RE.findall(piece.lower())
        if not syls:
            continue
        if all(fold(s) in QUESTION_WORDS or s in QUESTION_WORDS_ACCENTED for s in syls):
            continue  # "bao nhiêu", "là", "của": phrasing, not content
        unit = " ".join(syls)
        units.append(unit if accented else fold(unit))
    return units


def _unphrased(text: str) -> list[str | None]:
    """The characters of ``text``, None where a question phrase stands."""
    chars: list[str | None] = list(text)
    for m in QUESTION_PHRASES_RE.finditer(fold_aligned(text)):
        chars[m.start():m.end()] = [None] * (m.end() - m.start())
    return chars


@lru_cache(maxsize=4096)
def _written_out(unit: str, accented: bool) -> tuple[str, ...]:
    """A unit with an abbreviation in it ("bhyt", "tthc điện tử") is also found written out."""
    words = unit.split()
    if not any(fold(w) in ABBREVIATIONS for w in words):
        return ()
    out = " ".join(" ".join(_ACC_RE.findall(ABBREVIATIONS[fold(w)].lower())) if fold(w) in ABBREVIATIONS else w
                   for w in words)
    return (out if accented else fold(out),)


def coverage(units: list[str], evidence: str, weights: TermWeights, *, accented: bool) -> float:
    """IDF-weighted share of the question's units found (whole, on word boundaries) in ``evidence``."""
    if not units:
        return 0.0
    evidence = nfc(evidence)
    # what the document's abbreviations stand for, after the text (its phrases stay whole)
    written_out = " ".join(full for _s, _e, full in expansions(evidence, capitals_only=True))
    ev = " ".join(_ACC_RE.findall(f"{evidence} {written_out}".lower()))
    if not accented:
        ev = fold(ev)
    total = got = 0.0
    for unit in dict.fromkeys(units):
        # "ngan sach|kinh phi": alternatives (an English term's renderings), weighed by their mean
        alternatives = unit.split("|")
        w = sum(weights.idf(a, accented) * (0.3 if weights.common(a) else 1.0) * (1 + 0.3 * a.count(" "))
                for a in alternatives) / len(alternatives)
        total += w
        if any(re.search(r"(?<![\w/])" + re.escape(form) + r"(?![\w/])", ev)
               for a in alternatives for form in (a, *SYNONYMS.get(a, ()), *_written_out(a, accented))):
            got += w
    return got / total if total else 0.0
