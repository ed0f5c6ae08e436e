"""Clean extracted text into blocks: NFC, drop page furniture, re-join lines broken by PDF wrap.

The output text is the canonical "ingested text": every later offset and every quote refers
to it. Each block becomes one line of it (a joined paragraph, a heading, a list item or a
rendered table row), and remembers the page it started on.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ingest.joiner import Paragraph
from ingest.markup import strip_markup
from ingest.model import Task
from ingest.table_layouts import markdown_tables_to_tabs
from ingest.tables import FIELD_ROLES, Layout, TableRow, parse_table
from ingest.text import fold, join_fragments, nfc

_BULLET_RE = re.compile(r"^(?:[-+•*–~]\s*\S|[-+]\d)")
_NUMBERED_RE = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\.\s+\S")
_ROMAN_RE = re.compile(r"^(?:[IVX][IVXl1]{0,4})\.\s+\S")
_LETTER_RE = re.compile(r"^[a-zđ]\)\s+\S")
_FOOTNOTE_RE = re.compile(r"^[¹²³⁴⁵⁶⁷⁸⁹⁰]+\s*\S")
_PAGE_NUMBER_RE = re.compile(r"^(?:-\s*)?(?:trang\s*)?\d{1,3}(?:\s*/\s*\d{1,3})?(?:\s*-)?$", re.IGNORECASE)
_RULE_RE = re.compile(r"^[|\-=_*\s]+$")
_SENTENCE_END = ".:;!?"
_HEADING_MAX = 160  # characters: a longer line is never heading-like


@dataclass
class Block:
    """One line of the cleaned text."""

    kind: str  # "line", "table_header", "table_group", "task", "table_row"
    text: str
    page: int | None
    start: int = 0
    end: int = 0
    md_heading: bool = False
    task: Task | None = None
    cells: list[str] = field(default_factory=list)
    group: tuple[str, str, int] | None = None  # (label, title, depth) of a table's group row
    labels: list[str] = field(default_factory=list)  # header label of each cell of a data row
    field_cells: dict[str, int] = field(default_factory=dict)  # record field -> cell index
    problem: str = ""  # a table row that could not be read

    def pieces(self) -> list[tuple[int, str]]:
        """The block's text, or each cell of a table row, with its offset in the cleaned text."""
        if self.kind == "line" or not self.cells:
            return [(self.start, self.text)]
        return [(self.start + at, cell) for at, cell in zip(_cell_offsets(self.cells), self.cells)]


@dataclass
class CleanResult:
    text: str
    blocks: list[Block]
    page_spans: list[tuple[int, int, int]]


@dataclass
class _Line:
    text: str
    page: int | None
    md_heading: bool = False
    layout: Layout = "text"  # for table rows: how the table reached us


def clean_pages(pages: list[str], has_pages: bool, table_layout: Layout | list[Layout] = "text") -> CleanResult:
    """Turn raw page texts into cleaned blocks and their joined text.

    ``table_layout`` says how tab-separated rows of the raw text came to be, for every page or one
    per page: ``text`` for PDF or plain text (rows may continue across pages), ``ruled`` for a PDF
    page whose ruled tables the loader read cell by cell, ``grid`` for .docx tables written by the
    loader. Markdown tables are recognised here and read with their own layout."""
    furniture = _repeated_furniture(pages) if has_pages and len(pages) >= 3 else set()
    lines: list[_Line | None] = []  # None marks a blank line
    run: Paragraph | None = None  # a bold run being joined onto lines[-1] (one bold run is one line)

    def push(line: _Line | None) -> None:
        nonlocal run
        if run is not None:
            lines[-1].text = run.text  # type: ignore[union-attr]
            run = None
        lines.append(line)

    for index, page in enumerate(pages):
        page_no = index + 1 if has_pages else None
        page_layout = table_layout[index] if isinstance(table_layout, list) else table_layout
        raw_lines = markdown_tables_to_tabs(nfc(page).replace("\r\n", "\n").split("\n"))
        bold_open = False
        for raw, layout in raw_lines:
            if "\t" in raw and raw.strip():
                push(_Line(raw.rstrip("\n"), page_no, layout=layout or page_layout))
                bold_open = False
                continue
            text, md_heading = strip_markup(raw)
            continues_bold = bold_open
            bold_open = (raw.count("**") % 2 == 1) != bold_open  # '**1. Sở' … 'Tài chính **'
            if not text:
                push(None)
            elif _PAGE_NUMBER_RE.match(text) or _RULE_RE.match(text) or text in furniture:
                push(None)
            elif continues_bold and lines and lines[-1] is not None and "\t" not in lines[-1].text:
                if run is None:
                    run = Paragraph(lines[-1].text)
                run.append(text)
            else:
                push(_Line(text, page_no, md_heading))
        push(None)
    blocks = _to_blocks(lines)
    return _assemble(blocks, has_pages)


