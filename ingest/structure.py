"""Recover the section tree of a plan from its cleaned blocks and cut chunks that follow it.

Roman headings (``III.``) open level 1, numbered items (``5.``, ``2.1.``) open deeper levels,
lettered items (``a)``) the deepest; appendix table groups act as Roman sections. Every chunk
is a verbatim span of the cleaned text and knows its section path, task id and page.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from ingest.clean import Block, is_heading_like
from ingest.model import Chunk, Footnote, Section

_ROMAN_HEAD_RE = re.compile(r"^([IVX][IVXl1]{0,4})\.\s+(.+)$")
_NUMBER_HEAD_RE = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.\s+(.+)$")
_LETTER_HEAD_RE = re.compile(r"^([a-zđ])\)\s+(.+)$")
# legal texts (decisions, decrees, circulars, regulations): "Chương II", "Điều 24. Trách nhiệm của …"
_CHAPTER_HEAD_RE = re.compile(r"^Chương\s+([IVXLC]+|\d{1,3})\b[.:]?\s*(.*)$")
_ARTICLE_HEAD_RE = re.compile(r"^Điều\s+(\d{1,3}[a-z]?)\s*[.:]\s*(.*)$")
MAX_ARTICLE_TITLE = 200  # "Điều 1. Ban hành kèm theo Quyết định này …" with its body on the line: its title is cut
_FOOTNOTE_RE = re.compile(r"^([¹²³⁴⁵⁶⁷⁸⁹⁰]+)\s*(.+)$")
_SUPERSCRIPT = str.maketrans("¹²³⁴⁵⁶⁷⁸⁹⁰", "1234567890")
_SENTENCE_SPLIT_RE = re.compile(r"(?<=[.;!?])\s+(?=[A-ZÀ-ỸĐ0-9“\-+(])")
_FULL_STOP_SPLIT_RE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-ỸĐ0-9“\-+(])")

MAX_CHUNK_CHARS = 700
TARGET_CHUNK_CHARS = 450


@dataclass
class _Open:
    level: int
    label: str
    title: str
    block: Block


def roman_label(token: str) -> str:
    """Normalise an OCR-damaged Roman numeral (``I11`` → ``III``)."""
    return token.replace("1", "I").replace("l", "I")


def heading_of(block: Block) -> tuple[int, str, str] | None:
    """(level, label, title) when the block opens a section, else None."""
    text = block.text
    if block.kind == "table_group" and block.group is not None:
        label, title, depth = block.group
        return depth, label, title
    if block.kind != "line":
        return None
    match = _ARTICLE_HEAD_RE.match(text)
    if match:  # an article opens the top level; its numbered clauses and lettered points nest under it
        return 1, f"Điều {match.group(1)}", _first_sentence(match.group(2))
    match = _CHAPTER_HEAD_RE.match(text)
    if match and len(text) < 200:
        return 1, f"Chương {match.group(1)}", match.group(2)
    match = _ROMAN_HEAD_RE.match(text)
    if match and len(text) < 200:
        return 1, roman_label(match.group(1)), match.group(2)
    match = _NUMBER_HEAD_RE.match(text)
    if match:
        depth = match.group(1).count(".") + 1
        return 1 + depth, match.group(1), match.group(2)
    match = _LETTER_HEAD_RE.match(text)
    if match and len(text) < 200:
        return 6, match.group(1) + ")", match.group(2)
    return None


def _first_sentence(text: str) -> str:
    if len(text) <= MAX_ARTICLE_TITLE:
        return text
    cut = _FULL_STOP_SPLIT_RE.split(text, maxsplit=1)[0]
    return cut if len(cut) <= MAX_ARTICLE_TITLE else cut[:MAX_ARTICLE_TITLE].rsplit(" ", 1)[0] + "…"


def build_sections(blocks: list[Block], text_len: int) -> tuple[list[Section], dict[int, tuple[str, str]]]:
    """Sections with spans, and for every block index its (path, label)."""
    sections: list[Section] = []
    stack: list[_Open] = []
    where: dict[int, tuple[str, str]] = {}
    open_sections: list[tuple[int, Section]] = []
    for index, block in enumerate(blocks):
        head = heading_of(block)
        if head is not None:
            level, label, title = head
            if block.kind == "table_group":  # a table's groups nest under the section the table stands in
                level += max((o.level for o in stack if o.block.kind != "table_group"), default=0)
            while stack and stack[-1].level >= level:
                stack.pop()
            while open_sections and open_sections[-1][0] >= level:
                _, closing = open_sections.pop()
                closing.end = block.start
            stack.append(_Open(level, label, title, block))
            path = " > ".join(_display(o) for o in stack)
            section = Section(
                label=_compose_label(stack), title=title, level=level, path=path,
                start=block.start, end=text_len, page=block.page,
            )
            sections.append(section)
            open_sections.append((level, section))
        path = " > ".join(_display(o) for o in stack)
        where[index] = (path, _compose_label(stack))
    return sections, where


def _display(node: _Open) -> str:
    if node.block.kind == "table_group":
        return f"{node.label}. {node.title}".strip() if node.label else node.title
    title = node.title if len(node.title) <= 90 else node.title[:87].rstrip() + "…"
    sep = " " if node.label.endswith(")") else ". "
    return f"{node.label}{sep}{title}"


def _compose_label(stack: list[_Open]) -> str:
    """``III.5`` for item 5 of part III; ``2.1`` numbers already carry their parents."""
    roman = next((o.label for o in stack if o.level == 1), "")
    numbered = [o.label for o in stack if 1 < o.level < 6 and o.label]
    deepest = numbered[-1] if numbered else ""
    if roman and deepest:
        return f"{roman}.{deepest}"
    return roman or deepest


def find_footnotes(blocks: list[Block], text: str) -> list[Footnote]:
    """Footnote bodies (lines opening with a superscript number) and their reference marks."""
    notes: list[Footnote] = []
    for block in blocks:
        if block.kind != "line":
            continue
        match = _FOOTNOTE_RE.match(block.text)
        if match:
            mark = match.group(1).translate(_SUPERSCRIPT)
            notes.append(Footnote(mark=mark, text=block.text, start=block.start, end=block.end))
    # Bodies are disjoint block spans in text order: a bisection finds the one a mark may be in, and
    # the marks of one superscript are searched once (a scan per note over every body was cubic).
    body_starts = [n.start for n in notes]
    refs_of: dict[str, list[int]] = {}
    for note in notes:
        sup = note.text[: len(note.text) - len(note.text.lstrip("¹²³⁴⁵⁶⁷⁸⁹⁰"))]
        if sup not in refs_of:
            refs_of[sup] = [match.start() for match in re.finditer(re.escape(sup) + r"(?![¹²³⁴⁵⁶⁷⁸⁹⁰])", text)
                            if not _in_body(match.start(), body_starts, notes)]
        note.ref_offsets.extend(refs_of[sup])
    return notes


def _in_body(offset: int, body_starts: list[int], notes: list[Footnote]) -> bool:
    index = bisect_right(body_starts, offset) - 1
    return index >= 0 and offset < notes[index].end


_LABEL_ONLY_RE = re.compile(r"^(?:[IVX]{1,5}|\d{1,2}(?:\.\d{1,2})*|[a-zđ]|\+|-)\.?\)?$")


def split_sentences(text: str, base: int, *, at_semicolons: bool = True) -> list[tuple[int, int]]:
    """Sentence spans (absolute offsets) of ``text`` starting at ``base``.

    A numbering label (``2.3.``, ``IV.``) is not a sentence: it stays with what follows.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    pattern = _SENTENCE_SPLIT_RE if at_semicolons else _FULL_STOP_SPLIT_RE
    for match in pattern.finditer(text):
        if _LABEL_ONLY_RE.match(text[start:match.start()].strip()):
            continue
        spans.append((base + start, base + match.start()))
        start = match.end()
    spans.append((base + start, base + len(text)))
    return [(s, e) for s, e in spans if e > s]


