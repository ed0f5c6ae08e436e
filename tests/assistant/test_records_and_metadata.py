"""Questions about a crawled decision the project was not written for: a signature block before
its appendix, a proposal, entry into force, two step tables with the same steps, a list of
procedures grouped A/B with numbering that restarts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

DECISION = Path(__file__).parent / "data" / "crawled_decision_812.md"


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    from assistant.core import Assistant
    from assistant.settings import Settings

    corpus = tmp_path_factory.mktemp("decision_corpus")
    shutil.copy(DECISION, corpus / DECISION.name)
    return Assistant(Settings(data_dir=tmp_path_factory.mktemp("decision_data"), embedding_model="none",
                              corpus_dir=corpus))


def test_metadata_of_the_decision(assistant):
    doc = assistant.state.docs[0]
    meta = doc.metadata
    assert (meta.number, meta.date, meta.kind) == ("812/QĐ-UBND", "14/10/2025", "Quyết định")
    assert meta.issuer == "Ủy ban nhân dân tỉnh Cao Bằng"
    assert (meta.signer, meta.signer_role) == ("Bế Thanh Tịnh", "KT. CHỦ TỊCH PHÓ CHỦ TỊCH")
    assert doc.text[slice(*meta.proposal_span)].startswith("Theo đề nghị của Giám đốc Sở Tư pháp")
    assert "20 tháng 10 năm 2025" in doc.text[slice(*meta.effective_span)]
    assert len(meta.basis_spans) == 1 and doc.text[slice(*meta.recipients_span)].startswith("Nơi nhận")


@pytest.mark.parametrize("question, expected", [
    ("Quyết định 812/QĐ-UBND của tỉnh Cao Bằng có số hiệu gì, ban hành ngày nào, ai ký và với chức vụ gì?",
     ["812/QĐ-UBND", "14/10/2025", "Bế Thanh Tịnh", "PHÓ CHỦ TỊCH"]),
    ("quyet dinh 812 cao bang ban hanh theo de nghi cua ai, to trinh so may?", ["Giám đốc Sở Tư pháp", "215/TTr-STP"]),
    ("Quyết định 812/QĐ-UBND có hiệu lực từ ngày nào?", ["20 tháng 10 năm 2025"]),
    ("Who signed Decision 812/QĐ-UBND of Cao Bằng and in what capacity?", ["Bế Thanh Tịnh", "PHÓ CHỦ TỊCH"]),
])
def test_metadata_questions_in_several_parts(assistant, question, expected):
    answer = assistant.ask(question)
    assert not answer.abstained, answer.answer
    for value in expected:
        assert value in answer.answer, (value, answer.answer)
    assert answer.citations and all(c.quote in assistant.document_text(c.doc_id) for c in answer.citations)


def test_a_step_is_found_in_the_procedure_the_question_names(assistant):
    answer = assistant.ask("Quyết định 812/QĐ-UBND, thủ tục đăng ký kết hôn: bước 2 do ai thực hiện, mất mấy ngày?")
    assert not answer.abstained
    assert "Công chức tư pháp - hộ tịch" in answer.answer and "3 ngày" in answer.answer
    assert "Đơn vị/người thực hiện" in answer.answer  # the table's own label


def test_a_step_named_by_its_content(assistant):
    answer = assistant.ask("Trong quy trình đăng ký khai sinh theo Quyết định 812/QĐ-UBND, bước thẩm định hồ sơ, "
                           "trình ký giấy khai sinh do ai thực hiện và mất bao lâu?")
    assert not answer.abstained
    assert "Công chức tư pháp - hộ tịch" in answer.answer and "1 ngày" in answer.answer


def test_a_procedure_named_by_number_and_group(assistant):
    answer = assistant.ask("Thủ tục số 1 mục B trong danh mục của Quyết định 812/QĐ-UBND do cơ quan nào thực hiện?")
    assert not answer.abstained
    assert "Ủy ban nhân dân cấp xã" in answer.answer and "Sở Tư pháp" not in answer.answer


def test_a_cited_row_carries_its_labelled_fields(assistant):
    answer = assistant.ask("Quyết định 812/QĐ-UBND, thủ tục đăng ký kết hôn: bước 3 do ai thực hiện?")
    row = next(c for c in answer.citations if c.fields)
    text = assistant.document_text(row.doc_id)
    labels = [f.label for f in row.fields]
    assert labels[:2] == ["Nội dung công việc", "Đơn vị/người thực hiện"]
    assert all(text[f.start:f.end] == f.text for f in row.fields)


def _decision_in_force_with(tmp_path, rest: str):
    """An assistant over the decision whose entry-into-force sentence goes on with ``rest``."""
    from assistant.core import Assistant
    from assistant.settings import Settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    sentence = "có hiệu lực thi hành kể từ ngày 20 tháng 10 năm 2025"
    text = DECISION.read_text(encoding="utf-8").replace(sentence + ".", sentence + rest)
    (corpus / DECISION.name).write_text(text, encoding="utf-8")
    return Assistant(Settings(data_dir=tmp_path / "data", embedding_model="none", corpus_dir=corpus))


def test_signer_and_what_it_replaces_are_both_answered(tmp_path):
    """A two-part question whose second part ("thay thế quyết định nào") is stated in the
    entry-into-force article: the metadata answer quotes that article beside the signer."""
    replaced = _decision_in_force_with(tmp_path, " và thay thế Quyết định số 99/QĐ-UBND ngày 02 tháng 3 năm 2020 "
                                                 "của Ủy ban nhân dân tỉnh.")
    answer = replaced.ask("quyet dinh 812/QD-UBND cao bang do ai ky va thay the quyet dinh nao")
    assert not answer.abstained and "Bế Thanh Tịnh" in answer.answer and "99/QĐ-UBND" in answer.answer, answer.answer
    assert all(c.quote in replaced.document_text(c.doc_id) for c in answer.citations)


def test_no_entry_into_force_quote_when_it_names_no_replacement(assistant):
    answer = assistant.ask("quyet dinh 812/QD-UBND cao bang do ai ky va thay the quyet dinh nao")
    assert "Bế Thanh Tịnh" in answer.answer and "Hiệu lực" not in answer.answer, answer.answer


def test_every_replaced_document_is_listed(tmp_path):
    """"thay thế những quyết định nào" is answered with all the documents replaced, not the first."""
    replaced = _decision_in_force_with(tmp_path, ", thay thế Quyết định số 99/QĐ-UBND ngày 02/3/2020 về quản lý; "
                                                 "Quyết định số 100/QĐ-UBND ngày 05/6/2021 về kiểm tra.")
    answer = replaced.ask("Quyết định 812/QĐ-UBND của tỉnh Cao Bằng thay thế những quyết định nào?")
    assert not answer.abstained and "99/QĐ-UBND" in answer.answer and "100/QĐ-UBND" in answer.answer, answer.answer
    assert all(c.quote in replaced.document_text(c.doc_id) for c in answer.citations)


def test_a_long_entry_into_force_article_lists_the_numbers_it_repeals() -> None:
    """Full titles of the repealed documents would be cut after the first; their numbers all fit."""
    from assistant.fact_answer import _effective_with_numbers

    clause = ("Nghị định này có hiệu lực thi hành kể từ ngày 01 tháng 7 năm 2025. 2. Các văn bản sau hết hiệu lực: "
              + " ".join(f"{c}) Nghị định số {n}/20{10 + i}/NĐ-CP ngày 25 tháng 01 năm 20{10 + i} của Chính phủ quy định "
                         "những người là công chức và các chế độ liên quan;" for i, (c, n) in enumerate(zip("abcde", (6, 46, 138, 62, 116)))))
    out = _effective_with_numbers(clause, 420, english=False)
    assert out.startswith("“Nghị định này có hiệu lực thi hành kể từ ngày 01 tháng 7 năm 2025.”")
    assert all(n in out for n in ("6/2010/NĐ-CP", "46/2011/NĐ-CP", "138/2012/NĐ-CP", "116/2014/NĐ-CP"))
    assert len(out) <= 620
    assert _effective_with_numbers("Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng chịu trách nhiệm thi hành.",
                                   20, english=False) == ""


AMENDING = ("| CHÍNH PHỦ | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\n| --- | --- |\n"
            "| Số: 16/2025/NĐ-CP | Hà Nội, ngày 04 tháng 02 năm 2025 |\n\n**NGHỊ ĐỊNH**\n\n"
            "**SỬA ĐỔI, BỔ SUNG MỘT SỐ ĐIỀU CỦA NGHỊ ĐỊNH SỐ 72/2020/NĐ-CP NGÀY 30 THÁNG 6 NĂM 2020 CỦA CHÍNH PHỦ "
            "QUY ĐỊNH CHI TIẾT LUẬT DÂN QUÂN TỰ VỆ**\n\n"
            "**Điều 1.** Sửa đổi khoản 2 Điều 7 về mức phụ cấp.\n\n"
            "**Điều 2.** Nghị định này có hiệu lực thi hành từ ngày 23 tháng 3 năm 2025.\n\n"
            "|\n**TM. CHÍNH PHỦ**\n**KT. THỦ TƯỚNG**\n**PHÓ THỦ TƯỚNG**\n**Lê Văn Thử**\n|\n")


@pytest.mark.parametrize("question", ["Nghị định 16/2025/NĐ-CP sửa đổi nghị định nào?",
                                      "Which earlier decree does Decree 16/2025/NĐ-CP amend?"])
def test_an_amending_document_names_what_it_amends_from_its_title(tmp_path, question: str) -> None:
    from assistant.fact_answer import answer_metadata
    from assistant.query import parse
    from ingest.pipeline import parse_file

    path = tmp_path / "nd_16.md"
    path.write_text(AMENDING, encoding="utf-8")
    doc = parse_file(path)
    draft = answer_metadata(parse(question), [doc], [doc.doc_id])
    assert draft is not None and not draft.abstained
    assert "72/2020/NĐ-CP" in draft.answer and "72/2020/NĐ-CP" in draft.citations[0].quote
