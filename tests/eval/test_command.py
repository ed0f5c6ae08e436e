"""End-to-end ``eval_command`` with a fake assistant: files written, summary printed, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from eval.command import eval_command

from .conftest import DOC_A, DOC_B, QUESTION_ROWS, SCORE_PY, FakeAssistant, write_questions


def call(questions: Path, tmp_path: Path, **kw):
    args = dict(assistant_factory=FakeAssistant, questions=questions, answers_out=tmp_path / "answers.jsonl",
                report=tmp_path / "report.html", json_out=tmp_path / "metrics.json", baseline=None, limit=None,
                kind=None, lang=None, retrieval_only=False, min_score=None, known_docs={DOC_A, DOC_B},
                progress=False)
    args.update(kw)
    return eval_command(**args)


def test_end_to_end(tmp_path: Path, questions_file: Path, capsys) -> None:
    assert call(questions_file, tmp_path) == 0
    out = capsys.readouterr().out
    assert out.rstrip().splitlines()[-1] == "score: 0.333"
    assert "Share right per kind" in out and "confident_wrong: 1/6" in out
    answers = [json.loads(l) for l in (tmp_path / "answers.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [a["id"] for a in answers] == [r["id"] for r in QUESTION_ROWS]
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<h1>cchc eval</h1>" in html and "Failures (4)" in html
    doc = json.loads((tmp_path / "metrics.json").read_text(encoding="utf-8"))
    assert doc["score"] == pytest.approx(1 / 3) and doc["meta"]["mode"] == "full"
    assert doc["retrieval"]["recall@10"] == 0.75
    if SCORE_PY.exists():  # the reference scorer agrees on the file we wrote
        ref = subprocess.run([sys.executable, str(SCORE_PY), str(questions_file), str(tmp_path / "answers.jsonl")],
                             capture_output=True, text=True, check=True).stdout
        assert ref.rstrip().splitlines()[-1] == "score: 0.333"


def test_min_score_gate(tmp_path: Path, questions_file: Path, capsys) -> None:
    fast = dict(report=None, json_out=None, answers_out=None)
    assert call(questions_file, tmp_path, min_score=0.5, **fast) == 1
    assert call(questions_file, tmp_path, min_score=0.3, **fast) == 0
    assert call(questions_file, tmp_path, kind="unanswerable", min_score=0.5, **fast) == 0  # 1 of 2 right


def test_invalid_question_file_runs_nothing(tmp_path: Path, capsys) -> None:
    rows = [QUESTION_ROWS[0], QUESTION_ROWS[0] | {"doc": "zzz"}]
    bad = write_questions(tmp_path / "bad.jsonl", rows)

    def factory():
        raise AssertionError("the assistant must not be built for a broken file")

    assert call(bad, tmp_path, assistant_factory=factory) == 2
    err = capsys.readouterr().err
    assert "line 2: duplicate id 'q1'" in err and "line 2: unknown doc 'zzz'" in err
    assert not (tmp_path / "report.html").exists() and not (tmp_path / "answers.jsonl").exists()
    assert call(tmp_path / "missing.jsonl", tmp_path, assistant_factory=factory) == 2
    assert call(write_questions(tmp_path / "ok.jsonl"), tmp_path, kind="nope", assistant_factory=factory) == 2


def test_baseline_and_retrieval_only(tmp_path: Path, questions_file: Path, capsys) -> None:
    assert call(questions_file, tmp_path, limit=3) == 0
    base = tmp_path / "base.json"
    (tmp_path / "metrics.json").rename(base)
    capsys.readouterr()
    assert call(questions_file, tmp_path, baseline=base) == 0
    out = capsys.readouterr().out
    assert "Against baseline" in out and "new questions (3): q4, q5, q6" in out
    assert "Against baseline" in (tmp_path / "report.html").read_text(encoding="utf-8")
    assert json.loads((tmp_path / "metrics.json").read_text(encoding="utf-8"))["baseline_comparison"]["only_current"]

    (tmp_path / "answers.jsonl").unlink()
    fake = FakeAssistant()
    assert call(questions_file, tmp_path, assistant_factory=lambda: fake, retrieval_only=True, min_score=0.7) == 0
    out = capsys.readouterr().out
    assert fake.asked == [] and not (tmp_path / "answers.jsonl").exists()
    assert out.rstrip().splitlines()[-1] == "score: 0.750"
    assert call(questions_file, tmp_path, retrieval_only=True, min_score=0.8, report=None) == 1
    assert call(questions_file, tmp_path, baseline=tmp_path / "nope.json") == 2
