"""One reading of deadlines for chat, CLI and API (``assistant.deadlines``)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.deadlines import deadline_in_question, deadline_matches, parse_deadline

# (task deadline as written, asked time, matches?)
CASES = [
    ("Quý III/2026", "Quý III/2026", True),
    ("Quý II, III/2026", "Quý III/2026", True),  # the case: a list of quarters
    ("Quý II, III/2026", "Quý II/2026", True),
    ("Quý II, III/2026", "Quý IV/2026", False),
    ("Quý II, III/2026", "quy iii/2026", True),  # typed without diacritics
    ("Quý II - III/2026", "Quý III/2026", True),  # a range gives one unit per quarter
    ("Quý III/2026", "Quý III/2025", False),
    ("Quý III/2026", "trong năm 2026", True),
    ("Quý I/2026", "năm 2026", True),
    ("Trong năm 2026", "trong năm 2026", True),
    ("Trong năm 2026", "Quý III/2026", False),  # may end in December: not within the quarter
    ("Trong năm 2026", "2026-2030", True),
    ("Tháng 6/2026", "Quý II/2026", True),
    ("Tháng 6/2026", "Tháng 6/2026", True),
    ("Tháng 6/2026", "Tháng 7/2026", False),
    ("Quý II/2026", "Tháng 6/2026", False),  # a quarter is not within one of its months
    ("trước ngày 30/6/2026", "Tháng 6/2026", True),
    ("6 tháng đầu năm 2026", "Quý I, II/2026", True),  # adjacent asked quarters form one span
    ("6 tháng đầu năm 2026", "Quý I/2026", False),
    ("2026-2028", "năm 2027", True),
    ("2026-2028", "năm 2029", False),
    ("Năm 2025 - 2026", "2026", True),
    ("Thường xuyên", "Thường xuyên", True),
    ("Thường xuyên", "thuong xuyen", True),
    ("Thường xuyên", "hằng năm", True),  # recurring words answer one another
    ("Hằng năm.", "thường xuyên", True),
    ("Thường xuyên, định kỳ hằng quý báo cáo về Sở Tài chính", "Thường xuyên", True),
    ("Năm 2026 và các năm tiếp theo.", "thường xuyên", True),
    ("Năm 2026 và các năm tiếp theo.", "trong năm 2026", True),
    ("Thường xuyên", "Quý III/2026", False),  # no date: not due in a dated period
    ("Thường xuyên", "năm 2026", False),
    ("Quý III/2026", "Thường xuyên", False),
    ("Đã hoàn thành", "đã hoàn thành", True),
    ("Chậm nhất sau 10 ngày kể từ ngày Kế hoạch được ban hành (đã hoàn thành)", "Đã hoàn thành", True),
    ("Quý III/2026", "Quý III", True),  # a quarter of any year
    ("Quý III/2025", "Quý III", True),
    ("Quý IV/2026", "Quý III", False),
    ("Theo lộ trình của từng CSDL đã được phê duyệt", "lộ trình", True),  # not a time: substring fallback
    ("Theo lộ trình của từng CSDL đã được phê duyệt", "Quý III/2026", False),
    ("", "Quý III/2026", False),
    ("Sau khi Nghị định 45/2026/NĐ-CP có hiệu lực", "năm 2026", False),  # a document number is not a year
    ("Q3 2026", "Quý III/2026", True),
]


@pytest.mark.parametrize(("deadline", "asked", "expected"), CASES)
def test_deadline_matches_by_meaning(deadline: str, asked: str, expected: bool) -> None:
    assert deadline_matches(deadline, asked) is expected


def test_a_list_of_quarters_is_read_as_its_quarters() -> None:
    d = parse_deadline("Quý II, III/2026")
    assert [(p.first % 12 + 1, p.last % 12 + 1, p.first // 12) for p in d.periods] == [(4, 6, 2026), (7, 9, 2026)]
    assert not d.recurring and not d.done


def test_nothing_understood_is_falsy() -> None:
    assert not parse_deadline("Theo lộ trình")
    assert not parse_deadline("6")  # a bare number names no time


@pytest.mark.parametrize(
    ("question", "phrases"),
    [
        ("Những nhiệm vụ nào phải hoàn thành trong Quý III/2026?", ("quy iii/2026",)),
        ("Nhiệm vụ nào phải xong trong năm 2026?", ("nam 2026",)),
        ("Những nhiệm vụ nào hạn Tháng 6/2026?", ("thang 6/2026",)),
        ("Những nhiệm vụ nào thực hiện thường xuyên?", ("thuong xuyen",)),
        ("Which tasks are due in 2026?", ("2026",)),
    ],
)
def test_the_time_a_question_asks_about(question: str, phrases: tuple[str, ...]) -> None:
    asked = deadline_in_question(question)
    assert asked is not None and asked.phrases == phrases


def test_a_year_that_names_the_plan_is_not_a_deadline() -> None:
    assert deadline_in_question("Nhiệm vụ nào của kế hoạch CCHC năm 2026 do Văn phòng Sở chủ trì?") is None
    assert deadline_in_question("Ai chủ trì nhiệm vụ III.5?") is None


@given(st.text(max_size=80), st.text(max_size=40))
def test_never_raises(deadline: str, asked: str) -> None:
    assert deadline_matches(deadline, asked) in (True, False)
