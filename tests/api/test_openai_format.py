"""The text of an OpenAI-compatible reply: documents named by ``source``, a cited row as its labelled
fields on one line, the older title-and-number label when an answer has no ``source``."""

from __future__ import annotations

from assistant.schema import Answer, CitedField, Citation, DocumentInfo
from api.openai_format import FIELD_CHARS, SOURCES_HEADING, message_text, task_label

DOC = "crawled_decision_812"
SOURCE = "Quyết định 812/QĐ-UBND của Ủy ban nhân dân tỉnh Cao Bằng"
TITLE = "Quyết định về việc phê duyệt quy trình nội bộ giải quyết thủ tục hành chính lĩnh vực hộ tịch"
# one row of a step table as the cleaned text holds it: cells joined by tabs
ROW = "Bước 2\tCông chức tư pháp - hộ tịch\tThẩm định hồ sơ, trình ký giấy khai sinh\t1 ngày\tDự thảo giấy khai sinh"
TEXT = "PHỤ LỤC\nI. Thủ tục đăng ký khai sinh\n" + ROW + "\n"


def _field(label: str, value: str) -> CitedField:
    start = TEXT.index(value)
    return CitedField(label=label, text=value, start=start, end=start + len(value))


def _row_citation(**overrides: object) -> Citation:
    start = TEXT.index(ROW)
    values: dict[str, object] = dict(
        doc_id=DOC, title=TITLE, issuer="Ủy ban nhân dân tỉnh Cao Bằng", source=SOURCE,
        section="I. Thủ tục đăng ký khai sinh", task_id="Bước 2", quote=ROW, start=start, end=start + len(ROW),
        fields=[
            _field("Nội dung công việc", "Thẩm định hồ sơ, trình ký giấy khai sinh"),
            _field("Đơn vị/người thực hiện", "Công chức tư pháp - hộ tịch"),
            _field("Thời hạn giải quyết", "1 ngày"),
        ],
    )
    values.update(overrides)
    return Citation(**values)  # type: ignore[arg-type]


def _answer(*citations: Citation) -> Answer:
    return Answer(
        question="Bước 2 của thủ tục đăng ký khai sinh do ai thực hiện?",
        answer="Bước 2 (Quyết định 812/QĐ-UBND): “Thẩm định hồ sơ, trình ký giấy khai sinh”\n"
               "- Đơn vị/người thực hiện: Công chức tư pháp - hộ tịch",
        abstained=False,
        citations=list(citations),
    )


def _sources(text: str) -> list[str]:
    _, sep, sources = text.partition("\n\n" + SOURCES_HEADING + "\n")
    assert sep, text
    return sources.splitlines()


def test_row_citation_names_the_source_and_lists_labelled_fields() -> None:
    text = message_text(_answer(_row_citation()), {})
    assert _sources(text) == [
        f"- [1] {SOURCE} — mục I. Thủ tục đăng ký khai sinh · Bước 2: "
        "Nội dung công việc: “Thẩm định hồ sơ, trình ký giấy khai sinh”; "
        "Đơn vị/người thực hiện: “Công chức tư pháp - hộ tịch”; Thời hạn giải quyết: “1 ngày”"
    ]
    assert "\t" not in text and DOC not in text
    assert text.splitlines()[0].endswith("” [1]")  # the marker goes after the line naming the row


def test_source_wins_over_the_document_list() -> None:
    info = DocumentInfo(doc_id=DOC, title=TITLE, number="812/QĐ-UBND", issuer="Ủy ban nhân dân tỉnh Cao Bằng")
    lines = _sources(message_text(_answer(_row_citation()), {DOC: info}))
    assert lines[0].startswith(f"- [1] {SOURCE} — ")
    assert TITLE not in lines[0]


def test_long_fields_are_shortened_one_by_one() -> None:
    long_value = "Tiếp nhận, kiểm tra, " * 30
    citation = _row_citation(fields=[CitedField(label="Nội dung công việc", text=long_value, start=0, end=len(long_value)),
                                     CitedField(label="Thời hạn giải quyết", text="1 ngày", start=0, end=6)])
    (line,) = _sources(message_text(_answer(citation), {}))
    content = line.split("Nội dung công việc: “", 1)[1].split("”", 1)[0]
    assert len(content) <= FIELD_CHARS and content.endswith("…")
    assert line.endswith("; Thời hạn giải quyết: “1 ngày”")


def test_paragraph_citation_keeps_the_quote() -> None:
    quote = "Công chức Bộ phận Một cửa tiếp nhận hồ sơ.\tTrả kết quả đúng hạn."
    citation = Citation(doc_id=DOC, source=SOURCE, title=TITLE, quote=quote, start=0, end=len(quote), page=3)
    (line,) = _sources(message_text(_answer(citation), {}))
    assert line == f"- [1] {SOURCE} — trang 3: “Công chức Bộ phận Một cửa tiếp nhận hồ sơ. Trả kết quả đúng hạn.”"


def test_without_source_the_title_number_and_issuer_name_the_document() -> None:
    citation = _row_citation(source="", fields=[], task_id="III.5", section=None)
    info = DocumentInfo(doc_id=DOC, title=TITLE, number="812/QĐ-UBND", issuer="Ủy ban nhân dân tỉnh Cao Bằng")
    (line,) = _sources(message_text(_answer(citation), {DOC: info}))
    assert line.startswith(f"- [1] {TITLE} (số 812/QĐ-UBND) – Ủy ban nhân dân tỉnh Cao Bằng — nhiệm vụ III.5: “Bước 2 ")
    bare = Citation(doc_id=DOC, quote="Một câu.", start=0, end=8)  # nothing else known: the id is all there is
    assert _sources(message_text(_answer(bare), {}))[0] == f"- [1] {DOC}: “Một câu.”"


def test_task_label() -> None:
    assert task_label("III.5") == "nhiệm vụ III.5"
    assert task_label("A.I.2") == "nhiệm vụ A.I.2"
    assert task_label("III.1 (tiếp)") == "nhiệm vụ III.1 (tiếp)"
    assert task_label("Bước 2") == "Bước 2"
    assert task_label("B2.Bước 2") == "B2.Bước 2"


def test_no_citations_no_sources() -> None:
    answer = Answer(question="q", answer="Không tìm thấy trong tài liệu.", abstained=True)
    assert message_text(answer, {}) == "Không tìm thấy trong tài liệu."
