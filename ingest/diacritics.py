"""Vietnamese diacritic restoration and OCR repair with a syllable bigram model.

Scanned plans come back from OCR with their diacritics stripped or turned into wrong glyphs
(``Ké hoach sé 110 ciia UBND``, ``nudc``, ``S¢``, ``1am``), and users type questions without
accents. Both are fixed here at the syllable level with one small model shipped in the repo
(``ingest/data/vi_lexicon.json.gz``, built by :mod:`ingest.build_lexicon`): counts of accented
syllables and of whitespace-adjacent syllable pairs from clean documents.

* :func:`ocr_fold` repairs OCR glyph confusions in the accent-folded space (what search and
  metadata patterns compare against), choosing among real syllables by context (Viterbi).
* :func:`restore_diacritics` puts accents back on folded text without ever changing its folded
  form, so it is always safe to apply; :func:`repair_ocr` does both for display.
* :func:`ocr_damage_score` tells the ingest whether a document needs the repair.

Tokens that are not syllables (numbers, ``110/KH-UBND``, ``CCHC``, ``IV.1``, list markers)
pass through unchanged.
"""

from __future__ import annotations

import functools
import gzip
import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ingest.text import fold, nfc, squeeze, strip_marks
from ingest.errors import CchcError

LEXICON_PATH = Path(__file__).resolve().parent / "data" / "vi_lexicon.json.gz"
LEXICON_FORMAT = "cchc-vi-lexicon"
NUMBER = "<num>"  # every number is this one pseudo-syllable: "đạt 95%", "năm 2026", "số 110/KH-UBND"

VI_LETTERS = "a-zàáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
# Tokens: letters, digits and the glyphs OCR puts in place of accented vowels (¢ € &).
TOKEN_RE = re.compile(r"[0-9A-Za-zÀ-ỹĐđ¢€&]+")
_ACCENTED_RE = re.compile(f"[{VI_LETTERS}]+")
# Folded syllable shape: onset, 1-3 vowels (glides and i/o/u/y codas), final consonant. Keeps
# abbreviations (ubnd, cchc) and most English words (online, and, for) out of the lexicon.
VALID_FOLDED_RE = re.compile(
    r"(?:ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdghklmnprstvx])?[aeiouy]{1,3}(?:ch|nh|ng|[cmnpt])?")
_ROMAN_RE = re.compile(r"[IVX]+")
_OCR_ROMAN_RE = re.compile(r"[IVX][IVX1l]+")
_SPACES_RE = re.compile(r"\s*")

# Language model and decoder constants (tuned on benchmarks/bench_diacritics.py).
_DISCOUNT = 0.75  # absolute discount of every seen pair
_MAX_FORMS = 10  # accented forms tried per folded syllable
_MARK_PENALTY = 4.0  # cost of overriding accents the input already carries
_VALID_SURCHARGE = 2.5  # extra cost of "repairing" a token that already is a real syllable
_MAX_OCR_CANDIDATES = 8

Options = Sequence[tuple[str, float]]  # candidates of one token: (syllable, cost)

