"""Fixtures for the eval suite: a tiny question set and a fake assistant with canned answers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assistant.schema import Answer, Citation, SearchHit
from eval.questions import Question, parse_questions

SHARED = Path(__file__).resolve().parents[3] / "shared" / "eval"
SCORE_PY = SHARED / "score.py"

DOC_A = "002_715e714f03913b35"
DOC_B = "000_72f1ce626ddca84b"

QUESTION_ROWS: list[dict[str, Any]] = [
    {"id": "q1", "question": "Ai chủ trì nhiệm vụ I.5 và khi nào phải hoàn thành?", "lang": "vi",
     "kind": "task_lookup", "answerable": True, "doc": DOC_A,
     "expect_all": ["Phòng Tổ chức, biên chế", "Quý III/2026"], "expect_any": [], "gold_quote": ["tối thiểu 20%"]},
    {"id": "q2", "question": "ai chu tri nhiem vu IV.1", "lang": "vi-noaccent", "kind": "task_lookup",
     "answerable": True, "doc": DOC_A, "expect_all": ["Phòng Tổ chức"], "expect_any": [],
     "gold_quote": ["sắp xếp, tinh gọn tổ chức bộ máy"]},
    {"id": "q3", "question": "When is the Q1 report due?", "lang": "en", "kind": "deadline", "answerable": True,
     "doc": DOC_B, "expect_all": [], "expect_any": [["01/3", "1/3", "ngày 01 tháng 3"]],
     "gold_quote": ["Báo cáo Quý I"]},
    {"id": "q4", "question": "Tỷ lệ hài lòng phải đạt bao nhiêu?", "lang": "vi", "kind": "target",
     "answerable": True, "doc": DOC_B, "expect_all": ["95%"], "expect_any": [], "gold_quote": ["95% người dân"]},
    {"id": "q5", "question": "Lương cơ bản năm 2026 là bao nhiêu?", "lang": "vi", "kind": "unanswerable",
     "answerable": False, "doc": None, "expect_all": [], "expect_any": [], "gold_quote": []},
    {"id": "q6", "question": "Sở Y tế giao nhiệm vụ gì cho bệnh viện <tỉnh>?", "lang": "vi", "kind": "unanswerable",
     "answerable": False, "doc": None, "expect_all": [], "expect_any": [], "gold_quote": []},
]

# What the fake assistant says, per question id: right, wrong in several ways, abstentions.
CANNED: dict[str, dict[str, Any]] = {
    "q1": {"answer": "Phong To chuc, bien che chu tri; hoan thanh quy iii/2026.", "abstained": False,
           "citations": [{"doc_id": DOC_A, "section": "I", "task_id": "I.5",
                          "quote": "đạt tỷ lệ TOI THIEU 20% số hồ sơ"}]},
    "q2": {"answer": "Phòng Tổ chức", "abstained": False,  # right content, wrong document cited
           "citations": [{"doc_id": DOC_B, "quote": "sắp xếp, tinh gọn tổ chức bộ máy"}]},
    "q3": {"answer": "Không tìm thấy trong tài liệu.", "abstained": True, "citations": []},  # abstains wrongly
    "q4": {"answer": "95% " + "x" * 700, "abstained": False,  # dumped page: over 700 characters
           "citations": [{"doc_id": DOC_B, "quote": "95% người dân hài lòng"}]},
    "q5": {"answer": "Tài liệu không nêu.", "abstained": True, "citations": []},
    "q6": {"answer": "Bệnh viện <script>alert(1)</script> phải báo cáo.", "abstained": False, "citations": []},
}

# Search results per question id: (doc_id, text) in rank order.
HITS: dict[str, list[tuple[str, str]]] = {
    "q1": [(DOC_A, "... tối thiểu 20% ...")],                               # rank 1
    "q2": [(DOC_B, "sắp xếp, tinh gọn tổ chức bộ máy"), (DOC_A, "khác"),
           (DOC_A, "SAP XEP, TINH GON to chuc bo may cua co quan")],         # rank 3 (folded)
    "q3": [(DOC_B, "không liên quan")] * 6 + [(DOC_B, "Báo cáo Quý I gửi trước 01/3")],  # rank 7
    "q4": [(DOC_A, "95% người dân")],                                       # wrong doc only: miss
}


def write_questions(path: Path, rows: list[dict[str, Any]] | None = None) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in (rows or QUESTION_ROWS)),
                    encoding="utf-8")
    return path


def record(qid: str, **over: Any) -> dict[str, Any]:
    """A FORMAT.md answer record from the canned answers."""
    q = next(r for r in QUESTION_ROWS if r["id"] == qid)
    rec = {"id": qid, "question": q["question"], "latency_ms": 10.0, **CANNED[qid]}
    rec.update(over)
    return rec


class FakeAssistant:
    """Returns the canned answers and hits; counts calls so tests can see what was asked."""

    def __init__(self) -> None:
        self.by_question = {r["question"]: r["id"] for r in QUESTION_ROWS}
        self.asked: list[str] = []
        self.searched: list[str] = []

    def ask(self, question: str) -> Answer:
        qid = self.by_question[question]
        self.asked.append(qid)
        c = CANNED[qid]
        return Answer(question=question, answer=c["answer"], abstained=c["abstained"],
                      citations=[Citation(**cit) for cit in c["citations"]])

    def search(self, query: str, k: int = 10, doc_id: str | None = None) -> list[SearchHit]:
        qid = self.by_question[query]
        self.searched.append(qid)
        return [SearchHit(doc_id=d, chunk_id=f"{qid}-{i}", start=0, end=len(t), text=t, score=1.0 / (i + 1))
                for i, (d, t) in enumerate(HITS.get(qid, []))][:k]


@pytest.fixture
def questions() -> list[Question]:
    return parse_questions([json.dumps(r, ensure_ascii=False) for r in QUESTION_ROWS])


@pytest.fixture
def questions_file(tmp_path: Path) -> Path:
    return write_questions(tmp_path / "questions.jsonl")


@pytest.fixture
def records() -> list[dict[str, Any]]:
    return [record(qid) for qid in CANNED]
