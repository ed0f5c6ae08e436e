"""Shared fixtures: the shipped corpus, its parsed documents, and a BM25-only assistant over it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "ingest" / "default_corpus"
SHARED = REPO.parent / "shared"
PUBLIC_QUESTIONS = SHARED / "eval" / "questions.jsonl"
DEV_QUESTIONS = REPO / "eval" / "data" / "dev_questions.jsonl"
REALDOCS = SHARED / "realdocs"

TABLE_DOC = "002_715e714f03913b35"
OCR_DOC = "003_b2ca1d7a6961c131"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def parsed_docs():
    from ingest.pipeline import parse_file

    return {p.stem: parse_file(p) for p in sorted(CORPUS.glob("*.txt"))}


@pytest.fixture(scope="session")
def assistant(tmp_path_factory):
    """A BM25-only assistant over the shipped corpus (no model needed)."""
    from assistant.core import Assistant
    from assistant.settings import Settings

    data = tmp_path_factory.mktemp("data")
    return Assistant(Settings(data_dir=data, embedding_model="none", corpus_dir=CORPUS))
