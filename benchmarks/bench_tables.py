"""How much of the task tables in a folder of documents becomes task records.

For every table (a run of table rows in the cleaned text) that has a lead or implementing-unit
column, it counts the numbered rows (first cell 1, 2., 2.7) and those that became records, and
checks that every field of every record is a verbatim span of the cleaned text. The lead-column
test here is deliberately broader than the reader's own header rules, so a header the reader
does not understand shows up as a table without records.

    python benchmarks/bench_tables.py ../shared/realdocs [--verbose]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest.clean import clean_pages  # noqa: E402
from ingest.loaders import IngestError, load  # noqa: E402
from ingest.pipeline import parse_file  # noqa: E402
from ingest.text import fold  # noqa: E402

# A header cell naming who leads or carries out the row ("Cơ quan chủ trì", "Đơn vị thực hiện",
# "Chủ trì", "Phân công nhiệm vụ"): the definition of issue 12, written here on its own.
_LEAD_HEADER = re.compile(r"^(?:(?:co quan|don vi|bo phan|to chuc|ca nhan|nguoi)[ /,]*)*"
                          r"(?:chu tri|thuc hien|phu trach|dau moi)\b|^phan cong\b")
_NUMBER = re.compile(r"^\d{1,3}(?:\.\d{1,3})*\.?$")
_TABLE_KINDS = {"table_header", "table_group", "task", "table_row", "table_index"}


def _lead_column(rows: list[list[str]]) -> bool:
    """A header row (one of the first two: three or more short labels, not opened by a number)
    with a cell naming who leads or carries out the row."""
    for cells in rows[:2]:
        filled = [c for c in cells if c.strip()]
        if len(filled) < 3 or any(len(c) > 80 for c in filled) or _NUMBER.match(filled[0].strip()):
            continue
        for cell in filled:
            key = " ".join(fold(cell).replace("/", " ").split())
            if _LEAD_HEADER.search(key) and not key.startswith(("thuc hien qua", "thuc hien tai")):
                return True
    return False


def measure(path: Path) -> dict:
    raw = load(path)
    cleaned = clean_pages(raw.pages, raw.has_pages, raw.table_layout)
    doc = parse_file(path)
    tables: list[list] = []
    previous_kind = None
    for block in cleaned.blocks:
        if block.kind in _TABLE_KINDS:
            if previous_kind not in _TABLE_KINDS or (block.kind == "table_header" and tables and tables[-1][-1].kind
                                                      != "table_header"):
                tables.append([])
            tables[-1].append(block)
        previous_kind = block.kind
    out = {"tables": 0, "numbered": 0, "records_of_numbered": 0, "records": 0, "empty_tables": 0}
    for blocks in tables:
        data_rows = [b for b in blocks if b.kind in ("task", "table_row") and any(c.strip() for c in b.cells[1:])]
        if not _lead_column([b.cells for b in blocks]) or not data_rows:
            continue  # not a lead-column table, or a blank form
        numbered = [b for b in blocks if b.cells and _NUMBER.match(b.cells[0].strip())]
        out["tables"] += 1
        out["numbered"] += len(numbered)
        out["records_of_numbered"] += sum(1 for b in numbered if b.kind == "task")
        records = sum(1 for b in blocks if b.kind == "task")
        out["records"] += records
        out["empty_tables"] += records == 0
        if records == 0:
            out.setdefault("empty", []).append(" | ".join(blocks[0].cells)[:120])
    bad_spans = 0
    for task in doc.tasks:
        for name, (start, end) in task.spans.items():
            value = task.extra.get(name[6:]) if name.startswith("extra:") else getattr(task, name, None)
            if value is not None and doc.text[start:end] != value:
                bad_spans += 1
    out["bad_spans"] = bad_spans
    out["warnings"] = len(doc.warnings)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--verbose", action="store_true", help="one line per document with a lead-column table")
    args = parser.parse_args()
    files = sorted(p for p in args.folder.iterdir() if p.suffix.lower() in (".md", ".txt", ".pdf", ".docx"))
    totals = {"tables": 0, "numbered": 0, "records_of_numbered": 0, "records": 0, "empty_tables": 0, "bad_spans": 0,
              "warnings": 0}
    docs_with, docs_without = 0, []
    started = time.perf_counter()
    for path in files:
        try:
            figures = measure(path)
        except IngestError as exc:
            print(f"skipped {path.name}: {exc.reason}")
            continue
        for key in totals:
            totals[key] += figures[key]
        if figures["tables"]:
            docs_with += 1
            if figures["records"] == 0:
                docs_without.append(path.name)
            if args.verbose:
                print(f"{path.name}: {figures}")
            elif figures.get("empty"):
                print(f"{path.name}: tables without records: {figures['empty']}")
    share = totals["records_of_numbered"] / totals["numbered"] if totals["numbered"] else 1.0
    print(f"documents read: {len(files)} in {time.perf_counter() - started:.1f} s")
    print(f"documents with a lead-column table: {docs_with}; tables: {totals['tables']}")
    print(f"numbered rows: {totals['numbered']}; became records: {totals['records_of_numbered']} ({share:.1%})")
    print(f"records in those tables (numbered, sub-rows, steps): {totals['records']}")
    print(f"tables without records: {totals['empty_tables']} {docs_without}")
    print(f"record fields that are not a verbatim span: {totals['bad_spans']}")
    print(f"rows reported as unreadable: {totals['warnings']}")


if __name__ == "__main__":
    main()
