"""Which documents a document replaces, when it names several in a row."""

from __future__ import annotations

from ingest.metadata import extract_references


def test_a_list_of_replaced_documents_is_replaced_as_a_whole() -> None:
    text = ("Điều 3. Quyết định này có hiệu lực kể từ ngày ký, thay thế Quyết định số 1849/QĐ-UBND ngày 20 tháng 8 "
            "năm 2024 của Ủy ban nhân dân thành phố về quy chế chấm điểm; Quyết định số 824/QĐ-UBND ngày 10/4/2023 "
            "của Ủy ban nhân dân thành phố về tiêu chí.\nCăn cứ Nghị định số 30/2020/NĐ-CP về công tác văn thư.")
    relations = {r.number: r.relation for r in extract_references(text, preamble_end=0)}
    assert relations == {"1849/QĐ-UBND": "replaces", "824/QĐ-UBND": "replaces", "30/2020/NĐ-CP": "cites"}


def test_a_document_after_a_sentence_end_is_not_replaced() -> None:
    text = ("Quyết định này thay thế Quyết định số 1849/QĐ-UBND ngày 20/8/2024. Giao Sở Nội vụ hướng dẫn thực hiện "
            "Quyết định số 824/QĐ-UBND ngày 10/4/2023.")
    relations = {r.number: r.relation for r in extract_references(text, preamble_end=0)}
    assert relations == {"1849/QĐ-UBND": "replaces", "824/QĐ-UBND": "cites"}


def test_the_entry_into_force_clause_is_the_one_that_sets_a_date() -> None:
    """A clause that only refers to the date ("trước ngày Nghị định này có hiệu lực") comes first in
    a long decree; the answer is the clause that sets it."""
    from ingest.metadata import _effective_clause
    from ingest.text import fold_aligned

    text = ("Điều 2. Đối tượng áp dụng\n"
            "g) Người hoạt động không chuyên trách ở cấp xã trước ngày Nghị định này có hiệu lực thi hành;\n"
            "Điều 40. Quy định chuyển tiếp\n"
            "1. Kỳ tuyển dụng đã xong vòng 1 trước ngày Nghị định này có hiệu lực thì tiếp tục.\n"
            "Điều 41. Hiệu lực thi hành\n"
            "1. Nghị định này có hiệu lực thi hành kể từ ngày 01 tháng 7 năm 2025.\n")
    start, end = _effective_clause(text, fold_aligned(text), "nghị định")
    assert text[start:end].startswith("Nghị định này có hiệu lực thi hành kể từ ngày 01 tháng 7 năm 2025.")
    undated = "Điều 5. Quyết định này có hiệu lực sau 10 ngày.\n"
    start, end = _effective_clause(undated, fold_aligned(undated), "quyết định")
    assert "có hiệu lực sau 10 ngày" in undated[start:end]


def test_an_entry_into_force_clause_broken_before_its_date_runs_to_the_date() -> None:
    from ingest.metadata import _effective_clause
    from ingest.text import fold_aligned

    text = ("Điều 15. Hiệu lực thi hành\n1. Quyết định này có hiệu lực thi hành kể từ ngày\n"
            "01 tháng 12 năm 2025.\n2. Chánh Văn phòng Ủy ban nhân dân tỉnh chịu trách nhiệm thi hành.\n")
    start, end = _effective_clause(text, fold_aligned(text), "quyết định")
    assert text[start:end].endswith("kể từ ngày\n01 tháng 12 năm 2025.")


def test_an_entry_into_force_lead_in_takes_its_items() -> None:
    from ingest.metadata import _effective_clause
    from ingest.text import fold_aligned

    text = ("Điều 3. Quyết định này có hiệu lực thi hành:\n"
            "- Kể từ ngày 15 tháng 11 năm 2025 đối với thủ tục Phê duyệt danh sách các dân tộc;\n"
            "- Kể từ ngày 01 tháng 12 năm 2025 đối với thủ tục Phê duyệt danh sách thôn.\n"
            "Điều 4. Chánh Văn phòng chịu trách nhiệm thi hành.\n")
    start, end = _effective_clause(text, fold_aligned(text), "quyết định")
    assert "15 tháng 11 năm 2025" in text[start:end] and "01 tháng 12 năm 2025" in text[start:end]
    assert "Chánh Văn phòng" not in text[start:end]
