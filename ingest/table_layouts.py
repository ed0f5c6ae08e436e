"""Turn the table layouts of Markdown files into tab-separated rows, the one form the table
reader (:mod:`ingest.tables`) reads. PDF text already comes tab-separated and ``.docx`` tables
are written that way by the loader.

Two Markdown layouts are read:

* standard pipe rows, ``| a | b |`` (a ``|---|---|`` rule under the header is dropped);
* the web-crawl layout, where every cell stands on its own line(s) between lines holding only
  ``|``. Two consecutive ``|`` lines close a row *or* stand for an empty cell, and a vertically
  merged cell is simply left out, so the reader decides which by the table's width: a run of
  ``|`` lines is read as empty cells when the row has room for them and for the cells that
  follow, and what follows does not open a row (a number, a group label, "Bước 3").
"""

from __future__ import annotations

import re

from ingest.lexicon import LABELLED_GROUP_RE, LETTER_RE, ROMAN_RE, ROW_NUMBER_RE, STEP_RE
from ingest.markup import strip_markup
from ingest.text import fold, join_fragments

_RULE_CELL_RE = re.compile(r"^:?-{2,}:?$")
_PIPE_SPLIT_RE = re.compile(r"(?<!\\)\|")


Tagged = tuple[str, "str | None"]  # a line, and the layout of the table it is a row of (None: not a row)


def markdown_tables_to_tabs(raw_lines: list[str]) -> list[Tagged]:
    """Both Markdown table layouts rewritten as tab-separated rows tagged with their layout
    (``crawl`` or ``grid``); other lines come back unchanged, tagged None."""
    return pipe_rows_to_tabs(crawled_cells_to_tabs(raw_lines))


# -- standard pipe rows ----------------------------------------------------------------------
def pipe_rows_to_tabs(lines: list[Tagged]) -> list[Tagged]:
    """``| a | b |`` rows → ``a\\tb``; the ``|---|`` rule is dropped. Lines of one cell stay text."""
    out: list[Tagged] = []
    for line, layout in lines:
        stripped = line.strip()
        if layout is not None or not (stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1):
            out.append((line, layout))
            continue
        parts = _PIPE_SPLIT_RE.split(stripped[1:-1])
        if len(parts) < 2:
            out.append((line, layout))
            continue
        if all(_RULE_CELL_RE.match(p.strip()) for p in parts if p.strip()) and any(p.strip() for p in parts):
            continue  # the rule under the header row
        cells = [strip_markup(p.replace("\\|", "|"))[0].replace("\t", " ") for p in parts]
        out.append(("\t".join(cells), "grid"))
    return out


# -- the crawl's one-cell-per-line layout ----------------------------------------------------------
def crawled_cells_to_tabs(raw_lines: list[str]) -> list[Tagged]:
    """Each crawled table becomes one tab-separated line per row, followed by a blank line.
    A blank line right after a ``|`` line ends the table."""
    out: list[Tagged] = []
    i = 0
    while i < len(raw_lines):
        if raw_lines[i].strip() != "|":
            out.append((raw_lines[i], None))
            i += 1
            continue
        items, i = _items(raw_lines, i)
        for row in _rows(items):
            if any(c.strip() for c in row):  # a row of one cell keeps a tab: it is still a table row
                out.append(("\t".join(row) if len(row) > 1 else row[0] + "\t", "crawl"))
        out.append(("", None))
    return out


def _items(raw_lines: list[str], i: int) -> tuple[list[tuple[str, str | int]], int]:
    """The table as a sequence of ("cell", text) and ("pipes", run length)."""
    items: list[tuple[str, str | int]] = []
    current: list[str] = []
    while i < len(raw_lines):
        line = raw_lines[i].strip()
        if line == "|":
            if current:
                items.append(("cell", _cell_text(current)))
                current = []
            if items and items[-1][0] == "pipes":
                items[-1] = ("pipes", int(items[-1][1]) + 1)
            else:
                items.append(("pipes", 1))
            i += 1
            continue
        if not line and not current:
            break
        if line:
            current.append(line)
        i += 1
    if current:
        items.append(("cell", _cell_text(current)))
    return items, i


def _segment_lengths(items: list[tuple[str, str | int]]) -> dict[int, int]:
    """For each run of ``|`` lines: how many cells follow it before the next run of two or more."""
    lengths: dict[int, int] = {}
    count = 0
    for index in range(len(items) - 1, -1, -1):
        kind, value = items[index]
        if kind == "cell":
            count += 1
        else:
            lengths[index] = count
            if int(value) >= 2:
                count = 0
    return lengths


def _rows(items: list[tuple[str, str | int]]) -> list[list[str]]:
    rows: list[list[str]] = []
    row: list[str] = []
    width = 0
    following = _segment_lengths(items)
    last = len(items) - 1
    for index, (kind, value) in enumerate(items):
        if kind == "cell":
            row.append(str(value))
            continue
        run = int(value)
        if index == 0:
            row.extend([""] * (run - 1))  # the opening '|' and any empty cells after it
            continue
        if index == last:
            if run >= 2 and width:
                row.extend([""] * min(run - 2, max(0, width - len(row))))
            continue
        if run == 1:
            continue
        gaps = run - 1
        nxt = str(items[index + 1][1]) if index + 1 <= last and items[index + 1][0] == "cell" else ""
        if width and not opens_row(nxt) and len(row) + gaps + following[index] <= width:
            row.extend([""] * gaps)  # empty cells inside the row
            continue
        trailing = min(gaps - 1, max(0, width - len(row))) if width else 0
        row.extend([""] * trailing)
        rows.append(row)
        width = max(width, len(row))
        row = [""] * (gaps - 1 - trailing)
    if any(c.strip() for c in row):
        rows.append(row)
    return rows


def opens_row(cell: str) -> bool:
    """Does this cell look like the first cell of a table row (a number, a group label, a step)?"""
    folded = fold(cell)
    if not folded or len(folded) > 200:
        return False
    return bool(ROW_NUMBER_RE.match(folded) or ROMAN_RE.match(folded) or LETTER_RE.match(folded)
                or STEP_RE.match(folded) or LABELLED_GROUP_RE.match(cell.strip()))


def _cell_text(lines: list[str]) -> str:
    text = ""
    for line in lines:
        cleaned, _ = strip_markup(line)
        text = join_fragments(text, cleaned)
    text = re.sub(r"\s*-{3,}\s*", " ", text).strip()  # header rules under agency names
    return text.replace("\t", " ")
