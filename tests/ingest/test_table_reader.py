"""The table reader on small tables written in every layout it reads."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.pipeline import parse_file
from ingest.table_layouts import crawled_cells_to_tabs, pipe_rows_to_tabs
from ingest.tables import parse_table, read_header


def _crawl(rows: list[list[str]]) -> str:
    """Write rows in the web crawl's layout: each cell on its own line between '|' lines."""
    lines: list[str] = []
    for row in rows:
        lines.append("|")
        for cell in row:
            if cell:
                lines.append(cell)
            lines.append("|")
    return "\n".join(lines) + "\n"


def _tasks(tmp_path, name: str, body: str):
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return parse_file(path)


HEADER = ["STT", "Nội dung công việc", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời hạn hoàn thành", "Sản phẩm đầu ra",
          "Nguồn kinh phí"]


# -- headers by meaning ------------------------------------------------------------------------------
@pytest.mark.parametrize("cells, roles", [
    (["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian dự kiến hoàn thành", "Kết quả dự kiến"],
     {"stt": 0, "content": 1, "lead": 2, "cooperating": 3, "deadline": 4, "product": 5}),
    (["Số TT", "Tên nhiệm vụ, giải pháp", "Đơn vị thực hiện", "Tiến độ"],
     {"stt": 0, "content": 1, "lead": 2, "deadline": 3}),
    (["Thời gian thực hiện", "Chủ trì tham mưu", "Nhiệm vụ", "STT"],  # order does not matter
     {"deadline": 0, "lead": 1, "content": 2, "stt": 3}),
    (["TT", "Mã TTHC", "Tên thủ tục hành chính", "Lĩnh vực", "Cơ quan thực hiện"],
     {"stt": 0, "content": 2, "lead": 4}),
    (["STT", "Chỉ tiêu", "Đơn vị chủ trì"], {"stt": 0, "content": 1, "lead": 2}),
])
def test_header_roles_by_meaning(cells, roles):
    header = read_header(cells)
    assert header is not None and header.holds_records
    assert header.roles == roles


@pytest.mark.parametrize("cells", [
    ["1", "Xây dựng kế hoạch", "Sở Nội vụ", "Quý I/2026"],  # a numbered row
    ["Thực hiện sao lưu dữ liệu", "Sở Khoa học và Công nghệ", "Sở Tài chính"],  # a row whose text opens like a label
    ["STT", "Họ và tên", "Chức vụ"],  # a header, but of no task table
])
def test_rows_that_are_not_task_headers(cells):
    header = read_header(cells)
    assert header is None or not header.holds_records


def test_record_kind_follows_the_content_header():
    assert read_header(["STT", "Chỉ tiêu", "Đơn vị chủ trì"]).record_kind == "target"
    assert read_header(["TT", "Tên thủ tục hành chính", "Cơ quan thực hiện"]).record_kind == "procedure"
    assert read_header(["TT", "Nội dung", "Chủ trì", "Thời gian"]).record_kind == "task"


# -- the crawl layout: empty cells, merged cells -----------------------------------------------------------
def test_crawl_empty_cells_are_kept_in_their_columns():
    body = _crawl([HEADER, ["1", "Rà soát quy định", "Sở Tư pháp", "", "Quý II/2026", "", "Ngân sách tỉnh"],
                   ["2", "Tập huấn", "Sở Nội vụ", "Các sở", "Năm 2026", "Lớp tập huấn", ""]])
    rows = [r for r, layout in crawled_cells_to_tabs(body.split("\n")) if layout]
    assert rows[1].split("\t") == ["1", "Rà soát quy định", "Sở Tư pháp", "", "Quý II/2026", "", "Ngân sách tỉnh"]
    assert rows[2].split("\t")[:6] == ["2", "Tập huấn", "Sở Nội vụ", "Các sở", "Năm 2026", "Lớp tập huấn"]


