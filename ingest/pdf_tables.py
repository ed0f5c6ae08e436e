"""Write the pages of a PDF that hold ruled tables as text whose table rows are tab-separated.

pypdf's text keeps a table's cells apart only by chance (a cell wrapped over two lines comes out
as two rows, its neighbours on one). pdfplumber finds ruled tables from the lines drawn around
their cells (its default lattice settings) and reads every cell whole, so a page holding one is
written in reading order as: the text above the table, one line per row with its cells joined
by TAB (the form :mod:`ingest.tables` reads), the text beside and below it. Rows continued on the
next page are not merged here: the reader's ``text`` layout does that (an empty first cell after a
page change or a repeated header).

Pages without a ruled table keep pypdf's text, which the cleaning was tuned on. pdfplumber is
imported lazily and read defensively: a file or page it cannot read keeps pypdf's text, with a
warning naming the file, never an exception.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from ingest.tables import merge_cell
from ingest.text import nfc

logger = logging.getLogger(__name__)

MIN_ROWS = 2
MIN_COLUMNS = 2
# Ruling lines, rectangles and curves on one page beyond which no table is looked for: finding
# tables compares every horizontal edge with every vertical one, and a page of vector art (a map,
# a chart, a hostile file) holds tens of thousands. A ruled page of a plan holds a few hundred.
MAX_RULING_OBJECTS = 5_000
# Share of a page's characters that must read upright, left to right, as the page is shown: pdfplumber
# reads a page turned by /Rotate as shown, so text lying sideways or upside down comes out reversed or
# one letter a line; pypdf reads it in its own direction, so such a page keeps pypdf's text.
MIN_UPRIGHT_SHARE = 0.5

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom (pdfplumber's page coordinates)
# A straight path segment in a content stream: "x y w h re" or "x y l" (every ruling line is one).
_RULING_OP_RE = re.compile(rb"[0-9.]\s+(?:re|l)(?=[\s\[\]()<>/%]|$)")


class TooManyRulings(ValueError):
    """A page draws more lines than a page of ruled tables does: tables are not looked for."""


@dataclass
class TablePages:
    """What pdfplumber made of a PDF: the text of every page that holds a ruled table, by page
    index, and what could not be read (for the ingest report)."""

    texts: dict[int, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def may_hold_rulings(page: Any) -> bool:
    """Can this pypdf page hold a ruled table? False only when its content stream draws no
    straight line and it calls no form XObject (which could). pdfplumber interprets every
    glyph of a page before it can look for tables, ten times pypdf's time: this keeps that cost
    to pages that draw lines."""
    try:
        resources = page.get("/Resources")
        xobjects = resources.get_object().get("/XObject") if resources is not None else None
        if xobjects is not None:
            for ref in xobjects.get_object().values():
                if ref.get_object().get("/Subtype") == "/Form":
                    return True
        contents = page.get_contents()
        return contents is not None and _RULING_OP_RE.search(contents.get_data()) is not None
    except Exception:  # noqa: BLE001 - a damaged page: let pdfplumber look (it is read defensively too)
        return True


def read_table_pages(data: bytes, source: str, page_count: int, candidates: list[int] | None = None) -> TablePages:
    """The pages of the PDF ``data`` that hold ruled tables, written with tab-separated rows.

    ``page_count`` is the number of pages pypdf read: when pdfplumber counts otherwise its pages
    cannot be matched to pypdf's, and every page keeps pypdf's text. Only the pages of index
    ``candidates`` are read (all when None).
    """
    result = TablePages()
    if candidates is not None and not candidates:
        return result
    try:
        import pdfplumber
    except ImportError:
        _fall_back(result, source, "pdfplumber is not installed (pip install pdfplumber)")
        return result
    try:
        with pdfplumber.open(io.BytesIO(data), unicode_norm="NFC") as pdf:
            if len(pdf.pages) != page_count:
                _fall_back(result, source, f"pdfplumber counts {len(pdf.pages)} pages, pypdf {page_count}")
                return result
            for index in range(page_count) if candidates is None else candidates:
                page = pdf.pages[index]
                try:
                    text = page_text(page)
                except Exception as exc:  # noqa: BLE001 - pdfminer raises many undocumented types on damaged pages
                    _fall_back(result, source, f"page {index + 1}: {type(exc).__name__}: {exc}", page=index + 1)
                    text = None
                finally:
                    page.close()  # drop the page's parsed objects: a long PDF is read one page at a time
                if text is not None:
                    result.texts[index] = text
    except Exception as exc:  # noqa: BLE001 - as above, for the document as a whole (xref, trailer, page tree)
        _fall_back(result, source, f"{type(exc).__name__}: {exc}")
    return result


def _fall_back(result: TablePages, source: str, reason: str, page: int | None = None) -> None:
    where = f"trang {page}" if page else "tệp"
    logger.warning("Could not look for ruled tables in %s; using pypdf's text there. Error: %s", source, reason)
    result.warnings.append(f"{where}: không đọc được bảng kẻ ô bằng pdfplumber, dùng văn bản của pypdf ({reason[:200]})")


def page_text(page: Any) -> str | None:
    """The page as text with its ruled tables' rows tab-separated; None when it holds none."""
    if not (page.rects or page.lines or page.curves):
        return None  # nothing drawn: no ruled table (and no edges to compute)
    drawn = len(page.rects) + len(page.lines) + len(page.curves)
    if drawn > MAX_RULING_OBJECTS:
        raise TooManyRulings(f"{drawn} drawn objects, over the {MAX_RULING_OBJECTS} a page of ruled tables holds")
    if not _reads_upright(page.chars):
        return None
    found = []
    for table in page.find_tables():
        rows = table.extract()
        if len(rows) >= MIN_ROWS and max((len(r) for r in rows), default=0) >= MIN_COLUMNS:
            found.append((table.bbox, rows))
    if not found:
        return None
    found.sort(key=lambda item: (item[0][1], item[0][0]))
    boxes = [bbox for bbox, _ in found]
    parts: list[str] = []
    cursor = float("-inf")
    for bbox, rows in found:
        _, top, _, bottom = bbox
        parts.append(_band_text(page, boxes, cursor, top))  # above (empty when tables overlap in height)
        parts.append("\n".join(["", *table_lines(rows), ""]))
        parts.append(_band_text(page, boxes, max(cursor, top), bottom))  # beside, outside every table
        cursor = max(cursor, bottom)
    parts.append(_band_text(page, boxes, cursor, float("inf")))  # below
    return nfc("\n".join(p for p in parts if p))


