"""Read tables into rows and task records, whatever layout they came in.

Every layout reaches this module as tab-separated rows (:mod:`ingest.table_layouts`), so one
reader does the rest for all of them:

* **headers by meaning**: a column is the lead, cooperating units, deadline, product, content
  or number column because of what its header says (:data:`ingest.lexicon.HEADER_ROLE_PATTERNS`),
  wherever it stands; other columns are kept as labelled extra fields;
* **groups**: a row that only labels and titles a group ("I | CẢI CÁCH THỂ CHẾ",
  "A. Thủ tục hành chính cấp tỉnh") opens a group; groups nest by label kind (A > I), and a
  record's id is qualified by them (``A.I.2``), so numbering that restarts stays unique;
* **short rows**: the web crawl drops vertically merged cells, so a row with fewer cells than
  the header is aligned to columns by what each cell holds (a unit, a time, a number, prose);
* **continuations**: PDF text repeats the header after a page break and continues a row under
  it with an empty first cell; those fragments are merged cell by cell into the row above (in a
  ruled table read cell by cell, only the first row of a page can continue one);
* rows of tables that are not task tables stay rows, labelled by their header for search.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from ingest.lexicon import (
    COLUMN_INDEX_RE,
    DITTO_RE,
    HEADER_ROLE_PATTERNS,
    LABELLED_GROUP_RE,
    LETTER_RE,
    MAX_HEADER_CELL_CHARS,
    MAX_HEADER_ROLE_WORDS,
    RECORD_KIND_PATTERNS,
    ROMAN_RE,
    ROW_NUMBER_RE,
    STEP_RE,
    TIME_RE,
    UNIT_HEADS_ACCENTED,
    UNIT_RE,
)
from ingest.model import Task
from ingest.text import fold, has_diacritics, join_fragments

Layout = Literal["text", "ruled", "crawl", "grid"]
"""How a table reached us: ``text`` = tab-separated PDF/plain text (rows may continue across
pages), ``ruled`` = a PDF's ruled table read cell by cell (every line is a row of the grid; a row
may continue across pages), ``crawl`` = the web crawl's one-cell-per-line Markdown (merged cells
dropped), ``grid`` = pipe rows or .docx (every cell in its column)."""

FIELD_ROLES = ("content", "lead", "cooperating", "deadline", "product")
_SIDE_ROLES = ("lead", "cooperating", "deadline", "product")


@dataclass
class Header:
    """A table's header row: the role and label of every column."""

    cells: list[str]
    roles: dict[str, int]  # role -> column index
    record_kind: str  # "task", "target", "procedure", "step"; "" for a table that holds no records

    @property
    def holds_records(self) -> bool:
        return bool(self.record_kind)

    def label(self, column: int) -> str:
        return self.cells[column] if column < len(self.cells) else f"Cột {column + 1}"


@dataclass
class TableRow:
    kind: str  # "table_header", "table_group", "task", "table_row", "table_index"
    cells: list[str]  # the row as it stands in the cleaned text (tab-joined)
    page: int | None
    task: Task | None = None
    roles: dict[str, int] = field(default_factory=dict)
    field_cells: dict[str, int] = field(default_factory=dict)  # record field -> index into ``cells``
    labels: list[str] = field(default_factory=list)  # header label of each cell (data rows)
    group: tuple[str, str, int] | None = None  # (label, title, depth) of a group row
    problem: str = ""  # why a row of a task table could not be read


def header_roles(cells: list[str]) -> dict[str, int]:
    """Column roles of ``cells`` when they read as a task-table header, else ``{}``."""
    header = read_header(cells)
    return header.roles if header and header.holds_records else {}


