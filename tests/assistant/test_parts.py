"""Clauses of a question that a metadata answer does not serve."""

from __future__ import annotations

import pytest

from assistant.parts import clauses, unserved_by_metadata
from assistant.query import parse


def test_clauses_are_cut_at_commas_and_va() -> None:
    assert clauses("Quyết định 12 thông qua bao nhiêu thủ tục, và ai ký?") == ["Quyết định 12 thông qua bao nhiêu thủ tục",
                                                                              "ai ký"]


@pytest.mark.parametrize("question, unserved", [
    ("Quyết định 12/QĐ-UBND thông qua bao nhiêu thủ tục hành chính, và ai ký quyết định này?",
     ["Quyết định 12/QĐ-UBND thông qua bao nhiêu thủ tục hành chính"]),
    ("Quyết định ban hành Quy chế quản lý, vận hành hệ thống có số hiệu gì, ai ký và có hiệu lực từ ngày nào?", []),
    ("nghi dinh 303/2025/nd-cp co hieu luc tu ngay nao va thay the nhung nghi dinh nao", []),
    ("Thông tư 58 giao lập lịch huy động tổ máy thủy điện cho ai ký?", []),  # "máy" is no question word
    ("Quyết định ban hành Quy chế của Ban Chỉ đạo có số hiệu gì, ai ký, với chức vụ gì?", []),  # the signer's role
])
def test_unserved_clauses(question: str, unserved: list[str]) -> None:
    assert unserved_by_metadata(parse(question)) == unserved


PLAN = ("| ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\n| --- | --- |\n"
        "| Số: 12/QĐ-UBND | Thử Nghiệm, ngày 5 tháng 12 năm 2025 |\n\n**QUYẾT ĐỊNH**\n\n"
        "**Thông qua phương án đơn giản hóa thủ tục hành chính lĩnh vực thử nghiệm**\n\n"
        "**Điều 1.** Thông qua phương án đơn giản hóa 37 thủ tục hành chính thuộc phạm vi quản lý của Sở Thử nghiệm.\n\n"
        "**Điều 2.** Quyết định này có hiệu lực thi hành kể từ ngày ký.\n\n"
        "|\nNơi nhận:\n- Như Điều 2;\n|\n**KT. CHỦ TỊCH **\nPHÓ CHỦ TỊCH\n**Trần Văn Thử**\n|\n")


@pytest.fixture(scope="module")
def one_decision(tmp_path_factory):
    from assistant.core import Assistant
    from assistant.settings import Settings

    corpus = tmp_path_factory.mktemp("parts_corpus")
    (corpus / "qd_12.md").write_text(PLAN, encoding="utf-8")
    return Assistant(Settings(data_dir=tmp_path_factory.mktemp("parts_data"), embedding_model="none", corpus_dir=corpus))


def test_a_metadata_answer_takes_in_the_part_it_does_not_serve(one_decision) -> None:
    answer = one_decision.ask("Quyết định 12/QĐ-UBND thông qua phương án đơn giản hóa bao nhiêu thủ tục hành chính, "
                              "và ai ký quyết định này?")
    assert not answer.abstained and answer.path == "metadata"
    assert "Trần Văn Thử" in answer.answer and "37 thủ tục" in answer.answer
    assert any("37 thủ tục" in c.quote for c in answer.citations)


def test_a_part_the_document_does_not_answer_is_named(one_decision) -> None:
    answer = one_decision.ask("Quyết định 12/QĐ-UBND giao bao nhiêu xe ô tô chuyên dùng cho kiểm lâm, và ai ký?")
    assert "Trần Văn Thử" in answer.answer
    assert "Văn bản không nêu rõ" in answer.answer and "xe ô tô" in answer.answer
    assert answer.abstained, "half of what was asked is not there: shown, but not called an answer"


def test_the_validity_of_something_else_is_not_the_document_entry_into_force(one_decision) -> None:
    answer = one_decision.ask("Giấy phép thử nghiệm cấp cho doanh nghiệp có hiệu lực bao lâu?")
    assert answer.path != "metadata"
    named = one_decision.ask("Quyết định 12/QĐ-UBND có hiệu lực từ ngày nào?")
    assert named.path == "metadata" and "kể từ ngày ký" in named.answer


def test_a_question_naming_the_document_by_number_asks_another_documents_number(one_decision) -> None:
    """What it repeals and that document's number: the entry-into-force clause names no document,
    and "Số hiệu: 12/QĐ-UBND" would answer a question nobody asked."""
    answer = one_decision.ask("Quyết định 12/QĐ-UBND có bãi bỏ quyết định nào về xe ô tô không, số hiệu quyết định đó là gì?")
    assert answer.path != "metadata"
    assert "Số hiệu: 12/QĐ-UBND" not in answer.answer


def test_two_documents_of_one_number_are_told_apart_by_the_province_named(tmp_path) -> None:
    from assistant.docmatch import DocMatcher
    from ingest.pipeline import parse_file

    docs = []
    for province, subject in (("HÀ GIANG", "XÉT TẶNG DANH HIỆU CÔNG DÂN ƯU TÚ"), ("BẮC KẠN", "KHUNG GIÁ CHO THUÊ NHÀ Ở")):
        path = tmp_path / f"{province}.md"
        path.write_text(f"| ỦY BAN NHÂN DÂN TỈNH {province} | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\n| --- | --- |\n"
                        f"| Số: 71/2025/QĐ-UBND | ngày 5 tháng 12 năm 2025 |\n\n**QUYẾT ĐỊNH**\n\n**{subject}**\n\n"
                        "Điều 1. Nội dung.\n", encoding="utf-8")
        docs.append(parse_file(path))
    matcher = DocMatcher(docs)
    for doc, question in zip(docs, ("Quyết định 71/2025/QĐ-UBND của Hà Giang có hiệu lực từ ngày nào?",
                                    "Quyết định 71/2025/QĐ-UBND về khung giá cho thuê nhà ở do ai ký?")):
        assert matcher.hinted_docs(question) == {doc.doc_id}
