"""Unicode helpers shared by every stage: NFC normalisation and Vietnamese accent folding.

Folding follows the reference scorer (``../shared/eval/norm.py``): NFD, drop combining
marks, ``đ``→``d``, lower-case, squeeze white space. Comparisons that must work for
questions typed without diacritics go through :func:`fold`.
"""

from __future__ import annotations

import re
import unicodedata

_SPACE_RE = re.compile(r"[\s\u00a0]+")
_WORD_RE = re.compile(r"[0-9A-Za-zÀ-ỹĐđ_]+(?:[/\-.][0-9A-Za-zÀ-ỹĐđ_]+)*", re.UNICODE)
_SYLLABLE_RE = re.compile(r"[0-9A-Za-zÀ-ỹĐđ]+", re.UNICODE)


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC (pypdf and some editors hand out NFD)."""
    return unicodedata.normalize("NFC", text or "")


def strip_marks(text: str) -> str:
    """Remove Vietnamese diacritics but keep case: ``Quý III`` → ``Quy III``."""
    decomposed = unicodedata.normalize("NFD", text or "")
    out = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return out.replace("đ", "d").replace("Đ", "D")


def fold(text: str) -> str:
    """Accent-fold, lower-case and squeeze spaces, exactly like the reference scorer."""
    return _SPACE_RE.sub(" ", strip_marks(text).lower()).strip()


def words(text: str) -> list[str]:
    """Word-like tokens (keeps ``29/KH-UBND``, ``01/6`` and ``II.2`` together)."""
    return _WORD_RE.findall(nfc(text))


def syllables(text: str) -> list[str]:
    """Lower-cased syllables: the plain tokenisation that segmentation is measured against."""
    return [s.lower() for s in _SYLLABLE_RE.findall(nfc(text))]


def folded_syllables(text: str) -> list[str]:
    """Accent-folded syllables of ``text``."""
    return _SYLLABLE_RE.findall(fold(text))


def has_diacritics(text: str) -> bool:
    """True when ``text`` carries at least one Vietnamese diacritic (or ``đ``)."""
    return strip_marks(text) != text


def squeeze(text: str) -> str:
    """Collapse runs of white space to one space and trim."""
    return _SPACE_RE.sub(" ", text or "").strip()


def _aligned_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in list(range(65, 91)) + list(range(0x80, 0x2000)):
        char = chr(code)
        base = unicodedata.normalize("NFD", char)[0] if code > 127 else char
        if base in "đĐ":
            base = "d"
        low = base.lower()
        table[code] = low if len(low) == 1 else base
    return table


_ALIGNED = _aligned_table()


def fold_aligned(text: str) -> str:
    """Accent-fold and lower-case character by character, keeping offsets aligned with ``text``.

    ``text`` must be NFC; each character maps to exactly one, so a match found in the folded
    string is a span of the original at the same offsets.
    """
    return text.translate(_ALIGNED)


_CODE_TAIL_RE = re.compile(r"[0-9A-Za-zÀ-ỹĐđ]-$")


def ends_with_code_tail(text: str) -> bool:
    """``text`` ends with a letter or digit and '-' (``29/KH-``), looking only at its last characters.

    Same answer as searching the whole string (a match of ``X-$`` ends at most one newline before
    the end), but constant time: a search over a growing paragraph made re-joining quadratic.
    """
    return _CODE_TAIL_RE.search(text[-3:]) is not None


def join_fragments(left: str, right: str) -> str:
    """Join two pieces of one sentence; a code split after '-' (29/KH- | UBND) gets no space."""
    left, right = left.strip(), right.strip()
    if not left:
        return right
    if not right:
        return left
    if ends_with_code_tail(left) and (right[:1].isupper() or right[:1].isdigit()):
        return left + right
    return left + " " + right


# Common Vietnamese family names (folded): a personal name opens with one of them.
SURNAMES = frozenset(
    "nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly dao dinh lam mai trinh ta luong ha trieu "
    "chu luc nong hua vi la to cao tong quach thai kieu doan khuc lai giang van mac ninh be linh au tang diep hau".split()
)


def looks_like_person(name: str) -> bool:
    """2–5 capitalised words opening with a common family name ('Hoàng Viết Đông')."""
    words = name.split()
    return 2 <= len(words) <= 5 and fold(words[0]) in SURNAMES