def read_header(cells: list[str]) -> Header | None:
    """The header these cells form, by what each label means; None when they are data."""
    filled = [c for c in cells if c.strip()]
    if len(filled) < 2 or any(len(c) > MAX_HEADER_CELL_CHARS for c in filled):
        return None
    if ROW_NUMBER_RE.match(fold(cells[0])) or any(COLUMN_INDEX_RE.match(fold(c)) for c in filled):
        return None
    roles: dict[str, int] = {}
    data_like = False
    for index, cell in enumerate(cells):
        key = _header_key(cell)
        if not key:
            continue
        role = next((r for r, p in HEADER_ROLE_PATTERNS if r not in roles and p.search(key)), None)
        if role and len(key.split()) <= MAX_HEADER_ROLE_WORDS:
            roles[role] = index
        elif looks_like_unit(cell) or (TIME_RE.search(key) and not role):
            data_like = True  # "Sở Tài chính", "Quý IV/2026": a value, so no task-table header
    side = set(_SIDE_ROLES) & roles.keys()
    if data_like:
        return Header(cells=list(cells), roles={}, record_kind="")  # labels of a data table at most
    if "content" not in roles and "lead" in roles:
        # "TT | Mã TTHC | Tên … | Cơ quan thực hiện": the first prose column is what the row is about
        free = [i for i, c in enumerate(cells) if c.strip() and i not in roles.values()]
        if free:
            roles["content"] = free[0]
    if "content" in roles and side and len(roles) >= 3 - ("stt" not in roles):
        key = _header_key(cells[roles["content"]])
        kind = next((k for k, p in RECORD_KIND_PATTERNS if p.search(key)), "task")
        if kind == "target" and "deadline" in roles:
            kind = "task"
        return Header(cells=list(cells), roles=roles, record_kind=kind)
    return Header(cells=list(cells), roles={}, record_kind="")


def looks_like_unit(cell: str) -> bool:
    """Does the cell name a body ("Sở Tài chính", "Các bộ, ngành", "UBND cấp xã")?"""
    folded = fold(cell)
    match = UNIT_RE.match(folded)
    if not match:
        return False
    words = cell.strip().lstrip("-+• ").split()
    if not words or not has_diacritics(cell):
        return True
    head = words[1] if fold(words[0]) in ("cac", "tat") and len(words) > 1 else words[0]
    accented = UNIT_HEADS_ACCENTED.get(fold(head).strip(",."))
    return accented is None or head.lower().strip(",.") == accented


def _header_key(cell: str) -> str:
    key = re.sub(r"\([^)]*\)", " ", fold(cell))  # "(ĐVT: ngày làm việc)"
    return " ".join(re.sub(r"[/,;:*]", " ", key).split())


def merge_cell(left: str, right: str) -> str:
    """Append a continuation fragment to a cell (no space after a code or date split like '66-', 'Quý I/')."""
    if left.rstrip().endswith("/") and right.strip()[:1].isdigit():
        return left.rstrip() + right.strip()
    return join_fragments(left, right)


@dataclass
class _Group:
    kind: str  # "roman", "letter", "title", "number"
    label: str
    title: str


@dataclass
class _State:
    header: Header | None = None
    header_key: str = ""
    groups: list[_Group] = field(default_factory=list)
    current: TableRow | None = None  # the last record row (continuations and ditto cells refer to it)
    ordinal: int = 0  # records of the current group, for tables without a number column
    sub_rows: int = 0  # unnumbered rows under the current record
    after_header: bool = False
    page: int | None = None  # page of the table's previous line