# OCR confusions, written as folded OCR text -> folded correct text with a cost (~ -log P).
# Gathered from corpus file 003: ô→6/b/d, ơ→d/g/¢/&, ư→ir/it/tr/y/w, ủ→ii/t, ă/â→i/d/3/4 ...
_OCR_RULES: dict[str, tuple[tuple[str, float], ...]] = {
    "6": (("o", 0.4), ("e", 1.5)), "0": (("o", 0.5),), "1": (("l", 0.6), ("i", 0.6), ("", 2.0)),
    "3": (("a", 1.0),), "4": (("a", 1.0),), "8": (("s", 1.2),),
    "¢": (("o", 0.6), ("e", 0.6), ("c", 1.2)), "&": (("o", 0.6), ("e", 0.6)), "€": (("e", 0.4), ("", 0.6)),
    "d": (("o", 1.2), ("a", 1.5), ("", 2.5)), "b": (("o", 1.2),), "g": (("o", 1.2), ("u", 1.8), ("", 2.0)),
    "e": (("o", 1.2), ("a", 1.5), ("c", 1.8), ("", 2.0)), "a": (("o", 1.5), ("u", 1.5)), "i": (("u", 1.2), ("a", 1.2)),
    "o": (("u", 1.8),), "ia": (("a", 1.5),),
    "ii": (("u", 0.6),), "ir": (("u", 0.6),), "it": (("u", 0.8),), "ti": (("u", 1.0),), "tl": (("u", 1.0),),
    "tr": (("u", 1.2),), "t": (("u", 1.5),), "ur": (("u", 0.8),), "y": (("u", 0.8), ("", 2.0)),
    "w": (("u", 0.8),), "wv": (("u", 1.0),), "c": (("e", 1.5),), "m": (("n", 2.0),),
    "r": (("u", 1.8),), "f": (("a", 2.0),), "l": (("i", 1.5), ("u", 1.5)),
}
_OCR_FIRST = {"p": (("d", 1.0),), "i": (("l", 1.0),), "g": (("u", 1.5),)}  # Đ→P, l→I at a token start
_OCR_INSERT = (("o", 2.2), ("a", 2.2), ("e", 2.2), ("u", 2.2), ("i", 2.2))
_OCR_DELETE = 1.5  # any other non-letter glyph inside a word
_OCR_MAX_COST = 4.0
_OCR_MAX_EDITS = 3
_CODE_DIGITS = "2579"  # digits OCR never puts for a letter: 5G, G7 are codes
_CAPS_MAX_COST = 0.5  # all-capital tokens (abbreviations: PAR, DTI) only get the cheapest repairs
_OCR_CACHE_SIZE = 100_000
_NUMBER_OPTIONS = ((NUMBER, 0.0),)


class LexiconError(CchcError, RuntimeError):
    """The lexicon file is missing or not in the expected format."""


@functools.lru_cache(maxsize=1 << 16)
def is_syllable(word: str) -> bool:
    """True for a lower-case token shaped like one Vietnamese syllable (accented or not)."""
    return bool(_ACCENTED_RE.fullmatch(word)) and bool(VALID_FOLDED_RE.fullmatch(fold(word)))


def _protected(text: str, start: int, end: int) -> bool:
    """Tokens that look like words but must never be touched: codes, roman numerals, list markers.

    ``TU`` in ``60-NQ/TU`` would otherwise become ``TỪ``, ``Quý I`` ``Quý Ì`` and ``a)`` ``à)``.
    """
    token = text[start:end]
    before, after = text[start - 1:start], text[end:end + 1]
    if _ROMAN_RE.fullmatch(token):
        return True
    if len(token) == 1 and after == ")":
        return True
    in_code = (before in ("/", "-") and start >= 2 and text[start - 2].isalnum()) or (
        after in ("/", "-") and text[end + 1:end + 2].isalnum())
    return in_code and (token.isupper() or any(c.isupper() or c.isdigit() for c in token[1:]))


def _is_number(word: str) -> bool:
    return word.isascii() and word.isdigit()


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    text: str
    joined: bool  # only white space since the previous token: the bigram context carries over
    protected: bool


def _tokens(text: str) -> list[_Token]:
    """Tokens of NFC ``text`` with their spans, whether they continue a run and whether protected."""
    out: list[_Token] = []
    prev_end = 0
    for match in TOKEN_RE.finditer(text):
        start, end = match.span()
        joined = bool(out) and _SPACES_RE.fullmatch(text, prev_end, start) is not None
        out.append(_Token(start, end, match.group(), joined, _protected(text, start, end)))
        prev_end = end
    return out


def syllable_runs(text: str) -> Iterator[list[str]]:
    """Runs of lower-cased syllables separated only by white space, as the decoders see them.

    The lexicon builder counts bigrams inside these runs, so the model never conditions on a
    neighbour across punctuation or a code, and neither do the decoders. Numbers stay in as
    :data:`NUMBER`: "đạt 95%" and "đất 95%" differ only by what follows.
    """
    run: list[str] = []
    for tok in _tokens(nfc(text)):
        word = tok.text.lower()
        if run and not tok.joined:
            yield run
            run = []
        if _is_number(word):
            run.append(NUMBER)
        elif not tok.protected and is_syllable(word):
            run.append(word)
        elif run:
            yield run
            run = []
    if run:
        yield run


