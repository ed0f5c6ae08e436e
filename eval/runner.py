"""Running the assistant over a question set and recording what it said (FORMAT.md records).

The runner only collects: answer records (the exact shape ``score.py`` reads) and the rank
of the gold evidence in ``search``. Judging happens in :mod:`eval.metrics`, so a saved
answers file can be re-scored without asking again.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from assistant.schema import Answer, SearchHit
from eval.metrics import Ranks, rank_question
from eval.questions import Question, filter_questions

CITATION_KEYS = ("doc_id", "title", "section", "task_id", "page", "quote")


class EvalAssistant(Protocol):
    """What eval needs of the assistant (duck-typed: the real one, or a fake in tests)."""

    def ask(self, question: str) -> Answer: ...

    def search(self, query: str, k: int = 10, doc_id: str | None = None) -> list[SearchHit]: ...


@dataclass
class EvalRun:
    """What one run produced: answer records, retrieval ranks and errors, per question id."""

    questions: list[Question]
    records: list[dict[str, Any]]
    ranks: dict[str, Ranks]
    retrieval_only: bool
    k: int
    errors: dict[str, str] = field(default_factory=dict)
    # beside the FORMAT.md records: what the assistant reported of each answer (for calibration figures)
    confidence: dict[str, float] = field(default_factory=dict)
    evidence: dict[str, dict[str, float]] = field(default_factory=dict)
    paths: dict[str, str] = field(default_factory=dict)
    started_at: str = ""
    duration_s: float = 0.0


def answer_record(q: Question, answer: Answer | Any, latency_ms: float) -> dict[str, Any]:
    """The FORMAT.md answer record of one question (citations reduced to the documented keys)."""
    citations = []
    for c in getattr(answer, "citations", None) or []:
        cd = c.model_dump() if hasattr(c, "model_dump") else dict(c)
        citations.append({k: cd.get(k) for k in CITATION_KEYS})
    return {
        "id": q.id,
        "question": q.question,
        "answer": getattr(answer, "answer", "") or "",
        "abstained": bool(getattr(answer, "abstained", False)),
        "citations": citations,
        "latency_ms": round(latency_ms, 1),
    }


def _progress(enabled: bool) -> Progress:
    return Progress(TextColumn("[bold]eval[/]"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    TextColumn("{task.fields[qid]}"), console=Console(stderr=True), disable=not enabled,
                    transient=True)


def run_eval(assistant: EvalAssistant, questions: Sequence[Question], *, retrieval_only: bool = False,
             progress: bool = True, k: int = 10, limit: int | None = None, kind: str | None = None,
             lang: str | None = None) -> EvalRun:
    """Ask every (filtered) question and rank the gold evidence among ``search(question, k)``.

    Retrieval-only skips ``ask`` (fast loop over the retriever). An exception from the
    assistant fails that question (empty answer / no hits) instead of the whole run.
    """
    qs = filter_questions(questions, kind=kind, lang=lang, limit=limit)
    run = EvalRun(qs, [], {}, retrieval_only, k, started_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))
    t_run = time.perf_counter()
    with _progress(progress) as bar:
        task = bar.add_task("eval", total=len(qs), qid="")
        for q in qs:
            bar.update(task, qid=q.id)
            if q.answerable:
                t0 = time.perf_counter()
                try:
                    hits = list(assistant.search(q.question, k=k))
                    run.ranks[q.id] = rank_question(q, hits, (time.perf_counter() - t0) * 1000)
                except Exception as exc:  # noqa: BLE001 - one failing question must not end the run
                    msg = f"search failed: {type(exc).__name__}: {exc}"
                    run.errors[q.id] = msg
                    run.ranks[q.id] = Ranks(None, None, 0, (time.perf_counter() - t0) * 1000, msg)
            if not retrieval_only:
                t0 = time.perf_counter()
                try:
                    ans: Any = assistant.ask(q.question)
                except Exception as exc:  # noqa: BLE001
                    run.errors[q.id] = f"ask failed: {type(exc).__name__}: {exc}"
                    ans = None
                run.records.append(answer_record(q, ans, (time.perf_counter() - t0) * 1000))
                if ans is not None:
                    run.confidence[q.id] = float(getattr(ans, "confidence", 0.0) or 0.0)
                    run.evidence[q.id] = dict(getattr(ans, "evidence", {}) or {})
                    run.paths[q.id] = str(getattr(ans, "path", "") or "")
            bar.advance(task)
    run.duration_s = time.perf_counter() - t_run
    return run


def write_answers(path: Path | str, records: Iterable[dict[str, Any]]) -> Path:
    """Write answer records as UTF-8 JSONL (Vietnamese kept readable), one per line."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return path


def read_answers(path: Path | str) -> list[dict[str, Any]]:
    """Read an answers JSONL file (e.g. to re-score a saved run)."""
    with Path(path).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
