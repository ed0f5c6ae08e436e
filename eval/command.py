"""The body of ``cchc eval``: validate, run, score, write the files, print, return an exit code.

Kept free of typer so the CLI module only maps options to keyword arguments, and tests can
call it with a fake assistant.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from eval.compare import compare_metrics, load_metrics, render_comparison
from eval.calibration import calibration
from eval.metrics import compute_metrics
from eval.questions import QuestionFileError, filter_questions, load_questions
from eval.report import (metrics_document, print_calibration, print_summary, to_markdown, write_html,
                         write_metrics_json)
from eval.runner import EvalAssistant, run_eval, write_answers

EXIT_OK, EXIT_BELOW_MIN, EXIT_INVALID = 0, 1, 2


def eval_command(*, assistant_factory: Callable[[], EvalAssistant], questions: Path,
                 answers_out: Path | None = None, report: Path | None = None, json_out: Path | None = None,
                 baseline: Path | None = None, limit: int | None = None, kind: str | None = None,
                 lang: str | None = None, retrieval_only: bool = False, min_score: float | None = None,
                 known_docs: set[str] | None = None, k: int = 10, progress: bool = True,
                 console: Console | None = None, markdown: Path | None = None) -> int:
    """Run the eval; 0 = ok, 1 = headline below ``min_score``, 2 = invalid question file/options.

    The headline (last line ``score: X.XXX``) is the share right — the number score.py
    prints — or, with ``retrieval_only``, the gold-span recall@k.
    """
    out = console or Console()
    err = Console(stderr=True)
    try:
        all_questions = load_questions(questions, known_docs=known_docs)
        selected = filter_questions(all_questions, kind=kind, lang=lang, limit=limit)
    except QuestionFileError as exc:
        err.print(f"[red]invalid question file[/] {escape(exc.source)} ({len(exc.problems)} problem(s)):")
        for p in exc.problems:
            err.print(f"  {escape(p)}", highlight=False)
        return EXIT_INVALID
    except ValueError as exc:  # unknown --kind / --lang
        err.print(f"[red]{escape(str(exc))}[/]")
        return EXIT_INVALID
    if not selected:
        err.print("[red]no question matches the filters[/]")
        return EXIT_INVALID
    base_doc: dict[str, Any] | None = None
    if baseline is not None:
        try:
            base_doc = load_metrics(baseline)
        except (OSError, ValueError) as exc:
            err.print(f"[red]cannot read baseline {escape(str(baseline))}: {escape(str(exc))}[/]")
            return EXIT_INVALID

    run = run_eval(assistant_factory(), selected, retrieval_only=retrieval_only, progress=progress, k=k)
    metrics = compute_metrics(run.questions, run.records, run.ranks, retrieval_only=retrieval_only)
    meta = {"questions": str(questions), "n": metrics.n, "mode": "retrieval-only" if retrieval_only else "full",
            "k": k, "started": run.started_at, "duration_s": round(run.duration_s, 1),
            **{name: v for name, v in (("kind", kind), ("lang", lang), ("limit", limit)) if v is not None},
            **({"baseline": str(baseline)} if baseline is not None else {})}
    comparison = compare_metrics(metrics_document(metrics, meta), base_doc, k=k) if base_doc is not None else None

    written: list[Path] = []
    if answers_out is not None and not retrieval_only:
        written.append(write_answers(answers_out, run.records))
    if json_out is not None:
        written.append(write_metrics_json(json_out, metrics, meta, comparison))
    if report is not None:
        written.append(write_html(report, metrics, meta=meta, comparison=comparison))
    if markdown is not None:
        markdown.parent.mkdir(parents=True, exist_ok=True)
        markdown.write_text(to_markdown(metrics) + "\n", encoding="utf-8")
        written.append(markdown)

    print_summary(metrics, out)
    if not retrieval_only and run.confidence:
        print_calibration(calibration(run.questions, {r["id"]: r for r in run.records}, run.confidence), out)
    if comparison is not None:
        render_comparison(comparison, out)
    if run.errors:
        err.print(f"[yellow]{len(run.errors)} question(s) raised an error[/]; first: "
                  f"{escape(next(iter(run.errors.items()))[0])}: {escape(next(iter(run.errors.values())))}")
    for path in written:
        out.print(f"wrote {escape(str(path))}", highlight=False)
    if retrieval_only:
        out.print(f"retrieval-only: score is the gold-span recall@{max(metrics.retrieval.recall) if metrics.retrieval else k}",
                  highlight=False)
    out.print(f"score: {metrics.headline:.3f}", highlight=False, markup=False)
    if min_score is not None and metrics.headline < min_score:
        return EXIT_BELOW_MIN
    return EXIT_OK