def _repeated_furniture(pages: list[str]) -> set[str]:
    """Lines that open or close most pages (running headers/footers)."""
    counts: Counter[str] = Counter()
    for page in pages:
        kept = [ln.strip() for ln in page.split("\n") if ln.strip()]
        edge = set(kept[:2] + kept[-2:])
        counts.update(edge)
    threshold = max(3, int(0.6 * len(pages)))
    return {line for line, n in counts.items() if n >= threshold and len(line) < 120}


def is_block_start(text: str) -> bool:
    """True for lines that begin a new block: bullets, numbered or Roman headings, footnotes."""
    return bool(
        _BULLET_RE.match(text)
        or _NUMBERED_RE.match(text)
        or _ROMAN_RE.match(text)
        or _LETTER_RE.match(text)
        or _FOOTNOTE_RE.match(text)
    )


def is_heading_like(text: str) -> bool:
    """Short numbered/Roman lines and all-capital lines: titles that are not wrapped prose."""
    if len(text) > _HEADING_MAX:
        return False
    if _ROMAN_RE.match(text) or (_NUMBERED_RE.match(text) and not text.rstrip().endswith(".")):
        return True
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters)


def _wrap_width(lines: list[_Line | None]) -> int:
    lengths = sorted(len(ln.text) for ln in lines if ln is not None and "\t" not in ln.text and len(ln.text) > 20)
    if not lengths:
        return 10_000
    return lengths[int(0.9 * (len(lengths) - 1))]


def _blank_lines_separate(lines: list[_Line | None]) -> bool:
    """Do blank lines mark paragraphs? Not in PDF extractions that put one after every line."""
    content = [i for i, ln in enumerate(lines) if ln is not None]
    if len(content) < 10:
        return True
    adjacent = sum(1 for a, b in zip(content, content[1:]) if b == a + 1)
    return adjacent / (len(content) - 1) >= 0.2


def _should_join(para: Paragraph, nxt: str, width: int, across_blank: bool = False,
                 adjacent_paragraph: bool = False) -> bool:
    """Does line ``nxt`` continue the paragraph ``para``?

    The paragraph is read through its running bracket counts and its last characters, and as a
    whole only when it is short enough to be a heading: the cost does not grow with its length.
    """
    if para.unbalanced() and not _FOOTNOTE_RE.match(nxt):
        return True
    if is_block_start(nxt) or _FOOTNOTE_RE.match(nxt):
        return False
    full = width < 200 and len(para) >= 0.72 * width and not across_blank
    if para.ends_with_code_tail() or para.endswith("/"):
        return True
    prev = para.text if len(para) <= _HEADING_MAX else ""  # is_heading_like is False beyond that length
    prev_heading = bool(prev) and is_heading_like(prev)
    if nxt.isupper() and is_heading_like(nxt) and not (prev_heading and prev.isupper()):
        return False  # a title in capitals starts its own line ("KẾ HOẠCH")
    first = nxt[:1]
    if prev_heading:
        if prev.isupper() and nxt.isupper() and not prev.rstrip().endswith(tuple(_SENTENCE_END)):
            return full or adjacent_paragraph
        if adjacent_paragraph and first.islower() and not prev.rstrip().endswith((":", *_SENTENCE_END)):
            return True  # a numbered heading wrapped mid-phrase ("2.9. Đề" / "nghị Liên đoàn Lao động tỉnh")
        return full and not prev.endswith(tuple(_SENTENCE_END)) and not nxt.isupper()
    if first.islower() or first in "“\"(0123456789%,;":
        return True
    if adjacent_paragraph and not is_heading_like(nxt) and not para.endswith(tuple(_SENTENCE_END)):
        return True  # Markdown: consecutive lines are one paragraph
    return full and not para.endswith(tuple(_SENTENCE_END))


