"""Administrative abbreviations: written out in questions, matched in evidence either way."""

from __future__ import annotations

from hypothesis import given, strategies as st

from assistant.abbreviations import with_expansions
from assistant.evidence import TermWeights, coverage
from assistant.query import parse


def test_abbreviations_are_written_out_but_codes_are_left_alone() -> None:
    assert with_expansions("ubnd xa gui bhyt") == "ubnd Ủy ban nhân dân xa gui bhyt bảo hiểm y tế"
    assert with_expansions("Bộ NN&MT và TP.HCM") == "Bộ NN&MT nông nghiệp và môi trường và TP.HCM thành phố Hồ Chí Minh"
    assert with_expansions("Kế hoạch số 29/KH-UBND") == "Kế hoạch số 29/KH-UBND"  # inside a document code
    assert with_expansions("HĐND tỉnh") == "HĐND Hội đồng nhân dân tỉnh"
    assert with_expansions("QĐ 44/2025/QĐ-TTg") == "QĐ Quyết định 44/2025/QĐ-TTg"


def test_a_kind_of_document_is_expanded_only_before_a_number() -> None:
    assert with_expansions("tt 69/2025") == "tt Thông tư 69/2025"
    assert with_expansions("nq so 37") == "nq Nghị quyết so 37"
    assert with_expansions("tt hanh chinh cong") == "tt hanh chinh cong"  # "tt" alone: a centre, an order, …


def test_documents_abbreviations_are_read_in_capitals() -> None:
    from assistant.abbreviations import expansions

    assert [full for *_, full in expansions("gửi BHXH và bhyt", capitals_only=True)] == ["bảo hiểm xã hội"]


def test_names_of_bodies_and_places_also_name_the_plan_written_out() -> None:
    assert with_expansions("gui bhxh") == "gui bhxh bảo hiểm xã hội"
    query = parse("nq 37/2025 hdnd tp hue: ubnd xa lap danh sach bhyt truoc ngay nao")
    assert "tp thành phố hue" in query.names_text and "bhyt" in query.names_text
    assert "bảo hiểm y tế" not in query.names_text  # a term, not a name
    assert query.search_text == query.text  # measured: written-out terms in the BM25 query cost more than they find


def test_evidence_in_one_form_covers_a_question_in_the_other() -> None:
    weights = TermWeights(["Ủy ban nhân dân xã lập danh sách bảo hiểm y tế", "UBND tỉnh gửi BHXH", "nội dung khác"])
    full = ["bảo hiểm y tế", "danh sách"]
    assert coverage(full, "UBND xã lập danh sách tham gia BHYT", weights, accented=True) == 1.0
    assert coverage(["bhyt", "danh sach"], "lập danh sách tham gia bảo hiểm y tế", weights, accented=False) == 1.0
    # a compound with an abbreviation in it keeps its words together in either form
    assert coverage(["tthc điện tử"], "giải quyết TTHC điện tử đạt 100%", weights, accented=True) == 1.0
    assert coverage(["tthc điện tử"], "giải quyết thủ tục hành chính điện tử", weights, accented=True) == 1.0
    assert coverage(full, "lập danh sách tham gia BHXH", weights, accented=True) < 1.0


@given(st.text(alphabet="abcdhnpqtuyx &/.-0123456789", max_size=60))
def test_expansion_never_loses_text_outside_abbreviations(text: str) -> None:
    out = with_expansions(text)
    assert out.startswith(text[:1]) and len(out) >= len(text)
    assert out.replace(" ", "").count("/") == text.replace(" ", "").count("/")
