"""Question-file validation: every problem reported with its line number, nothing runs on a broken file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.questions import KINDS, LANGS, QuestionFileError, filter_questions, load_questions, parse_questions

from .conftest import DOC_A, DOC_B, QUESTION_ROWS, SHARED, write_questions


def test_valid_file_loads_typed_questions(questions_file: Path) -> None:
    qs = load_questions(questions_file, known_docs={DOC_A, DOC_B})
    assert [q.id for q in qs] == [r["id"] for r in QUESTION_ROWS]
    q3 = qs[2]
    assert q3.expect_any == (("01/3", "1/3", "ngày 01 tháng 3"),) and isinstance(q3.gold_quote, tuple)
    assert q3.line == 3 and q3.to_dict() == QUESTION_ROWS[2]
    assert set(LANGS) == {"vi", "vi-noaccent", "en"} and "unanswerable" in KINDS


@pytest.mark.skipif(not (SHARED / "questions.jsonl").exists(), reason="shared question set absent")
def test_shared_question_set_is_valid() -> None:
    qs = load_questions(SHARED / "questions.jsonl")
    assert len(qs) >= 20 and len({q.id for q in qs}) == len(qs)


def test_every_problem_with_its_line_number(tmp_path: Path) -> None:
    good = QUESTION_ROWS[0]
    rows = [
        json.dumps(good, ensure_ascii=False),                                      # 1 ok
        '{"id": "bad json", ',                                                     # 2 malformed
        json.dumps({k: v for k, v in good.items() if k != "question"} | {"id": "a3"}),  # 3 missing field
        json.dumps(good | {"id": "a4", "lang": "fr", "answerable": "yes"}),       # 4 bad lang, ill-typed
        "",                                                                        # 5 blank: skipped
        json.dumps(good),                                                          # 6 duplicate of line 1
        json.dumps(good | {"id": "a7", "doc": "999_unknown"}),                    # 7 unknown doc
        json.dumps(good | {"id": "a8", "gold_quote": []}),                        # 8 answerable without gold
        json.dumps(good | {"id": "a9", "expect_any": ["not a list"], "expect_all": [""]}),  # 9 ill-typed groups
        "[1, 2]",                                                                  # 10 not an object
        json.dumps(good | {"id": "a11", "kind": "unanswerable"}),                 # 11 contradiction
    ]
    path = tmp_path / "q.jsonl"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(QuestionFileError) as exc_info:
        load_questions(path, known_docs={DOC_A, DOC_B})
    problems = exc_info.value.problems
    text = "\n".join(problems)
    assert problems[0].startswith("line 2: malformed JSON")
    assert "line 3: missing field `question` [id a3]" in problems
    assert any(p.startswith("line 4: `lang` is 'fr'") for p in problems)
    assert any(p.startswith("line 4: `answerable` must be true or false") for p in problems)
    assert "line 6: duplicate id 'q1' (first on line 1)" in problems
    assert "line 7: unknown doc '999_unknown' [id a7]" in problems
    assert "line 8: answerable question without `gold_quote` [id a8]" in problems
    assert any(p.startswith("line 9: `expect_any[0]`") for p in problems)
    assert any(p.startswith("line 9: `expect_all` holds an empty string") for p in problems)
    assert "line 10: expected a JSON object, got list" in problems
    assert any(p.startswith("line 11: kind `unanswerable`") for p in problems)
    assert "line 5" not in text and "line 1:" not in text
    assert str(path) in str(exc_info.value) and "problem(s)" in str(exc_info.value)


def test_unknown_doc_only_checked_when_docs_given() -> None:
    line = json.dumps(QUESTION_ROWS[0] | {"doc": "zzz"})
    assert parse_questions([line])[0].doc == "zzz"
    with pytest.raises(QuestionFileError):
        parse_questions([line], known_docs={DOC_A})


def test_missing_empty_and_non_utf8_files(tmp_path: Path) -> None:
    with pytest.raises(QuestionFileError, match="file not found"):
        load_questions(tmp_path / "nope.jsonl")
    (tmp_path / "empty.jsonl").write_text("\n\n", encoding="utf-8")
    with pytest.raises(QuestionFileError, match="no questions"):
        load_questions(tmp_path / "empty.jsonl")
    (tmp_path / "latin.jsonl").write_bytes(b'{"question": "Qu\xfd"}')  # latin-1 ý
    with pytest.raises(QuestionFileError, match="not UTF-8"):
        load_questions(tmp_path / "latin.jsonl")


def test_filters(questions) -> None:
    assert [q.id for q in filter_questions(questions, kind="unanswerable")] == ["q5", "q6"]
    assert [q.id for q in filter_questions(questions, lang="vi", limit=2)] == ["q1", "q4"]
    assert len(filter_questions(questions, limit=0)) == 0
    with pytest.raises(ValueError, match="unknown kind"):
        filter_questions(questions, kind="nope")


def test_write_questions_helper(tmp_path: Path) -> None:
    assert len(load_questions(write_questions(tmp_path / "x.jsonl", QUESTION_ROWS[:2]))) == 2