class _BigramLM:
    """Interpolated absolute discounting: P(w|v) = max(c(v,w) - D, 0) / c(v) + λ(v)·P(w).

    λ(v) gives the unigram the mass of the discounts plus the mass of pairs the shipped file
    pruned, so an unseen pair after a frequent word (``của nền``) is unlikely, not impossible.
    """

    def __init__(self, unigrams: dict[str, int], bigrams: dict[tuple[str, str], int]) -> None:
        total = sum(unigrams.values()) + 0.5 * (len(unigrams) + 1)
        self.uni = {w: (n + 0.5) / total for w, n in unigrams.items()}
        self.unknown = 0.5 / total
        kept: Counter[str] = Counter()
        types: Counter[str] = Counter()
        for (prev, _), n in bigrams.items():
            kept[prev] += n
            types[prev] += 1
        self.count = {w: max(n, kept[w], 1) for w, n in unigrams.items()}
        self.backoff = {w: max(c - kept[w] + _DISCOUNT * types[w], _DISCOUNT) / c for w, c in self.count.items()}
        self.bigrams = bigrams

    def logp(self, prev: str | None, word: str) -> float:
        """log P(word | prev); ``prev=None`` starts a run (unigram)."""
        p_uni = self.uni.get(word, self.unknown)
        if prev is None or prev not in self.count:
            return math.log(p_uni)
        pair = self.bigrams.get((prev, word), 0)
        return math.log(max(pair - _DISCOUNT, 0.0) / self.count[prev] + self.backoff[prev] * p_uni)


class Lexicon:
    """Syllable counts from the lexicon file and the derived tables both decoders use."""

    def __init__(self, data: dict) -> None:
        if data.get("format") != LEXICON_FORMAT:
            raise LexiconError(f"not a {LEXICON_FORMAT} file (format={data.get('format')!r}); "
                               "rebuild it with python -m ingest.build_lexicon")
        self.unigrams: dict[str, int] = dict(data["unigrams"])
        self.candidates: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in data["candidates"].items()}
        bigrams: dict[tuple[str, str], int] = {}
        for pair, n in data["bigrams"].items():
            first, second = pair.split(" ", 1)
            bigrams[first, second] = n
        self.accented = _BigramLM(self.unigrams, bigrams)
        folded_uni: Counter[str] = Counter()
        for word, n in self.unigrams.items():
            folded_uni[fold(word)] += n
        folded_bi: Counter[tuple[str, str]] = Counter()
        for (a, b), n in bigrams.items():
            folded_bi[fold(a), fold(b)] += n
        self.folded_counts = folded_uni
        self.folded = _BigramLM(folded_uni, folded_bi)
        self._prefixes = {key[:i] for key in self.candidates for i in range(len(key) + 1)}
        self._ocr_cache: dict[tuple[str, bool], tuple[tuple[str, float], ...]] = {}

    @classmethod
    def from_texts(cls, texts: Iterable[str], min_bigram: int = 1, min_unigram: int = 1) -> Lexicon:
        """A lexicon built in memory (tests, benchmarks); the shipped one prunes more."""
        from ingest.build_lexicon import build_lexicon

        return cls(build_lexicon(texts, min_bigram=min_bigram, min_unigram=min_unigram))

    def ocr_candidates(self, word: str) -> tuple[tuple[str, float], ...]:
        """Real folded syllables ``word`` may be an OCR misreading of, with costs, cheapest first."""
        key = (word, word[:1].isupper())
        if key not in self._ocr_cache:
            if len(self._ocr_cache) >= _OCR_CACHE_SIZE:
                self._ocr_cache.clear()
            self._ocr_cache[key] = self._search_ocr(strip_marks(word).lower(), word[:1].isupper())
        return self._ocr_cache[key]

    def _search_ocr(self, low: str, upper_first: bool) -> tuple[tuple[str, float], ...]:
        """Apply confusion rules left to right, pruned by the set of syllable prefixes."""
        found: dict[str, float] = {}
        valid = low in self.candidates
        max_cost = _OCR_MAX_COST - (_VALID_SURCHARGE if valid else 0.0)
        max_edits = 2 if valid else _OCR_MAX_EDITS
        prefixes, n = self._prefixes, len(low)

        def walk(i: int, out: str, cost: float, edits: int) -> None:
            if out not in prefixes or cost > max_cost:
                return
            if i == n:
                if out in self.candidates and cost < found.get(out, math.inf):
                    found[out] = cost
            else:
                char = low[i]
                if "a" <= char <= "z":
                    walk(i + 1, out + char, cost, edits)
                elif edits < max_edits and char not in _OCR_RULES:
                    walk(i + 1, out, cost + _OCR_DELETE, edits + 1)
                if edits < max_edits:
                    rules = [(low[i:i + 2], _OCR_RULES.get(low[i:i + 2], ())), (char, _OCR_RULES.get(char, ()))]
                    if i == 0:
                        first = _OCR_FIRST.get(char, ())
                        rules.append((char, tuple((r, c - (0.5 if upper_first else 0.0)) for r, c in first)))
                    for pattern, options in rules:
                        for repl, c in options:
                            walk(i + len(pattern), out + repl, cost + c, edits + 1)
            if edits < max_edits and i > 0:
                for repl, c in _OCR_INSERT:
                    walk(i, out + repl, cost + c, edits + 1)

        walk(0, "", 0.0, 0)
        if valid:
            found = {w: (0.0 if w == low else c + _VALID_SURCHARGE) for w, c in found.items()}
            found[low] = 0.0
        ranked = sorted(found.items(), key=lambda kv: (kv[1], -self.folded_counts.get(kv[0], 0), kv[0]))
        return tuple(ranked[:_MAX_OCR_CANDIDATES])


