"""Parse tab-separated task tables: map columns by header words, merge rows split by page breaks.

PDF extraction repeats the header on each page and continues a row under it with an empty
first cell; those continuation cells belong to the previous task, cell by cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.model import Task
from ingest.text import fold, join_fragments

_ROMAN_CELL_RE = re.compile(r"^[IVXLC]{1,6}\.?$")
_NUMBER_CELL_RE = re.compile(r"^(\d{1,3})\.?$")

# column role -> folded header words that name it (first match wins, in this order)
ROLE_WORDS: list[tuple[str, tuple[str, ...]]] = [
    ("stt", ("stt", "tt", "so tt")),
    ("lead", ("chu tri",)),
    ("cooperating", ("phoi hop",)),
    ("product", ("san pham", "ket qua")),
    ("deadline", ("thoi gian", "thoi han", "tien do", "hoan thanh")),
    ("content", ("noi dung", "nhiem vu", "cong viec", "hoat dong", "ten ")),
]


@dataclass
class TableRow:
    kind: str  # "table_header", "table_group", "task", "table_row"
    cells: list[str]
    page: int | None
    task: Task | None = None
    roles: dict[str, int] = field(default_factory=dict)


def header_roles(cells: list[str]) -> dict[str, int]:
    """Map column roles to indices when ``cells`` look like a task-table header."""
    roles: dict[str, int] = {}
    filled = [c for c in cells if c.strip()]
    if len(filled) < 3 or any(len(c) > 60 for c in filled):
        return {}  # header cells are short labels; long cells are a task row
    if _NUMBER_CELL_RE.match(cells[0].strip()) or _ROMAN_CELL_RE.match(cells[0].strip()):
        return {}
    for index, cell in enumerate(cells):
        folded = fold(cell)
        if not folded:
            continue
        for role, words in ROLE_WORDS:
            if role in roles:
                continue
            if role == "stt":
                if folded in words:
                    roles[role] = index
                    break
                continue
            if any(w in folded for w in words):
                roles[role] = index
                break
    if "content" in roles and ({"lead", "deadline", "product"} & roles.keys()):
        return roles
    return {}


def merge_cell(left: str, right: str) -> str:
    """Append a continuation fragment to a cell (no space after a code split like '66-')."""
    return join_fragments(left, right)


def parse_table(lines: list[tuple[str, int | None]]) -> list[TableRow]:
    """Rows of one table region, with repeated headers dropped and continuations merged."""
    rows: list[TableRow] = []
    roles: dict[str, int] = {}
    header_key: str | None = None
    group_label, group_title = "", ""
    current: TableRow | None = None
    for text, page in lines:
        cells = [" ".join(c.split()) for c in text.split("\t")]
        maybe_roles = header_roles(cells)
        if maybe_roles:
            key = fold("\t".join(cells))
            if key == header_key:
                continue  # the header repeated after a page break
            roles, header_key = maybe_roles, key
            rows.append(TableRow("table_header", cells, page, roles=roles))
            current = None
            continue
        first = cells[0].strip() if cells else ""
        if roles and _ROMAN_CELL_RE.match(first):
            group_label = first.rstrip(".")
            group_title = next((c for c in cells[1:] if c.strip()), "")
            rows.append(TableRow("table_group", [group_label, group_title], page))
            current = None
            continue
        number = _NUMBER_CELL_RE.match(first)
        if roles and number:
            task_id = f"{group_label}.{number.group(1)}" if group_label else number.group(1)
            task = Task(task_id=task_id, group=group_title, content="", page=page)
            current = TableRow("task", [""] * max(len(cells), len(header_cells(rows))), page, task=task, roles=roles)
            _apply(current, cells, replace=True)
            rows.append(current)
            continue
        if not first and current is not None:
            _apply(current, cells, replace=False)
            continue
        current = None
        rows.append(TableRow("table_row", cells, page))
    return rows


def header_cells(rows: list[TableRow]) -> list[str]:
    for row in reversed(rows):
        if row.kind == "table_header":
            return row.cells
    return []


def _apply(row: TableRow, cells: list[str], *, replace: bool) -> None:
    """Write ``cells`` into the row (merging continuation fragments) and refresh its task."""
    while len(row.cells) < len(cells):
        row.cells.append("")
    for index, cell in enumerate(cells):
        if replace:
            row.cells[index] = cell.strip()
        elif cell.strip():
            row.cells[index] = merge_cell(row.cells[index], cell)
    task = row.task
    assert task is not None

    def get(role: str) -> str:
        index = row.roles.get(role)
        return row.cells[index].strip() if index is not None and index < len(row.cells) else ""

    task.content = get("content")
    task.product = get("product")
    task.lead = get("lead")
    task.cooperating = get("cooperating")
    task.deadline = get("deadline")
