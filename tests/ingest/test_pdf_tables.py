"""Ruled tables of PDFs are read as tables: pdfplumber's cells become tab-separated rows, rows
continued on the next page are merged, and PDFs without tables keep pypdf's text unchanged."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from ingest.loaders import load
from ingest.pipeline import parse_file
from ingest.text import nfc
from tests.ingest.test_loaders import PAGES, _font, make_pdf

HEADER = ["STT", "Nội dung", "Chủ trì", "Phối hợp", "Thời gian"]
WIDTHS = (12, 70, 36, 36, 26)

# A row is a list of cells; a cell may be (text, colspan) for a merged cell.
Row = list


class PdfBuilder:
    """A Vietnamese PDF written with fpdf2: lines of text and ruled tables, page by page."""

    def __init__(self):
        from fpdf import FPDF

        self.pdf = FPDF()
        self.pdf.add_font("DejaVu", "", str(_font()))
        self.pdf.set_font("DejaVu", size=10)
        self.pdf.set_auto_page_break(True, margin=20)

    def page(self) -> PdfBuilder:
        self.pdf.add_page()
        return self

    def text(self, *lines: str) -> PdfBuilder:
        for line in lines:
            self.pdf.multi_cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
        return self

    def table(self, rows: list[Row], widths=WIDTHS, repeat_header: bool = False) -> PdfBuilder:
        from fpdf.fonts import FontFace

        with self.pdf.table(col_widths=widths, headings_style=FontFace(emphasis=""),
                            repeat_headings=1 if repeat_header else 0, first_row_as_headings=repeat_header,
                            line_height=6) as table:
            for values in rows:
                row = table.row()
                for value in values:
                    text, span = value if isinstance(value, tuple) else (value, 1)
                    row.cell(text, colspan=span)
        self.pdf.ln(4)
        return self

    def save(self, path: Path) -> Path:
        self.pdf.output(str(path))
        return path


def assert_verbatim(doc, task) -> None:
    """Every field of the record is the text at its span of the cleaned text."""
    assert task.spans, task
    for name, (start, end) in task.spans.items():
        value = task.extra[name[6:]] if name.startswith("extra:") else getattr(task, name)
        assert doc.text[start:end] == value, (task.task_id, name)


def fields(task) -> tuple:
    return task.task_id, task.content, task.lead, task.cooperating, task.deadline, task.group, task.page


def test_ruled_task_table_with_groups_and_text_above_and_below(tmp_path):
    path = (PdfBuilder().page()
            .text("KẾ HOẠCH", "Cải cách hành chính năm 2026 của Sở Thử nghiệm", "II. NHIỆM VỤ TRỌNG TÂM")
            .table([HEADER,
                    ["I", ("CẢI CÁCH THỂ CHẾ", 4)],
                    ["1", "Rà soát, hệ thống hóa văn bản quy phạm pháp luật do tỉnh ban hành trong lĩnh vực "
                          "nội vụ", "Sở Tư pháp", "Các sở, ban, ngành", "Quý II/2026"],
                    ["2", "Kiểm tra việc thi hành pháp luật", "Văn phòng Sở", "", "Thường xuyên"],
                    ["II", ("CẢI CÁCH THỦ TỤC HÀNH CHÍNH", 4)],
                    ["1", "Công bố danh mục thủ tục hành chính", "Phòng Hành chính",
                     unicodedata.normalize("NFD", "Trung tâm Phục vụ hành chính công"), "Tháng 3/2026"]])
            .text("III. TỔ CHỨC THỰC HIỆN", "Văn phòng Sở theo dõi, tổng hợp kết quả thực hiện Kế hoạch.")
            .save(tmp_path / "bang.pdf"))
    doc = parse_file(path)
    assert [fields(t) for t in doc.tasks] == [
        ("I.1", "Rà soát, hệ thống hóa văn bản quy phạm pháp luật do tỉnh ban hành trong lĩnh vực nội vụ",
         "Sở Tư pháp", "Các sở, ban, ngành", "Quý II/2026", "CẢI CÁCH THỂ CHẾ", 1),
        ("I.2", "Kiểm tra việc thi hành pháp luật", "Văn phòng Sở", "", "Thường xuyên", "CẢI CÁCH THỂ CHẾ", 1),
        ("II.1", "Công bố danh mục thủ tục hành chính", "Phòng Hành chính", "Trung tâm Phục vụ hành chính công",
         "Tháng 3/2026", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH", 1),
    ]
    assert [t.group_path for t in doc.tasks] == ["I. CẢI CÁCH THỂ CHẾ"] * 2 + ["II. CẢI CÁCH THỦ TỤC HÀNH CHÍNH"]
    assert doc.tasks[0].labels == {"content": "Nội dung", "lead": "Chủ trì", "cooperating": "Phối hợp",
                                   "deadline": "Thời gian"}
    for task in doc.tasks:
        assert_verbatim(doc, task)
    assert doc.text == unicodedata.normalize("NFC", doc.text)
    # the text above stands before the table, the text below after it, neither inside a row
    lines = doc.text.split("\n")
    assert lines[:3] == ["KẾ HOẠCH", "Cải cách hành chính năm 2026 của Sở Thử nghiệm", "II. NHIỆM VỤ TRỌNG TÂM"]
    assert lines[3] == "\t".join(HEADER)
    assert lines[-2:] == ["III. TỔ CHỨC THỰC HIỆN", "Văn phòng Sở theo dõi, tổng hợp kết quả thực hiện Kế hoạch."]
    assert doc.warnings == []


def test_raw_page_has_one_tab_separated_line_per_row(tmp_path):
    path = (PdfBuilder().page().text("Trên bảng")
            .table([HEADER, ["I", ("CẢI CÁCH THỂ CHẾ", 4)],
                    ["1", "Nội dung dài được ngắt thành nhiều dòng trong một ô của bảng kẻ ô để kiểm tra việc "
                          "nối dòng", "Sở Tư pháp", "Các sở", "Quý I/2026"]])
            .text("Dưới bảng").save(tmp_path / "raw.pdf"))
    page = load(path).pages[0]
    assert page.split("\n") == [
        "Trên bảng", "",
        "\t".join(HEADER),
        "I\tCẢI CÁCH THỂ CHẾ\t\t\t",  # merged cells are empty cells: the row keeps the header's width
        "1\tNội dung dài được ngắt thành nhiều dòng trong một ô của bảng kẻ ô để kiểm tra việc nối dòng"
        "\tSở Tư pháp\tCác sở\tQuý I/2026",
        "", "Dưới bảng",
    ]


def test_table_broken_across_pages_with_the_header_repeated(tmp_path):
    rows = [HEADER, ["I", ("CẢI CÁCH THỂ CHẾ", 4)]]
    rows += [[str(n), f"Rà soát văn bản quy phạm pháp luật thứ {n} của tỉnh trong lĩnh vực hành chính",
              "Sở Tư pháp", "Các sở, ngành", "Quý II/2026"] for n in range(1, 31)]
    path = PdfBuilder().page().text("PHỤ LỤC").table(rows, repeat_header=True).save(tmp_path / "dai.pdf")
    raw = load(path)
    assert len(raw.pages) >= 2 and all(p.count("\t".join(HEADER)) == 1 for p in raw.pages)  # repeated on each
    doc = parse_file(path)
    assert [t.task_id for t in doc.tasks] == [f"I.{n}" for n in range(1, 31)]  # the repeated header is no row
    assert all(t.lead == "Sở Tư pháp" and t.deadline == "Quý II/2026" for t in doc.tasks)
    assert doc.tasks[-1].content == "Rà soát văn bản quy phạm pháp luật thứ 30 của tỉnh trong lĩnh vực hành chính"
    assert {t.page for t in doc.tasks} == set(range(1, len(raw.pages) + 1))
    for task in doc.tasks:
        assert_verbatim(doc, task)
        assert doc.page_at(task.start) == task.page
    assert doc.text.count("\t".join(HEADER)) == 1


def test_a_row_continued_on_the_next_page_is_merged_cell_by_cell(tmp_path):
    path = (PdfBuilder()
            .page().text("KẾ HOẠCH", "Cải cách hành chính năm 2026")
            .table([HEADER, ["I", ("CẢI CÁCH THỂ CHẾ", 4)],
                    ["1", "Rà soát văn bản quy phạm pháp luật", "Sở Tư pháp", "Các sở", "Quý II/2026"],
                    ["2", "Xây dựng, hoàn thiện cơ sở dữ liệu văn bản", "Văn phòng Sở", "Sở Thông tin và",
                     "Quý III/"]])
            .page()  # Word repeats the header and carries the rest of row 2 under an empty number cell
            .table([HEADER,
                    ["", "quy phạm pháp luật của tỉnh", "", "Truyền thông", "2026"],
                    ["3", "Kiểm tra việc thi hành pháp luật", "Sở Tư pháp", "", "Thường xuyên"]])
            .text("Nơi nhận:")
            .save(tmp_path / "noi_tiep.pdf"))
    doc = parse_file(path)
    assert [fields(t) for t in doc.tasks] == [
        ("I.1", "Rà soát văn bản quy phạm pháp luật", "Sở Tư pháp", "Các sở", "Quý II/2026", "CẢI CÁCH THỂ CHẾ", 1),
        ("I.2", "Xây dựng, hoàn thiện cơ sở dữ liệu văn bản quy phạm pháp luật của tỉnh", "Văn phòng Sở",
         "Sở Thông tin và Truyền thông", "Quý III/2026", "CẢI CÁCH THỂ CHẾ", 1),
        ("I.3", "Kiểm tra việc thi hành pháp luật", "Sở Tư pháp", "", "Thường xuyên", "CẢI CÁCH THỂ CHẾ", 2),
    ]
    for task in doc.tasks:
        assert_verbatim(doc, task)
    assert doc.text.count("\t".join(HEADER)) == 1  # the repeated header is dropped
    assert doc.page_at(doc.text.index("Kiểm tra việc thi hành")) == 2


def test_a_row_continued_without_a_repeated_header_and_sub_rows_under_a_merged_number(tmp_path):
    """Only the first row of a page continues the row above; further rows with an empty number
    cell (a number cell merged over lettered sub-rows) are rows of their own."""
    from fpdf.fonts import FontFace

    builder = PdfBuilder().page().text("PHỤ LỤC")
    builder.table([HEADER, ["1", "Hoàn thiện thể chế về", "Sở Tư pháp", "", "Năm"]])
    builder.page()
    with builder.pdf.table(col_widths=WIDTHS, headings_style=FontFace(emphasis=""), first_row_as_headings=False,
                           line_height=6) as table:
        for values in (["", "tổ chức bộ máy", "", "", "2026"],
                       ["2", "Đơn giản hóa thủ tục:", "Văn phòng Sở", "", "2026"]):
            row = table.row()
            for value in values:
                row.cell(value)
        for index, values in enumerate((["a) rà soát quy định", "Văn phòng Sở", "Các phòng", "Quý II/2026"],
                                        ["b) công bố phương án", "Phòng Pháp chế", "", "Quý III/2026"])):
            row = table.row()
            if index == 0:
                row.cell("", rowspan=2)
            for value in values:
                row.cell(value)
    path = builder.save(tmp_path / "gop_o.pdf")
    doc = parse_file(path)
    assert [fields(t) for t in doc.tasks] == [
        ("1", "Hoàn thiện thể chế về tổ chức bộ máy", "Sở Tư pháp", "", "Năm 2026", "", 1),
        ("2", "Đơn giản hóa thủ tục:", "Văn phòng Sở", "", "2026", "", 2),
        ("2 (tiếp)", "a) rà soát quy định", "Văn phòng Sở", "Các phòng", "Quý II/2026", "", 2),
        ("2 (tiếp 2)", "b) công bố phương án", "Phòng Pháp chế", "", "Quý III/2026", "", 2),
    ]
    for task in doc.tasks:
        assert_verbatim(doc, task)


def test_two_tables_and_the_text_between_them_in_reading_order(tmp_path):
    path = (PdfBuilder().page()
            .text("I. MỤC TIÊU")
            .table([["Chỉ tiêu", "Năm 2025", "Năm 2026"], ["Hồ sơ trực tuyến", "80%", "90%"]], widths=(80, 40, 40))
            .text("II. NHIỆM VỤ")
            .table([HEADER, ["1", "Số hóa hồ sơ", "Văn phòng Sở", "Các phòng", "Quý IV/2026"]])
            .text("III. TỔ CHỨC THỰC HIỆN")
            .save(tmp_path / "hai_bang.pdf"))
    doc = parse_file(path)
    order = ["I. MỤC TIÊU", "Chỉ tiêu\tNăm 2025\tNăm 2026", "Hồ sơ trực tuyến\t80%\t90%", "II. NHIỆM VỤ",
             "\t".join(HEADER), "1\tSố hóa hồ sơ", "III. TỔ CHỨC THỰC HIỆN"]
    positions = [doc.text.index(part) for part in order]
    assert positions == sorted(positions)
    assert [fields(t) for t in doc.tasks] == [("1", "Số hóa hồ sơ", "Văn phòng Sở", "Các phòng", "Quý IV/2026", "", 1)]
    assert_verbatim(doc, doc.tasks[0])


def _rotated(source: Path, target: Path, degrees: int) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(source).pages:
        page.rotate(degrees)
        writer.add_page(page)
    with open(target, "wb") as handle:
        writer.write(handle)
    return target


def test_a_page_shown_sideways_keeps_pypdf_text(tmp_path):
    """/Rotate turns horizontal text sideways as shown: pdfplumber would read it one letter a line."""
    path = (PdfBuilder().page().text("PHỤ LỤC").table([HEADER, ["1", "Số hóa hồ sơ", "Văn phòng", "", "2026"]])
            .save(tmp_path / "thang.pdf"))
    for degrees in (90, 180, 270):
        turned = _rotated(path, tmp_path / f"xoay_{degrees}.pdf", degrees)
        assert load(turned).pages == _pypdf_pages(turned)


def test_a_landscape_table_drawn_turned_and_shown_upright_is_read(tmp_path):
    """A landscape appendix saved as a portrait page whose content is drawn turned, with /Rotate 90."""
    builder = PdfBuilder().page()
    with builder.pdf.rotation(90, x=105, y=148.5):
        builder.pdf.set_xy(-20, 80)
        builder.pdf.cell(100, 8, "PHỤ LỤC NGANG")
        for index, values in enumerate([HEADER, ["1", "Số hóa hồ sơ", "Văn phòng", "Các phòng", "Quý IV/2026"]]):
            builder.pdf.set_xy(-20, 95 + 10 * index)
            for width, value in zip((15, 80, 40, 40, 30), values):
                builder.pdf.cell(width, 10, value, border=1)
    turned = _rotated(builder.save(tmp_path / "ve_xoay.pdf"), tmp_path / "ngang.pdf", 90)
    doc = parse_file(turned)
    assert [fields(t) for t in doc.tasks] == [("1", "Số hóa hồ sơ", "Văn phòng", "Các phòng", "Quý IV/2026", "", 1)]
    assert doc.text.startswith("PHỤ LỤC NGANG\n")


def _pypdf_pages(path: Path) -> list[str]:
    """The text the loader produced before it read tables: pypdf's, in NFC."""
    from pypdf import PdfReader

    return [nfc(page.extract_text() or "") for page in PdfReader(path).pages]


