"""Find who signed a document: the first signature block, wherever it stands.

A signature block is a role written in capitals ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "TM. ỦY BAN NHÂN
DÂN", "BỘ TRƯỞNG", "CỤC TRƯỞNG") followed by a person's name, on the next lines or, in crawled
tables, in the same cell. A decision that attaches a plan or a regulation is signed before the
attachment, so the first block with a name is the document's, not the last lines of the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.clean import Block
from ingest.text import fold, looks_like_person

# The role opening a signature block (folded): the capacity ("KT.", "TM.", "TL.", "TUQ.", "Q.") and title.
_ROLE_RE = re.compile(
    r"^(?:(?:kt|tm|tl|tuq|q|ktl)\s*\.\s*)?(?:pho\s+)?(?:chu tich|thu tuong|bo truong|thu truong|tong giam doc|giam doc"
    r"|truong ban|cuc truong|vu truong|tong cuc truong|chanh van phong|tong kiem toan|kiem toan truong|tong thu ky"
    r"|chanh an|vien truong|hieu truong|chu nhiem|bi thu|uy ban nhan dan|hoi dong nhan dan|chinh phu|ban chi dao"
    r"|xac thuc van ban hop nhat|truong phong|chanh thanh tra|tong thanh tra|thu truong co quan|giam doc so)\b")
_SIGNED_RE = re.compile(r"^\(?\s*(?:da ky|ky ten)\s*\)?")  # "(Đã ký) Lê Thành Long"
_SIGNED_MID_RE = re.compile(r"\(\s*da ky\s*\)")
_RANKS = ("đại tướng", "thượng tướng", "trung tướng", "thiếu tướng", "đại tá", "thượng tá", "trung tá", "thiếu tá",
          "gs.ts.", "pgs.ts.", "ts.", "ths.", "pgs.", "gs.")
_NAME_TAIL_RE = re.compile(r"(?<!\S)((?:[A-ZÀ-ỸĐ][a-zà-ỹđ]*\s+){1,4}[A-ZÀ-ỸĐ][a-zà-ỹđ]*)\s*$")
_LOOKAHEAD = 4


@dataclass
class Signature:
    name: str
    role: str
    start: int  # span of the name in the cleaned text
    end: int


def find_signature(text: str, blocks: list[Block]) -> Signature | None:
    """The first signature block of the document that names a person."""
    for index, block in enumerate(blocks):
        for cell_start, cell in block.pieces():
            folded = fold(cell)
            signed = _SIGNED_MID_RE.search(folded)
            if signed and signed.start() > 0:  # "… Lưu: VT. | (Đã ký) Lê Thành Long" joined on one line
                cell_start, cell, folded = cell_start + signed.start(), cell[signed.start():], folded[signed.start():]
            if not (_ROLE_RE.match(folded) or _SIGNED_RE.match(folded)) or not _capital_role(cell):
                continue
            name = _trailing_name(cell)
            if name:
                at = cell_start + cell.rfind(name)
                role = " ".join(cell[: cell.rfind(name)].split())
                return Signature(name, _without_rank(role), at, at + len(name))
            found = _name_below(blocks, index)
            if found:
                name, at, more_role = found
                role = " ".join(f"{cell} {more_role}".split())
                return Signature(name, role, at, at + len(name))
    return None


def _capital_role(cell: str) -> bool:
    """Roles are written in capitals ("PHÓ CHỦ TỊCH"), unlike the same words in a sentence."""
    if _SIGNED_RE.match(fold(cell)):
        return True
    first = "".join(c for c in cell.split()[0] if c.isalpha()) if cell.split() else ""
    return len(first) >= 2 and first.isupper()


def _trailing_name(cell: str) -> str:
    """A person's name closing the cell after its capitalised role words."""
    match = _NAME_TAIL_RE.search(cell.strip().rstrip("*|. "))
    if not match:
        return ""
    words = match.group(1).split()
    while words and words[0].isupper() and len(words[0]) > 1:  # role words in capitals are not the name
        words = words[1:]
    name = " ".join(words)
    return name if looks_like_person(name) else ""


def _name_below(blocks: list[Block], index: int) -> tuple[str, int, str] | None:
    """A name on one of the next lines (below the role, maybe after a rank or '(Đã ký)'), and the
    role lines in capitals between ("KT. TRƯỞNG BAN" / "PHÓ TRƯỞNG BAN" / name)."""
    role_lines: list[str] = []
    for block in blocks[index + 1: index + 1 + _LOOKAHEAD]:
        candidate = _without_rank(block.text.strip().strip("*").strip())
        candidate = re.sub(r"^\(?\s*[Đđ]ã ký\s*\)?\s*", "", candidate)
        if len(candidate) > 60:
            return None
        if looks_like_person(candidate) and not candidate.isupper() and all(w[:1].isupper() for w in candidate.split()):
            return candidate, block.start + block.text.find(candidate), " ".join(role_lines)
        if candidate and candidate.isupper() and _capital_role(candidate):
            role_lines.append(candidate)
    return None


def _without_rank(text: str) -> str:
    """'Đại tướng Nguyễn Tân Cương' → the name; 'KT. BỘ TRƯỞNG THỨ TRƯỞNG Đại tướng' → the role."""
    low = text.lower()
    for rank in _RANKS:
        if low.startswith(rank + " "):
            return text[len(rank):].strip()
        if low.endswith(" " + rank):
            return text[: len(text) - len(rank)].strip()
    return text
