"""Loading and validating a question set (FORMAT.md).

A broken question file silently skews every number computed from it, so the loader
collects *every* problem with its line number and raises one :class:`QuestionFileError`
before anything runs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, get_args
from ingest.errors import UserInputError

Lang = Literal["vi", "vi-noaccent", "en"]
Kind = Literal["task_lookup", "deadline", "target", "responsibility", "metadata", "fact", "unanswerable"]
LANGS: tuple[str, ...] = get_args(Lang)
KINDS: tuple[str, ...] = get_args(Kind)


@dataclass(frozen=True)
class Question:
    """One question of the set; ``line`` is where it sits in the file (for messages)."""

    id: str
    question: str
    lang: str
    kind: str
    answerable: bool
    doc: str | None
    expect_all: tuple[str, ...] = ()
    expect_any: tuple[tuple[str, ...], ...] = ()
    gold_quote: tuple[str, ...] = ()
    line: int = field(default=0, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The FORMAT.md shape (what score.py reads)."""
        return {
            "id": self.id, "question": self.question, "lang": self.lang, "kind": self.kind,
            "answerable": self.answerable, "doc": self.doc, "expect_all": list(self.expect_all),
            "expect_any": [list(g) for g in self.expect_any], "gold_quote": list(self.gold_quote),
        }


class QuestionFileError(UserInputError):
    """A question file with problems; ``problems`` lists them all, each prefixed by its line."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = list(problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{source}: {len(self.problems)} problem(s)\n{lines}")


def _str_list(value: Any, name: str, problems: list[str]) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        problems.append(f"`{name}` must be a list of strings")
        return ()
    if any(not s.strip() for s in value):
        problems.append(f"`{name}` holds an empty string (it would match any text)")
    return tuple(value)


def _validate(obj: Mapping[str, Any], known_docs: set[str] | None) -> tuple[Question | None, list[str]]:
    """Check one decoded line; returns the question (when well-typed) and its problems."""
    problems: list[str] = []
    for name in ("id", "question"):
        if name not in obj:
            problems.append(f"missing field `{name}`")
        elif not isinstance(obj[name], str) or not obj[name].strip():
            problems.append(f"`{name}` must be a non-empty string")
    lang, kind = obj.get("lang"), obj.get("kind")
    if "lang" not in obj:
        problems.append("missing field `lang`")
    elif lang not in LANGS:
        problems.append(f"`lang` is {lang!r}, expected one of {', '.join(LANGS)}")
    if "kind" not in obj:
        problems.append("missing field `kind`")
    elif kind not in KINDS:
        problems.append(f"`kind` is {kind!r}, expected one of {', '.join(KINDS)}")
    answerable = obj.get("answerable")
    if "answerable" not in obj:
        problems.append("missing field `answerable`")
    elif not isinstance(answerable, bool):
        problems.append("`answerable` must be true or false")
    doc = obj.get("doc")
    if "doc" not in obj:
        problems.append("missing field `doc` (use null when unanswerable)")
    elif doc is not None and (not isinstance(doc, str) or not doc.strip()):
        problems.append("`doc` must be a document id or null")
    if "expect_all" not in obj:
        problems.append("missing field `expect_all`")
    expect_all = _str_list(obj.get("expect_all", []), "expect_all", problems)
    groups: list[tuple[str, ...]] = []
    raw_any = obj.get("expect_any", [])  # score.py tolerates its absence
    if not isinstance(raw_any, list):
        problems.append("`expect_any` must be a list of lists of strings")
    else:
        for i, grp in enumerate(raw_any):
            if not isinstance(grp, list) or not grp:
                problems.append(f"`expect_any[{i}]` must be a non-empty list of strings")
            else:
                groups.append(_str_list(grp, f"expect_any[{i}]", problems))
    if "gold_quote" not in obj:
        problems.append("missing field `gold_quote`")
    gold = _str_list(obj.get("gold_quote", []), "gold_quote", problems)
    if answerable is True:
        if not gold and "gold_quote" in obj:
            problems.append("answerable question without `gold_quote`")
        if doc is None and "doc" in obj:
            problems.append("answerable question without `doc`")
        if kind == "unanswerable":
            problems.append("kind `unanswerable` but `answerable` is true")
    if known_docs is not None and isinstance(doc, str) and doc not in known_docs:
        problems.append(f"unknown doc {doc!r}")
    if problems:
        return None, problems
    q = Question(id=obj["id"], question=obj["question"], lang=lang, kind=kind, answerable=answerable,
                 doc=doc, expect_all=expect_all, expect_any=tuple(groups), gold_quote=gold)
    return q, []


def parse_questions(lines: Iterable[str], *, source: str = "<questions>",
                    known_docs: set[str] | None = None) -> list[Question]:
    """Validate JSONL lines into questions; raise :class:`QuestionFileError` listing all problems."""
    problems: list[str] = []
    questions: list[Question] = []
    first_line: dict[str, int] = {}
    for lineno, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            problems.append(f"line {lineno}: malformed JSON: {exc.msg} (column {exc.colno})")
            continue
        if not isinstance(obj, dict):
            problems.append(f"line {lineno}: expected a JSON object, got {type(obj).__name__}")
            continue
        qid = obj.get("id")
        if isinstance(qid, str) and qid.strip():
            if qid in first_line:
                problems.append(f"line {lineno}: duplicate id {qid!r} (first on line {first_line[qid]})")
            else:
                first_line[qid] = lineno
        q, errs = _validate(obj, known_docs)
        problems.extend(f"line {lineno}: {e}" + (f" [id {qid}]" if isinstance(qid, str) else "") for e in errs)
        if q is not None:
            questions.append(replace(q, line=lineno))
    if not questions and not problems:
        problems.append("no questions in file")
    if problems:
        raise QuestionFileError(source, problems)
    return questions


def load_questions(path: Path | str, *, known_docs: set[str] | None = None) -> list[Question]:
    """Read and validate a JSONL question file (see :func:`parse_questions`)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise QuestionFileError(str(path), ["file not found"]) from None
    except UnicodeDecodeError as exc:
        raise QuestionFileError(str(path), [f"not UTF-8: {exc.reason} at byte {exc.start}"]) from None
    return parse_questions(text.splitlines(), source=str(path), known_docs=known_docs)


def filter_questions(questions: Iterable[Question], *, kind: str | None = None, lang: str | None = None,
                     limit: int | None = None) -> list[Question]:
    """Keep questions of one ``kind`` and/or ``lang``, then the first ``limit`` of them."""
    if kind is not None and kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    if lang is not None and lang not in LANGS:
        raise ValueError(f"unknown lang {lang!r}; expected one of {', '.join(LANGS)}")
    out = [q for q in questions if (kind is None or q.kind == kind) and (lang is None or q.lang == lang)]
    return out if limit is None else out[: max(limit, 0)]