def _without_tables(monkeypatch):
    from ingest import loaders
    from ingest.pdf_tables import TablePages

    monkeypatch.setattr(loaders, "read_table_pages", lambda *args, **kwargs: TablePages())


def test_a_pdf_without_tables_keeps_pypdf_text(tmp_path, monkeypatch):
    plain = make_pdf(tmp_path / "khong_bang.pdf", PAGES)
    builder = PdfBuilder().page().text("ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    builder.pdf.line(20, 30, 80, 30)  # the rule under the national motto: lines drawn, but no table
    builder.pdf.rect(20, 60, 120, 20)  # a framed note over an empty box: a table of one column is not read
    builder.pdf.rect(20, 80, 120, 20)
    builder.pdf.set_xy(22, 62)
    builder.pdf.cell(0, 8, "Ghi chú: tài liệu lưu hành nội bộ.")
    ruled = builder.save(tmp_path / "gach_chan.pdf")
    import pdfplumber
    from pypdf import PdfReader

    from ingest.pdf_tables import may_hold_rulings

    assert may_hold_rulings(PdfReader(ruled).pages[0])  # so pdfplumber looked at the page ...
    with pdfplumber.open(ruled) as pdf:
        assert [len(t.extract()[0]) for t in pdf.pages[0].find_tables()] == [1]  # ... and found one column
    for path in (plain, ruled):
        assert load(path).pages == _pypdf_pages(path)
    with_tables = [parse_file(p) for p in (plain, ruled)]
    _without_tables(monkeypatch)
    before = [parse_file(p) for p in (plain, ruled)]
    for new, old in zip(with_tables, before):
        assert new.text == old.text and new.page_spans == old.page_spans
        assert [c.text for c in new.chunks] == [c.text for c in old.chunks]


def test_pdfplumber_failing_on_the_file_falls_back_to_pypdf(tmp_path, monkeypatch):
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    path = (PdfBuilder().page().text("KẾ HOẠCH").table([HEADER, ["1", "Số hóa hồ sơ", "Văn phòng", "", "2026"]])
            .save(tmp_path / "hong.pdf"))

    def broken(*args, **kwargs):
        raise PDFSyntaxError("No /Root object! - Is this really a PDF?")

    monkeypatch.setattr(pdfplumber, "open", broken)
    raw = load(path)
    assert raw.pages == _pypdf_pages(path)
    assert len(raw.warnings) == 1 and "pdfplumber" in raw.warnings[0] and "No /Root" in raw.warnings[0]
    assert parse_file(path).warnings == raw.warnings  # named in the ingest report


def test_pdfplumber_failing_on_one_page_keeps_that_page_from_pypdf(tmp_path, monkeypatch):
    from ingest import pdf_tables

    path = (PdfBuilder().page().table([HEADER, ["1", "Số hóa hồ sơ", "Văn phòng", "", "2026"]])
            .page().table([HEADER, ["2", "Báo cáo định kỳ", "Văn phòng", "", "Quý IV/2026"]])
            .save(tmp_path / "mot_trang.pdf"))
    real = pdf_tables.page_text

    def second_page_breaks(page):
        if page.page_number == 2:
            raise KeyError("/Font")
        return real(page)

    monkeypatch.setattr(pdf_tables, "page_text", second_page_breaks)
    raw = load(path)
    assert "1\tSố hóa hồ sơ" in raw.pages[0]
    assert raw.pages[1] == _pypdf_pages(path)[1]
    assert len(raw.warnings) == 1 and raw.warnings[0].startswith("trang 2:")


def test_pdfplumber_missing_falls_back_to_pypdf(tmp_path, monkeypatch):
    import sys

    path = (PdfBuilder().page().table([HEADER, ["1", "Số hóa hồ sơ", "Văn phòng", "", "2026"]])
            .save(tmp_path / "thieu.pdf"))
    monkeypatch.setitem(sys.modules, "pdfplumber", None)  # import pdfplumber raises ImportError
    raw = load(path)
    assert raw.pages == _pypdf_pages(path)
    assert "pip install pdfplumber" in raw.warnings[0]


def test_a_page_with_too_many_drawn_objects_keeps_pypdf_text(tmp_path, monkeypatch):
    from ingest import pdf_tables

    path = (PdfBuilder().page().table([HEADER, ["1", "Số hóa hồ sơ", "Văn phòng", "", "2026"]])
            .save(tmp_path / "nhieu_net.pdf"))
    monkeypatch.setattr(pdf_tables, "MAX_RULING_OBJECTS", 3)
    raw = load(path)
    assert raw.pages == _pypdf_pages(path) and "drawn objects" in raw.warnings[0]


def test_a_page_count_pdfplumber_disagrees_with_keeps_pypdf_text(tmp_path):
    from ingest.pdf_tables import read_table_pages

    path = (PdfBuilder().page().table([HEADER, ["1", "Số hóa hồ sơ", "Văn phòng", "", "2026"]])
            .save(tmp_path / "dem.pdf"))
    result = read_table_pages(path.read_bytes(), str(path), page_count=2)
    assert result.texts == {} and "counts 1 pages, pypdf 2" in result.warnings[0]


def test_a_font_pdfplumber_cannot_read_falls_back_to_pypdf(tmp_path):
    """pypdf reads a Type0 font without /DescendantFonts; pdfminer raises on it."""
    path = (PdfBuilder().page().text("KẾ HOẠCH").table([HEADER, ["1", "Số hóa hồ sơ", "Văn phòng", "", "2026"]])
            .save(tmp_path / "goc.pdf"))
    data = path.read_bytes()
    assert data.count(b"/DescendantFonts") == 1
    damaged = tmp_path / "phong_hong.pdf"
    damaged.write_bytes(data.replace(b"/DescendantFonts", b"/DescendantFontX"))
    doc = parse_file(damaged)
    assert "Số hóa hồ sơ" in doc.text and "\t" not in doc.text  # pypdf's text: no table rows
    assert len(doc.warnings) == 1 and "pdfplumber" in doc.warnings[0]


def test_damaged_pdfs_are_read_or_refused_never_raise(tmp_path):
    """Bytes changed at random: every file is either read or refused with an IngestError."""
    import random

    from ingest.loaders import IngestError

    path = (PdfBuilder().page().text("KẾ HOẠCH").table([HEADER, ["1", "Số hóa hồ sơ", "Văn phòng", "", "2026"]])
            .save(tmp_path / "goc.pdf"))
    data = path.read_bytes()
    rng = random.Random(12)
    outcomes = {"read": 0, "refused": 0}
    for trial in range(40):
        mutant = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            mutant[rng.randrange(len(mutant))] = rng.randrange(256)
        broken = tmp_path / f"hong_{trial}.pdf"
        broken.write_bytes(bytes(mutant))
        try:
            load(broken)
            outcomes["read"] += 1
        except IngestError:
            outcomes["refused"] += 1
    assert outcomes["read"] and outcomes["refused"]


def test_may_hold_rulings_sees_lines_and_forms_only(tmp_path):
    from pypdf import PdfReader

    from ingest.pdf_tables import may_hold_rulings

    plain = make_pdf(tmp_path / "chu.pdf", PAGES[:1])
    table = PdfBuilder().page().table([HEADER, ["1", "a", "b", "c", "d"]]).save(tmp_path / "bang.pdf")
    assert not may_hold_rulings(PdfReader(plain).pages[0])
    assert may_hold_rulings(PdfReader(table).pages[0])
    assert may_hold_rulings(object())  # unreadable: let pdfplumber look


def test_cell_text_joins_wrapped_lines_like_the_table_reader():
    from ingest.pdf_tables import cell_text, table_lines

    assert cell_text("Quý I/\n2026") == "Quý I/2026"
    assert cell_text("Kế hoạch 29/KH-\nUBND") == "Kế hoạch 29/KH-UBND"
    assert cell_text("Rà soát văn\nbản\tpháp luật") == "Rà soát văn bản pháp luật"
    assert cell_text(None) == ""
    assert table_lines([["a", None, "b\nc"], [None, "", None], ["x"]]) == ["a\t\tb c", "x\t"]

