"""The whole list a list question asks for (assistant/lists.py)."""

from __future__ import annotations

from hypothesis import given, strategies as st

from assistant.lists import item_kind, list_span, render

STEPS = ("Điều 8. Quy trình tư vấn\n"
         "1. Quy trình tư vấn, phản biện được thực hiện theo các bước sau:\n"
         "Bước 1. Xác định nội dung cần tư vấn;\n"
         "Bước 2. Lựa chọn hình thức tư vấn;\n"
         "Bước 3. Tổ chức tư vấn, phản biện.\n"
         "2. Cơ quan chủ trì gửi hồ sơ trước 20 ngày.\n")

PLAIN_LINES = ("2. Cơ cấu tổ chức của Sở, gồm:\n"
               "a) Văn phòng;\n"
               "b) 03 phòng chuyên môn:\n"
               "Phòng Xây dựng chính quyền; Phòng Công chức, viên chức;\n"
               "Phòng Cải cách hành chính;\n"
               "Phòng Người có công.\n"
               "c) Ban Dân tộc - Tôn giáo.\n")

NUMBERED_STEPS = ("Điều 9. Trình tự đánh giá\n"
                  "1. Bước 1: Công chức viết báo cáo tự đánh giá.\n"
                  "2. Bước 2: Nhận xét, đánh giá\n"
                  "Người quản lý trực tiếp có ý kiến nhận xét tại cuộc họp.\n"
                  "3. Bước 3: Thông báo kết quả.\n"
                  "Điều 10. Thời điểm đánh giá\n")


def _items(text: str, needle: str) -> list[str]:
    span = list_span(text, text.index(needle))
    assert span is not None
    return [text[s:e] for s, e in span.items]


def test_steps_under_a_lead_in_stop_at_the_lead_ins_sibling() -> None:
    items = _items(STEPS, "Bước 2")
    assert [i[:6] for i in items] == ["Bước 1", "Bước 2", "Bước 3"]
    span = list_span(STEPS, STEPS.index("1. Quy trình"))
    assert span is not None and STEPS[span.lead[0]:span.lead[1]].endswith("các bước sau:")


def test_plain_lines_under_a_lead_in_are_its_items() -> None:
    items = _items(PLAIN_LINES, "b) 03 phòng")
    assert items[0].startswith("Phòng Xây dựng") and items[-1] == "Phòng Người có công."
    assert not any("Ban Dân tộc" in i for i in items)


def test_numbered_steps_under_an_article_take_their_continuation_lines() -> None:
    items = _items(NUMBERED_STEPS, "3. Bước 3")
    assert len(items) == 3 and "Người quản lý trực tiếp" in items[1]
    assert not any("Điều 10" in i for i in items)


def test_an_item_that_is_not_announced_as_a_list_answers_alone() -> None:
    text = ("2. Hình thức tuyên truyền\n- Sử dụng mạng xã hội (Facebook, Zalo) để tuyên truyền.\n"
            "- Tổ chức hội nghị đối thoại.\n")
    assert list_span(text, text.index("- Sử dụng")) is None
    enumerating = "Các chỉ tiêu sau:\n- Hoàn thành chỉ tiêu: tỷ lệ A đạt 100%; tỷ lệ B đạt 90%; tỷ lệ C đạt 80%.\n- Khác.\n"
    assert list_span(enumerating, enumerating.index("- Hoàn thành")) is None


def test_a_long_list_is_rendered_by_its_items_first_lines_within_the_limit() -> None:
    text = "Các bước sau:\n" + "".join(f"Bước {i}: Việc thứ {i}. " + "Giải thích dài dòng. " * 20 + "\n"
                                      for i in range(1, 6))
    span = list_span(text, 0)
    out = render(text, span, 400)
    assert len(out) <= 400 and all(f"Bước {i}" in out for i in range(1, 6))


@given(st.lists(st.text(alphabet="abc đê ;:.\n-12)", max_size=40), max_size=8), st.integers(min_value=0, max_value=300))
def test_list_spans_are_ordered_spans_of_the_text(lines: list[str], at: int) -> None:
    text = "\n".join(lines)
    span = list_span(text, min(at, len(text)))
    if span is None:
        return
    assert 0 <= span.start <= span.end <= len(text)
    assert all(a[1] <= b[0] for a, b in zip(span.items, span.items[1:]))
    assert render(text, span, 300)[:300] is not None


def test_item_kinds() -> None:
    assert item_kind("Bước 1. Xác định") == "step" and item_kind("2. Bước 2: Nhận xét") == "step"
    assert item_kind("a) Văn phòng;") == "letter" and item_kind("- Tổ chức") == "dash"
    assert item_kind("Phòng Người có công.") is None


def test_a_lead_in_followed_by_a_heading_is_no_list() -> None:
    text = "2. Các sở, ngành chịu trách nhiệm các nội dung sau:\n2.1. Trách nhiệm chung\nChủ động phối hợp thẩm định.\n"
    assert list_span(text, 0) is None