def _reads_upright(chars: list[dict]) -> bool:
    """Do most characters run left to right, upright, as the page is shown?"""
    if not chars:
        return False
    upright = sum(1 for c in chars if c["upright"] and c["matrix"][0] > 0 and c["matrix"][3] > 0)
    return upright >= MIN_UPRIGHT_SHARE * len(chars)


def table_lines(rows: list[list[str | None]]) -> list[str]:
    """One line per row, cells joined by TAB; a cell's lines joined as wrapped text is joined,
    a merged (absent) cell empty. Rows of no text are dropped."""
    lines: list[str] = []
    for row in rows:
        cells = [cell_text(cell) for cell in row]
        if not any(cells):
            continue
        lines.append("\t".join(cells) if len(cells) > 1 else cells[0] + "\t")  # one cell is still a row
    return lines


def cell_text(cell: str | None) -> str:
    """A cell's text on one line: 'Quý I/' + '2026' → 'Quý I/2026', '29/KH-' + 'UBND' → '29/KH-UBND',
    other wrapped lines joined by a space."""
    text = ""
    for line in (cell or "").replace("\t", " ").split("\n"):
        text = merge_cell(text, " ".join(line.split())) if text else " ".join(line.split())
    return text


def _band_text(page: Any, tables: list[BBox], top: float, bottom: float) -> str:
    """Text of the characters whose middle lies between ``top`` and ``bottom`` and in no table."""
    if bottom <= top:
        return ""

    def keep(obj: dict) -> bool:
        if obj.get("object_type") != "char":
            return False
        x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return top <= y < bottom and not any(x0 <= x < x1 and t <= y < b for x0, t, x1, b in tables)

    return page.filter(keep).extract_text().strip()
