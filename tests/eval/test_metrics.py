"""Metric functions on hand-made records: the score.py rules and the aggregates built on them."""

from __future__ import annotations

import importlib.util

import pytest

from eval.metrics import (
    MAX_ANSWER_CHARS, Ranks, compute_metrics, confident_wrong, failure_reasons, gold_rank, doc_rank, judge,
    percentile, retrieval_metrics,
)
from eval.questions import Question
from ingest.text import fold

from .conftest import DOC_A, DOC_B, SHARED, record

Q = Question(id="x", question="?", lang="vi", kind="task_lookup", answerable=True, doc=DOC_A,
             expect_all=("Quý III/2026",), expect_any=(("Văn phòng Sở", "VP Sở"), ("thường xuyên", "hằng năm")),
             gold_quote=("tối thiểu 20%", "toi thieu 20 phan tram"))
UNANS = Question(id="u", question="?", lang="vi", kind="unanswerable", answerable=False, doc=None)


def rec(answer: str, *, doc: str = DOC_A, quote: str = "đạt tối thiểu 20% hồ sơ", abstained: bool = False,
        key: str = "quote") -> dict:
    return {"id": "x", "answer": answer, "abstained": abstained, "citations": [{"doc_id": doc, key: quote}]}


GOOD = "Văn phòng Sở, thực hiện thường xuyên, xong Quý III/2026"


def test_right_answer_is_right() -> None:
    j = judge(Q, rec(GOOD))
    assert (j.answer, j.cited, j.abstain_ok, j.concise, j.right) == (True, True, True, True, True)
    assert failure_reasons(Q, rec(GOOD)) == []


def test_accent_folding_in_answer_and_quote() -> None:
    # no diacritics, other case, NFD-decomposed text, đ and odd spacing all match
    import unicodedata
    answer = unicodedata.normalize("NFD", "VAN PHONG SO;  hang   nam; quy iii/2026")
    assert judge(Q, rec(answer, quote="DAT TOI THIEU\u00a020% HO SO")).right
    assert fold("Đề án\tVTVL") == "de an vtvl"


def test_expect_any_needs_one_string_of_every_group() -> None:
    assert judge(Q, rec("VP Sở, hằng năm, Quý III/2026")).right
    j = judge(Q, rec("Văn phòng Sở, Quý III/2026"))  # second group unmatched
    assert not j.answer and not j.right
    assert any("one of: thường xuyên | hằng năm" in r for r in failure_reasons(Q, rec("Văn phòng Sở, Quý III/2026")))


def test_missing_expect_all_string() -> None:
    j = judge(Q, rec("Văn phòng Sở, thường xuyên"))
    assert not j.answer and j.cited and not j.right


def test_700_character_rule() -> None:
    pad = GOOD + " " + "x" * (MAX_ANSWER_CHARS - len(GOOD) - 1)
    assert len(pad) == MAX_ANSWER_CHARS and judge(Q, rec(pad)).right
    long = pad + "x"
    j = judge(Q, rec(long))
    assert j.answer and j.cited and not j.concise and not j.right
    assert not confident_wrong(Q, rec(long))  # content is right: not a hallucination
    assert any("too long (701 > 700" in r for r in failure_reasons(Q, rec(long)))


def test_citation_of_the_wrong_doc() -> None:
    j = judge(Q, rec(GOOD, doc=DOC_B))
    assert j.answer and not j.cited and not j.right
    assert any(f"cited: {DOC_B}" in r for r in failure_reasons(Q, rec(GOOD, doc=DOC_B)))


def test_citation_quote_without_gold_and_text_fallback() -> None:
    assert not judge(Q, rec(GOOD, quote="một đoạn khác")).cited
    assert judge(Q, rec(GOOD, key="text")).right  # score.py also reads "text"
    assert not judge(Q, {"id": "x", "answer": GOOD, "abstained": False, "citations": None}).cited


def test_abstention_on_answerable_question() -> None:
    r = rec(GOOD, abstained=True)
    j = judge(Q, r)
    assert (j.answer, j.cited, j.abstain_ok, j.right) == (False, True, False, False)
    assert not confident_wrong(Q, r)
    assert "abstained on an answerable question" in failure_reasons(Q, r)


def test_unanswerable() -> None:
    assert judge(UNANS, {"answer": "không có", "abstained": True}).right
    answered = {"answer": "Lương là 2,34 triệu", "abstained": False}
    assert not judge(UNANS, answered).right and confident_wrong(UNANS, answered)


def test_missing_record_and_none_answer() -> None:
    j = judge(Q, None)
    assert not any((j.answer, j.cited, j.abstain_ok, j.right)) and not confident_wrong(Q, None)
    assert failure_reasons(Q, None) == ["no answer record"]
    assert not judge(Q, {"answer": None, "abstained": False}).right  # no crash on null answer


def test_confident_wrong_when_content_wrong() -> None:
    assert confident_wrong(Q, rec("Sở Nội vụ, Quý I/2025"))


def test_aggregates(questions, records) -> None:
    m = compute_metrics(questions, records)
    assert m.n == 6 and m.score == pytest.approx(2 / 6)
    assert m.confident_wrong == 1 and m.truthfulness == pytest.approx(1 / 6)
    assert list(m.by_kind) == ["task_lookup", "deadline", "target", "unanswerable"]
    tl = m.by_kind["task_lookup"]
    assert (tl.n, tl.right, tl.answer, tl.cited, tl.abstain_ok) == (2, 0.5, 1.0, 0.5, 1.0)
    assert m.by_kind["deadline"].abstain_ok == 0.0
    assert m.by_lang["vi"].n == 4 and m.by_lang["vi"].right == 0.5 and m.by_lang["en"].right == 0.0
    assert m.overall.answer == pytest.approx(4 / 6)  # an abstention on an unanswerable counts as answer
    a = m.abstention
    assert (a.abstained, a.unanswerable, a.correct, a.precision, a.recall) == (2, 2, 1, 0.5, 0.5)
    assert [f.id for f in m.failures] == ["q2", "q3", "q4", "q6"]
    assert m.latency.n == 6 and m.latency.p50 == 10.0
    per_q = {q.id: q for q in m.questions}
    assert per_q["q1"].right is True and per_q["q6"].confident_wrong is True
    assert m.retrieval is None  # no ranks given: retrieval not measured


