"""Structured facts: each unit's duties in "Tổ chức thực hiện", and dated obligations anywhere.

A responsibility fact spans the unit's heading and its duty paragraphs, so its quote names
the unit and states what it must do.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from ingest.clean import Block
from ingest.model import Fact, Section
from ingest.text import fold_aligned

# most specific first: a dated obligation says "trước ngày 01/6" before it says "6 tháng"
_DEADLINE_PATTERNS = [re.compile(p) for p in (
    r"truoc ngay\s*\d{1,2}/\d{1,2}(?:/\d{4})?",
    r"cham nhat[^.;]{0,40}?(?:ngay|thang)\b[^.;]{0,40}",
    r"trong (?:thoi han|vong)\s*\d+\s*ngay",
    r"quy [iv]{1,3}/\d{4}",
    r"dinh ky[^.;]{0,60}",
    r"hang quy|hang nam|hang thang|\b6 thang\b",
)]
_ORG_SECTION = ("to chuc thuc hien", "trach nhiem thuc hien", "phan cong nhiem vu", "phan cong thuc hien")
_UNIT_COLON_RE = re.compile(r"^(?:\d{1,2}\.\s*)?([^:]{3,120}?):\s+\S")


def extract_facts(text: str, blocks: list[Block], sections: list[Section]) -> list[Fact]:
    facts = _responsibilities(text, blocks, sections)
    facts.extend(_deadlines(text, blocks, sections, facts))
    return facts


def _org_sections(sections: list[Section]) -> list[Section]:
    return [s for s in sections if s.level == 1 and any(k in fold_aligned(s.title) for k in _ORG_SECTION)]


def _responsibilities(text: str, blocks: list[Block], sections: list[Section]) -> list[Fact]:
    facts: list[Fact] = []
    section_starts = [s.start for s in sections]  # sections and blocks are in text order: bisect, not scan
    block_starts = [b.start for b in blocks]
    for parent in _org_sections(sections):
        inside = sections[bisect_left(section_starts, parent.start):bisect_left(section_starts, parent.end)]
        children = [s for s in inside if s.start >= parent.start and s.end <= parent.end and s.level == parent.level + 1]
        for child in children:
            near = blocks[bisect_left(block_starts, child.start):bisect_left(block_starts, child.end)]
            body = [b for b in near if child.start <= b.start < child.end and b.kind == "line"]
            if not body:
                continue
            unit = child.title.strip().rstrip(":")
            match = _UNIT_COLON_RE.match(body[0].text)
            if len(body) == 1 and match:
                unit = match.group(1).strip()
            end = body[-1].end
            # stop before the closing formula of the plan ("Trên đây là ...")
            for b in body[1:]:
                if fold_aligned(b.text).startswith(("tren day", "noi nhan")):
                    end = _prev_end(body, b)
                    break
            facts.append(Fact(kind="responsibility", text=text[child.start:end], start=child.start, end=end,
                              unit=unit, section=child.title, page=child.page))
    return facts


def _prev_end(body: list[Block], stop: Block) -> int:
    prev = body[0]
    for b in body:
        if b is stop:
            break
        prev = b
    return prev.end


def _deadlines(text: str, blocks: list[Block], sections: list[Section], duties: list[Fact]) -> list[Fact]:
    out: list[Fact] = []
    section_starts = [s.start for s in sections]
    unit_of = _SpanLookup(duties)
    for block in blocks:
        if block.kind != "line":
            continue
        folded = fold_aligned(block.text)
        match = next((m for m in (p.search(folded) for p in _DEADLINE_PATTERNS) if m), None)
        if not match:
            continue
        unit = unit_of.first_containing(block.start)
        out.append(Fact(kind="deadline", text=block.text, start=block.start, end=block.end, unit=unit.unit if unit else "",
                        when=block.text[match.start():match.end()].strip(),
                        section=_innermost_title(sections, section_starts, block.start), page=block.page))
    return out


def _innermost_title(sections: list[Section], starts: list[int], offset: int) -> str:
    """The title of the last-opened section containing ``offset``: scanning back from the last one
    opened before it, which (headings close sections) is almost always the answer at once."""
    for index in range(bisect_right(starts, offset) - 1, -1, -1):
        if offset < sections[index].end:
            return sections[index].title
    return ""


class _SpanLookup:
    """The first fact (in list order) whose span contains an offset; by bisection when the spans
    are sorted and disjoint (duties are: sibling sections), by a scan otherwise."""

    def __init__(self, facts: list[Fact]) -> None:
        self.facts = facts
        self.starts = [f.start for f in facts]
        self.ordered = all(a.end <= b.start for a, b in zip(facts, facts[1:]))

    def first_containing(self, offset: int) -> Fact | None:
        if not self.ordered:
            return next((f for f in self.facts if f.start <= offset < f.end), None)
        index = bisect_right(self.starts, offset) - 1
        return self.facts[index] if index >= 0 and offset < self.facts[index].end else None
