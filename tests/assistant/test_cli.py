"""The CLI's index command after a parser upgrade."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from assistant.cli import app
from ingest.pipeline import PARSER_VERSION

PLAN = Path(__file__).parent / "data" / "crawled_plan_45.md"


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
