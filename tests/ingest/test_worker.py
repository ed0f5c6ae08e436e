"""Parsing in a worker process: same document, refusals carried over, stopped on timeout or cancel."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ingest.loaders import IngestError
from ingest.pipeline import parse_file
from ingest.worker import ParseCancelledError, ParseTimeoutError, parse_in_worker
from tests.conftest import CORPUS, TABLE_DOC
from tests.ingest import hostile


def _workers_alive() -> list[int]:
    """Children of this process that run ``ingest.worker``."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        ppid = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("PPid:")), -1)
        if ppid == os.getpid() and b"ingest.worker" in cmdline:
            pids.append(int(entry.name))
    return pids


def test_the_worker_gives_the_same_document():
    path = CORPUS / f"{TABLE_DOC}.txt"
    assert parse_in_worker(path, timeout=120).to_dict() == parse_file(path).to_dict()


def test_a_refusal_in_the_worker_keeps_its_reason(tmp_path):
    path = tmp_path / "half.docx"
    path.write_bytes(hostile.truncated_xml_docx())
    with pytest.raises(IngestError, match="half.docx: corrupt .docx file: its XML is cut off"):
        parse_in_worker(path, timeout=120)


@pytest.fixture
def long_text(tmp_path) -> Path:
    path = tmp_path / "long.txt"  # several seconds of parsing, plus the worker's start-up
    path.write_text("Sở Nội vụ chủ trì việc này, phối hợp các sở.\n" * 50_000, encoding="utf-8")
    return path


def test_the_worker_is_stopped_when_the_budget_is_spent(long_text):
    with pytest.raises(ParseTimeoutError, match="long.txt: parsing took longer than 0.05 s"):
        parse_in_worker(long_text, timeout=0.05)
    assert _workers_alive() == []


def test_the_worker_is_stopped_when_the_caller_gives_up(long_text):
    asked = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) >= 2

    with pytest.raises(ParseCancelledError, match="client went away"):
        parse_in_worker(long_text, timeout=600, cancelled=cancelled)
    assert _workers_alive() == []
