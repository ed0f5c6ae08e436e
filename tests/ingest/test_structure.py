"""Structure of every corpus plan: metadata, sections, facts, footnotes, chunks with provenance."""

from __future__ import annotations

import pytest

from tests.conftest import OCR_DOC, TABLE_DOC

METADATA = {
    "000_72f1ce626ddca84b": dict(kind="Kế hoạch", issuer="Ban Quản lý Khu kinh tế cửa khẩu Đồng Đăng - Lạng Sơn",
                                 period="2026", signer="Hoàng Viết Đông"),
    "001_5251ffbf2c3b1674": dict(kind="Kế hoạch", issuer="Ban Quản lý Khu kinh tế cửa khẩu Đồng Đăng - Lạng Sơn",
                                 number="/KH-BQLKKTCK", date="tháng 4/2026", period="2026", signer="Hoàng Viết Đông"),
    TABLE_DOC: dict(kind="Phụ lục", issuer="Sở Nội vụ Lạng Sơn", number="/KH-SNV", period="2026"),
    OCR_DOC: dict(kind="Kế hoạch", issuer="Sở Ngoại vụ", number="23/KH-SNgV", date="30/3/2026", period="2026–2030"),
    "004_09a2eaba18d10548": dict(kind="Kế hoạch", issuer="UBND xã Chi Lăng", number="/KH-UBND", date="tháng 4/2026",
                                 period="2026", signer="Hoàng Xuân Hòa"),
}


@pytest.mark.parametrize("doc_id", sorted(METADATA))
def test_metadata(parsed_docs, doc_id):
    meta = parsed_docs[doc_id].metadata
    for field, value in METADATA[doc_id].items():
        assert getattr(meta, field) == value, field


def test_titles(parsed_docs):
    assert parsed_docs["001_5251ffbf2c3b1674"].metadata.title.startswith("Kế hoạch tuyên truyền cải cách hành chính năm 2026")
    assert parsed_docs["004_09a2eaba18d10548"].metadata.title == "Kế hoạch cải cách hành chính xã Chi Lăng năm 2026"


def test_references_implemented_and_replaced(parsed_docs):
    implements = [r.number for r in parsed_docs["001_5251ffbf2c3b1674"].references if r.relation == "implements"]
    assert implements == ["110/KH-UBND", "120/KH-UBND", "152/KH-UBND"]
    replaces = [r.number for r in parsed_docs[OCR_DOC].references if r.relation == "replaces"]
    assert replaces == ["10/KH-SNgV"]


@pytest.mark.parametrize("doc_id,label,path", [
    ("000_72f1ce626ddca84b", "III.5", "III. NHIỆM VỤ, GIẢI PHÁP > 5. Cải cách chế độ công vụ"),
    ("000_72f1ce626ddca84b", "II.2.4", "II. MỤC TIÊU > 2. Chỉ tiêu cụ thể > 2.4. Cải cách chế độ công vụ"),
    ("004_09a2eaba18d10548", "IV.7", "IV. TỔ CHỨC THỰC HIỆN > 7. Trung tâm Dịch vụ công ích xã"),
    (OCR_DOC, "III.5", "III. NHIEM VU, GIAI PHAP > 5. Cai cach ché do cong vu"),
    (TABLE_DOC, "VII", "VII. XÂY DỰNG VÀ PHÁT TRIỂN CHÍNH QUYỀN ĐIỆN TỬ, CHÍNH QUYỀN SỐ"),
])
def test_section_paths(parsed_docs, doc_id, label, path):
    sections = {s.label: s for s in parsed_docs[doc_id].sections}
    assert sections[label].path == path


def test_every_plan_has_a_section_tree(parsed_docs):
    for doc in parsed_docs.values():
        romans = [s.label for s in doc.sections if s.level == 1]
        assert romans[:3] == ["I", "II", "III"], doc.doc_id


def test_responsibility_facts(parsed_docs):
    duties = {f.unit: f for f in parsed_docs["004_09a2eaba18d10548"].facts if f.kind == "responsibility"}
    assert "Trung tâm Dịch vụ công ích xã" in duties
    assert "tin bài về CCHC" in duties["Trung tâm Dịch vụ công ích xã"].text
    assert duties["Trung tâm Dịch vụ công ích xã"].text.startswith("7. Trung tâm Dịch vụ công ích xã")


def test_dated_obligations(parsed_docs):
    facts = [f for f in parsed_docs["000_72f1ce626ddca84b"].facts if f.kind == "deadline"]
    by_when = {f.when: f for f in facts}
    assert by_when["trước ngày 01/6"].text == "+ Báo cáo 6 tháng: Gửi trước ngày 01/6."
    assert by_when["trước ngày 01/6"].unit == "Trung tâm Quản lý cửa khẩu"
    assert any(f.when.startswith("chậm nhất 07 ngày") for f in facts)


def test_footnotes_attached_to_references(parsed_docs):
    doc = parsed_docs["001_5251ffbf2c3b1674"]
    notes = {n.mark: n for n in doc.footnotes}
    assert sorted(notes) == ["1", "2", "3", "4"]
    assert notes["4"].text.rstrip().endswith("Nghị quyết số 71/NQ-CP của Chính phủ năm 2026.")
    for note in notes.values():
        assert note.ref_offsets, note.mark
        assert all(not (note.start <= r < note.end) for r in note.ref_offsets)


@pytest.mark.parametrize("doc_id", sorted(METADATA))
def test_chunks_are_verbatim_spans_with_provenance(parsed_docs, doc_id):
    doc = parsed_docs[doc_id]
    assert doc.chunks
    for chunk in doc.chunks:
        assert doc.text[chunk.start:chunk.end] == chunk.text
        assert chunk.doc_id == doc_id
        assert len(chunk.text) <= 1200 or chunk.kind == "task"
    task_chunks = [c for c in doc.chunks if c.kind == "task"]
    assert len(task_chunks) == len(doc.tasks)


def test_chunks_never_cut_mid_sentence(parsed_docs):
    doc = parsed_docs["004_09a2eaba18d10548"]
    for chunk in doc.chunks:
        after = doc.text[chunk.end:chunk.end + 1]
        assert after in ("", "\n", " ")
        if after == " ":
            assert chunk.text.rstrip()[-1] in ".;:!?", chunk.text[-40:]


def test_ocr_document_is_flagged_and_searchable(parsed_docs):
    ocr = parsed_docs[OCR_DOC]
    assert ocr.ocr_damaged and not parsed_docs[TABLE_DOC].ocr_damaged
    assert "ke hoach so 110/kh-ubnd" in ocr.search_text
    assert "Ké hoach" in ocr.text  # the original stays quotable


from hypothesis import given, strategies as st  # noqa: E402

from ingest.clean import Block  # noqa: E402
from ingest.structure import MAX_ARTICLE_TITLE, heading_of  # noqa: E402


@given(st.integers(min_value=1, max_value=999), st.text(alphabet="abcđêô ,.;ĐT", min_size=1, max_size=400))
def test_an_article_line_opens_the_top_level_with_a_bounded_title(number: int, title: str) -> None:
    head = heading_of(Block("line", f"Điều {number}. {title}", None))
    assert head is not None
    level, label, text = head
    assert level == 1 and label == f"Điều {number}"
    assert len(text) <= MAX_ARTICLE_TITLE + 1


def test_a_sentence_mentioning_an_article_is_no_heading() -> None:
    assert heading_of(Block("line", "Theo Điều 5 của Luật này, các cơ quan phải báo cáo.", None)) is None
