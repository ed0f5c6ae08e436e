"""Find what identifies a plan: kind, title, issuing body, number, date, period, signer, references.

Patterns run on the accent-folded, offset-aligned text, so they also work on the OCR document
whose diacritics are damaged; the values are then cut from the cleaned text at the same spans.
"""

from __future__ import annotations

import re

from ingest.clean import Block
from ingest.model import Metadata, Reference
from ingest.signature import find_signature
from ingest.tables import looks_like_unit
from ingest.text import fold_aligned, looks_like_person, squeeze, unit_case

KINDS = {
    "ke hoach": "Kế hoạch", "quyet dinh": "Quyết định", "nghi quyet": "Nghị quyết", "phu luc": "Phụ lục",
    "thong tu": "Thông tư", "nghi dinh": "Nghị định", "chi thi": "Chỉ thị", "thong bao": "Thông báo",
    "luat": "Luật", "cong van": "Công văn", "cong dien": "Công điện", "bao cao": "Báo cáo", "de an": "Đề án", "chuong trinh": "Chương trình",
}
_NUMBER_RE = re.compile(r"\bs[o6]\s*:\s*(\d{0,5})\s*/\s*([a-z0-9\-]+(?:/[a-z0-9\-]+)?)")
# "Số 2696/QĐ-UBND" without the colon, only where a header line (or cell) opens with it
_NUMBER_LINE_RE = re.compile(r"(?:^|\n|\t)s[o6]\s+(\d{1,5})\s*/\s*([a-z0-9\-]+(?:/[a-z0-9\-]+)?)")
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
    match = _NUMBER_RE.search(head) or _NUMBER_LINE_RE.search(head[:1500])
    if match:
        meta.number = squeeze(text[match.start(1):match.end(2)]).replace(" ", "")
    match = _DATE_RE.search(head[:1500])
    if match:
        day, month, year = match.groups()
        meta.date = f"{day}/{month}/{year}" if day else f"tháng {month}/{year}"
    header = header_issuer(blocks)
    if header is not None:
        issuer, parent, meta.issuer_span = header
        meta.issuer, meta.issuer_parent = unit_case(issuer), unit_case(parent)
    else:
        meta.issuer = _issuer(text, folded, blocks)
    period_source = fold_aligned(meta.title) if meta.title else head[:600]
    match = _PERIOD_RANGE_RE.search(period_source)
    if match:
        meta.period = f"{match.group(1)}–{match.group(2)}"
    else:
        match = _PERIOD_YEAR_RE.search(period_source)
        if match:
            meta.period = match.group(1)
    signature = find_signature(text, blocks)
    if signature is not None:
        meta.signer, meta.signer_role = signature.name, signature.role
        meta.signer_span = (signature.start, signature.end)
    else:
        _signer(text, blocks, meta)
    _preamble_clauses(blocks, meta)
    meta.effective_span = _effective_clause(text, folded, meta.kind)
    return meta


_EFFECTIVE_RE = re.compile(r"\b(quyet dinh|nghi quyet|thong tu|nghi dinh|chi thi|ke hoach|luat|quy che|quy dinh|cong dien)"
                           r"(?: nay)? (?:co|bat dau co) hieu luc\b")


_REFERS_RE = re.compile(r"\bngay\s*$")
# what follows a clause that sets the date: "… thi hành kể từ ngày 01 tháng 7 năm 2025", "… kể từ ngày ký"
_SETS_DATE_RE = re.compile(r"(?:\s+thi hanh)?(?:\s+ke)?(?:\s+tu)?\s+ngay\s+(?:\d|ky\b|ban hanh\b)")
_EFFECT_ARTICLE_CHARS = 700
_ITEM_START_RE = re.compile(r"^\s*(?:\d{1,2}[.)]|[a-z]\)|[-+])\s")
_REPEAL_RE = re.compile(r"bai bo|thay the|het hieu luc")
_ARTICLE_RE = re.compile(r"^\s*dieu \d")


