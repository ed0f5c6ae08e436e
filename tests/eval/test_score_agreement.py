"""Our numbers must equal the reference scorer's on the same answers file (FORMAT.md)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from eval.metrics import compute_metrics
from eval.questions import load_questions
from eval.runner import write_answers

from .conftest import DOC_A, QUESTION_ROWS, SCORE_PY, SHARED, record, write_questions

pytestmark = pytest.mark.skipif(not SCORE_PY.exists(), reason="reference score.py absent")


def run_score_py(questions: Path, answers: Path) -> dict[str, str]:
    out = subprocess.run([sys.executable, str(SCORE_PY), str(questions), str(answers)], capture_output=True,
                         text=True, encoding="utf-8", check=True, timeout=60).stdout
    lines = {}
    for line in out.splitlines():
        head = line.split()[0] if line.split() else ""
        lines[head.rstrip(":")] = line
    return lines


def ours(metrics) -> dict[str, str]:
    """Our numbers in score.py's print format."""
    lines = {"score": f"score: {metrics.score:.3f}",
             "confident_wrong": f"confident_wrong: {metrics.confident_wrong}/{metrics.n}  "
                                f"truthfulness: {metrics.truthfulness:+.3f}"}
    groups = {"ALL": metrics.overall, **metrics.by_kind, **{f"lang:{k}": v for k, v in metrics.by_lang.items()}}
    for name, s in groups.items():
        lines[name] = (f"{name:22s} n={s.n:3d} right={s.right:.2f} answer={s.answer:.2f} cited={s.cited:.2f} "
                       f"abstain_ok={s.abstain_ok:.2f}")
    return lines


def assert_agree(questions_path: Path, answers_path: Path) -> None:
    ref = run_score_py(questions_path, answers_path)
    qs = load_questions(questions_path)
    recs = [json.loads(l) for l in answers_path.read_text(encoding="utf-8").splitlines() if l.strip()]
    mine = ours(compute_metrics(qs, recs))
    assert mine["score"] == ref["score"]
    assert mine["confident_wrong"] == ref["confident_wrong"]
    for name, line in mine.items():
        assert line == ref[name], name


def test_agrees_on_hand_made_answers(tmp_path: Path) -> None:
    qpath = write_questions(tmp_path / "q.jsonl")
    recs = [record(r["id"]) for r in QUESTION_ROWS]
    recs[0]["answer"] = recs[0]["answer"].ljust(700, "y")  # exactly at the 700-character limit: still right
    recs.append({**record("q2"), "citations": [{"doc_id": DOC_A, "text": "SAP XEP, TINH GON TO CHUC BO MAY"}]})
    apath = write_answers(tmp_path / "a.jsonl", recs)  # duplicate q2: last one wins on both sides
    assert_agree(qpath, apath)


def test_agrees_with_missing_records(tmp_path: Path) -> None:
    qpath = write_questions(tmp_path / "q.jsonl")
    apath = write_answers(tmp_path / "a.jsonl", [record("q1"), record("q6")])
    assert_agree(qpath, apath)


@pytest.mark.skipif(not (SHARED / "questions.jsonl").exists(), reason="shared question set absent")
def test_agrees_on_the_shared_question_set(tmp_path: Path) -> None:
    qpath = SHARED / "questions.jsonl"
    recs = []
    for i, q in enumerate(load_questions(qpath)):
        if not q.answerable:
            recs.append({"id": q.id, "answer": "", "abstained": i % 2 == 0, "citations": []})
            continue
        answer = " ".join(q.expect_all) if i % 3 else q.expect_all[0][:3]
        cite_doc = q.doc if i % 4 else "other_doc"
        recs.append({"id": q.id, "answer": re.sub(r"[àáạảã]", "a", answer), "abstained": i % 7 == 0,
                     "citations": [{"doc_id": cite_doc, "quote": "… " + q.gold_quote[-1].upper() + " …"}],
                     "latency_ms": float(i)})
    apath = write_answers(tmp_path / "a.jsonl", recs)
    assert_agree(qpath, apath)
