"""Embed a large corpus on every core: worker processes over one memory-mapped ONNX model, with
progress and resume after an interruption.

Each worker process opens the ONNX export with :class:`index.onnx_encoder.OnnxEncoder`; its
weights are ONNX external data that ONNX Runtime maps from the same file, so the page cache
holds them once for all workers. Work is cut into units of at most ``unit_size`` passages (a
document's chunks, split when long). A worker saves each finished unit at once, atomically,
under ``work_dir``; a run started again skips the units already saved, so an interruption loses
at most the units in flight. When every unit of a job is saved its vectors are joined in order
and handed to ``on_done``, and its unit files are removed.

Vectors equal the in-process :class:`index.embedder.Embedder`'s (same encoder, prompt and
batching rule; batches differ, so the last float bits may; cosine > 0.9999, tested).
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import tempfile
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class EmbedJob:
    """Passages whose vectors belong together; ``key`` names them (a cache file name)."""

    key: str
    texts: list[str]


@dataclass(frozen=True)
class OnnxModel:
    """What a worker needs to open the encoder the :class:`~index.embedder.Embedder` uses."""

    model_dir: Path
    onnx_file: Path
    prompt: str | None  # the passage prompt's name ("passage" for e5), None for models without one
    max_length: int | None = None  # passages capped at this many tokens (the embedder's cap)


@dataclass
class EmbedReport:
    embedded: int = 0  # passages embedded by this run
    resumed: int = 0  # passages found saved by an earlier, interrupted run
    jobs: int = 0


@dataclass(frozen=True)
class _Unit:
    job: str
    start: int
    texts: list[str]
    path: Path


def embed_jobs(jobs: list[EmbedJob], model: OnnxModel, work_dir: Path, on_done: Callable[[str, np.ndarray], None], *,
               workers: int = 2, unit_size: int = 256, batch_size: int = 32,
               progress: Callable[[int, int], None] | None = None) -> EmbedReport:
    """Embed every job's passages with ``workers`` processes; ``on_done(key, vectors)`` per job,
    ``progress(passages done, passages in all)`` after each unit. Saved units of an earlier run
    with the same texts are reused."""
    work_dir = Path(work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    report = EmbedReport(jobs=len(jobs))
    total = sum(len(j.texts) for j in jobs)
    units: dict[str, list[_Unit]] = {}
    for job in jobs:
        units[job.key] = [_Unit(job.key, s, job.texts[s:s + unit_size], work_dir / _unit_name(job, s, unit_size))
                          for s in range(0, len(job.texts), unit_size)]
    todo = [u for us in units.values() for u in us if not _unit_fits(u)]
    report.resumed = total - sum(len(u.texts) for u in todo)
    done = report.resumed
    if progress is not None:
        progress(done, total)
    for key in [k for k, us in units.items() if all(_unit_fits(u) for u in us)]:
        _finish(key, units.pop(key), on_done)
    if not todo:
        return report
    context = multiprocessing.get_context("spawn")  # no fork: the parent may hold ONNX Runtime or torch threads
    with ProcessPoolExecutor(max_workers=max(1, min(workers, len(todo))), mp_context=context,
                             initializer=_start_worker, initargs=(model,)) as pool:
        pending = {pool.submit(_embed_unit, u, batch_size): u for u in todo}
        try:
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    unit = pending.pop(future)
                    future.result()  # a worker's error stops the run; saved units stay for the next one
                    done += len(unit.texts)
                    report.embedded += len(unit.texts)
                    if unit.job in units and all(_unit_fits(u) for u in units[unit.job]):
                        _finish(unit.job, units.pop(unit.job), on_done)
                    if progress is not None:
                        progress(done, total)
        except BaseException:
            for future in pending:
                future.cancel()  # units not started are dropped; running ones finish and are saved
            raise
    return report


def _unit_name(job: EmbedJob, start: int, size: int) -> str:
    """The unit's file: the job key plus a digest of its texts, so a changed text is not reused."""
    digest = hashlib.sha256("\x1f".join(job.texts[start:start + size]).encode("utf-8")).hexdigest()[:12]
    return f"{job.key}.{start}.{digest}.npy"


def _unit_fits(unit: _Unit) -> bool:
    try:
        return unit.path.is_file() and int(np.load(unit.path, mmap_mode="r").shape[0]) == len(unit.texts)
    except (OSError, ValueError):
        return False


def _finish(key: str, units: list[_Unit], on_done: Callable[[str, np.ndarray], None]) -> None:
    vectors = np.concatenate([np.load(u.path) for u in units]) if units else np.zeros((0, 0), dtype=np.float32)
    on_done(key, vectors)
    for unit in units:
        unit.path.unlink(missing_ok=True)


def save_npy_atomically(path: Path, array: np.ndarray) -> None:
    """Write ``array`` to ``path`` through a temporary file: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".npy", dir=path.parent)
    os.close(fd)
    try:
        np.save(tmp, np.asarray(array, dtype=np.float32))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# -- in the worker processes ----------------------------------------------------
# A process-pool initializer can only hand its result to later tasks through the module: this
# holds the worker's own encoder and is never set in the parent process.
_WORKER: dict = {}


def _start_worker(model: OnnxModel) -> None:
    from index.onnx_encoder import OnnxEncoder

    _WORKER["encoder"] = OnnxEncoder(model.model_dir, model.onnx_file, threads=1)
    _WORKER["prompt"] = model.prompt
    _WORKER["max_length"] = model.max_length


def _embed_unit(unit: _Unit, batch_size: int) -> int:
    vectors = _WORKER["encoder"].encode(unit.texts, _WORKER["prompt"], batch_size, max_length=_WORKER["max_length"])
    save_npy_atomically(unit.path, vectors)
    return len(unit.texts)
