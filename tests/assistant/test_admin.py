"""Administration of the corpus: the first-run bootstrap, upload statuses, limits from the settings."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.core import Assistant
from assistant.settings import Settings
from ingest.loaders import IngestError
from tests.ingest import hostile

PLAN = Path(__file__).parent / "data" / "crawled_plan_45.md"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "shipped"
    folder.mkdir()
    shutil.copy(PLAN, folder / PLAN.name)
    return folder


def _assistant(data: Path, corpus: Path, **overrides: object) -> Assistant:
    return Assistant(Settings(data_dir=data, embedding_model="none", corpus_dir=corpus, **overrides))


def test_the_shipped_plans_are_ingested_once_not_after_an_administrator_deleted_them(tmp_path, corpus):
    data = tmp_path / "data"
    first = _assistant(data, corpus)
    assert first.corpus.doc_ids() == [PLAN.stem]
    assert first.delete_document(PLAN.stem)
    restarted = _assistant(data, corpus)
    assert restarted.corpus.doc_ids() == [] and restarted.documents() == []


def test_a_new_data_directory_without_shipped_plans_is_marked_initialised(tmp_path):
    assistant = _assistant(tmp_path / "data", tmp_path / "missing")
    assert assistant.corpus.initialised() and assistant.corpus.doc_ids() == []


def test_upload_statuses_added_unchanged_replaced(tmp_path, corpus):
    assistant = _assistant(tmp_path / "data", corpus)
    upload = tmp_path / "upload" / "ke_hoach_moi.txt"
    upload.parent.mkdir()
    upload.write_text("KẾ HOẠCH\nCải cách hành chính năm 2026 của xã Thử Nghiệm\n- Rà soát thủ tục.\n", encoding="utf-8")
    assert assistant.add_document(upload).status == "added"
    assert assistant.add_document(upload).status == "unchanged"
    upload.write_text(upload.read_text(encoding="utf-8") + "- Số hóa hồ sơ.\n", encoding="utf-8")
    replaced = assistant.add_document(upload, timeout=120)  # parsed in a worker process
    assert replaced.status == "replaced" and replaced.doc_id == "ke_hoach_moi"
    assert "Số hóa hồ sơ" in assistant.document_text("ke_hoach_moi")


def test_limits_come_from_the_settings(tmp_path, corpus):
    assistant = _assistant(tmp_path / "data", corpus, max_chars=50)
    upload = tmp_path / "dai.txt"
    upload.write_text("KẾ HOẠCH\n" + "- Rà soát thủ tục hành chính.\n" * 10, encoding="utf-8")
    with pytest.raises(IngestError, match=r"dai.txt: text length \((at least )?\d+ characters\) is over the limit of 50.*CCHC_MAX_CHARS"):
        assistant.add_document(upload)
    assert "dai" not in assistant.corpus.doc_ids()


def test_cli_ingest_reports_a_bad_file_and_ingests_the_others(tmp_path):
    folder = tmp_path / "plans"
    folder.mkdir()
    shutil.copy(PLAN, folder / f"a_{PLAN.name}")
    (folder / "m_half.docx").write_bytes(hostile.truncated_xml_docx())
    (folder / "z_good.docx").write_bytes(hostile.docx_bytes())
    env = {"CCHC_EMBEDDING_MODEL": "none", "CCHC_MAX_PARAGRAPHS": "100000"}
    result = CliRunner().invoke(app, ["ingest", str(folder), "--data-dir", str(tmp_path / "data")], env=env)
    assert result.exit_code == 1
    assert "m_half.docx" in result.output and "cut off or malformed" in result.output.replace("\n", " ")
    assert result.exception is None or isinstance(result.exception, SystemExit)
    stored = sorted(p.name.split(".")[0] for p in (tmp_path / "data" / "corpus").glob("*.json") if p.name != "manifest.json")
    assert stored == [f"a_{PLAN.stem}", "z_good"]
