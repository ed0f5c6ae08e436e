"""Find what identifies a plan: kind, title, issuing body, number, date, period, signer, references.

Patterns run on the accent-folded, offset-aligned text, so they also work on the OCR document
whose diacritics are damaged; the values are then cut from the cleaned text at the same spans.
"""

from __future__ import annotations

import re

from ingest.clean import Block
from ingest.model import Metadata, Reference
from ingest.text import fold_aligned, looks_like_person, squeeze

KINDS = {
    "ke hoach": "Kế hoạch", "quyet dinh": "Quyết định", "nghi quyet": "Nghị quyết", "phu luc": "Phụ lục",
    "thong tu": "Thông tư", "nghi dinh": "Nghị định", "chi thi": "Chỉ thị", "thong bao": "Thông báo",
    "luat": "Luật", "cong van": "Công văn", "bao cao": "Báo cáo", "de an": "Đề án", "chuong trinh": "Chương trình",
}
_NUMBER_RE = re.compile(r"\bs[o6]\s*:\s*(\d{0,5})\s*/\s*([a-z0-9\-]+(?:/[a-z0-9\-]+)?)")
_DATE_RE = re.compile(r",\s*ngay\s*(\d{1,2})?\s*thang\s*(\d{1,2})\s*nam\s*(\d{4})")
_ISSUER_RE = re.compile(r"(?:^|[.,;:]\s|\n)([^.,;:\n]{3,120}?)[ \t]+(?:xay dung|ban hanh)[ \t]+(?:ke hoach|quyet dinh)")
_ATTACHED_RE = re.compile(r"\(kem theo [^)]*?cua ([^)]{3,100})\)")
_PERIOD_RANGE_RE = re.compile(r"giai doan\s*(\d{4})\s*[-–—]\s*(\d{4})")
_PERIOD_YEAR_RE = re.compile(r"nam\s*(\d{4})")
_DOCNUM = r"\d{1,5}(?:/\d{4})?(?:/[a-z0-9đ]{1,12}(?:-[a-z0-9đ]{1,12})*|-[a-z]{1,6}/[a-z]{1,6})"
_REF_RE = re.compile(
    r"(ke hoach hanh dong|ke hoach|quyet dinh|nghi quyet|chi thi|thong tu|nghi dinh|luat[^;,.\d]{0,80}?|ket luan|cong van|thong bao)"
    r"\s*(?:so\s*:?\s*)?(" + _DOCNUM + r")"
)
_NAME_RE = re.compile(r"^(?:[A-ZÀ-ỸĐ][a-zà-ỹđ]{0,7}\s){1,4}[A-ZÀ-ỸĐ][a-zà-ỹđ]{0,7}$")
_HEADER_UNIT_RE = re.compile(r"^(s[o¢&6]|ban|uy ban|ubnd|bo|hoi dong|van phong|cuc|tong cuc|phong|truong|trung tam|chi cuc)(?=\s|$)")


def extract_metadata(text: str, blocks: list[Block]) -> Metadata:
    """Metadata of a cleaned plan; fields it cannot find stay empty."""
    folded = fold_aligned(text)
    meta = Metadata()
    _kind_and_title(text, blocks, meta)
    head = folded[:4000]
    match = _NUMBER_RE.search(head)
    if match:
        meta.number = squeeze(text[match.start(1):match.end(2)]).replace(" ", "")
    match = _DATE_RE.search(head[:1500])
    if match:
        day, month, year = match.groups()
        meta.date = f"{day}/{month}/{year}" if day else f"tháng {month}/{year}"
    meta.issuer = _issuer(text, folded, blocks)
    period_source = fold_aligned(meta.title) if meta.title else head[:600]
    match = _PERIOD_RANGE_RE.search(period_source)
    if match:
        meta.period = f"{match.group(1)}–{match.group(2)}"
    else:
        match = _PERIOD_YEAR_RE.search(period_source)
        if match:
            meta.period = match.group(1)
    _signer(text, blocks, meta)
    return meta


def _kind_and_title(text: str, blocks: list[Block], meta: Metadata) -> None:
    for index, block in enumerate(blocks[:40]):
        if block.kind != "line":
            continue
        key = fold_aligned(block.text).strip(" :")
        kind = KINDS.get(key)
        if kind is None:
            continue
        meta.kind = kind
        if index + 1 < len(blocks) and blocks[index + 1].kind == "line":
            title_block = blocks[index + 1]
            title = title_block.text
            first_word = title.split(" ", 1)[0]
            if first_word.isupper() and len(first_word) > 1:
                bare = _ATTACHED_TAIL_RE.sub("", title)
                meta.title = f"{kind}: {sentence_case(bare)}"
            else:
                meta.title = f"{kind} {title[:1].lower() + title[1:]}"
            meta.title_span = (title_block.start, title_block.end)
        else:
            meta.title = kind
            meta.title_span = (block.start, block.end)
        for follow in blocks[index + 1:index + 6]:
            low = fold_aligned(follow.text)
            if low.startswith(("thuc hien", "thuyc hien", "can cu")):
                meta.preamble_span = (follow.start, follow.end)
                break
        return


