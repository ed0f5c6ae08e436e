"""The CLI: the index command after a parser upgrade, help, logging and tables."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from ingest.pipeline import PARSER_VERSION

PLAN = Path(__file__).parents[1] / "assistant" / "data" / "crawled_plan_45.md"


def test_index_parses_again_what_an_older_parser_ingested(tmp_path: Path) -> None:
    corpus = tmp_path / "plans"
    corpus.mkdir()
    shutil.copy(PLAN, corpus / PLAN.name)
    data = tmp_path / "data"
    runner = CliRunner()
    env = {"CCHC_EMBEDDING_MODEL": "none", "CCHC_CORPUS_DIR": str(corpus)}
    result = runner.invoke(app, ["ingest", str(corpus), "--data-dir", str(data)], env=env)
    assert result.exit_code == 0, result.output
    manifest_path = data / "corpus" / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    for entry in manifest["documents"].values():
        entry["parser"] = PARSER_VERSION - 1  # as if an older release had ingested it
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")

    result = runner.invoke(app, ["index", "--data-dir", str(data)], env=env)
    assert result.exit_code == 0, result.output
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    assert {e["parser"] for e in manifest["documents"].values()} == {PARSER_VERSION}
    result = runner.invoke(app, ["ask", "Theo kế hoạch 45/KH-UBND, ai chủ trì nhiệm vụ tổ chức kiểm tra việc thực "
                                 "hiện quy chế văn hóa công vụ?", "--data-dir", str(data)], env=env)
    assert result.exit_code == 0 and "Sở Nội vụ" in result.output


def test_help_shows_flags_as_flags() -> None:
    runner = CliRunner()
    for command in ("docs", "tasks", "ask", "ingest", "eval"):
        result = runner.invoke(app, [command, "--help"], terminal_width=100)
        assert result.exit_code == 0, result.output
        assert "<bool>" not in result.output and "--help " in result.output
    tasks_help = runner.invoke(app, ["tasks", "--help"], terminal_width=100).output
    assert "--json " in tasks_help and "--wide " in tasks_help


def _run_cli(*args: str, data: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CCHC_EMBEDDING_MODEL": "none", "COLUMNS": "100", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "api.cli", *args, "--data-dir", str(data)], capture_output=True,
                          text=True, env=env, cwd=Path(__file__).resolve().parents[2], timeout=300)


@pytest.mark.e2e
def test_no_library_debug_lines(assistant) -> None:
    # a real process: the CLI configures logging itself, and bm25s sets its own logger to DEBUG on import
    result = _run_cli("ask", "Ai chủ trì nhiệm vụ III.5?", data=assistant.settings.data_dir)
    assert result.returncode == 0, result.stderr
    assert "DEBUG" not in result.stderr + result.stdout and "III.5" in result.stdout


@pytest.mark.e2e
def test_task_table_cells_are_whole_words(assistant) -> None:
    runner = CliRunner()
    data = str(assistant.settings.data_dir)
    table = runner.invoke(app, ["tasks", "--deadline", "Quý III/2026", "--data-dir", data], env={"COLUMNS": "100"})
    assert table.exit_code == 0 and "Nhiệm vụ (2)" in table.output
    # cells are wrapped at word boundaries, never cut mid-word as before ("Cải cách hành", "biên ch")
    assert "biên ch " not in table.output and "chính" in table.output
    wide = runner.invoke(app, ["tasks", "--deadline", "Quý III/2026", "--wide", "--data-dir", data], env={"COLUMNS": "100"})
    assert "002_715e714f03913b35" in wide.output and "Các cơ" in wide.output  # + cooperating, product, doc_id
    as_json = runner.invoke(app, ["tasks", "--deadline", "Quý II, III/2026", "--json", "--data-dir", data])
    assert [r["task_id"] for r in json.loads(as_json.output)] == ["I.5", "III.8"]