def test_crawl_merged_cells_dropped_are_aligned_by_content(tmp_path):
    # row 2 lost its cooperating cell (merged with row 1 in the original): the deadline must stay a deadline
    lines = ["|", *[c for h in HEADER for c in (h, "|")], "|",
             "1", "|", "Xây dựng cơ sở dữ liệu", "|", "Sở Tài chính", "|", "Các sở, ngành", "|", "Quý IV/2026", "|",
             "Cơ sở dữ liệu", "|", "Ngân sách", "|", "|",
             "2", "|", "Cập nhật dữ liệu", "|", "Sở Xây dựng", "|", "Quý I/2027", "|", "Dữ liệu cập nhật", "|", "|",
             "3", "|", "Đào tạo", "|", "Sở Nội vụ", "|", "UBND các xã", "|", "Năm 2027", "|", "|"]
    doc = _tasks(tmp_path, "plan.md", "**PHỤ LỤC**\n\n" + "\n".join(lines) + "\n\nHết.\n")
    by_id = {t.task_id: t for t in doc.tasks}
    assert set(by_id) == {"1", "2", "3"}
    assert (by_id["2"].lead, by_id["2"].cooperating, by_id["2"].deadline) == ("Sở Xây dựng", "", "Quý I/2027")
    assert by_id["2"].product == "Dữ liệu cập nhật"
    assert (by_id["3"].deadline, by_id["3"].product) == ("Năm 2027", "")


def test_crawl_sub_row_under_a_merged_number_cell(tmp_path):
    body = _crawl([HEADER[:5], ["1", "Xây dựng hạ tầng", "Trung tâm Chuyển đổi số", "Sở Tài chính", "Quý IV/2026"],
                   ["Xây dựng hạ tầng dự phòng", "Trung tâm Chuyển đổi số"],
                   ["2", "Đầu tư thiết bị", "Sở Tài chính", "Các sở", "Năm 2027"]])
    doc = _tasks(tmp_path, "plan.md", body)
    assert [t.task_id for t in doc.tasks] == ["1", "1 (tiếp)", "2"]
    assert doc.tasks[1].content == "Xây dựng hạ tầng dự phòng" and doc.tasks[1].lead == "Trung tâm Chuyển đổi số"


# -- groups and ids --------------------------------------------------------------------------------------
def test_nested_groups_qualify_restarted_numbers(tmp_path):
    header = ["TT", "Tên thủ tục hành chính", "Lĩnh vực", "Cơ quan thực hiện"]
    body = _crawl([header, ["A", "THỦ TỤC CẤP TRUNG ƯƠNG"], ["I", "LĨNH VỰC TRỒNG TRỌT"],
                   ["1", "Công bố dịch hại", "Trồng trọt", "Bộ Nông nghiệp và Môi trường"],
                   ["2", "Phê duyệt chiến lược", "Trồng trọt", "Thủ tướng Chính phủ"],
                   ["II.", "LĨNH VỰC BẢO VỆ THỰC VẬT"], ["1", "Cấp giấy phép", "Bảo vệ thực vật", "Cục Bảo vệ thực vật"],
                   ["B. Thủ tục cấp tỉnh"], ["I", "LĨNH VỰC TRỒNG TRỌT"],
                   ["1", "Công bố dịch hại", "Trồng trọt", "Ủy ban nhân dân cấp tỉnh"]])
    doc = _tasks(tmp_path, "tthc.md", body)
    ids = {t.task_id: t for t in doc.tasks}
    assert list(ids) == ["A.I.1", "A.I.2", "A.II.1", "B.I.1"]
    assert ids["B.I.1"].lead == "Ủy ban nhân dân cấp tỉnh" and ids["B.I.1"].kind == "procedure"
    assert ids["A.II.1"].group == "LĨNH VỰC BẢO VỆ THỰC VẬT"
    assert ids["A.II.1"].group_path == "A. THỦ TỤC CẤP TRUNG ƯƠNG > II. LĨNH VỰC BẢO VỆ THỰC VẬT"
    assert ids["A.I.1"].extra == {"Lĩnh vực": "Trồng trọt"}


def test_two_tables_with_the_same_numbers_get_distinct_ids(tmp_path):
    table = _crawl([["TT", "Nhiệm vụ", "Chủ trì", "Thời gian"], ["1", "Kiểm tra", "Sở Nội vụ", "Quý I/2026"]])
    doc = _tasks(tmp_path, "two.md", "Phụ lục I\n\n" + table + "\nPhụ lục II\n\n" + table.replace("Kiểm tra", "Báo cáo"))
    assert [t.task_id for t in doc.tasks] == ["1", "B2.1"]


