"""Cleaning rules: NFC, line re-joining, furniture removal, Markdown markers, footnote tails."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.clean import clean_pages, join_fragments


def lines_of(text: str, has_pages: bool = False) -> list[str]:
    return clean_pages([text], has_pages).text.split("\n")


def test_code_split_after_hyphen_is_joined_without_space():
    text = "Thực hiện Kế hoạch số 29/KH-\n\nUBND ngày 30/01/2026 của UBND tỉnh."
    assert lines_of(text) == ["Thực hiện Kế hoạch số 29/KH-UBND ngày 30/01/2026 của UBND tỉnh."]


def test_sentence_broken_before_lowercase_word_is_joined():
    text = "- Rà soát, sắp xếp, tinh gọn tổ\nchức bộ máy của cơ quan."
    assert lines_of(text) == ["- Rà soát, sắp xếp, tinh gọn tổ chức bộ máy của cơ quan."]


def test_headings_bullets_and_plus_items_stay_separate():
    text = "2. Chỉ tiêu cụ thể\n2.1. Cải cách thể chế\n- 100% văn bản được ban hành đúng quy định\n+ Báo cáo Quý I: Gửi trước ngày 01/3."
    assert lines_of(text) == [
        "2. Chỉ tiêu cụ thể", "2.1. Cải cách thể chế", "- 100% văn bản được ban hành đúng quy định",
        "+ Báo cáo Quý I: Gửi trước ngày 01/3.",
    ]


def test_heading_followed_by_capitalised_paragraph_is_not_merged():
    text = "1. Mục tiêu chung\n\nHoàn thành 100% nhiệm vụ đề ra trong Kế hoạch."
    assert lines_of(text) == ["1. Mục tiêu chung", "Hoàn thành 100% nhiệm vụ đề ra trong Kế hoạch."]


def test_open_quotation_is_completed_even_across_a_dash_line():
    text = "- Tiếp tục sắp xếp bộ máy đạt mục tiêu “Tinh \n\n- Gọn - Mạnh”. \n\n- Mục khác."
    assert lines_of(text)[0] == "- Tiếp tục sắp xếp bộ máy đạt mục tiêu “Tinh - Gọn - Mạnh”."


def test_nfd_input_becomes_nfc():
    nfd = unicodedata.normalize("NFD", "Cải cách hành chính")
    out = clean_pages([nfd], False).text
    assert out == "Cải cách hành chính" and unicodedata.is_normalized("NFC", out)


def test_page_numbers_and_running_headers_are_dropped_but_pages_tracked():
    pages = [f"UBND TỈNH LẠNG SƠN\nNội dung trang {i} về cải cách.\n{i}" for i in range(1, 5)]
    result = clean_pages(pages, True)
    assert "UBND TỈNH LẠNG SƠN" not in result.text
    assert all(not line.strip().isdigit() for line in result.text.split("\n"))
    assert [p for *_, p in result.page_spans] == [1, 2, 3, 4]
    third = result.text.index("trang 3")
    assert any(s <= third < e and p == 3 for s, e, p in result.page_spans)


def test_markdown_markers_are_removed_and_headings_kept_apart():
    text = "## **II. MỤC TIÊU**\n\n### **1. Mục tiêu chung**\n\n*(Có phụ lục nhiệm vụ kèm theo)*"
    assert lines_of(text) == ["II. MỤC TIÊU", "1. Mục tiêu chung", "(Có phụ lục nhiệm vụ kèm theo)"]


def test_footnote_cut_by_a_page_break_gets_its_tail_back():
    text = ("- Nội dung¹.\n\n¹ Nghị quyết số 57-NQ/TW về đột phá phát triển khoa học và chuyển đổi\n\n"
            "2. Các phòng, đơn vị\n\nsố quốc gia; Kế hoạch số 06/KH-UBND.\n\n- Phối hợp với Văn phòng.")
    lines = lines_of(text)
    assert lines[1].endswith("chuyển đổi số quốc gia; Kế hoạch số 06/KH-UBND.")
    assert lines[2] == "2. Các phòng, đơn vị"
    assert lines[3] == "- Phối hợp với Văn phòng."


def test_join_fragments():
    assert join_fragments("Nghị quyết số 66-", "NQ/TW") == "Nghị quyết số 66-NQ/TW"
    assert join_fragments("Đồng Đăng -", "Lạng Sơn") == "Đồng Đăng - Lạng Sơn"
    assert join_fragments("bền", "vững") == "bền vững"


WORD = st.text(alphabet="abcdeghiklmnopqrstuvxyàáảãạăâđêôơưếềểễệ", min_size=1, max_size=8)
LINE = st.lists(WORD, min_size=1, max_size=12).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(LINE, st.sampled_from(["\n", "\n\n", ". \n", ";\n"])), min_size=1, max_size=15))
def test_cleaning_keeps_every_word_in_order(parts):
    raw = "".join(line + sep for line, sep in parts)
    out = clean_pages([raw], False).text
    assert out.split() == raw.replace(". ", ".").split() or [w.strip(".;") for w in out.split()] == [
        w.strip(".;") for w in raw.split()]
    assert "\n\n" not in out


def test_a_numbered_heading_wrapped_mid_phrase_is_rejoined() -> None:
    """Crawled Markdown wraps lines at a fixed width, headings included."""
    text = ("**2. Phân công trách nhiệm**\n\n*2.8. Sở Tư pháp*\n\nHướng dẫn phổ biến pháp luật.\n\n"
            "*2.9. Đề\nnghị Liên đoàn Lao động tỉnh*\n\nChủ trì, phối hợp với các Sở tổ chức thực hiện Tiểu dự án 4.\n")
    lines = lines_of(text)
    assert "2.9. Đề nghị Liên đoàn Lao động tỉnh" in lines
    assert "2.8. Sở Tư pháp" in lines, "a heading followed by a capitalised paragraph stays alone"