_ATTACHED_TAIL_RE = re.compile(r"\s*\(k[eè]m theo[^)]*\)\s*$", re.IGNORECASE)
_VOWELS = set("aăâeêioôơuưyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")


def sentence_case(title: str) -> str:
    """'CÁC NHIỆM VỤ VỀ CCHC' → 'Các nhiệm vụ về CCHC' (acronyms, which have no vowel, stay)."""
    words = []
    for word in title.split(" "):
        if word.isupper() and any(c.lower() in _VOWELS for c in word):
            word = word.lower()
        words.append(word)
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def _issuer(text: str, folded: str, blocks: list[Block]) -> str:
    head = folded[:5000]
    match = _ATTACHED_RE.search(head)
    candidates: list[tuple[int, int]] = []
    for m in _ISSUER_RE.finditer(head):
        candidates.append((m.start(1), m.end(1)))
    unit_like = [c for c in candidates if _HEADER_UNIT_RE.match(folded[c[0]:c[1]].strip())]
    if unit_like:
        start, end = unit_like[0]
        value = text[start:end]
        value = re.sub(r"\s*\([^)]*\)\s*$", "", value).strip(" -–")
        value = re.sub(r"^(?:va|nhu sau)\s+", "", value)
        return squeeze(value)
    if match:
        return squeeze(text[match.start(1):match.end(1)])
    for block in blocks[:8]:  # the agency named at the top left of the header
        first = block.cells[0] if block.kind == "table_row" and block.cells else block.text
        low = fold_aligned(first).strip()
        if _HEADER_UNIT_RE.match(low) and first.upper() == first:
            return squeeze(first)
    return ""


def _signer(text: str, blocks: list[Block], meta: Metadata) -> None:
    """The signer is the last line that looks like a personal name, near the end of the plan."""
    for block in reversed(blocks[-25:]):
        if block.kind == "line":
            candidate = block.text.strip().strip("*").strip()
            if _NAME_RE.match(candidate) and not candidate.isupper() and looks_like_person(candidate):
                meta.signer = candidate
                at = block.start + block.text.find(candidate)
                meta.signer_span = (at, at + len(candidate))
                return
        elif block.kind == "table_row":
            # web-crawl layout: "Nơi nhận …" | "KT. CHỦ TỊCH PHÓ CHỦ TỊCH Trần Thị Diệu Thúy"
            name = _trailing_name(block.text)
            if name:
                meta.signer = name
                at = block.start + block.text.rfind(name)
                meta.signer_span = (at, at + len(name))
                return


def _trailing_name(text: str) -> str:
    """2–5 capitalised words that end a signature cell right after its capitalised titles."""
    words = text.rstrip(" *|\t").split()
    name: list[str] = []
    for word in reversed(words):
        if word[:1].isupper() and (len(word) == 1 or word[1:].islower()) and word.isalpha():
            name.insert(0, word)
        else:
            break
    before = words[len(words) - len(name) - 1] if len(words) > len(name) else ""
    if 2 <= len(name) <= 5 and (before.isupper() or not before) and looks_like_person(" ".join(name)):
        return " ".join(name)
    return ""


def extract_references(text: str, preamble_end: int) -> list[Reference]:
    """Documents the plan names: those in the preamble are what it implements."""
    folded = fold_aligned(text)
    refs: list[Reference] = []
    seen: set[tuple[str, str]] = set()
    for match in _REF_RE.finditer(folded):
        kind_key = match.group(1)
        kind = next((v for k, v in KINDS.items() if kind_key.startswith(k)), kind_key)
        number = text[match.start(2):match.end(2)]
        clause_start = match.start(1)
        clause_end = _clause_end(folded, match.end(2))
        before = folded[max(0, clause_start - 40):clause_start]
        relation = "cites"
        if "thay the" in before:
            relation = "replaces"
        elif clause_start < preamble_end:
            relation = "implements"
        key = (number, relation)
        if key in seen:
            continue
        seen.add(key)
        refs.append(Reference(number=number, kind=kind, text=text[clause_start:clause_end].strip(),
                              relation=relation, start=clause_start, end=clause_end))
    return refs


def _clause_end(folded: str, pos: int) -> int:
    """End of the clause naming a document: the next ';', sentence end or line end."""
    best = len(folded)
    for stop in (";", "\n", ". ", "), "):
        found = folded.find(stop, pos, pos + 300 + len(stop))  # bounded: a search to the end made this quadratic
        if found != -1:
            best = min(best, found)
    return min(best, pos + 300)