# -- other layouts ---------------------------------------------------------------------------------------
def test_pipe_rows_layout(tmp_path):
    body = ("| STT | Nhiệm vụ | Đơn vị chủ trì | Đơn vị phối hợp | Thời gian |\n"
            "|---|---|---|---|---|\n"
            "| I | **CẢI CÁCH THỂ CHẾ** | | | |\n"
            "| 1 | Rà soát văn bản | Sở Tư pháp | Các sở | Quý II/2026 |\n"
            "| 2 | Kiểm tra văn bản | Sở Tư pháp \\| Thanh tra | | Thường xuyên |\n")
    doc = _tasks(tmp_path, "pipes.md", body)
    assert [(t.task_id, t.lead, t.cooperating, t.deadline) for t in doc.tasks] == [
        ("I.1", "Sở Tư pháp", "Các sở", "Quý II/2026"), ("I.2", "Sở Tư pháp | Thanh tra", "", "Thường xuyên")]
    assert doc.tasks[0].group == "CẢI CÁCH THỂ CHẾ"


def test_pipe_rule_lines_and_one_cell_lines():
    out = pipe_rows_to_tabs([("| a | b |", None), ("|:--|--:|", None), ("| only one |", None), ("text", None)])
    assert out == [("a\tb", "grid"), ("| only one |", None), ("text", None)]


def _docx_with_table(rows: list[list[str]], merge_first_row: bool = False) -> bytes:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("KẾ HOẠCH")
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    if merge_first_row:
        merged = table.cell(1, 0).merge(table.cell(1, len(rows[0]) - 1))
        merged.text = rows[1][0]
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_table_with_a_merged_group_row(tmp_path):
    rows = [["STT", "Nội dung", "Chủ trì", "Phối hợp", "Thời gian"],
            ["II. CẢI CÁCH THỦ TỤC HÀNH CHÍNH", "", "", "", ""],
            ["1", "Rà soát thủ tục", "Văn phòng UBND tỉnh", "Các sở", "Quý III/2026"]]
    path = tmp_path / "plan.docx"
    path.write_bytes(_docx_with_table(rows, merge_first_row=True))
    doc = parse_file(path)
    assert [(t.task_id, t.lead, t.deadline) for t in doc.tasks] == [("II.1", "Văn phòng UBND tỉnh", "Quý III/2026")]
    assert doc.text.count("II. CẢI CÁCH THỦ TỤC HÀNH CHÍNH") == 1  # the merged cell is read once


# -- text (PDF) layout: continuations, column numbers, ditto ----------------------------------------------------
def test_text_layout_continuation_after_repeated_header():
    header = "STT\tNội dung\tChủ trì\tThời gian"
    rows = parse_table([(header, 1), ("1\tRà soát các quy định về\tSở Tư pháp\tQuý I/", 1),
                        (header, 2), ("\tthủ tục hành chính\t\t2026", 2), ("2\tBáo cáo\tSở Nội vụ\tQuý II/2026", 2)])
    tasks = [r.task for r in rows if r.task]
    assert [(t.task_id, t.content, t.deadline) for t in tasks] == [
        ("1", "Rà soát các quy định về thủ tục hành chính", "Quý I/2026"), ("2", "Báo cáo", "Quý II/2026")]


def test_column_number_row_is_not_a_record():
    rows = parse_table([("TT\tNhiệm vụ\tChủ trì\tThời gian", None), ("(1)\t(2)\t(3)\t(4)", None),
                        ("1\tTuyên truyền\tSở Văn hóa\tQuý I/2026", None)], "grid")
    assert [r.kind for r in rows] == ["table_header", "table_index", "task"]


def test_ditto_cells_take_the_value_above(tmp_path):
    body = _crawl([["TT", "Tên thủ tục hành chính", "Lĩnh vực", "Cơ quan thực hiện"],
                   ["1", "Ban hành kế hoạch", "Môi trường", "Sở Nông nghiệp và Môi trường"],
                   ["2", "Xây dựng kế hoạch", "Như trên", "Như trên"]])
    doc = _tasks(tmp_path, "ditto.md", body)
    second = doc.tasks[1]
    assert second.lead == "Sở Nông nghiệp và Môi trường" and second.extra["Lĩnh vực"] == "Môi trường"
    assert set(second.ditto) == {"lead", "extra:Lĩnh vực"}
    start, end = second.spans["lead"]
    assert doc.text[start:end] == "Sở Nông nghiệp và Môi trường"  # the span of the cell it repeats