def _pieces(block: Block) -> list[tuple[int, int]]:
    """Split a long block into runs of whole sentences of about TARGET_CHUNK_CHARS."""
    if len(block.text) <= MAX_CHUNK_CHARS or block.kind == "task":
        return [(block.start, block.end)]  # a task row is one unit, however long
    out: list[tuple[int, int]] = []
    cur_start, cur_end = None, None
    for s, e in split_sentences(block.text, block.start):
        if cur_start is None:
            cur_start, cur_end = s, e
        elif e - cur_start > TARGET_CHUNK_CHARS and cur_end - cur_start > 80:
            out.append((cur_start, cur_end))
            cur_start, cur_end = s, e
        else:
            cur_end = e
    if cur_start is not None:
        out.append((cur_start, cur_end))
    return out


def make_chunks(doc_id: str, title: str, text: str, blocks: list[Block], where: dict[int, tuple[str, str]],
                footnotes: list[Footnote]) -> list[Chunk]:
    """One chunk per block (long blocks split at sentence ends), with search context."""
    chunks: list[Chunk] = []
    note_of = {n.start: n for n in footnotes}
    for index, block in enumerate(blocks):
        if block.kind in ("table_header",):
            continue
        path, label = where.get(index, ("", ""))
        task_id = block.task.task_id if block.task else None
        if block.kind == "task":
            kind = "task"
            label = task_id or label
        elif block.kind == "table_group":
            kind = "heading"
        elif block.kind == "table_row":
            kind = "table_row"
        elif block.start in note_of:
            kind = "footnote"
        elif heading_of(block) is not None and len(block.text) < 160 or is_heading_like(block.text):
            kind = "heading"
        elif block.text[:1] in "-+•*–":
            kind = "list_item"
        else:
            kind = "paragraph"
        context = " | ".join(p for p in (title, path) if p)
        if block.task is not None:
            context += f" | nhiệm vụ {task_id} | {block.task.group_path or block.task.group}"
        elif block.labels:  # a data row: its header labels name what each value is
            context += " | " + "; ".join(f"{label}: {cell}" for label, cell in zip(block.labels, block.cells)
                                         if label.strip() and cell.strip())[:400]
        for start, end in _pieces(block):
            chunks.append(Chunk(
                chunk_id=f"{doc_id}:{start}", doc_id=doc_id, kind=kind, text=text[start:end],
                start=start, end=end, section=path, section_label=label, task_id=task_id,
                page=block.page, context=context,
            ))
    return chunks
