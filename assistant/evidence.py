"""Weigh question terms and measure how much of a question a piece of evidence covers.

Coverage is the IDF-weighted share of the question's content units (underthesea words, so a
compound such as ``lương cơ bản`` counts whole) found in the evidence. It drives both sentence selection and abstention: a question whose
rare terms appear nowhere near the best evidence is not answered by it.
"""

from __future__ import annotations

import math
from collections import Counter
import re

from ingest.text import fold, nfc

_SYL_RE = re.compile(r"[a-z0-9%]+(?:[/.\-][a-z0-9]+)*")
_ACC_RE = re.compile(r"[0-9a-zà-ỹđ%]+(?:[/.\-][0-9a-zà-ỹđ]+)*")

QUESTION_WORDS = frozenset(
    """ai gi nao bao nhieu khi sao the nhu the nao la co khong duoc cua va cac nhung mot trong cho voi ve theo tai
    tu nay do de thi phai can hay hoac ra vao len den tren duoi boi ma neu nen da se dang nhe a
    what who which when how is are the of for to in on and or by does do its it be was with about task plan
    xin cho biet hoi may cu the hien nay nhu the nao please tell me""".split()
)
# Phrasing of questions, with diacritics (folded forms would also drop "đạt", "phần" of the text).
QUESTION_WORDS_ACCENTED = frozenset("phần trăm đặt hướng tới cần những nào gì làm bao nhiêu mấy hạn cuối".split())
# Terms every plan shares: they neither identify evidence nor prove it answers.
DOMAIN_COMMON = frozenset("ke hoach cchc cai cach hanh chinh nam 2026 nhiem vu".split())
# Words that plans and askers use for the same bound ("tối thiểu 85%" asked, "ít nhất 85%" written).
_SYNONYM_GROUPS = (("tối thiểu", "ít nhất"), ("tối đa", "nhiều nhất", "không quá"))
SYNONYMS = {fold(w): [fold(o) for o in group if o != w] for group in _SYNONYM_GROUPS for w in group}
SYNONYMS.update({w: [o for o in group if o != w] for group in _SYNONYM_GROUPS for w in group})


def terms(text: str) -> list[str]:
    """Folded content syllables of ``text`` (codes like ``02/nq-cp`` kept whole)."""
    return [t for t in _SYL_RE.findall(fold(text)) if t not in QUESTION_WORDS]


def accented_terms(text: str) -> list[str]:
    """Lower-cased syllables with their diacritics: ``lương`` and ``lượng`` stay apart."""
    return [t for t in _ACC_RE.findall(nfc(text).lower())
            if fold(t) not in QUESTION_WORDS and t not in QUESTION_WORDS_ACCENTED]


class TermWeights:
    """Document frequencies over the corpus chunks of syllables and syllable pairs, with and
    without diacritics. A phrase longer than two syllables is weighed by its rarest pair: a
    compound the plans never use (``lương cơ bản``) weighs heavily when it is missing."""

    def __init__(self, texts: list[str]):
        self.n = max(len(texts), 1)
        self._df_acc: Counter[str] = Counter()
        self._df_fold: Counter[str] = Counter()
        for text in texts:
            syls = _ACC_RE.findall(nfc(text).lower())
            folded = [fold(x) for x in syls]
            self._df_acc.update(set(syls) | {f"{a} {b}" for a, b in zip(syls, syls[1:])})
            self._df_fold.update(set(folded) | {f"{a} {b}" for a, b in zip(folded, folded[1:])})

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


def coverage(units: list[str], evidence: str, weights: TermWeights, *, accented: bool) -> float:
    """IDF-weighted share of the question's units found (whole, on word boundaries) in ``evidence``."""
    if not units:
        return 0.0
    ev = " ".join(_ACC_RE.findall(nfc(evidence).lower()))
    if not accented:
        ev = fold(ev)
    total = got = 0.0
    for unit in dict.fromkeys(units):
        w = weights.idf(unit, accented) * (0.3 if fold(unit) in DOMAIN_COMMON else 1.0) * (1 + 0.3 * unit.count(" "))
        total += w
        if any(re.search(r"(?<![\w/])" + re.escape(form) + r"(?![\w/])", ev)
               for form in (unit, *SYNONYMS.get(unit, ()))):
            got += w
    return got / total if total else 0.0