def _to_blocks(lines: list[_Line | None]) -> list[Block]:
    width = _wrap_width(lines)
    blank_separates = _blank_lines_separate(lines)
    blocks: list[Block] = []
    i = 0
    current: _Line | None = None  # the first line of the paragraph being joined (its page and kind)
    para: Paragraph | None = None  # its text
    after_blank = False

    def flush() -> None:
        nonlocal current, para
        if current is not None and para is not None:
            blocks.append(Block("line", para.text, current.page, md_heading=current.md_heading))
        current = para = None

    while i < len(lines):
        line = lines[i]
        if line is None:
            after_blank = True
            i += 1
            continue
        across = after_blank and blank_separates
        after_blank_prev = after_blank
        after_blank = False
        if "\t" in line.text:
            flush()
            j = i
            table_lines: list[tuple[str, int | None]] = []
            while j < len(lines):
                if lines[j] is None:
                    j += 1
                    continue
                if "\t" not in lines[j].text:
                    break
                table_lines.append((lines[j].text, lines[j].page))
                j += 1
            blocks.extend(_table_blocks(parse_table(table_lines, line.layout)))
            i = j
            continue
        if current is None or para is None:
            current, para = line, Paragraph(line.text)
        elif not line.md_heading and not current.md_heading and _should_join(
                para, line.text, width, across, adjacent_paragraph=blank_separates and not after_blank_prev):
            para.append(line.text)
        else:
            flush()
            current, para = line, Paragraph(line.text)
        i += 1
    flush()
    return _reattach_footnote_tails(blocks)


def _reattach_footnote_tails(blocks: list[Block], window: int = 40) -> list[Block]:
    """A footnote cut by a page break continues at the foot of the next page: move it back.

    The tail is a block opening in lower case that follows a heading or a finished sentence
    (so it cannot continue its neighbour) while an unfinished footnote is open.
    """
    out: list[Block] = []
    open_note: Block | None = None
    since = 0
    for block in blocks:
        if block.kind == "line" and _FOOTNOTE_RE.match(block.text):
            open_note = None if block.text.rstrip().endswith(tuple(_SENTENCE_END)) else block
            since = 0
            out.append(block)
            continue
        prev = out[-1] if out else None
        orphan = (block.kind == "line" and block.text[:1].islower() and prev is not None and prev.kind == "line"
                  and (is_heading_like(prev.text) or prev.text.rstrip().endswith(tuple(_SENTENCE_END))))
        if open_note is not None and orphan and since <= window:
            open_note.text = join_fragments(open_note.text, block.text)
            open_note = None
            continue
        since += 1
        out.append(block)
    return out


def _table_blocks(rows: list[TableRow]) -> list[Block]:
    return [Block(row.kind, "\t".join(row.cells), row.page, task=row.task, cells=row.cells, group=row.group,
                  labels=row.labels, field_cells=row.field_cells, problem=row.problem) for row in rows]


def _cell_offsets(cells: list[str]) -> list[int]:
    """Where each cell starts inside the tab-joined row."""
    offsets, at = [], 0
    for cell in cells:
        offsets.append(at)
        at += len(cell) + 1
    return offsets


def _record_spans(block: Block, previous: Task | None) -> None:
    """Each field of a record as a span of the cleaned text: its cell, or for a 'Như trên' cell
    the span of the same field of the record above."""
    task = block.task
    assert task is not None
    task.start, task.end = block.start, block.end
    offsets = _cell_offsets(block.cells)
    for name, index in block.field_cells.items():
        if name in task.ditto and previous is not None and name in previous.spans:
            task.spans[name] = list(previous.spans[name])
            continue
        cell = block.cells[index]
        if cell.strip() and (name in FIELD_ROLES or name.startswith("extra:")):
            start = block.start + offsets[index] + (len(cell) - len(cell.lstrip()))
            task.spans[name] = [start, start + len(cell.strip())]


def _assemble(blocks: list[Block], has_pages: bool) -> CleanResult:
    parts: list[str] = []
    offset = 0
    page_spans: list[tuple[int, int, int]] = []
    previous_task: Task | None = None
    for block in blocks:
        block.start = offset
        block.end = offset + len(block.text)
        parts.append(block.text)
        offset = block.end + 1
        if has_pages and block.page is not None:
            if page_spans and page_spans[-1][2] == block.page:
                page_spans[-1] = (page_spans[-1][0], block.end + 1, block.page)
            else:
                page_spans.append((block.start, block.end + 1, block.page))
        if block.task is not None:
            _record_spans(block, previous_task)
            previous_task = block.task
        elif block.kind == "table_header":
            previous_task = None
    return CleanResult(text="\n".join(parts), blocks=blocks, page_spans=page_spans)


def folded_equal(a: str, b: str) -> bool:
    return fold(a) == fold(b)
