"""Running a (fake) assistant: exact FORMAT.md records, retrieval ranks, filters, resilience."""

from __future__ import annotations

from pathlib import Path

from eval.runner import read_answers, run_eval, write_answers

from .conftest import DOC_A, FakeAssistant

RECORD_KEYS = ["id", "question", "answer", "abstained", "citations", "latency_ms"]
CITATION_KEYS = ["doc_id", "title", "section", "task_id", "page", "quote"]


def test_records_and_ranks(questions) -> None:
    fake = FakeAssistant()
    run = run_eval(fake, questions, progress=False)
    assert [r["id"] for r in run.records] == [q.id for q in questions]
    for r in run.records:
        assert list(r) == RECORD_KEYS
        assert all(list(c) == CITATION_KEYS for c in r["citations"])
        assert isinstance(r["latency_ms"], float)
    q1 = run.records[0]
    assert q1["citations"][0] == {"doc_id": DOC_A, "title": "", "section": "I", "task_id": "I.5", "page": None,
                                  "quote": "đạt tỷ lệ TOI THIEU 20% số hồ sơ"}
    assert {k: (v.gold_rank, v.doc_rank) for k, v in run.ranks.items()} == {
        "q1": (1, 1), "q2": (3, 2), "q3": (7, 1), "q4": (None, None)}
    assert fake.searched == ["q1", "q2", "q3", "q4"]  # unanswerable questions are not searched
    assert not run.errors and not run.retrieval_only


def test_retrieval_only_never_asks(questions) -> None:
    fake = FakeAssistant()
    run = run_eval(fake, questions, retrieval_only=True, progress=False, k=5)
    assert fake.asked == [] and run.records == []
    assert run.ranks["q3"].gold_rank is None  # rank 7 is beyond k=5
    assert run.ranks["q2"].n_hits == 3


def test_filters(questions) -> None:
    fake = FakeAssistant()
    run = run_eval(fake, questions, progress=False, lang="vi", kind="unanswerable", limit=1)
    assert [q.id for q in run.questions] == ["q5"] and fake.asked == ["q5"]


def test_errors_fail_one_question_not_the_run(questions) -> None:
    class Flaky(FakeAssistant):
        def ask(self, question: str):
            if self.by_question[question] == "q1":
                raise RuntimeError("model crashed")
            return super().ask(question)

        def search(self, query: str, k: int = 10, doc_id: str | None = None):
            if self.by_question[query] == "q2":
                raise TimeoutError("index busy")
            return super().search(query, k, doc_id)

    run = run_eval(Flaky(), questions, progress=False)
    assert run.records[0]["answer"] == "" and run.records[0]["abstained"] is False
    assert "model crashed" in run.errors["q1"] and "index busy" in run.errors["q2"]
    assert run.ranks["q2"].gold_rank is None and len(run.records) == 6


def test_progress_bar_does_not_break(questions) -> None:
    run = run_eval(FakeAssistant(), questions[:2], progress=True)
    assert len(run.records) == 2


def test_write_and_read_answers_utf8(tmp_path: Path, records) -> None:
    path = write_answers(tmp_path / "sub" / "answers.jsonl", records)
    raw = path.read_text(encoding="utf-8")
    assert "Lương cơ bản" in raw and "\\u" not in raw  # ensure_ascii=False
    assert len(raw.splitlines()) == len(records)
    assert read_answers(path) == records