def parse_table(lines: list[tuple[str, int | None]], layout: Layout = "text") -> list[TableRow]:
    """Rows of one table region: headers, groups, records, and rows that are plain data."""
    rows: list[TableRow] = []
    state = _State()
    for position, (text, page) in enumerate(lines):
        cells = [" ".join(c.split()) for c in text.split("\t")]
        if not any(cells):
            continue
        header = read_header(cells)
        if header is not None and header.holds_records and (
                not state.header or not state.header.holds_records or len(header.roles) >= 3):
            key = fold("\t".join(cells))
            if key == state.header_key:
                state.after_header = True
                state.page = page
                continue  # the header repeated after a page break
            state = _State(header=header, header_key=key, after_header=True, page=page)
            rows.append(TableRow("table_header", cells, page, roles=header.roles))
            continue
        if header is not None and position == 0:
            state = _State(header=header, page=page)  # a data table: its first row labels the others
            rows.append(TableRow("table_row", cells, page))
            continue
        rows.append(_read_row(cells, page, state, layout))
        state.after_header = state.after_header and rows[-1].kind == "table_header"
        state.page = page
    return [r for r in rows if r.kind != "merged"]


def _read_row(cells: list[str], page: int | None, state: _State, layout: Layout) -> TableRow:
    header = state.header
    if header is None or not header.holds_records:
        labels = [header.label(i) for i in range(len(cells))] if header else []
        return TableRow("table_row", cells, page, labels=labels)
    filled = [(i, c) for i, c in enumerate(cells) if c]
    if _is_column_index(filled):
        return TableRow("table_index", cells, page)
    if state.after_header and _is_sub_header(filled):
        return TableRow("table_header", cells, page, roles=header.roles)
    first = cells[0]
    if not first and state.current is not None and _continues(cells, page, state, layout):
        _merge_continuation(state.current, cells)
        return TableRow("merged", [], page)
    group = _group_of(cells, filled, header)
    if group is not None:
        _push_group(state, group)
        state.current, state.ordinal, state.sub_rows = None, 0, 0
        depth = len(state.groups)
        shown = [c for _, c in filled]  # trailing empty cells of a group row are not kept
        return TableRow("table_group", shown, page, group=(group.label, group.title, depth))
    number = _row_number(first, filled, header)
    columns = _align(cells, header, layout)
    if not any(columns.get(role) is not None and cells[columns[role]] for role in FIELD_ROLES):
        return TableRow("table_row", cells, page, problem="hàng của bảng nhiệm vụ không có nội dung đọc được")
    if number is not None:
        state.ordinal += 1
        state.sub_rows = 0
        task_id = _qualified(state, number)
    elif "stt" not in header.roles:
        state.ordinal += 1
        task_id = _qualified(state, str(state.ordinal))
    elif state.current is not None and state.current.task is not None:
        # an unnumbered row under a numbered one: its number cell was merged with the row above
        state.sub_rows += 1
        base = state.current.task.task_id.split(" (")[0]
        task_id = f"{base} (tiếp)" if state.sub_rows == 1 else f"{base} (tiếp {state.sub_rows})"
    else:
        state.ordinal += 1
        task_id = _qualified(state, str(state.ordinal))
    row = TableRow("task", cells, page, roles=header.roles, field_cells=_field_cells(columns, cells, header))
    row.task = Task(task_id=task_id, group=state.groups[-1].title if state.groups else "", content="", page=page,
                    kind=header.record_kind, number=number or "",
                    group_path=" > ".join(_group_display(g) for g in state.groups))
    _fill(row, header, state)
    if number is not None or "stt" not in header.roles or state.current is None:
        state.current = row  # sub-rows keep the numbered row as the one continuations refer to
    return row


def _is_column_index(filled: list[tuple[int, str]]) -> bool:
    """'1 | 2 | 3 | 4' or '(1) | (2) | (3)' under a header: column numbers, not a record."""
    if len(filled) < 3 or not all(COLUMN_INDEX_RE.match(fold(c)) for _, c in filled):
        return False
    numbers = [int(re.sub(r"\D", "", c.split("=")[0]) or 0) for _, c in filled]
    return numbers[:2] == [1, 2] or numbers == sorted(numbers)


