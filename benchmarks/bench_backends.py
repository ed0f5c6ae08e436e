"""Both index backends side by side at 100k and 1M chunks: build time, query p50/p95, memory.

The corpus is the five shipped plans plus ``../shared/realdocs``, parsed and segmented once,
then repeated (each copy under new document and chunk ids) until it holds the size asked. Each
backend and size runs in its own process, so its memory is its own: bm25s + FAISS
(``HybridIndex``) and Milvus Lite (``MilvusIndex`` on a file; its engine runs inside the same
process). A Milvus server or cluster is not measured here (none can be started on this machine).

Honest limits, printed with the results:
- Vectors are random unit vectors (384 dimensions, seeded), and so is each query's vector:
  embedding 100k real passages takes hours on 2 shared cores (18 min for 37k). Dense search
  cost depends on the count and dimension, not on the values; rankings are not compared then.
- At 1M chunks only BM25 is indexed (``--dense-sizes`` chooses where vectors are added): FAISS
  switches to HNSW above 200k vectors and rebuilds the graph at every load (~100 s per 100k).
- A run that exceeds ``--budget-s`` seconds or ``--max-rss-gb`` is stopped and reported as such.

usage: python benchmarks/bench_backends.py [--sizes 100000 1000000] [--dense-sizes 100000]
       [--backends faiss milvus-lite] [--queries 80] [--budget-s 1800] [--max-rss-gb 14]
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import multiprocessing
import os
import pickle
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

DIM = 384
REALDOCS = REPO.parent / "shared" / "realdocs"
QUESTION_FILES = [REPO.parent / "shared" / "eval" / "questions.jsonl", REPO / "eval" / "data" / "dev_questions.jsonl"]


class RandomEmbedder:
    """Seeded random unit vectors in place of a model (see the module docstring)."""

    name, dim, path = "random", DIM, Path("/nonexistent/random")
    fingerprint = "random0000000000"

    def embed_query(self, text: str) -> np.ndarray:
        rng = np.random.default_rng(int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little"))
        v = rng.normal(size=DIM).astype(np.float32)
        return v / np.linalg.norm(v)


def _rss_mb(pid: int | str = "self") -> tuple[float, float]:
    """(current, peak) resident set size of a process, MB."""
    status = Path(f"/proc/{pid}/status").read_text()
    values = {line.split(":")[0]: line.split()[1] for line in status.splitlines() if line.startswith(("VmRSS", "VmHWM"))}
    return int(values.get("VmRSS", 0)) / 1024, int(values.get("VmHWM", 0)) / 1024


def prepare(work: Path) -> Path:
    """Parse and segment the base corpus once; returns a pickle of (docs, fields)."""
    from index.segment import Segmenter
    from index.store import IndexStore
    from ingest import diacritics
    from ingest.pipeline import parse_file

    paths = sorted((REPO / "ingest" / "default_corpus").glob("*.txt")) + sorted(REALDOCS.glob("*"))
    began = time.perf_counter()
    docs = []
    for p in paths:
        try:
            docs.append(parse_file(p))
        except Exception as exc:  # noqa: BLE001 - one unreadable file must not stop the benchmark
            print(f"skipped {p.name}: {exc}")
    seg = Segmenter()
    store = IndexStore(work / "base")
    store.build(docs, seg, None, restore=diacritics.repair_ocr, ocr_fold=diacritics.ocr_fold)
    fields = [store.fields(d, seg, None) for d in docs]
    out = work / "base.pickle"
    out.write_bytes(pickle.dumps((docs, fields), protocol=pickle.HIGHEST_PROTOCOL))
    print(f"base corpus: {len(docs)} documents, {sum(len(d.chunks) for d in docs)} chunks, "
          f"parsed and segmented in {time.perf_counter() - began:.0f} s")
    return out


def replicate(docs, fields, size: int, dense: bool):
    """Whole copies of the corpus (new ids) until ``size`` chunks; random vectors when ``dense``."""
    rng = np.random.default_rng(0)
    out_docs, out_fields, n, copy = [], [], 0, 0
    while n < size:
        for doc, f in zip(docs, fields):
            if n >= size:
                break
            if not doc.chunks:
                continue
            suffix = "" if copy == 0 else f"~{copy}"
            chunks = [dataclasses.replace(c, chunk_id=c.chunk_id + suffix, doc_id=doc.doc_id + suffix) for c in doc.chunks]
            vectors = None
            if dense:
                vectors = rng.normal(size=(len(chunks), DIM)).astype(np.float32)
                vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            out_docs.append(dataclasses.replace(doc, doc_id=doc.doc_id + suffix, chunks=chunks))
            out_fields.append(dataclasses.replace(f, vectors=vectors))
            n += len(chunks)
        copy += 1
    return out_docs, out_fields


def run_one(base: Path, backend: str, size: int, dense: bool, queries: list[str], work: Path, result: Path) -> None:
    """In a child process: build one backend over ``size`` chunks, time queries, write JSON."""
    from index.segment import Segmenter

    docs, fields = pickle.loads(base.read_bytes())
    docs, fields = replicate(docs, fields, size, dense)
    chunks = sum(len(d.chunks) for d in docs)
    embedder = RandomEmbedder() if dense else None
    seg = Segmenter()
    rss_before = _rss_mb()[0]
    began = time.perf_counter()
    if backend == "faiss":
        from index.hybrid import HybridIndex

        index = HybridIndex.from_fields(docs, fields, seg, embedder)
    else:
        from index.milvus_backend import MilvusIndex

        index = MilvusIndex.connect(str(work / f"{backend}-{size}.db"), "bench", [], seg, embedder)
        by_id = {d.doc_id: f for d, f in zip(docs, fields)}
        sizes = {d.doc_id: len(d.chunks) for d in docs}
        written = [0]
        progress_file = work / f"{backend}-{size}.progress"

        def progress(doc_id: str) -> None:
            written[0] += sizes[doc_id]
            if written[0] // 20_000 != (written[0] - sizes[doc_id]) // 20_000:
                progress_file.write_text(json.dumps({"inserted": written[0], "of": chunks,
                                                     "seconds": round(time.perf_counter() - began)}))

        index.sync(docs, lambda d: by_id[d.doc_id], progress=progress)
    build_s = time.perf_counter() - began
    del fields
    rss_built = _rss_mb()[0]
    index.search(queries[0], 10)  # warm-up: lazy caches, first segment scorers
    times, rankings = [], []
    for q in queries:
        t0 = time.perf_counter()
        hits = index.search(q, 10)
        times.append((time.perf_counter() - t0) * 1000)
        rankings.append([h.chunk.chunk_id for h in hits])
    rss, peak = _rss_mb()
    result.write_text(json.dumps({
        "backend": backend, "chunks": chunks, "dense": dense, "build_s": round(build_s, 1),
        "p50_ms": round(float(np.percentile(times, 50)), 1), "p95_ms": round(float(np.percentile(times, 95)), 1),
        "rss_index_mb": round(rss_built - rss_before), "rss_mb": round(rss), "peak_rss_mb": round(peak),
        "rankings": rankings,
    }))
    index.close()


def supervise(process: multiprocessing.Process, budget_s: float, max_rss_gb: float) -> str | None:
    """Wait for ``process``; stop it past the time or memory budget and say why."""
    began = time.perf_counter()
    while process.is_alive():
        process.join(1.0)
        if time.perf_counter() - began > budget_s:
            process.kill()
            return f"stopped after {budget_s:.0f} s (budget)"
        try:
            if _rss_mb(process.pid)[0] > max_rss_gb * 1024:
                process.kill()
                return f"stopped at {max_rss_gb:.0f} GB RSS (budget)"
        except (FileNotFoundError, ProcessLookupError):
            pass
    return None if process.exitcode == 0 else f"failed (exit code {process.exitcode})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--dense-sizes", type=int, nargs="*", default=[100_000],
                        help="sizes that also get (random) vectors; the others are BM25 only")
    parser.add_argument("--backends", nargs="+", default=["faiss", "milvus-lite"], choices=["faiss", "milvus-lite"])
    parser.add_argument("--queries", type=int, default=80, help="questions timed (public + dev sets, in order)")
    parser.add_argument("--budget-s", type=float, default=1800.0, help="time allowed per backend and size")
    parser.add_argument("--max-rss-gb", type=float, default=14.0)
    parser.add_argument("--work", type=Path, default=None, help="working folder (default: a new temporary one)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="cchc-bench-backends-"))
    work.mkdir(parents=True, exist_ok=True)
    questions = [json.loads(line)["question"] for f in QUESTION_FILES if f.exists()
                 for line in f.read_text(encoding="utf-8").splitlines() if line.strip()][:args.queries]
    base = prepare(work)
    context = multiprocessing.get_context("spawn")
    rows = []
    for size in args.sizes:
        dense = size in args.dense_sizes
        for backend in args.backends:
            result = work / f"{backend}-{size}.json"
            result.unlink(missing_ok=True)
            process = context.Process(target=run_one, args=(base, backend, size, dense, questions, work, result))
            process.start()
            problem = supervise(process, args.budget_s, args.max_rss_gb)
            progress_file = work / f"{backend}-{size}.progress"
            if problem and progress_file.exists():
                seen = json.loads(progress_file.read_text())
                problem += (f"; {seen['inserted']:,} of {seen['of']:,} chunks inserted in {seen['seconds']} s "
                            f"({seen['inserted'] / max(1, seen['seconds']):.0f}/s)")
            row = json.loads(result.read_text()) if result.exists() else {"backend": backend, "chunks": size, "dense": dense}
            row["problem"] = problem
            rows.append(row)
            print(json.dumps({k: v for k, v in row.items() if k != "rankings"}), flush=True)
    print()
    print("| chunks | vectors | backend | build | query p50 / p95 | RSS: index / process / peak | top-10 as faiss |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for row in rows:
        ref = next((r for r in rows if r["backend"] == "faiss" and r["chunks"] == row["chunks"]
                    and r.get("rankings")), None)
        same = "–"
        if ref is not None and row.get("rankings") and row["backend"] != "faiss":
            same = "random vectors" if row["dense"] else \
                f"{sum(a == b for a, b in zip(ref['rankings'], row['rankings']))}/{len(row['rankings'])}"
        vectors = "random, 384-d" if row["dense"] else "none (BM25 only)"
        if row.get("problem"):
            print(f"| {row['chunks']:,} | {vectors} | {row['backend']} | {row['problem']} | | | |")
            continue
        print(f"| {row['chunks']:,} | {vectors} | {row['backend']} | {row['build_s']:.0f} s | "
              f"{row['p50_ms']:.0f} / {row['p95_ms']:.0f} ms | {row['rss_index_mb']:,} / {row['rss_mb']:,} / "
              f"{row['peak_rss_mb']:,} MB | {same} |")
    print(f"\nqueries: {len(questions)} public+dev questions, each once, k=10, unfiltered; "
          f"machine: {os.cpu_count()} cores shared with other jobs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