def _effective_clause(text: str, folded: str, kind: str) -> tuple[int, int] | None:
    """The sentence saying when the document takes effect; the document's own kind first
    ("Quyết định này có hiệu lực …" before the attached regulation's "Quy định này …")."""
    # "… trước ngày Nghị định này có hiệu lực" only refers to the date: not the clause that sets it
    found = [m for m in _EFFECTIVE_RE.finditer(folded) if not _REFERS_RE.search(folded[max(0, m.start() - 12):m.start()])]
    if not found:
        return None
    own = [m for m in found if kind and m.group(1) == fold_aligned(kind)]
    dated = [m for m in own or found if _SETS_DATE_RE.match(folded, m.end())]
    match = (dated or own or found)[0]
    start = max(folded.rfind("\n", 0, match.start()) + 1, folded.rfind(". ", 0, match.start()) + 2)
    end = folded.find("\n", match.end())
    end = len(text) if end < 0 else end
    end = _date_on_next_line(folded, end)
    # the items that follow in the same article often say what it replaces or repeals ("2. Bãi bỏ các
    # Quyết định sau:" and its "a) …" items): take them up to the next article or heading
    # "… có hiệu lực thi hành:" and its items ("- Kể từ ngày 15 tháng 11 năm 2025 đối với thủ tục …")
    listing = bool(_REPEAL_RE.search(folded[match.end():end])) or folded[:end].rstrip().endswith(":")
    while end < len(text) and end - start < _EFFECT_ARTICLE_CHARS:
        nxt = folded.find("\n", end + 1)
        line = folded[end + 1: nxt if nxt >= 0 else len(folded)]
        if _ARTICLE_RE.match(line) or not line.strip():
            break
        repeal = bool(_REPEAL_RE.search(line))
        if not (repeal or (listing and _ITEM_START_RE.match(line))):
            break
        listing = listing or line.rstrip().endswith(":") or bool(_REPEAL_RE.search(line))
        end = nxt if nxt >= 0 else len(text)
    return start, min(end, start + _EFFECT_ARTICLE_CHARS)

def _date_on_next_line(folded: str, end: int) -> int:
    """"… có hiệu lực thi hành kể từ ngày" / "01 tháng 12 năm 2025.": a crawl broke the clause
    before its date; the clause runs to the end of the line holding it."""
    if folded[:end].rstrip().endswith((".", ";", ":")):
        return end
    nxt = end
    while nxt < len(folded) and folded[nxt] in "\n \t":
        nxt += 1
    line_end = folded.find("\n", nxt)
    line_end = len(folded) if line_end < 0 else line_end
    if nxt < len(folded) and folded[nxt].isdigit() and not _ITEM_START_RE.match(folded[nxt:line_end]):
        return line_end
    return end


_MOTTO_RE = re.compile(r"\s*\b(?:cong hoa xa hoi|[a-z]{2,4} lap\s*[-–]\s*t[a-z]{1,2} do)")
_NUMBER_LINE_START_RE = re.compile(r"^s[o6]\s*(?::|\d|/)")
_HEADER_BODY_RE = re.compile(r"^(?:chu tich|thu tuong|quoc hoi|chinh phu|kiem toan nha nuoc|toa an|vien kiem sat"
                             r"|ban chi dao|hoi dong|uy ban|ubnd)\b")


def header_issuer(blocks: list[Block]) -> tuple[str, str, tuple[int, int]] | None:
    """The issuing body as the header block names it (top left, above "Số: …"), with the body
    above it when the header has two ("BỘ TÀI CHÍNH" / "CỤC THUẾ")."""
    for block in blocks[:6]:
        cell = block.cells[0] if block.kind != "line" and block.cells else block.text
        folded = fold_aligned(cell)
        motto = _MOTTO_RE.search(folded)
        end = motto.start() if motto else len(cell)
        value = re.sub(r"\s*-{3,}.*$", "", cell[:end]).strip(" -|")
        low = folded[: len(value)].strip()
        if not value or _NUMBER_LINE_START_RE.match(low) or low.startswith(("doc lap", "v/v")) or not _upper(value):
            continue
        if not (looks_like_unit(value) or _HEADER_BODY_RE.match(low)):
            continue
        start = block.start + cell.find(value)
        parent, issuer = _split_parent(value)
        nxt = blocks[blocks.index(block) + 1] if block.kind == "line" and block is not blocks[-1] else None
        if nxt is not None and nxt.kind == "line" and not parent:  # text layout: the body on the next line
            nfold = fold_aligned(nxt.text)
            cut = _MOTTO_RE.search(nfold)
            below = nxt.text[: cut.start() if cut else len(nxt.text)].strip(" -")
            if below and _upper(below) and looks_like_unit(below) and not _NUMBER_LINE_START_RE.match(nfold):
                return below, value, (nxt.start, nxt.start + len(below))
        return issuer, parent, (start + len(value) - len(issuer), start + len(value))
    return None


_SUB_UNIT_HEADS = {"so": "sở", "cuc": "cục", "chi cuc": "chi cục", "trung tam": "trung tâm", "phong": "phòng",
                   "van phong": "văn phòng", "vien": "viện", "tong cuc": "tổng cục", "kho bac": "kho bạc",
                   "thanh tra": "thanh tra", "ban quan ly": "ban quản lý", "bo chi huy": "bộ chỉ huy"}


def _split_parent(value: str) -> tuple[str, str]:
    """'UBND THÀNH PHỐ HÀ NỘI TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG' → (parent, the centre)."""
    words = value.split()
    for index in range(len(words) - 1, 1, -1):
        for size in (3, 2, 1):
            head = " ".join(words[index:index + size])
            accented = _SUB_UNIT_HEADS.get(fold_aligned(head))
            if accented and head.lower() == accented and len(words) - index > size:
                return " ".join(words[:index]), " ".join(words[index:])
    return "", value