def _is_sub_header(filled: list[tuple[int, str]]) -> bool:
    """A second header row right under the first ('Bắt đầu | Kết thúc')."""
    if len(filled) < 2:
        return False
    for _, cell in filled:
        folded = fold(cell)
        if len(cell) > 40 or ROW_NUMBER_RE.match(folded) or looks_like_unit(cell) or TIME_RE.search(folded):
            return False
        if ROMAN_RE.match(folded) or LETTER_RE.match(folded) or STEP_RE.match(folded):
            return False
    return True


def _continues(cells: list[str], page: int | None, state: _State, layout: Layout) -> bool:
    """An empty first cell continues the row above only in page-broken text: after a page
    change or a repeated header, or when the fragment opens in lower case mid-sentence. In a
    ruled table every line is a row of the grid, so only the first row of a page continues one
    (an empty number cell elsewhere is merged over sub-rows: "a) …", "b) …")."""
    if layout == "ruled":
        return state.after_header or state.page != page
    if layout != "text":
        return False
    current = state.current
    assert current is not None
    fragment = next((c for c in cells[1:] if c), "")
    return current.page != page or state.after_header or fragment[:1].islower()


def _merge_continuation(row: TableRow, cells: list[str]) -> None:
    while len(row.cells) < len(cells):
        row.cells.append("")
    for index, cell in enumerate(cells):
        if cell.strip():
            row.cells[index] = merge_cell(row.cells[index], cell)
    task = row.task
    assert task is not None
    for name in FIELD_ROLES:
        index = row.field_cells.get(name)
        if index is not None and index < len(row.cells):
            setattr(task, name, row.cells[index].strip())
    for label, index in list(row.field_cells.items()):
        if label.startswith("extra:") and index < len(row.cells):
            task.extra[label[6:]] = row.cells[index].strip()


def _group_of(cells: list[str], filled: list[tuple[int, str]], header: Header) -> _Group | None:
    """A row that only labels and titles a group of records."""
    if not filled:
        return None
    side_filled = [i for i, c in filled if i in {header.roles.get(r) for r in _SIDE_ROLES} - {None}]
    first_index, first = filled[0]
    folded = fold(first).strip()
    kind = _label_kind(folded)
    if kind and first_index == 0 and len(filled) <= 2 and not side_filled:
        title = filled[1][1] if len(filled) > 1 else ""
        return _Group(kind, _label_text(first), title)
    if len(filled) == 1 and len(first) < 300:
        match = LABELLED_GROUP_RE.match(first.strip())
        if match:
            return _Group(_label_kind(fold(match.group(1))) or "title", match.group(1), match.group(2))
        if not ROW_NUMBER_RE.match(folded) and not looks_like_unit(first):
            return _Group("title", "", first)
    return None


def _label_kind(folded: str) -> str:
    if ROMAN_RE.match(folded):
        return "roman"
    if LETTER_RE.match(folded) and folded.strip(". ")[-1:].isalpha():
        return "letter"
    return ""


def _label_text(cell: str) -> str:
    """'II.' → 'II', 'Phần A' → 'A' (the label as it is written, without decoration)."""
    token = cell.strip().rstrip(".").split()[-1]
    return token.upper() if token.isalpha() and len(token) <= 6 else token


def _push_group(state: _State, group: _Group) -> None:
    kinds = [g.kind for g in state.groups]
    if group.kind in kinds:
        del state.groups[kinds.index(group.kind):]
    state.groups.append(group)


def _group_display(group: _Group) -> str:
    return f"{group.label}. {group.title}".strip(". ") if group.label else group.title


def _qualified(state: _State, number: str) -> str:
    """The record's id: its number qualified by the labels of the groups above it."""
    labels = [g.label for g in state.groups if g.label]
    return ".".join(labels + [number]) if labels else number


def _row_number(first: str, filled: list[tuple[int, str]], header: Header) -> str | None:
    folded = fold(first).strip()
    match = ROW_NUMBER_RE.match(folded)
    if match:
        return match.group(1)
    step = STEP_RE.match(folded)
    if step:
        return first.strip().rstrip(".")
    if LETTER_RE.match(folded) and len(filled) > 2:  # "a | nội dung | đơn vị | …": lettered records
        return first.strip().rstrip(".)")
    return None


