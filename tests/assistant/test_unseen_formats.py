"""Questions about a plan in a format the shipped corpus does not have (a crawled Markdown plan:
header as a '|' table, labelled task lists), named by its number, with tasks named by content."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.docmatch import organisation_mentions

PLAN = Path(__file__).parent / "data" / "crawled_plan_45.md"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    from assistant.core import Assistant
    from assistant.settings import Settings

    corpus = tmp_path_factory.mktemp("crawled_corpus")
    shutil.copy(PLAN, corpus / PLAN.name)
    return Assistant(Settings(data_dir=tmp_path_factory.mktemp("crawled_data"), embedding_model="none",
                              corpus_dir=corpus))


@pytest.mark.parametrize("question, expected", [
    ("Theo Kế hoạch 45/KH-UBND của UBND tỉnh Hà Giang, tổng kinh phí thực hiện là bao nhiêu?", "850 triệu đồng"),
    ("Theo kế hoạch 45/KH-UBND tỉnh Hà Giang, báo cáo kết quả gửi trước ngày nào?", "15/12/2026"),
])
def test_naming_the_plan_does_not_make_its_header_the_answer(crawled, question: str, expected: str) -> None:
    answer = crawled.ask(question)
    assert not answer.abstained
    assert expected in answer.answer
    assert all("Số: 45/KH-UBND" not in c.quote for c in answer.citations)


@pytest.mark.parametrize("question", [
    "Ai chủ trì nhiệm vụ tổ chức kiểm tra việc thực hiện quy chế văn hóa công vụ theo kế hoạch 45/KH-UBND, "
    "khi nào phải xong?",
    "ai chu tri nhiem vu to chuc kiem tra viec thuc hien quy che van hoa cong vu theo ke hoach 45/KH-UBND, khi nao xong",
])
def test_a_task_named_by_its_content_is_answered_from_its_row(crawled, question: str) -> None:
    answer = crawled.ask(question)
    assert not answer.abstained
    assert "Sở Nội vụ" in answer.answer and "Tháng 10/2026" in answer.answer
    assert "Văn hóa, Thể thao" not in answer.answer, "the other task's lead must not leak in"
    assert any(c.task_id == "II.2" for c in answer.citations)


def test_a_question_about_the_plan_is_not_taken_for_a_task(crawled) -> None:
    answer = crawled.ask("Kế hoạch nâng cao chất lượng văn hóa công vụ được ban hành kèm theo văn bản của cơ quan nào?")
    assert "Nhiệm vụ II." not in answer.answer


def test_organisation_mentions_do_not_span_punctuation() -> None:
    mentions = organisation_mentions("(ban hành kèm Quyết định 2954/QĐ-UBND), Sở Công Thương phải gửi báo cáo")
    firsts = [m[0] for m in mentions]
    assert "Sở Công Thương" in firsts
    assert not any(")" in m or "," in m for m in firsts)


def test_a_labelled_duty_item_answers_and_names_the_body_above_it(crawled) -> None:
    """'b) Chủ trì … Đề án 3 …' is a sentence, not a title; the body that leads is its section."""
    answer = crawled.ask("Cơ quan nào chủ trì thực hiện Đề án 3 nâng cao tinh thần phục vụ người bệnh theo kế hoạch 45/KH-UBND?")
    assert not answer.abstained
    assert "Sở Y tế" in answer.answer and "Đề án 3" in answer.answer
    assert any("Đề án 3" in c.quote for c in answer.citations)


def test_a_value_in_the_sentence_after_its_subject_is_found(crawled) -> None:
    answer = crawled.ask("Theo kế hoạch 45/KH-UBND, Sở Tài chính phải tổng hợp kết quả kiểm kê tài sản công "
                         "trước ngày nào?")
    assert not answer.abstained
    assert "30/6/2026" in answer.answer and "kiểm kê tài sản công" in answer.answer


@pytest.fixture(scope="module")
def crawled_and_shipped(tmp_path_factory):
    from assistant.core import Assistant
    from assistant.settings import Settings
    from tests.conftest import CORPUS

    corpus = tmp_path_factory.mktemp("mixed_corpus")
    shutil.copy(PLAN, corpus / PLAN.name)
    for path in CORPUS.glob("*.txt"):
        shutil.copy(path, corpus / path.name)
    (corpus / "ke_hoach_77.md").write_text(
        "| ỦY BAN NHÂN DÂN TỈNH YÊN BÁI | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\n| --- | --- |\n"
        "| Số: 77/KH-UBND | Yên Bái, ngày 5 tháng 12 năm 2025 |\n\n**KẾ HOẠCH**\n\n"
        "**Chỉnh lý hồ sơ địa chính năm 2026**\n\n**I. MỤC TIÊU**\n\n"
        "Hoàn thành chỉnh lý hồ sơ địa chính của 100% xã, phường trong năm 2026.\n\n"
        "**II. NỘI DUNG**\n\nVăn phòng đăng ký đất đai thực hiện đính chính sai sót trên giấy chứng nhận "
        "trong thời hạn 10 ngày làm việc.\n", encoding="utf-8")
    return Assistant(Settings(data_dir=tmp_path_factory.mktemp("mixed_data"), embedding_model="none",
                              corpus_dir=corpus))


def test_duties_come_from_the_plan_the_question_names(crawled_and_shipped) -> None:
    """The shipped plans list duties of 'Văn phòng'; plan 77 has no duty sections: its answer must
    not borrow another plan's."""
    answer = crawled_and_shipped.ask("Theo kế hoạch 77/KH-UBND của UBND tỉnh Yên Bái, Văn phòng có nhiệm vụ gì?")
    assert all(c.doc_id == "ke_hoach_77" for c in answer.citations), answer.answer