def _capitals(value: str) -> bool:
    """Written in capitals, however short ("VỀ")."""
    letters = [c for c in value if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.85 * len(letters)


def _upper(value: str) -> bool:
    return sum(c.isalpha() for c in value) >= 3 and _capitals(value)


_BASIS_RE = re.compile(r"^\s*can cu\b")
_PROPOSAL_RE = re.compile(r"^\s*(?:theo|xet) (?:de nghi|to trinh)|^\s*xet to trinh")
_RECIPIENTS_RE = re.compile(r"^\s*noi nhan\s*:?")
_BODY_START_RE = re.compile(r"^\s*(?:quyet dinh|nghi quyet|quyet nghi|chi thi)\s*:|^\s*dieu 1\b")


def _preamble_clauses(blocks: list[Block], meta: Metadata) -> None:
    """The 'Căn cứ …' clauses and the proposal before the operative part, and 'Nơi nhận'."""
    in_preamble = True
    for block in blocks:
        for at, cell in block.pieces():
            folded = fold_aligned(cell)
            if _RECIPIENTS_RE.match(folded) and meta.recipients_span is None:
                meta.recipients_span = (at, at + len(cell.rstrip()))
            if not in_preamble:
                continue
            if _BODY_START_RE.match(folded):
                in_preamble = False
            elif _BASIS_RE.match(folded):
                meta.basis_spans.append((at, at + len(cell.rstrip())))
            elif _PROPOSAL_RE.match(folded) and meta.proposal_span is None:
                meta.proposal_span = (at, at + len(cell.rstrip()))
        if meta.recipients_span is not None and not in_preamble:
            return




MAX_TITLE_LINES = 4  # capitalised lines after the first that still belong to the title
# the enacting authority under a title ("ỦY BAN NHÂN DÂN TỈNH SƠN LA", "BỘ TRƯỞNG BỘ TƯ PHÁP") is no part of it
_AUTHORITY_LINE_RE = re.compile(r"^\s*(?:uy ban|hoi dong nhan dan|chu tich|thu tuong|chinh phu|quoc hoi|bo truong|"
                                r"tong kiem toan|giam doc|tong giam doc|thu truong|ban chap hanh|quyet dinh|nghi quyet)\b")
_TITLE_CONNECTORS = ("ve", "ve viec", "cua", "va", "tai", "trong", "doi voi", "cho", "tu", "den", "theo", "voi",
                     "nam", "giai doan", "tren", "thuoc", "ban hanh", "quy dinh", "phe duyet", "sua doi", "bo sung")


def _title_unfinished(title: str) -> bool:
    """A title line that cannot end there: a bare "VỀ", or one ending in "của", "về việc", "và"."""
    words = fold_aligned(title).lower().split()
    return len(words) <= 2 or any(" ".join(words[-len(c.split()):]) == c for c in _TITLE_CONNECTORS)


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
            last = title_block
            # a title the crawl or the PDF left over several capitalised lines ("VỀ" / "PHÂN CẤP …")
            for more in blocks[index + 2:index + 2 + MAX_TITLE_LINES]:
                if (more.kind != "line" or not _capitals(title) or not _capitals(more.text)
                        or not _title_unfinished(title) or _AUTHORITY_LINE_RE.match(fold_aligned(more.text))):
                    break
                title, last = f"{title} {more.text.strip()}", more
            first_word = title.split(" ", 1)[0]
            if first_word.isupper() and len(first_word) > 1:
                bare = _ATTACHED_TAIL_RE.sub("", title)
                meta.title = f"{kind}: {sentence_case(bare)}"
            else:
                meta.title = f"{kind} {title[:1].lower() + title[1:]}"
            meta.title_span = (title_block.start, last.end)
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
        if "thay the" in before or _continues_replaced_list(folded, refs, clause_start):
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


_LIST_JOINERS = re.compile(r"[;,\s]*(?:va\s+)?")


def _continues_replaced_list(folded: str, refs: list[Reference], start: int) -> bool:
    """"thay thế Quyết định số 1849/…; Quyết định số 824/…": a document named right after a replaced
    one, joined only by ';', ',' or 'và', is replaced too."""
    if not refs or refs[-1].relation != "replaces" or refs[-1].end > start:
        return False
    return _LIST_JOINERS.fullmatch(folded[refs[-1].end:start]) is not None


def _clause_end(folded: str, pos: int) -> int:
    """End of the clause naming a document: the next ';', sentence end or line end."""
    best = len(folded)
    for stop in (";", "\n", ". ", "), "):
        found = folded.find(stop, pos, pos + 300 + len(stop))  # bounded: a search to the end made this quadratic
        if found != -1:
            best = min(best, found)
    return min(best, pos + 300)