def _align(cells: list[str], header: Header, layout: Layout) -> dict[str, int | None]:
    """Column role → index into ``cells``. Rows as wide as the header map one to one; shorter
    rows of the crawl layout are aligned to columns by what their cells hold."""
    width = len(header.cells)
    roles_at = {index: role for role, index in header.roles.items()}
    if len(cells) >= width or layout != "crawl":
        mapping = list(range(len(cells)))
    else:
        mapping = _best_alignment(cells, [roles_at.get(i, "") for i in range(width)])
    out: dict[str, int | None] = {}
    for cell_index, column in enumerate(mapping):
        role = roles_at.get(column)
        if role:
            out[role] = cell_index
        else:
            out[f"extra:{header.label(column)}"] = cell_index
    return out


def _fit(cell: str, role: str) -> float:
    """How well a cell's text suits a column role (higher is better)."""
    folded = fold(cell)
    if not folded:
        return 0.0
    number = bool(ROW_NUMBER_RE.match(folded) or ROMAN_RE.match(folded) or STEP_RE.match(folded))
    unit = looks_like_unit(cell)
    time = bool(TIME_RE.search(folded)) and len(folded) < 80
    long = len(folded) > 60
    if role == "stt":
        return 3.0 if number else -3.0
    if number:
        return -2.0
    if role in ("lead", "cooperating"):
        return 2.0 * unit - 1.0 * time - 1.0 * (long and not unit)
    if role == "deadline":
        return 2.0 * time - 2.0 * unit - 1.0 * long
    if role == "content":
        return 1.0 * long - 1.0 * time - 0.5 * unit
    return 0.0


def _best_alignment(cells: list[str], columns: list[str]) -> list[int]:
    """Strictly increasing columns for the cells that maximise the fit; ties keep cells left."""
    n, m = len(cells), len(columns)
    neg = float("-inf")
    best = [[neg] * (m + 1) for _ in range(n + 1)]
    choice: list[list[int]] = [[-1] * (m + 1) for _ in range(n + 1)]
    for j in range(m + 1):
        best[0][j] = 0.0
    for i in range(1, n + 1):
        for j in range(i, m + 1):
            skip = best[i][j - 1]
            take = best[i - 1][j - 1] + _fit(cells[i - 1], columns[j - 1]) - 1e-3 * (j - 1)
            if take >= skip:
                best[i][j], choice[i][j] = take, j - 1
            else:
                best[i][j], choice[i][j] = skip, choice[i][j - 1]
    mapping = [0] * n
    j = m
    for i in range(n, 0, -1):
        column = choice[i][j]
        mapping[i - 1] = column
        j = column
    return mapping


def _field_cells(columns: dict[str, int | None], cells: list[str], header: Header) -> dict[str, int]:
    return {name: index for name, index in columns.items() if index is not None and name != "stt"}


def _fill(row: TableRow, header: Header, state: _State) -> None:
    """Write the record's fields from its cells; 'Như trên' takes the value of the row above."""
    task = row.task
    assert task is not None
    above = state.current.task if state.current is not None else None
    for name, index in row.field_cells.items():
        value = row.cells[index].strip()
        if DITTO_RE.match(fold(value)) and above is not None:
            previous = above.extra.get(name[6:], "") if name.startswith("extra:") else getattr(above, name, "")
            if previous:
                task.ditto[name] = previous
                value = previous
        if name.startswith("extra:"):
            task.extra[name[6:]] = value
        else:
            setattr(task, name, value)
    task.labels = {name: header.label(header.roles[name]) for name in FIELD_ROLES if name in header.roles}


def header_cells(rows: list[TableRow]) -> list[str]:
    for row in reversed(rows):
        if row.kind == "table_header":
            return row.cells
    return []
