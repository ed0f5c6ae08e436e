"""Question understanding: task references, fields, intents, language, answer types."""

from __future__ import annotations

import pytest

from assistant.answer_type import has_type, person_names, required_type
from assistant.query import parse


@pytest.mark.parametrize("question,ref", [
    ("Ai chủ trì nhiệm vụ III.5 và khi nào phải xong?", "III.5"),
    ("who leads task III.5", "III.5"),
    ("mục II.2 do ai chủ trì", "II.2"),
    ("ai chu tri nhiem vu iv.1", "IV.1"),
    ("III.5", "III.5"),
    ("Nghị quyết 76/NQ-CP ngày 15/7/2021", None),
    ("Kế hoạch số 29/KH-UBND", None),
])
def test_task_references(question, ref):
    assert parse(question).task_ref == ref


@pytest.mark.parametrize("question,fields", [
    ("Ai chủ trì nhiệm vụ III.5?", {"lead"}),
    ("ai phoi hop thuc hien nhiem vu V.2", {"cooperating"}),
    ("Sản phẩm của nhiệm vụ III.3 là gì?", {"product", "content"}),
    ("Nhiệm vụ I.3 phải hoàn thành khi nào?", {"deadline"}),
    ("What is the deadline of task VI.2?", {"deadline"}),
])
def test_fields(question, fields):
    assert fields <= set(parse(question).fields)


@pytest.mark.parametrize("question,lang", [
    ("Ai ký kế hoạch?", "vi"), ("ai ky ke hoach tuyen truyen", "vi-noaccent"),
    ("Who signed the communication plan?", "en"),
])
def test_language(question, lang):
    assert parse(question).lang == lang


def test_intents_and_english_glossary():
    q = parse("Who signed the plan of the management board?")
    assert "signer" in q.intents and "ban quan ly" in q.search_text
    assert "duty" in parse("Phòng Kinh tế xã làm gì?").intents
    assert "references" in parse("Kế hoạch căn cứ Quyết định nào?").intents


@pytest.mark.parametrize("question,kind", [
    ("Báo cáo Quý I gửi trước ngày nào?", "day"),
    ("Nhiệm vụ I.3 hoàn thành khi nào?", "date"),
    ("Tỷ lệ hồ sơ trực tuyến phải đạt bao nhiêu?", "percent"),
    ("chậm nhất bao nhiêu ngày", "quantity"),
    ("Trưởng phòng tên là gì?", "person"),
    ("Kế hoạch căn cứ Quyết định nào của Thủ tướng?", "docnum"),
    ("Hình thức tuyên truyền nào trong kế hoạch?", None),
])
def test_required_answer_type(question, kind):
    assert required_type(parse(question)) == kind


def test_type_checks():
    assert has_type("percent", "tỷ lệ đạt 95%") and not has_type("percent", "đạt mục tiêu đề ra")
    assert has_type("date", "Gửi trước ngày 01/6.") and not has_type("date", "Tổ chức Hội nghị đối thoại.")
    assert has_type("quantity", "chậm nhất 07 ngày kể từ ngày ban hành")
    assert not has_type("quantity", "Nghị quyết số 66/NQ-CP ngày 26/3/2025 năm 2026")
    days = "trả lời trong bao nhiêu ngày làm việc?"
    assert has_type("quantity", "Năm (05) ngày làm việc đối với các ý kiến", days)
    assert not has_type("quantity", "Điều 5 (05) quy định chung", days)
    rate = "phụ cấp chức vụ bao nhiêu một tháng?"  # a rate, not a count of "một"
    assert has_type("quantity", "Chỉ huy trưởng: 561.600 đồng", rate)
    assert person_names("KT. TRƯỞNG BAN Hoàng Viết Đông") == ["Hoàng Viết Đông"]
    assert person_names("Ban Quản lý Khu kinh tế cửa khẩu Đồng Đăng - Lạng Sơn") == []


def test_counted_noun_and_organisation_mentions():
    from assistant.answer_type import counted_noun
    from assistant.docmatch import organisation_mentions

    assert counted_noun("được giao bao nhiêu biên chế công chức") == "bien"
    assert counted_noun("đạt bao nhiêu phần trăm") is None
    assert not has_type("quantity", "5\tKiểm tra tối thiểu 20% các sở", "bao nhiêu biên chế")
    assert organisation_mentions("Sở Y tế Lạng Sơn giao gì?") == [["Sở Y", "Sở Y tế"]]
    assert organisation_mentions("Tỉnh Cao Bằng đặt chỉ tiêu") == [["Tỉnh Cao Bằng"]]
    assert organisation_mentions("CCHC của UBND tỉnh") == []
    # a head word that is a syllable of a place name is no head: "Hà Tĩnh Decision" names no body
    assert organisation_mentions("Who signed Hà Tĩnh Decision 2920/QĐ-UBND?") == []
    assert organisation_mentions("Under Hải Phòng Decision 212, who decides?") == []
    assert organisation_mentions("Theo Sở Y tế Lạng Sơn") == [["Sở Y", "Sở Y tế"]]


def test_day_questions_need_a_day_and_lowercase_places_are_checked():
    from assistant.docmatch import _lowercase_place_mentions

    q = parse("Cuộc thi hết hạn nhận bài vào ngày nào?")
    assert required_type(q) == "day"
    assert not has_type("day", "Hưởng ứng cuộc thi năm 2026.") and has_type("day", "Gửi trước ngày 01/12.")
    assert required_type(parse("Nhiệm vụ này thực hiện khi nào?")) == "date"
    assert _lowercase_place_mentions("ke hoach cua ubnd tinh cao bang dat chi tieu") == ["tinh cao bang"]
    assert _lowercase_place_mentions("ubnd tinh ve cai cach hanh chinh") == []


@pytest.mark.parametrize("accented, unit, evidence", [
    (True, "tối thiểu", "Ít nhất 85% người hưởng trợ cấp mở tài khoản"),
    (False, "toi thieu", "it nhat 85% nguoi huong tro cap mo tai khoan"),
    (True, "tối đa", "thời gian giải quyết không quá 05 ngày làm việc"),
])
def test_coverage_counts_words_for_the_same_bound(accented: bool, unit: str, evidence: str) -> None:
    from assistant.evidence import TermWeights, coverage

    weights = TermWeights.__new__(TermWeights)
    weights.idf = lambda unit, accented: 1.0  # equal weights: the test is about matching
    assert coverage([unit, "85%" if "85%" in evidence else "05"], evidence, weights, accented=accented) == 1.0
    assert coverage([unit], "85% người hưởng trợ cấp", weights, accented=accented) == 0.0


def test_a_which_body_question_prefers_a_passage_naming_another_body() -> None:
    from assistant.extractive import _names_another_body

    question = parse("tài sản chuyển giao cho Hội đồng nhân dân thành phố thì cơ quan nào quyết định xác lập quyền sở hữu?")
    assert question.fields == ["lead"]
    assert _names_another_body(question, "Sở Tài chính quyết định xác lập quyền sở hữu toàn dân đối với tài sản.")
    assert not _names_another_body(question, "Thẩm quyền quyết định xác lập quyền sở hữu đối với tài sản chuyển giao "
                                             "cho Hội đồng nhân dân thành phố như sau:")


def test_of_which_body_asks_the_issuer_only_of_a_document() -> None:
    assert "issuer" in parse("Kế hoạch này của cơ quan nào?").intents
    assert "issuer" not in parse("Số liệu để tính điểm lấy từ báo cáo của cơ quan nào?").intents
