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
    "chu luc nong hua vi la to cao tong quach thai kieu doan khuc lai giang van mac ninh be linh au tang diep hau "
    "truong cu thach kim ong quan phung mach khong nghiem dam tieu ung vuong luu ton cam chau giap han khuat lo man "
    "mong nham phi thieu tiet uong vien".split()
)


def looks_like_person(name: str) -> bool:
    """2–5 capitalised words opening with a common family name ('Hoàng Viết Đông')."""
    words = name.split()
    return 2 <= len(words) <= 5 and fold(words[0]) in SURNAMES


# Words after which a unit's own name starts (capitalised), and place words after which every word is
# part of a proper name ("tỉnh Lạng Sơn").
_NAME_AFTER = {"so", "bo", "cuc", "chi cuc", "tong cuc", "vu", "ban", "trung tam", "vien", "van phong", "phong",
               "kho bac", "thanh tra", "dai", "bao", "hoc vien", "truong", "benh vien", "chu tich", "thu tuong",
               "bo truong", "giam doc"}
_PLACE_WORDS = {"tỉnh", "thành phố", "tp", "xã", "phường", "huyện", "quận", "thị xã", "thị trấn", "đặc khu"}
_SYLLABLE_SHAPE = re.compile(r"^(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?[aeiouy]{1,3}(?:ch|ng|nh|[cmnpt])?$")
_ALWAYS_CAPITAL = {"chinh phu", "quoc hoi", "nha nuoc"}


def unit_case(name: str) -> str:
    """A body's name written in capitals, in the case of running text:
    'ỦY BAN NHÂN DÂN TỈNH LAI CHÂU' → 'Ủy ban nhân dân tỉnh Lai Châu', 'SỞ NGOẠI VỤ' → 'Sở Ngoại vụ'.
    Names not in capitals are returned as they are; acronyms (UBND, HĐND, TP) stay."""
    letters = [c for c in name if c.isalpha()]
    if not letters or sum(c.isupper() for c in letters) < 0.85 * len(letters):
        return name
    words = name.split()
    keys = [fold(w).strip(",.;") for w in words]
    accented = has_diacritics(name)  # place words are read accented where they can be ("quận" is not "quản")
    places = [w.lower().strip(",.;") if accented else k for w, k in zip(words, keys)]
    out: list[str] = []
    place = named = False
    capital_next = True
    i = 0
    while i < len(words):
        word, key = words[i], keys[i]
        pair = f"{key} {keys[i + 1]}" if i + 1 < len(words) else key
        if key and not _SYLLABLE_SHAPE.match(re.sub(r"[^a-z]", "", key)):
            out.append(word)  # an acronym
            capital_next = False
            i += 1
            continue
        if pair in _ALWAYS_CAPITAL:
            out.extend([word[:1] + word[1:].lower(), words[i + 1].lower()])
            capital_next, i = False, i + 2
            continue
        out.append(word[:1] + word[1:].lower() if capital_next or place else word.lower())
        capital_next = False
        place_pair = f"{places[i]} {places[i + 1]}" if i + 1 < len(words) else places[i]
        if fold(place_pair) in {fold(p) for p in _PLACE_WORDS} and (not accented or place_pair in _PLACE_WORDS) \
                or fold(places[i]) in {fold(p) for p in _PLACE_WORDS} and (not accented or places[i] in _PLACE_WORDS):
            if fold(place_pair) in {fold(p) for p in _PLACE_WORDS} and place_pair != places[i]:
                out.append(words[i + 1].lower())
                i += 1
            place = True
        elif not named and (pair in _NAME_AFTER or key in _NAME_AFTER) and not (i and keys[i - 1] == "uy"):
            if pair in _NAME_AFTER and pair != key:
                out.append(words[i + 1].lower())
                i += 1
            capital_next = named = True
        i += 1
    return " ".join(out)
