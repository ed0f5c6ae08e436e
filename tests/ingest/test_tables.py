"""Task tables: the 33 tasks of the Sở Nội vụ appendix, continuation rows merged into the right cells."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.tables import header_roles, merge_cell, parse_table
from tests.conftest import TABLE_DOC

EXPECTED = json.loads((Path(__file__).parent / "data" / "tasks_002.json").read_text(encoding="utf-8"))
FIELDS = ("task_id", "content", "product", "lead", "cooperating", "deadline")


def test_appendix_has_33_tasks_in_order(parsed_docs):
    tasks = parsed_docs[TABLE_DOC].tasks
    assert [t.task_id for t in tasks] == [e["task_id"] for e in EXPECTED]
    assert len(tasks) == 33


@pytest.mark.parametrize("expected", EXPECTED, ids=[e["task_id"] for e in EXPECTED])
def test_every_task_field_by_field(parsed_docs, expected):
    task = next(t for t in parsed_docs[TABLE_DOC].tasks if t.task_id == expected["task_id"])
    for field in FIELDS:
        assert getattr(task, field) == expected[field], field


@pytest.mark.parametrize("task_id,field,tail", [
    ("II.2", "content", "đáp ứng yêu cầu"),
    ("II.6", "cooperating", "Các Phòng, đơn vị thuộc và trực thuộc Sở"),
    ("III.5", "content", "trong quá trình thực hiện"),
    ("III.5", "product", "theo đúng quy trình, quy định"),
    ("III.7", "lead", "Nhân viên bưu điện tiếp nhận hồ sơ TTHC của Sở."),
    ("V.2", "lead", "Phòng Công chức, viên chức"),
    ("VI.2", "content", "phát triển bền vững"),
])
def test_rows_split_across_page_breaks_are_merged(parsed_docs, task_id, field, tail):
    task = next(t for t in parsed_docs[TABLE_DOC].tasks if t.task_id == task_id)
    assert getattr(task, field).endswith(tail)


def test_task_source_span_is_the_rendered_row(parsed_docs):
    doc = parsed_docs[TABLE_DOC]
    for task in doc.tasks:
        row = doc.text[task.start:task.end]
        assert task.content in row and task.deadline in row
        assert "\n" not in row


def test_every_source_cell_is_kept_in_order():
    """All text of each column, spaces aside, ends up in the tasks (nothing dropped or moved)."""
    import re

    from tests.conftest import CORPUS

    raw = (CORPUS / f"{TABLE_DOC}.txt").read_text(encoding="utf-8")
    columns = {1: "content", 2: "product", 3: "lead", 4: "cooperating", 5: "deadline"}
    cells = {name: [] for name in columns.values()}
    for line in raw.split("\n"):
        parts = line.split("\t")
        if len(parts) < 2 or parts[1].startswith("NỘI DUNG") or re.match(r"^[IVX]+$", parts[0].strip()):
            continue
        for index, name in columns.items():
            if index < len(parts) and parts[index].strip():
                cells[name].append(parts[index].strip())
    for name in columns.values():
        source = "".join(c.replace(" ", "") for c in cells[name])
        parsed = "".join(e[name].replace(" ", "") for e in EXPECTED)
        assert source == parsed, name


def test_header_roles_and_non_header_rows():
    header = ["STT", "NỘI DUNG", "SẢN PHẨM", "ĐƠN VỊ CHỦ TRÌ", "ĐƠN VỊ PHỐI HỢP", "THỜI GIAN THỰC HIỆN"]
    assert header_roles(header) == {"stt": 0, "content": 1, "product": 2, "lead": 3, "cooperating": 4, "deadline": 5}
    row = ["3", "Tổ chức thực hiện nội dung hoạt động kinh doanh, báo cáo kết quả xử lý kiến nghị của tổ chức",
           "Báo cáo kết quả", "Văn phòng", "Các phòng", "Thường xuyên"]
    assert header_roles(row) == {}


def test_parse_table_with_repeated_header_and_continuation():
    header = "TT\tNhiệm vụ\tChủ trì\tThời hạn"
    lines = [(header, 1), ("I\tNHÓM A\t\t", 1), ("1\tViệc thứ nhất được chia\tSở Nội\t", 1),
             (header, 2), ("\tqua trang\tvụ\tQuý I/2026", 2), ("2\tViệc hai\tVăn phòng\tThường xuyên", 2)]
    rows = parse_table(lines)
    tasks = [r.task for r in rows if r.task]
    assert [(t.task_id, t.content, t.lead, t.deadline, t.page) for t in tasks] == [
        ("I.1", "Việc thứ nhất được chia qua trang", "Sở Nội vụ", "Quý I/2026", 1),
        ("I.2", "Việc hai", "Văn phòng", "Thường xuyên", 2),
    ]
    assert sum(1 for r in rows if r.kind == "table_header") == 1


def test_merge_cell_keeps_codes_whole():
    assert merge_cell("Nghị quyết số 66-", "NQ/TW của Bộ Chính trị") == "Nghị quyết số 66-NQ/TW của Bộ Chính trị"
    assert merge_cell("Phòng Công", "chức, viên chức") == "Phòng Công chức, viên chức"