@functools.lru_cache(maxsize=4)
def load_lexicon(path: Path = LEXICON_PATH) -> Lexicon:
    """Load (once per path) the shipped lexicon; a clear error says how to rebuild it."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            return Lexicon(json.load(fh))
    except FileNotFoundError:
        raise LexiconError(f"lexicon file {path} is missing; build it with python -m ingest.build_lexicon") from None


def _viterbi(lm: _BigramLM, lattice: Sequence[Options]) -> list[str]:
    """Best path through per-token candidates ``(word, cost)`` under ``lm`` minus the costs."""
    scores = [lm.logp(None, w) - c for w, c in lattice[0]]
    back: list[list[int]] = []
    for prev_cands, cands in zip(lattice, lattice[1:]):
        new_scores, pointers = [], []
        for word, cost in cands:
            best, arg = -math.inf, 0
            for j, (prev, _) in enumerate(prev_cands):
                s = scores[j] + lm.logp(prev, word)
                if s > best:
                    best, arg = s, j
            new_scores.append(best - cost)
            pointers.append(arg)
        scores = new_scores
        back.append(pointers)
    j = max(range(len(scores)), key=scores.__getitem__)
    path = [j]
    for pointers in reversed(back):
        j = pointers[j]
        path.append(j)
    path.reverse()
    return [lattice[i][k][0] for i, k in enumerate(path)]


def _decode(lm: _BigramLM, tokens: Sequence[_Token], lattice: Sequence[Options | None]) -> list[str | None]:
    """Decode each run of joined tokens that all have candidates; others (and numbers) stay ``None``."""
    out: list[str | None] = [None] * len(tokens)
    i = 0
    while i < len(tokens):
        if not lattice[i]:
            i += 1
            continue
        j = i + 1
        while j < len(tokens) and tokens[j].joined and lattice[j]:
            j += 1
        run = [options for options in lattice[i:j] if options]
        out[i:j] = [None if w == NUMBER else w for w in _viterbi(lm, run)]
        i = j
    return out


def _has_vowel(word: str) -> bool:
    return any(c in "aeiouy" for c in strip_marks(word).lower())


def _ocr_lattice(lex: Lexicon, tokens: Sequence[_Token]) -> list[Options | None]:
    """OCR candidates per token; ``None`` for codes and abbreviations, left as they are."""
    lattice: list[Options | None] = []
    for tok in tokens:
        word = tok.text
        capitals = sum(c.isupper() for c in word)
        if _is_number(word):
            lattice.append(_NUMBER_OPTIONS)
            continue
        if (tok.protected or not any(c.isalpha() for c in word) or _OCR_ROMAN_RE.fullmatch(word)
                or any(c in _CODE_DIGITS for c in word) or (capitals > 1 and not _has_vowel(word))):
            lattice.append(None)  # numbers, 5G, CCHC, TTg: nothing to repair
            continue
        candidates = lex.ocr_candidates(word)
        if capitals == len(word) > 1:  # PICH, POC: in capitals only Đ read as P is common
            candidates = tuple(c for c in candidates if c[1] <= _CAPS_MAX_COST)
        lattice.append(candidates or None)
    return lattice


def _folded_outside(text: str) -> str:
    """Folded form of text between tokens: what :func:`ingest.text.fold` does, minus squeezing."""
    return strip_marks(text).lower()


def _clean_folded(text: str) -> str:
    """Squeeze spaces and drop anything that could still be a mark or capital after folding."""
    text = squeeze(text)
    return "".join(c.lower() for c in text if not unicodedata.category(c).startswith("M") and not c.lower().isupper())


def ocr_fold(text: str, lexicon: Lexicon | None = None) -> str:
    """Accent-folded, lower-cased ``text`` with OCR glyph confusions repaired syllable by syllable.

    For clean text this is :func:`ingest.text.fold` (the benchmark sees one syllable in a
    thousand changed); for OCR text it aims at ``fold(correct text)``:
    ``ocr_fold("Ké hoach sé 110 ciia UBND") == "ke hoach so 110 cua ubnd"``.
    A repair is made only to a real syllable that fits its neighbours; token boundaries,
    numbers and codes (``110/KH-UBND``, ``25/3/2026``, ``95%``) are kept exactly.
    """
    lex = lexicon or load_lexicon()
    text = nfc(text)
    tokens = _tokens(text)
    choice = _decode(lex.folded, tokens, _ocr_lattice(lex, tokens))
    parts: list[str] = []
    pos = 0
    for tok, folded in zip(tokens, choice):
        parts.append(_folded_outside(text[pos:tok.start]))
        if folded is None and _OCR_ROMAN_RE.fullmatch(tok.text):
            folded = tok.text.replace("1", "I").replace("l", "I").lower()  # I11. -> iii.
        parts.append(folded if folded is not None else _folded_outside(tok.text))
        pos = tok.end
    parts.append(_folded_outside(text[pos:]))
    return _clean_folded("".join(parts))


def _apply_case(form: str, original: str) -> str:
    """Give ``form`` the casing pattern of ``original`` (char by char when lengths match)."""
    if len(form) == len(original):
        return "".join(f.upper() if o.isupper() else f for f, o in zip(form, original))
    if original.isupper() and len(original) > 1:
        return form.upper()
    return form[:1].upper() + form[1:] if original[:1].isupper() else form


def _restore_lattice(lex: Lexicon, words: Sequence[str | None], marked: Sequence[bool]) -> list[Options | None]:
    """Accented forms per folded syllable; forms that contradict accents already typed cost more."""
    lattice: list[Options | None] = []
    for word, keep_marks in zip(words, marked):
        if word and _is_number(word):
            lattice.append(_NUMBER_OPTIONS)
            continue
        key = fold(word) if word else ""
        forms = lex.candidates.get(key)
        if not word or not forms:
            lattice.append(None)
            continue
        low = word.lower()
        options = list(forms[:_MAX_FORMS])
        if keep_marks and low in lex.unigrams and low not in options:
            options.append(low)
        lattice.append([(f, _MARK_PENALTY if keep_marks and f != low else 0.0) for f in options])
    return lattice


def _rebuild(text: str, tokens: Sequence[_Token], forms: Sequence[str | None]) -> str:
    parts: list[str] = []
    pos = 0
    for tok, form in zip(tokens, forms):
        parts.append(text[pos:tok.start])
        parts.append(_apply_case(form, tok.text) if form is not None else tok.text)
        pos = tok.end
    parts.append(text[pos:])
    return "".join(parts)


def restore_diacritics(text: str, lexicon: Lexicon | None = None) -> str:
    """Put Vietnamese diacritics back on (partly) unaccented text; ``fold`` of the result never changes.

    Each folded syllable gets the accented form a bigram model prefers in context (Viterbi).
    Accents already present are kept unless the model is confident they are wrong; casing,
    punctuation and spacing are kept; unknown tokens (numbers, CCHC, UBND, IV.1) are left
    alone. The result is NFC.
    """
    lex = lexicon or load_lexicon()
    text = nfc(text)
    tokens = _tokens(text)
    words = [None if t.protected and not _is_number(t.text) else t.text for t in tokens]
    marked = [strip_marks(t.text) != t.text for t in tokens]
    forms = _decode(lex.accented, tokens, _restore_lattice(lex, words, marked))
    return _rebuild(text, tokens, forms)


def repair_ocr(text: str, lexicon: Lexicon | None = None) -> str:
    """Readable Vietnamese from OCR text: :func:`ocr_fold`'s repairs, then accents restored.

    Unlike :func:`restore_diacritics` this changes letters (``ciia`` → ``của``), so use it for
    display, never where offsets into the original text matter.
    """
    lex = lexicon or load_lexicon()
    text = nfc(text)
    tokens = _tokens(text)
    repaired = _decode(lex.folded, tokens, _ocr_lattice(lex, tokens))
    words = [t.text if _is_number(t.text) else r for t, r in zip(tokens, repaired)]
    forms = _decode(lex.accented, tokens, _restore_lattice(lex, words, [False] * len(tokens)))
    return _rebuild(text, tokens, forms)


def ocr_damage_score(text: str, lexicon: Lexicon | None = None) -> float:
    """Share in [0, 1] of Vietnamese syllables that look OCR-damaged or unaccented.

    A syllable counts as damaged when it carries OCR glyphs (``c6``, ``S¢``, ``1am``), is not a
    real syllable but can be repaired into one (``nudc``, ``chirc``), carries accents never seen
    on that syllable (``hiéu``), or is written without accents although the clean documents
    mostly accent it (``cua``, weighted by how often the bare form is seen). Abbreviations,
    numbers and words that are neither known nor repairable are ignored. Text in which fewer
    than 60 % of the words look Vietnamese (plain English, say) scores 0.0: it is not damaged
    Vietnamese, and "repairing" it would only corrupt it. Clean Vietnamese scores below 0.1,
    accent-less or OCR-damaged Vietnamese above 0.5.
    """
    lex = lexicon or load_lexicon()
    words = considered = 0
    damage = 0.0
    tokens = _tokens(nfc(text))
    for tok, repairs in zip(tokens, _ocr_lattice(lex, tokens)):
        word = tok.text
        if tok.protected or not any(c.isalpha() for c in word):
            continue
        low = word.lower()
        key = strip_marks(low)
        junk = not _ACCENTED_RE.fullmatch(low)
        if word.isupper() and len(word) > 1 and not junk and key not in lex.candidates:
            continue  # abbreviation
        words += 1
        if not junk and key in lex.candidates:
            considered += 1
            if low != key:
                damage += 0.0 if low in lex.unigrams else 1.0
            else:
                damage += 1.0 - lex.unigrams.get(low, 0) / lex.folded_counts[key]
        elif repairs:
            considered += 1
            damage += 1.0
    if not considered or considered < 0.6 * words:
        return 0.0
    return damage / considered
