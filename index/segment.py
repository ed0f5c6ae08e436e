"""Vietnamese tokens for BM25: underthesea word segmentation plus accent-folded forms.

``cải cách hành chính`` → ``cải_cách hành_chính`` (accented field) and ``cai_cach hanh_chinh``
(folded field). Codes such as ``29/KH-UBND``, ``III.5`` and ``95%`` are kept whole, since
the segmenter would split them. Each field also carries the plain syllables, so a question
segmented differently from the passage still matches on syllables.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache

from ingest.text import fold, nfc

_CODE_RE = re.compile(
    r"\b(?:\d+(?:[/.\-]\d+)+(?:/[A-Za-zĐđ0-9\-]+)?|\d+/[A-Za-zĐđ][A-Za-zĐđ0-9\-/]*|\d+-[A-ZĐ]+/[A-ZĐ]+|"
    r"[IVX]{1,5}\.\d{1,2}|\d+(?:[.,]\d+)?%)"
)
_PUNCT_ONLY_RE = re.compile(r"^[\W_]+$", re.UNICODE)
_SYL_RE = re.compile(r"[0-9a-zà-ỹđ]+", re.UNICODE)

STOPWORDS = frozenset(
    """và của các là có được trong cho với về theo tại từ này đó những một để thì khi nào gì ai bao nhiêu
    như nào đã sẽ đang hay hoặc ra vào lên đến trên dưới do bởi mà nếu nên phải the of a an to is what who
    which when how for in on and or by be are was sao nhé ạ à""".split()
)


@dataclass(frozen=True)
class Tokens:
    """Both token fields of one text."""

    accented: list[str]
    folded: list[str]


class Segmenter:
    """Segments text with underthesea (imported lazily: the import takes 2–3 s).

    ``mode`` says what BM25 indexes: "syllables" (measured best for ranking on the question
    sets, see README), "both" (compounds and their syllables) or "words" (compounds only).
    """

    @property
    def key(self) -> str:
        """Names the token scheme in cache file names, so changing it re-segments."""
        if self.mode == "syllables":
            return "syl2"  # 2: OCR chunks also indexed with restored diacritics
        return f"{self.mode}-{'uts' if self.use_underthesea else 'split'}-{self.folded_mode}"

    def __init__(self, use_underthesea: bool = True, mode: str = "syllables", folded_mode: str = "same"):
        self.use_underthesea = use_underthesea
        self.folded_mode = folded_mode  # "syllables": the folded field keeps no compounds
        self.mode = mode  # "both": compounds and their syllables; "words": compounds only; "syllables"

    def words(self, text: str) -> list[str]:
        """Lower-cased words, compounds joined by ``_``, codes kept whole, punctuation dropped."""
        text = nfc(text)
        out: list[str] = [m.group(0).lower() for m in _CODE_RE.finditer(text)]
        rest = _CODE_RE.sub(" ", text)
        for line in rest.split("\n"):
            if not line.strip():
                continue
            segmented = self.use_underthesea and self.mode != "syllables"
            pieces = _segment(line) if segmented else line.split()
            for piece in pieces:
                piece = piece.lower().strip()
                if not piece or _PUNCT_ONLY_RE.match(piece):
                    continue
                syls = _SYL_RE.findall(piece)
                if not syls:
                    continue
                if len(syls) > 1 and self.mode != "syllables":
                    out.append("_".join(syls))
                if len(syls) == 1 or self.mode != "words":
                    out.extend(syls)
        return out

    def tokens(self, text: str, *, drop_stopwords: bool = False) -> Tokens:
        words = self.words(text)
        if drop_stopwords:
            words = [w for w in words if w not in STOPWORDS] or words
        folded = [_fold_word(w) for w in words]
        if self.folded_mode == "syllables":
            folded = [w for w in folded if "_" not in w]
        return Tokens(accented=words, folded=folded)


@lru_cache(maxsize=200_000)
def _fold_word(word: str) -> str:
    return fold(word).replace(" ", "_")


def _segment(line: str) -> list[str]:
    return list(_cached_segment(line))


_UNDERTHESEA_LOCK = threading.Lock()


@lru_cache(maxsize=65536)
def _cached_segment(line: str) -> tuple[str, ...]:
    # underthesea loads its CRF model lazily and is not safe to call from two threads at once
    with _UNDERTHESEA_LOCK:
        from underthesea import word_tokenize

        return tuple(word_tokenize(line))
