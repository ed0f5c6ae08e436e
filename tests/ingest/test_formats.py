"""Formats the five plans do not show, as the real-documents crawl has them: cells between '|'
lines, labelled task lists, bold runs wrapped across lines, paragraphs separated by blank lines."""

from __future__ import annotations

import pytest

from ingest.clean import clean_pages
from ingest.table_layouts import crawled_cells_to_tabs
from ingest.pipeline import parse_file
from tests.conftest import REALDOCS

PIPE_TABLE = """**PHỤ LỤC**

|
**TT**
|
**Nhiệm vụ**
|
**Cơ quan chủ trì**
|
**Cơ quan phối hợp**
|
**Thời gian dự kiến hoàn thành**
|
|
**I**
|
**Hoàn
thiện thể chế**
|
|
1
|
Phối hợp rà soát, sửa đổi Luật
Quy hoạch và các văn bản có liên quan.
|
Sở Tài chính
|
Các sở, ngành, UBND xã, phường
|
Quý IV/2025
|
|
2
|
Xây dựng cơ sở dữ liệu
|
Sở Xây dựng
|
Sở Tài chính
|
Năm 2026
|

Đoạn văn sau bảng.
"""

LABELLED = """**KẾ HOẠCH**

**II. NỘI DUNG**

**1. Phổ biến Luật
Việc làm**

- Nội dung thực hiện: Tổ chức
phổ biến Luật Việc làm.

- Cơ quan chủ trì: Sở Nội vụ, Sở
Giáo dục và Đào tạo.

- Cơ quan phối hợp: Sở Tư pháp.

- Thời gian thực hiện: Năm 2025
và các năm tiếp theo.

**2. Tổng kết**

Sở Nội vụ chủ trì, phối hợp tổng kết.
"""


def test_pipe_cells_become_tab_rows():
    rows = [r for r, _ in crawled_cells_to_tabs(PIPE_TABLE.split("\n")) if "\t" in r]
    assert rows[0] == "TT\tNhiệm vụ\tCơ quan chủ trì\tCơ quan phối hợp\tThời gian dự kiến hoàn thành"
    assert rows[2].startswith("1\tPhối hợp rà soát, sửa đổi Luật Quy hoạch và các văn bản có liên quan.\tSở Tài chính")


def test_pipe_table_tasks(tmp_path):
    path = tmp_path / "phu_luc.md"
    path.write_text(PIPE_TABLE, encoding="utf-8")
    doc = parse_file(path)
    assert [(t.task_id, t.lead, t.cooperating, t.deadline) for t in doc.tasks] == [
        ("I.1", "Sở Tài chính", "Các sở, ngành, UBND xã, phường", "Quý IV/2025"),
        ("I.2", "Sở Xây dựng", "Sở Tài chính", "Năm 2026"),
    ]
    assert doc.tasks[0].group == "Hoàn thiện thể chế"
    assert doc.text.endswith("Đoạn văn sau bảng.")


def test_labelled_task_lists(tmp_path):
    path = tmp_path / "ke_hoach.md"
    path.write_text(LABELLED, encoding="utf-8")
    doc = parse_file(path)
    assert len(doc.tasks) == 1
    task = doc.tasks[0]
    assert task.task_id == "II.1"
    assert task.content == "Phổ biến Luật Việc làm: Tổ chức phổ biến Luật Việc làm."
    assert task.lead == "Sở Nội vụ, Sở Giáo dục và Đào tạo."
    assert task.cooperating == "Sở Tư pháp." and task.deadline == "Năm 2025 và các năm tiếp theo."
    assert doc.text[task.start:task.end].startswith("1. Phổ biến Luật Việc làm")


def test_bold_heading_wrapped_across_lines_and_blank_line_paragraphs():
    text = "**1. Sở\nTài chính **(cơ quan chủ trì)\n\n- Chủ trì xây dựng, tổ chức thực\nhiện Kế hoạch.\n\nSở Khoa học và Công nghệ chủ\ntrì tập huấn.\n\nĐoạn mới."
    lines = clean_pages([text], False).text.split("\n")
    assert lines == ["1. Sở Tài chính (cơ quan chủ trì)", "- Chủ trì xây dựng, tổ chức thực hiện Kế hoạch.",
                     "Sở Khoa học và Công nghệ chủ trì tập huấn.", "Đoạn mới."]


@pytest.mark.realdocs
@pytest.mark.skipif(not REALDOCS.exists(), reason="../shared/realdocs is not present")
def test_every_real_document_ingests_with_verbatim_chunks():
    failures, docs_with_tasks = [], 0
    for path in sorted(REALDOCS.glob("*.md")):
        doc = parse_file(path)
        docs_with_tasks += bool(doc.tasks)
        for chunk in doc.chunks:
            if doc.text[chunk.start:chunk.end] != chunk.text:
                failures.append(path.name)
                break
    assert not failures
    assert docs_with_tasks >= 8


@pytest.mark.realdocs
@pytest.mark.skipif(not REALDOCS.exists(), reason="../shared/realdocs is not present")
def test_real_appendix_table():
    doc = parse_file(REALDOCS / "001c610b2efdcf0c.md")
    assert doc.metadata.number == "2820/QĐ-UBND" and doc.metadata.issuer == "Ủy ban nhân dân thành phố Hồ Chí Minh"
    first = doc.tasks[0]
    assert first.task_id == "I.1" and first.lead == "Sở Tài chính" and first.deadline == "Quý IV/2025"


