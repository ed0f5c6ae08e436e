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


def _assistant(tmp_path_factory, files: dict[str, str]):
    """An assistant over small synthetic decisions, BM25 only."""
    from assistant.core import Assistant
    from assistant.settings import Settings

    corpus = tmp_path_factory.mktemp("parts_corpus")
    for name, text in files.items():
        (corpus / name).write_text(text, encoding="utf-8")
    return Assistant(Settings(data_dir=tmp_path_factory.mktemp("parts_data"), embedding_model="none", corpus_dir=corpus))


@pytest.fixture(scope="module")
def one_decision(tmp_path_factory):
    return _assistant(tmp_path_factory, {"qd_12.md": PLAN})


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


TWO_PARTS = ("| ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\n| --- | --- |\n"
             "| Số: 15/QĐ-UBND | Thử Nghiệm, ngày 5 tháng 12 năm 2025 |\n\n**QUYẾT ĐỊNH**\n\n"
             "**Ban hành Quy chế tuyển dụng viên chức ngành thử nghiệm**\n\n"
             "**Điều 5. Hoàn thiện hồ sơ và nhận việc**\n\n"
             "1. Chậm nhất là 20 ngày kể từ ngày danh sách trúng tuyển được công khai, người trúng tuyển phải "
             "hoàn thiện hồ sơ tuyển dụng.\n\n"
             "2. Chậm nhất là 30 ngày kể từ ngày có quyết định tuyển dụng, người được tuyển dụng phải đến nhận việc.\n\n"
             "**Điều 6. Quy trình tiếp nhận**\n\n"
             "Quy trình tiếp nhận được thực hiện theo các bước sau:\n\n"
             "Bước 1. Kiểm tra hồ sơ của người trúng tuyển;\n\nBước 2. Trình ký quyết định tiếp nhận;\n\n"
             "Bước 3. Thông báo cho người trúng tuyển.\n\n"
             "**Điều 7.** Quyết định này có hiệu lực thi hành kể từ ngày ký.\n\n"
             "|\nNơi nhận:\n- Như Điều 7;\n|\n**CHỦ TỊCH**\n**Lê Văn Thử**\n|\n")


@pytest.fixture(scope="module")
def two_parts(tmp_path_factory):
    return _assistant(tmp_path_factory, {"qd_15.md": TWO_PARTS, "qd_12.md": PLAN})


def test_content_clauses_keep_the_words_that_ask_nothing_with_the_next_clause() -> None:
    from assistant.parts import content_clauses

    assert content_clauses(parse("qd 80 bac ninh: gui bao cao 6 thang va hang nam truoc ngay nao, gui ve co quan nao")) \
        == ["qd 80 bac ninh: gui bao cao 6 thang hang nam truoc ngay nao", "gui ve co quan nao"]
    assert content_clauses(parse("Sở Nội vụ có những phòng nào?")) == ["Sở Nội vụ có những phòng nào"]


@pytest.mark.parametrize("question", [
    "Theo Quyết định 15/QĐ-UBND, người trúng tuyển phải hoàn thiện hồ sơ trong bao lâu, và có quyết định tuyển dụng "
    "rồi thì chậm nhất bao nhiêu ngày phải đến nhận việc?",
    "qd 15/qd-ubnd thu nghiem: nguoi trung tuyen hoan thien ho so trong bao lau, co quyet dinh tuyen dung roi thi "
    "cham nhat bao nhieu ngay phai den nhan viec",
])
def test_a_question_asking_two_things_gets_both_from_two_sentences(two_parts, question: str) -> None:
    answer = two_parts.ask(question)
    assert not answer.abstained, answer.answer
    assert "20 ngày" in answer.answer and "30 ngày" in answer.answer
    quotes = " ".join(c.quote for c in answer.citations)
    assert "hoàn thiện hồ sơ" in quotes and "đến nhận việc" in quotes


def test_a_list_question_gets_every_item(two_parts) -> None:
    answer = two_parts.ask("Theo Quyết định 15/QĐ-UBND, quy trình tiếp nhận gồm những bước nào?")
    assert not answer.abstained, answer.answer
    assert all(step in answer.answer for step in ("Kiểm tra hồ sơ", "Trình ký", "Thông báo"))


def test_a_short_subject_before_va_shares_the_predicate() -> None:
    from assistant.parts import content_clauses

    asked = content_clauses(parse("Theo Nghị định 170/2025/NĐ-CP, thương binh và người hoàn thành nghĩa vụ quân sự "
                                  "được cộng bao nhiêu điểm ưu tiên?"))
    assert asked[-1] == "thương binh được cộng bao nhiêu điểm ưu tiên"
    # a longer phrase before "và", or one with figures, is no subject of the clause after it
    assert len(content_clauses(parse("Theo Quyết định 80/2025/QĐ-UBND của tỉnh Bắc Ninh về cổng thông tin và ban biên "
                                     "tập phải gửi báo cáo trước ngày nào?"))) == 1


TWO_SUBJECTS = TWO_PARTS.replace("**Điều 6. Quy trình tiếp nhận**", "**Điều 5a. Điểm ưu tiên**\n\n"
                                 "a) Thương binh: Được cộng 7,5 điểm vào kết quả điểm thi.\n\n"
                                 "b) Người hoàn thành nghĩa vụ quân sự: Được cộng 2,5 điểm vào kết quả điểm thi.\n\n"
                                 "**Điều 6. Quy trình tiếp nhận**")


def test_two_subjects_of_one_predicate_get_both_values(tmp_path_factory) -> None:
    assistant = _assistant(tmp_path_factory, {"qd_15.md": TWO_SUBJECTS})
    answer = assistant.ask("Theo Quyết định 15/QĐ-UBND, thương binh và người hoàn thành nghĩa vụ quân sự được cộng "
                           "bao nhiêu điểm ưu tiên?")
    assert not answer.abstained, answer.answer
    assert "7,5 điểm" in answer.answer and "2,5 điểm" in answer.answer