def test_missing_records_count_as_wrong(questions, records) -> None:
    m = compute_metrics(questions, [r for r in records if r["id"] != "q1"])
    assert m.score == pytest.approx(1 / 6)
    assert "no answer record" in next(f for f in m.failures if f.id == "q1").reasons


def test_percentile_and_latency() -> None:
    xs = list(range(1, 11))
    assert percentile(xs, 50) == 5.5
    assert percentile(xs, 95) == pytest.approx(9.55)
    assert percentile([], 50) is None and percentile([7.0], 95) == 7.0


class H:
    def __init__(self, doc_id: str, text: str) -> None:
        self.doc_id, self.text = doc_id, text


def test_gold_rank_on_fake_hits() -> None:
    hits = [H(DOC_B, "tối thiểu 20%"), H(DOC_A, "khác"), H(DOC_A, "TOI THIEU  20% ho so")]
    assert gold_rank(Q, hits) == 3  # the wrong doc's hit with the quote does not count
    assert doc_rank(Q, hits) == 2
    assert gold_rank(Q, hits[:2]) is None


def test_recall_and_mrr() -> None:
    ranks = [Ranks(1, 1), Ranks(3, 2), Ranks(7, 1), Ranks(None, None), None]
    r = retrieval_metrics(ranks)
    assert r.n == 5
    assert r.recall == {1: 0.2, 5: 0.4, 10: 0.6}
    assert r.mrr == pytest.approx((1 + 1 / 3 + 1 / 7) / 5)
    assert r.doc_recall[1] == pytest.approx(0.4) and r.doc_mrr == pytest.approx((1 + 0.5 + 1) / 5)
    empty = retrieval_metrics([])
    assert empty.n == 0 and empty.mrr is None and empty.recall[10] is None


def test_retrieval_per_lang_and_retrieval_only(questions) -> None:
    ranks = {"q1": Ranks(1, 1, 1, 5.0), "q2": Ranks(3, 2, 3, 7.0), "q3": Ranks(7, 1, 7, 9.0),
             "q4": Ranks(None, None, 1, 11.0)}
    m = compute_metrics(questions, None, ranks, retrieval_only=True)
    assert m.retrieval.n == 4  # unanswerable questions are not retrieval questions
    assert m.retrieval.recall == {1: 0.25, 5: 0.5, 10: 0.75}
    assert m.retrieval.mrr == pytest.approx((1 + 1 / 3 + 1 / 7) / 4)
    assert m.retrieval_by_lang["vi"].mrr == pytest.approx(0.5)
    assert m.retrieval_by_lang["vi-noaccent"].mrr == pytest.approx(1 / 3)
    assert m.score is None and m.overall is None and m.headline == 0.75
    assert [f.id for f in m.failures] == ["q4"]
    assert m.latency.p50 == 8.0  # search latency stands in when nothing was asked


@pytest.mark.skipif(not (SHARED / "norm.py").exists(), reason="shared norm.py absent")
def test_fold_is_the_reference_fold() -> None:
    spec = importlib.util.spec_from_file_location("norm_ref", SHARED / "norm.py")
    norm = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(norm)
    for s in ["Quý III/2026", "ĐỀ ÁN  VTVL", "Tinh - Gọn - Mạnh\u00a0", "", "Nghị quyết số 02/NQ-CP", "Ñandú"]:
        assert fold(s) == norm.fold(s)


def test_record_helper_roundtrip() -> None:
    assert record("q1", answer="x")["answer"] == "x"


def test_calibration_figures_of_a_run():
    from eval.calibration import calibration
    from eval.questions import parse_questions

    lines = [
        '{"id": "a", "question": "q", "lang": "vi", "kind": "fact", "answerable": true, "doc": "d", '
        '"expect_all": ["x"], "expect_any": [], "gold_quote": ["x"]}',
        '{"id": "b", "question": "q", "lang": "vi", "kind": "fact", "answerable": true, "doc": "d", '
        '"expect_all": ["y"], "expect_any": [], "gold_quote": ["y"]}',
        '{"id": "c", "question": "q", "lang": "vi", "kind": "unanswerable", "answerable": false, "doc": null, '
        '"expect_all": [], "expect_any": [], "gold_quote": []}',
    ]
    qs = parse_questions(lines)
    records = {
        "a": {"id": "a", "answer": "x", "abstained": False, "citations": [{"doc_id": "d", "quote": "x"}]},
        "b": {"id": "b", "answer": "z", "abstained": False, "citations": [{"doc_id": "d", "quote": "z"}]},
        "c": {"id": "c", "answer": "", "abstained": True, "citations": []},
    }
    cal = calibration(qs, records, {"a": 0.9, "b": 0.3})
    assert cal.n_answered == 2
    assert cal.ece == round((abs(0.9 - 1) + abs(0.3 - 0)) / 2, 4)
    at_half = next(p for p in cal.curve if p["threshold"] == 0.5)
    assert (at_half["right"], at_half["confidently_wrong"], at_half["abstained"]) == (2, 0, 2)