def test_data_tables_are_rows_labelled_by_their_header(tmp_path):
    body = _crawl([["Chỉ tiêu", "Năm 2025", "Năm 2026"], ["Tỷ lệ hồ sơ trực tuyến", "80%", "90%"]])
    doc = _tasks(tmp_path, "stats.md", body)
    assert doc.tasks == []
    row = next(c for c in doc.chunks if c.text.startswith("Tỷ lệ hồ sơ"))
    assert "Năm 2026: 90%" in row.context and row.kind == "table_row"


def test_unreadable_rows_of_a_task_table_are_reported(tmp_path):
    # a numbered row whose other cells are all empty: nothing to read
    body = _crawl([["TT", "Nhiệm vụ", "Chủ trì", "Thời gian"], ["1", "Kiểm tra", "Sở Nội vụ", "Quý I/2026"],
                   ["2", "", "", ""]])
    doc = _tasks(tmp_path, "bad.md", body)
    assert len(doc.tasks) == 1
    assert any("không có nội dung" in w for w in doc.warnings)


# -- properties ----------------------------------------------------------------------------------------
_WORDS = st.sampled_from(["Sở Nội vụ", "Quý I/2026", "Kế hoạch", "rà soát", "Năm 2027", "các sở, ngành", "báo cáo",
                          "Thường xuyên", "UBND tỉnh", "tuyên truyền", "x", "Như trên"])
_CELL = st.lists(_WORDS, min_size=1, max_size=4).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(_CELL, min_size=5, max_size=5), min_size=1, max_size=6))
def test_full_rows_in_every_layout_read_the_same(tmp_path_factory, body_rows):
    """Rows with every cell filled read to the same records in the crawl, pipe and tab layouts,
    and every field is a verbatim span of the cleaned text."""
    header = ["STT", "Nội dung", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian thực hiện"]
    rows = [[str(i + 1)] + r[1:] for i, r in enumerate(body_rows)]
    folder = tmp_path_factory.mktemp("layouts")
    layouts = {
        "crawl.md": _crawl([header] + rows),
        "pipes.md": "\n".join("| " + " | ".join(r) + " |" for r in [header] + rows) + "\n",
        "tabs.txt": "\n".join("\t".join(r) for r in [header] + rows) + "\n",
    }
    results = []
    for name, body in layouts.items():
        doc = _tasks(folder, name, body)
        for task in doc.tasks:
            for field, (start, end) in task.spans.items():
                value = task.extra.get(field[6:]) if field.startswith("extra:") else getattr(task, field)
                assert doc.text[start:end] == value
        results.append([(t.task_id, t.content, t.lead, t.cooperating) for t in doc.tasks])
    assert results[0] == results[1] == results[2]
    assert [r[0] for r in results[0]] == [str(i + 1) for i in range(len(rows))]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.one_of(st.just("|"), st.just(""), _CELL, st.just("1"), st.just("II")), max_size=60))
def test_any_crawl_sequence_parses(tmp_path_factory, lines):
    """Whatever mix of '|' lines and cells a crawl produced, the reader returns records whose
    fields are verbatim spans, or none; it never raises."""
    folder = tmp_path_factory.mktemp("crawl")
    path = folder / "x.md"
    path.write_text("Văn bản\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    doc = parse_file(path)
    for task in doc.tasks:
        for field, (start, end) in task.spans.items():
            value = task.extra.get(field[6:]) if field.startswith("extra:") else getattr(task, field)
            assert doc.text[start:end] == value
    assert len({t.task_id for t in doc.tasks}) == len(doc.tasks)


def test_ingest_report_names_unreadable_rows(tmp_path):
    from ingest.store import CorpusStore, ingest_paths

    body = _crawl([["TT", "Nhiệm vụ", "Chủ trì", "Thời gian"], ["1", "Kiểm tra", "Sở Nội vụ", "Quý I/2026"],
                   ["2", "", "", ""]])
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "plan.md").write_text(body, encoding="utf-8")
    report = ingest_paths([tmp_path / "in"], CorpusStore(tmp_path / "data"))
    assert report.added == ["plan"] and len(report.warnings) == 1
    path, warning = report.warnings[0]
    assert path.endswith("plan.md") and warning.startswith("dòng ")