def test_signer_in_a_crawled_signature_cell(tmp_path):
    text = ("**KẾ HOẠCH**\n\nTriển khai thử nghiệm\n\n**I. MỤC ĐÍCH**\n\n- Nội dung.\n\n|\nNơi nhận:\n- Như trên;\n|\n"
            "**KT. CHỦ TỊCH **\nPHÓ CHỦ TỊCH\n**Trần Thị Diệu Thúy**\n|\n")
    path = tmp_path / "kh.md"
    path.write_text(text, encoding="utf-8")
    doc = parse_file(path)
    assert doc.metadata.signer == "Trần Thị Diệu Thúy"
    start, end = doc.metadata.signer_span
    assert doc.text[start:end] == "Trần Thị Diệu Thúy"


def test_chapter_titles_are_not_signers(tmp_path):
    path = tmp_path / "luat.md"
    path.write_text("**LUẬT**\n\nVề thử nghiệm\n\nĐiều 1. Phạm vi\n\nNội dung điều một.\n\nChương V\n", encoding="utf-8")
    assert parse_file(path).metadata.signer == ""


def test_a_title_left_over_several_capitalised_lines_is_read_whole(tmp_path):
    path = tmp_path / "tt.md"
    path.write_text("**THÔNG TƯ**\n\nVỀ\n\nPHÂN CẤP QUẢN LÝ TỔ CHỨC CÁN BỘ CỦA BỘ THỬ NGHIỆM\n\n"
                    "*Căn cứ Luật Tổ chức Chính phủ;*\n\nĐiều 1. Phạm vi\n\nNội dung.\n", encoding="utf-8")
    doc = parse_file(path)
    assert doc.metadata.title == "Thông tư: Về phân cấp quản lý tổ chức cán bộ của bộ thử nghiệm"
    start, end = doc.metadata.title_span
    assert doc.text[start:end].startswith("VỀ") and doc.text[start:end].endswith("THỬ NGHIỆM")


def test_the_enacting_authority_under_a_title_is_not_part_of_it(tmp_path):
    path = tmp_path / "qd.md"
    path.write_text("**QUYẾT ĐỊNH**\n\nVỀ VIỆC BAN HÀNH QUY CHẾ THỬ NGHIỆM CỦA\n\nỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM\n\n"
                    "*Căn cứ Luật Tổ chức chính quyền địa phương;*\n\nĐiều 1. Nội dung.\n", encoding="utf-8")
    assert parse_file(path).metadata.title == "Quyết định: Về việc ban hành quy chế thử nghiệm của"
    path.write_text("**QUYẾT ĐỊNH**\n\nBAN HÀNH QUY CHẾ THỬ NGHIỆM\n\nCHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM\n\n"
                    "*Căn cứ Luật Tổ chức chính quyền địa phương;*\n\nĐiều 1. Nội dung.\n", encoding="utf-8")
    assert parse_file(path).metadata.title == "Quyết định: Ban hành quy chế thử nghiệm"


def test_articles_and_chapters_of_a_legal_text_are_sections(tmp_path):
    path = tmp_path / "qc.md"
    path.write_text("**QUY ĐỊNH**\n\nVề thử nghiệm\n\n**Chương I**\n\n**QUY ĐỊNH CHUNG**\n\n"
                    "**Điều 1. Phạm vi điều chỉnh**\n\nQuy định này quy định việc thử nghiệm.\n\n"
                    "**Chương II**\n\n**TỔ CHỨC THỰC HIỆN**\n\n**Điều\n24. Trách nhiệm của Công an tỉnh**\n\n"
                    "1. Chủ trì, phối hợp với Sở Khoa học và Công nghệ bảo đảm an ninh hạ tầng.\n\n"
                    "2. Kiểm tra điều kiện phòng cháy.\n", encoding="utf-8")
    doc = parse_file(path)
    paths = [s.path for s in doc.sections]
    assert "Điều 1. Phạm vi điều chỉnh" in paths
    assert "Điều 24. Trách nhiệm của Công an tỉnh > 1. Chủ trì, phối hợp với Sở Khoa học và Công nghệ bảo đảm an ninh hạ tầng." in paths
    clause = next(c for c in doc.chunks if "bảo đảm an ninh hạ tầng" in c.text)
    assert clause.section.startswith("Điều 24. Trách nhiệm của Công an tỉnh")
    assert any(s.label == "Chương II" for s in doc.sections)


def test_a_role_over_two_lines_above_the_name_is_read_whole(tmp_path):
    path = tmp_path / "kh.txt"
    path.write_text("KẾ HOẠCH\nThử nghiệm năm 2026\nI. MỤC ĐÍCH\n- Nội dung.\nNơi nhận:\n- Như trên;\n- Lưu: VT.\n"
                    "KT. TRƯỞNG BAN\nPHÓ TRƯỞNG BAN\nHoàng Văn Thử\n", encoding="utf-8")
    meta = parse_file(path).metadata
    assert meta.signer == "Hoàng Văn Thử" and meta.signer_role == "KT. TRƯỞNG BAN PHÓ TRƯỞNG BAN"
