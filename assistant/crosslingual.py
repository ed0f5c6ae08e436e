"""What evidence an English question asks for, in the words Vietnamese plans use.

An English question is read through the glossary (``assistant/lexicon.py``): each English term
it uses maps to one or more Vietnamese renderings ("budget" -> "ngân sách", "kinh phí"). Coverage
of a Vietnamese question counts every content word; for an English one that would require all
the renderings of a term at once, and every term the glossary knows, so adding a rendering made
answers rarer (measured on the English dev questions: 12 -> 10 of 21 right). Here each term is
one unit whose renderings are alternatives ("ngan sach|kinh phi"), weighted by how rare its
renderings are; codes, numbers and the Vietnamese names the question writes ("Chi Lăng",
"Dong Nai") are units of their own, as written.

Measured and not used: ranking sentences, or BM25's top 30, by the cosine between the English
question and the Vietnamese passage (multilingual-e5-small, the shipped model): it put the gold
passage first for 0.30 of the English dev questions against 0.56 for BM25 over the glossary
terms (README, "English questions"). The dense stage still reads the English question itself
(``HybridIndex.search(dense_query=...)``), at the fusion weight, where it added R@5 +0.07.
"""

from __future__ import annotations

import re

from assistant.lexicon import EN_NAME_STOP, VI_SYLLABLE_RE
from assistant.query import Query
from ingest.text import fold

_SYLLABLES = re.compile(r"[a-z0-9%]+")
_CODE = re.compile(r"\d[\w/.\-]*|\w*\d[\w/.\-]*")


def renderings(vietnamese: str) -> list[str]:
    """The alternatives a glossary value offers: its syllable pairs ("ngan sach kinh phi" ->
    "ngan sach", "kinh phi"), a one-syllable value as it is."""
    syls = _SYLLABLES.findall(fold(vietnamese))
    if len(syls) <= 2:
        return [" ".join(syls)] if syls else []
    pairs = [" ".join(syls[i:i + 2]) for i in range(0, len(syls) - 1, 2)]
    if len(syls) % 2:
        pairs.append(syls[-1])
    return pairs


def names(text: str) -> list[str]:
    """Vietnamese names written in an English question: runs of capitalised words that can be
    Vietnamese syllables ("Chi Lăng", "Dong Nai", "Hoàng Viết Đông"), folded."""
    out, run = [], []
    for word in re.findall(r"[^\W\d_]+(?:['’]s)?", text) + [""]:
        bare = re.sub(r"['’]s$", "", word)
        if bare[:1].isupper() and VI_SYLLABLE_RE.match(fold(bare).lower()) and bare.lower() not in EN_NAME_STOP:
            run.append(fold(bare).lower())
            if bare != word:  # a possessive ends the name
                out.append(" ".join(run)) if len(run) >= 2 else None
                run = []
            continue
        if len(run) >= 2:
            out.append(" ".join(run))
        run = []
    return out


def english_units(query: Query) -> list[str]:
    """Evidence units of an English question: one per glossary term ("|"-separated renderings),
    then codes and numbers, then Vietnamese names; folded, in order, without repeats."""
    units = ["|".join(r) for vi in query.en_terms if (r := renderings(vi))]
    units += [m.group(0).lower().strip(".,") for m in _CODE.finditer(query.text) if len(m.group(0).strip(".,")) >= 2]
    units += names(query.text)
    return list(dict.fromkeys(u for u in units if u))
