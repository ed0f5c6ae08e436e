"""Which plan a question is about: issuing-body mentions, title words, and unknown organisations.

``Sở Ngoại vụ``, ``xã Chi Lăng``, ``Ban Quản lý Khu kinh tế`` name issuers; words of a title
(``tuyên truyền``) separate two plans of the same issuer. A question that names an
organisation no plan mentions (``Sở Y tế``) is out of scope.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from ingest.model import Document
from ingest.text import fold
from assistant.lexicon import DOC_KINDS_FOLDED, ASKED_DOC_RE, GENERIC, NOT_NAMES, ORG_HEADS, ORG_RE, PLACE_RE, STOP_AFTER  # noqa: F401

_SYL_RE = re.compile(r"[a-z0-9]+")


def syllables(text: str) -> list[str]:
    return _SYL_RE.findall(fold(text))


EXACT_MATCH_SCORE = 100.0  # the question names the document's own number
KIND_MISMATCH = 0.5  # a fuzzy match of another kind of document than the question names counts half
BARE_NUMBER_SCORE = 50.0  # the question names its number without the code ("quyết định 1594")
_BARE_NUMBER_RE = re.compile(r"(?<![\d/.])\d{3,5}(?![\d/.,])")
_NUMBER_YEAR_RE = re.compile(r"(?<![\d/.])\d{1,5}/(?:19|20)\d{2}(?![\d/])")  # "nq 37/2025": number and year, no code


@dataclass
class DocMatch:
    doc_id: str
    score: float
    issuer_hit: bool


def issuer_aliases(issuer_folded: str) -> list[list[str]]:
    """Ways to name an issuer: in full, without leading UBND, before a ' - ' place suffix."""
    variants = {issuer_folded}
    variants.add(re.sub(r"^(?:chu tich\s+)?(ubnd|uy ban nhan dan)\s+", "", issuer_folded))  # "Chủ tịch UBND tỉnh …"
    variants.add(issuer_folded.split(" - ")[0])
    variants.add(re.sub(r"\s+(?:tinh|thanh pho)\s+\S+\s+\S+$", "", issuer_folded))  # "ubnd tinh lang son" → "ubnd"
    place = re.search(r"\b(?:tinh|thanh pho)\s+(\S+\s+\S+(?:\s+\S+)?)$", issuer_folded)
    if place:  # "… của Bắc Ninh": the province or city alone names a provincial body
        variants.add(place.group(1))
    out = []
    for v in variants:
        syl = _SYL_RE.findall(v)
        if len(syl) >= 2:
            out.append(syl)
            if len(syl) > 3:
                out.append(syl[:3])  # "ban quan ly", "so noi vu"
    return out


_NUMBER_RE = re.compile(r"\b\d+(?:/\d{4})?/[a-z0-9\-]+")


def _mask_asked_issuers(syls: list[str]) -> list[str]:
    """In 'Quyết định nào của Thủ tướng', the Thủ tướng issued the document asked for, not the
    plan the question is about: hide those words from issuer matching."""
    out = list(syls)
    for i in range(len(out) - 3):
        pair = f"{out[i]} {out[i + 1]}"
        j = i + 2
        if j < len(out) and out[j] == "so":
            j += 1
        if ASKED_DOC_RE.match(pair) and j + 1 < len(out) and out[j] == "nao" and out[j + 1] in ("cua", "do"):
            for k in range(j + 2, min(j + 7, len(out))):
                out[k] = "·"
    return out


def _pairs(syls: list[str]) -> list[str]:
    return [f"{a} {b}" for a, b in zip(syls, syls[1:])]


def _contains_seq(haystack: list[str], needle: list[str]) -> bool:
    n = len(needle)
    return any(haystack[i:i + n] == needle for i in range(len(haystack) - n + 1))


class DocMatcher:
    def __init__(self, docs: list[Document], issuer_fold=None):
        self.docs = docs
        self._issuer_fold = issuer_fold or fold
        # title word pairs that are not in the issuer's name: they tell two plans of one issuer
        # apart ("tuyên truyền"); pairs, because single folded syllables collide (tài/tại)
        self._profiles = {
            d.doc_id: [p for p in _pairs(syllables(f"{d.metadata.title}"))
                       if p not in set(_pairs(syllables(self._issuer_fold(d.metadata.issuer or ""))))]
            for d in docs
        }
        df: Counter[str] = Counter()
        for syls in self._profiles.values():
            df.update(set(syls))
        n = max(len(docs), 1)
        self._idf = {w: math.log(1 + n / c) for w, c in df.items()}
        self._issuers = {d.doc_id: self._issuer_fold(d.metadata.issuer or "") for d in docs}
        self._kinds = {d.doc_id: fold(d.metadata.kind) for d in docs}
        self._titles = {d.doc_id: fold(d.metadata.title) for d in docs}
        # aliases that can name the issuer: with a distinctive word, or at least three syllables
        self._aliases = {
            doc_id: [a for a in issuer_aliases(issuer) if [x for x in a if x not in GENERIC and not x.isdigit()]
                     or len(a) >= 3]
            for doc_id, issuer in self._issuers.items()
        }
        self._same_number = Counter(fold(d.metadata.number).lower() for d in docs)
        self._corpus_folded = " ".join(fold(d.text) + " " + (d.search_text or "") for d in docs)

    def match(self, question: str) -> list[DocMatch]:
        """Documents the question points at, best first; empty when it names none."""
        q_syl = _mask_asked_issuers(syllables(question))
        q_set = set(_pairs(q_syl))
        q_numbers = {n.lower() for n in _NUMBER_RE.findall(fold(question))}
        q_bare = set(_BARE_NUMBER_RE.findall(fold(question)))  # "qd 1594 ha noi": the number without its code
        q_number_years = {n for n in _NUMBER_YEAR_RE.findall(fold(question))
                          if not any(full.startswith(n + "/") for full in q_numbers)}
        q_kinds = {k for k in DOC_KINDS_FOLDED if re.search(rf"(?<![a-z]){k}(?![a-z])", fold(question))}
        results: list[DocMatch] = []
        for doc in self.docs:
            number = fold(doc.metadata.number).lower()
            if number and number.split("/")[0] and number in q_numbers:
                # its own number names a plan exactly; two plans of one number ("71/2025/QĐ-UBND" of two
                # provinces) are told apart by the issuer and title words the question also uses
                tie = self._fuzzy(doc, q_syl, q_set, q_kinds)[0] if self._same_number[number] > 1 else 0.0
                results.append(DocMatch(doc.doc_id, EXACT_MATCH_SCORE + tie / (1 + tie), True))
                continue
            lead = number.split("/")[0]
            if len(lead) >= 3 and lead in q_bare and not any(n.startswith(lead + "/") for n in q_numbers):
                results.append(DocMatch(doc.doc_id, BARE_NUMBER_SCORE, True))  # its number without the code
                continue
            numbered = bool(lead) and any(number.startswith(n + "/") for n in q_number_years)
            score, hit = self._fuzzy(doc, q_syl, q_set, q_kinds)
            if numbered:  # its number and year without the code: issuer and title words break a tie
                kind_ok = not q_kinds or self._kinds[doc.doc_id] in q_kinds
                score += BARE_NUMBER_SCORE * (1.0 if kind_ok else KIND_MISMATCH)
            if score > 0:
                results.append(DocMatch(doc.doc_id, score, hit > 0 or numbered))
        results.sort(key=lambda m: -m.score)
        return results

    def _fuzzy(self, doc: Document, q_syl: list[str], q_set: set[str], q_kinds: set[str]) -> tuple[float, int]:
        """How well the issuer and title words of the question fit ``doc``, and the issuer words matched."""
        hit = 0
        for alias in self._aliases[doc.doc_id]:
            if _contains_seq(q_syl, alias):
                hit = max(hit, len(alias))
        title_score = sum(self._idf.get(w, 0) for w in set(self._profiles[doc.doc_id]) & q_set
                          if w not in {"ke hoach"})
        score = hit * 2.0 + title_score * 0.5
        if q_kinds and self._kinds[doc.doc_id] not in q_kinds and not any(k in self._titles[doc.doc_id] for k in q_kinds):
            score *= KIND_MISMATCH  # "nghị quyết của HĐND …" is not a quyết định of the same body
        return score, hit

    def hinted_docs(self, question: str) -> set[str]:
        """Docs whose issuer the question names, narrowed by title words when several share it."""
        matches = [m for m in self.match(question) if m.issuer_hit]
        if not matches:
            return set()
        best = matches[0].score
        return {m.doc_id for m in matches if m.score >= best - 1e-6}

    def unknown_organisations(self, question: str) -> list[str]:
        """Organisations named with capitals in the question that appear nowhere in the corpus.

        Vietnamese capitalises only the first word of a name ('Sở Tư pháp'), so a mention is
        known when it, or it extended by one or two lower-case words, occurs in the corpus.
        """
        missing = []
        for variants in organisation_mentions(question):
            if not any(self._in_corpus(fold(v)) for v in variants):
                missing.append(variants[min(1, len(variants) - 1)])
        if not missing and question == question.lower():
            # typed in lower case: no capitals mark the name, so test 'tỉnh/xã/huyện + two syllables'
            for mention in _lowercase_place_mentions(fold(question)):
                if not self._in_corpus(mention) and not self._in_corpus(mention.rsplit(" ", 1)[0]):
                    missing.append(mention)
        return missing

    def _in_corpus(self, name: str) -> bool:
        return re.search(r"(?<![a-z0-9])" + re.escape(name) + r"(?![a-z0-9])", self._corpus_folded) is not None


_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)


def _lowercase_place_mentions(folded: str) -> list[str]:
    """'… của ubnd tỉnh cao bằng …' → 'tinh cao bang' (two syllables after the place word)."""
    out = []
    for m in PLACE_RE.finditer(folded):
        if m.group(2) in NOT_NAMES or m.group(3) in NOT_NAMES:
            continue
        out.append(f"{m.group(1)} {m.group(2)} {m.group(3)}")
    return out


def _name_word(word: str) -> bool:
    """Capitalised like a proper name ('Cao', 'Y'), not an acronym ('CCHC')."""
    return word[:1].isupper() and (len(word) == 1 or not word.isupper())


def organisation_mentions(question: str) -> list[list[str]]:
    """For each 'head + capitalised name' in the question ('Sở Y tế', 'tỉnh Cao Bằng'), the
    mention and its extensions by one and two following lower-case words."""
    words = [(m.group(0), m.start(), m.end()) for m in _WORD_RE.finditer(question)]
    folded = [fold(w) for w, *_ in words]
    out: list[list[str]] = []
    i = 0
    while i < len(words):
        head_len = 0
        for head in ORG_HEADS:
            parts = head.split()
            if folded[i:i + len(parts)] == parts:
                head_len = len(parts)
                break
        j = i + head_len

        def spaced(a: int, b: int) -> bool:  # words a and b are separated by white space only
            gap = question[words[a][2]:words[b][1]]
            return gap.isspace() and len(gap) <= 2

        # "Hà Tĩnh Decision": a capitalised head after a name word is the name's last syllable
        inside_name = (i > 0 and words[i][0][:1].isupper() and _name_word(words[i - 1][0]) and spaced(i - 1, i)
                       and folded[i - 1] not in STOP_AFTER)  # "Theo Sở Y tế" names the Sở
        if (head_len and not inside_name and j < len(words) and _name_word(words[j][0])
                and all(spaced(x, x + 1) for x in range(i, j))):
            k = j + 1
            while k < len(words) and _name_word(words[k][0]) and spaced(k - 1, k):
                k += 1
            variants = [question[words[i][1]:words[k - 1][2]]]
            for extra in (1, 2):
                end = k - 1 + extra
                if end < len(words) and words[end][0].islower() and folded[end] not in STOP_AFTER:
                    variants.append(question[words[i][1]:words[end][2]])
                else:
                    break
            out.append(variants)
            i = k
        else:
            i += 1
    return out
