"""The whole list a list question asks for.

"Quy trình … gồm những bước nào?" is answered by every step, not by the one step that shares
most words with the question. Documents write lists in several ways: a lead-in ending in ":"
with labelled items under it ("Bước 1.", "a)", "1.", "-"), items that carry their own label
("1. Bước 1: …", under an article heading), or plain lines ("Phòng Công chức, viên chức;") under
a lead-in. The list runs while its lines are items of the same kind (or text continuing one of
them) and stops at a sibling of its lead-in, a heading, or an item of another list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.draft import shorten
from assistant.lexicon import LIST_ITEM_KINDS

MAX_ITEMS = 40
MAX_LIST_CHARS = 8000  # a list longer than this is a chapter, not an answer
MAX_PLAIN_ITEM = 300  # an unlabelled line longer than this is a paragraph, not a list item
_HEADING_RE = re.compile(r"^\s*(?:Điều\s+\d+|Chương\s+[IVXLC\d]+|[IVX]{1,5}\.\s|#)", re.IGNORECASE)
_KINDS = tuple((name, re.compile(pattern, re.IGNORECASE)) for name, pattern, _ in LIST_ITEM_KINDS)
_LEVEL = {name: level for name, _, level in LIST_ITEM_KINDS}  # a lower level holds the higher ones


def item_kind(line: str) -> str | None:
    """'step', 'letter', 'number', 'dash', 'plus' for a labelled item line, else None."""
    for name, pattern in _KINDS:
        if pattern.match(line.lstrip()):
            return name
    return None


def is_heading(line: str) -> bool:
    return bool(_HEADING_RE.match(line))


@dataclass
class ListSpan:
    lead: tuple[int, int] | None  # the lead-in line ("… gồm các bước sau:"), when there is one
    items: list[tuple[int, int]]  # each item from its label through the lines continuing it

    @property
    def start(self) -> int:
        return self.lead[0] if self.lead else self.items[0][0]

    @property
    def end(self) -> int:
        return self.items[-1][1]


def _lines(text: str, start: int):
    """(start, end) of each line from the one holding ``start`` on."""
    pos = text.rfind("\n", 0, start) + 1
    while pos < len(text):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        yield pos, end
        pos = end + 1


def _previous_line(text: str, line_start: int) -> tuple[int, int] | None:
    if line_start <= 0:
        return None
    end = line_start - 1
    return text.rfind("\n", 0, end) + 1, end


def list_span(text: str, start: int) -> ListSpan | None:
    """The list the line at ``start`` belongs to (as its lead-in or one of its items), or None
    when that line is neither a lead-in followed by items nor an item."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line_end = len(text) if line_end < 0 else line_end
    line = text[line_start:line_end]
    lead: tuple[int, int] | None = None
    if line.rstrip().endswith(":"):
        lead, first = (line_start, line_end), line_end + 1
    else:
        kind = item_kind(line)
        if kind is None:
            return None
        first, probe = line_start, (line_start, line_end)
        for _ in range(4 * MAX_ITEMS):  # back over the siblings (and lines continuing them) to the lead-in
            prev = _previous_line(text, probe[0])
            if prev is None:
                break
            prev_line = text[prev[0]:prev[1]]
            if not prev_line.strip():
                break
            if item_kind(prev_line) == kind:
                first = prev[0]
            elif prev_line.rstrip().endswith(":") or is_heading(prev_line):
                lead = prev
                break
            elif item_kind(prev_line) is not None:
                break  # an item of another list: this one has no lead-in line
            probe = prev
        # an item answers alone unless its list is announced ("… gồm các bước sau:") or is a
        # sequence of steps; an item that enumerates ("Hoàn thành các chỉ tiêu: A; B; C") is its own list
        announced = lead is not None and text[lead[0]:lead[1]].rstrip().endswith(":")
        if not (announced or kind == "step") or _enumerates(line):
            return None
    if first >= len(text):
        return None
    lead_kind = item_kind(text[lead[0]:lead[1]]) if lead else None
    items: list[tuple[int, int]] = []
    kind_of_items: str | None = None
    for s, e in _lines(text, first):
        current = text[s:e]
        if not current.strip():
            if items:
                break
            continue
        kind = item_kind(current)
        if is_heading(current) or (kind is not None and kind == lead_kind):
            break
        if not items:
            if kind is None and not current.rstrip().endswith((".", ";", ",")):
                return None  # "2.1. Trách nhiệm chung": what follows the lead-in is a heading, not an item
            kind_of_items = kind
            items.append((s, e))
        elif kind == kind_of_items and (kind is not None or len(current) <= MAX_PLAIN_ITEM):
            items.append((s, e))
        elif kind_of_items is not None:
            if kind is not None and _LEVEL[kind] < _LEVEL[kind_of_items]:
                break  # a label of a higher level ("2." after "a)"): the list is over
            items[-1] = (items[-1][0], e)  # a deeper item or a paragraph continuing this one
        else:
            break
        if len(items) > MAX_ITEMS or e - (lead[0] if lead else items[0][0]) > MAX_LIST_CHARS:
            break
    if len(items) < 2 and not (lead and items):
        return None
    return ListSpan(lead, items)


def _enumerates(line: str) -> bool:
    head, colon, rest = line.partition(":")
    return bool(colon) and rest.count(";") >= 2


def render(text: str, span: ListSpan, limit: int) -> str:
    """The lead-in and every item, whole when they fit; else each item's first line, cut to an
    even share of the room; else as many as fit and how many more there are."""
    lead = " ".join(text[span.lead[0]:span.lead[1]].split()) if span.lead and not is_heading(
        text[span.lead[0]:span.lead[1]]) else ""
    whole = [" ".join(text[s:e].split()) for s, e in span.items]
    full = " ".join(filter(None, [lead, *whole]))
    if len(full) <= limit:
        return full
    firsts = [_first_sentence(text[s:e].split("\n")[0]) for s, e in span.items]
    room = limit - len(lead) - 1
    share = max(40, room // max(1, len(firsts)) - 1)
    out, used = [], 0
    for index, item in enumerate(firsts):
        piece = shorten(item, share)
        reserve = 25 if index + 1 < len(firsts) else 0  # room to say how many more there are
        if used + len(piece) + 1 > room - reserve and out:
            return " ".join(filter(None, [lead, *out])) + f" … và {len(firsts) - index} mục khác."
        out.append(piece)
        used += len(piece) + 1
    return " ".join(filter(None, [lead, *out]))


def _first_sentence(line: str) -> str:
    """"Bước 2: Nhận xét, đánh giá. Người quản lý …" → "Bước 2: Nhận xét, đánh giá." """
    line = " ".join(line.split())
    end = re.search(r"[.;](?=\s)", line[15:])
    return line[: 15 + end.end()] if end else line
