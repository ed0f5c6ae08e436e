"""Loading every supported format, and refusing what cannot be read with a message naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.loaders import IngestError, load
from ingest.pipeline import parse_file

FONT_CANDIDATES = [
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
]


def _font() -> Path:
    for path in FONT_CANDIDATES:
        if path.exists():
            return path
    try:
        import matplotlib

        path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
        if path.exists():
            return path
    except ImportError:
        pass
    pytest.skip("no DejaVu font to write Vietnamese into a PDF")


PAGES = [
    ["KẾ HOẠCH", "Cải cách hành chính năm 2026 của Sở Thử nghiệm", "I. MỤC ĐÍCH, YÊU CẦU",
     "1. Mục đích", "- Nâng cao chất lượng phục vụ người dân và doanh nghiệp."],
    ["II. NHIỆM VỤ", "1. Cải cách thủ tục hành chính", "- Tỷ lệ hồ sơ trực tuyến đạt 95% trong năm 2026."],
    ["III. TỔ CHỨC THỰC HIỆN", "1. Văn phòng Sở", "- Báo cáo 6 tháng: Gửi trước ngày 15/6."],
]


def make_pdf(path: Path, pages: list[list[str]]) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("DejaVu", "", str(_font()))
    pdf.set_font("DejaVu", size=12)
    pdf.set_auto_page_break(False)
    for number, lines in enumerate(pages, 1):
        pdf.add_page()
        for line in lines:
            pdf.multi_cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(-20)
        pdf.cell(0, 10, str(number), align="C")
    pdf.output(str(path))
    return path


def test_generated_pdf_keeps_diacritics_and_page_numbers(tmp_path):
    path = make_pdf(tmp_path / "ke_hoach.pdf", PAGES)
    doc = parse_file(path)
    assert "Tỷ lệ hồ sơ trực tuyến đạt 95% trong năm 2026." in doc.text
    assert [p for *_, p in doc.page_spans] == [1, 2, 3]
    assert doc.page_at(doc.text.index("Tỷ lệ hồ sơ")) == 2
    assert doc.page_at(doc.text.index("Báo cáo 6 tháng")) == 3
    chunk = next(c for c in doc.chunks if "Báo cáo 6 tháng" in c.text)
    assert chunk.page == 3 and chunk.section.startswith("III. TỔ CHỨC THỰC HIỆN")
    assert all(not line.strip().isdigit() for line in doc.text.split("\n"))  # page numbers dropped


def test_docx_with_paragraphs_and_a_task_table(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("KẾ HOẠCH")
    document.add_paragraph("Cải cách hành chính năm 2026 của xã Thử Nghiệm")
    document.add_paragraph("I. NHIỆM VỤ")
    table = document.add_table(rows=3, cols=5)
    for row, values in zip(table.rows, [
        ["STT", "Nội dung", "Chủ trì", "Phối hợp", "Thời gian"],
        ["I", "CẢI CÁCH THỂ CHẾ", "", "", ""],
        ["1", "Rà soát văn bản quy phạm pháp luật", "Văn phòng", "Các phòng", "Quý II/2026"],
    ]):
        for cell, value in zip(row.cells, values):
            cell.text = value
    path = tmp_path / "xa.docx"
    document.save(path)
    doc = parse_file(path)
    assert doc.metadata.kind == "Kế hoạch"
    assert [(t.task_id, t.lead, t.deadline) for t in doc.tasks] == [("I.1", "Văn phòng", "Quý II/2026")]


def test_markdown_file(tmp_path):
    path = tmp_path / "plan.md"
    path.write_text("## **I. MỤC TIÊU**\n\n- 100% hồ sơ được số hóa.\n", encoding="utf-8")
    doc = parse_file(path)
    assert doc.text == "I. MỤC TIÊU\n- 100% hồ sơ được số hóa."


@pytest.mark.parametrize("name,content,reason", [
    ("empty.txt", b"", "empty"),
    ("blank.md", b"   \n\n", "empty"),
    ("junk.txt", bytes(range(256)) * 40, "binary"),
    ("latin.txt", b"K\xe1 ho\xe1ch c\xe3i c\xe1ch", "UTF-8"),
    ("plan.doc", b"old word format", "unsupported"),
    ("plan.xlsx", b"PK\x03\x04", "unsupported"),
    ("fake.pdf", b"this is not a pdf", "not a PDF"),
    ("broken.pdf", b"%PDF-1.4\n1 0 obj garbage", "PDF"),
    ("broken.docx", b"PK\x03\x04 not really a zip", "docx"),
])
def test_bad_files_are_refused_with_the_file_named(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(IngestError) as info:
        load(path)
    message = str(info.value)
    assert name in message and reason.lower() in message.lower()


def test_encrypted_pdf_is_refused(tmp_path):
    from pypdf import PdfReader, PdfWriter

    plain = make_pdf(tmp_path / "plain.pdf", PAGES[:1])
    writer = PdfWriter()
    for page in PdfReader(plain).pages:
        writer.add_page(page)
    writer.encrypt(user_password="mat-khau", owner_password="chu")
    locked = tmp_path / "locked.pdf"
    with open(locked, "wb") as handle:
        writer.write(handle)
    with pytest.raises(IngestError, match="locked.pdf.*encrypted"):
        load(locked)


def test_image_only_pdf_is_refused(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 100, style="F")
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    with pytest.raises(IngestError, match="scan.pdf.*(image-only|no text)"):
        load(path)


def test_missing_file(tmp_path):
    with pytest.raises(IngestError, match="nope.txt"):
        load(tmp_path / "nope.txt")
