"""Index build, size, load and query latency per stage, on the shipped corpus and at 100k chunks.

Part 1, the shipped corpus (``ingest/default_corpus``) with the multilingual-e5-small model
built by ``ensure_e5_model`` into a temporary data dir (``--model none``: BM25 only): build
time, embedding throughput, index size on disk, load time, and query latency p50/p95 over the
public + dev questions, split into segmentation+BM25, diacritic restore, query embedding,
FAISS search and fusion. Stages are timed inside one real ``HybridIndex.search`` call by
wrapping the methods it calls, so "fusion" is the total minus the timed stages.

Part 2, a synthetic corpus of ``--chunks`` (default 100,000) chunks: the real chunks of
``../shared/realdocs`` (or of the shipped corpus when that folder is absent), repeated with a
suffix, real BM25 over their text, and random normalised 384-dim vectors instead of e5
embeddings (embedding 100k chunks would take hours on 2 cores). HNSW on random vectors is a
worst case for graph search (no cluster structure), so its recall here is a lower bound.
Reports BM25 and FAISS build times, flat vs HNSW query latency at 10k/25k/50k/100k vectors
(the break-even for ``DEFAULT_HNSW_THRESHOLD``), total query p95 without and with one real e5
query embedding (measured in part 1 on the same questions), and peak RSS.

usage: python benchmarks/bench_index.py [--model e5|none|PATH] [--chunks 100000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

from benchmarks.tables import table  # noqa: E402
from assistant.query import parse  # noqa: E402
from index.dense import DEFAULT_HNSW_THRESHOLD, DenseIndex  # noqa: E402
from index.hybrid import HybridIndex, SearchFilters  # noqa: E402
from index.segment import Segmenter  # noqa: E402
from index.sparse import SparseIndex  # noqa: E402
from index.store import IndexStore, _doc_tokens  # noqa: E402
from ingest import diacritics  # noqa: E402
from ingest.store import CorpusStore, ingest_paths  # noqa: E402
from ingest.text import has_diacritics  # noqa: E402

SHIPPED = REPO / "ingest" / "default_corpus"
SHARED = REPO.parent / "shared"
REALDOCS = SHARED / "realdocs"
QUESTION_SETS = [SHARED / "eval" / "questions.jsonl", REPO / "eval" / "data" / "dev_questions.jsonl"]
DIM = 384
CANDIDATES = 200  # what HybridIndex.dense_scores asks FAISS for
BREAK_EVEN_SIZES = (10_000, 25_000, 50_000, 100_000)
VECTOR_QUERIES = 100


# --------------------------------------------------------------------------- helpers


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def pct(samples, q: float) -> float:
    return float(np.percentile(np.asarray(samples, dtype=np.float64), q)) if len(samples) else float("nan")


def ms(samples) -> str:
    """'p50 / p95' in milliseconds."""
    if not len(samples):
        return "n/a"
    return f"{pct(samples, 50) * 1000:8.2f} / {pct(samples, 95) * 1000:8.2f}"


def folder_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def load_questions() -> list[str]:
    out = []
    for path in QUESTION_SETS:
        if path.exists():
            out += [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines()
                    if line.strip()]
    return out


class StageClock:
    """Wraps the methods one ``HybridIndex.search`` calls and accumulates their time per call."""

    def __init__(self) -> None:
        self.current: dict[str, float] = {}

    def wrap(self, name: str, fn):
        def timed(*args, **kwargs):
            began = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.current[name] = self.current.get(name, 0.0) + time.perf_counter() - began
        return timed

    def instrument(self, index: HybridIndex) -> None:
        index.sparse_scores = self.wrap("sparse", index.sparse_scores)
        if index._restore is not None:
            index._restore = self.wrap("restore", index._restore)
        if index.embedder is not None:
            index.embedder.embed_query = self.wrap("embed", index.embedder.embed_query)
        if index.dense is not None:
            index.dense.search = self.wrap("faiss", index.dense.search)


def time_queries(index: HybridIndex, queries: list[str], rounds: int) -> dict[str, list[float]]:
    """Per-stage samples over ``rounds`` passes (after one untimed warm-up pass).

    Returns lists aligned by (round, question) for "sparse", "embed", "faiss", "fusion",
    "total"; "restore" holds only the questions typed without diacritics.
    """
    clock = StageClock()
    clock.instrument(index)
    for q in queries:
        index.search(q, 10)
    out: dict[str, list[float]] = {k: [] for k in ("sparse", "restore", "embed", "faiss", "fusion", "total")}
    for _ in range(rounds):
        for q in queries:
            clock.current = {}
            began = time.perf_counter()
            index.search(q, 10)
            total = time.perf_counter() - began
            stages = clock.current
            for key in ("sparse", "embed", "faiss"):
                out[key].append(stages.get(key, 0.0))
            if "restore" in stages:
                out["restore"].append(stages["restore"])
            out["fusion"].append(total - sum(stages.values()))
            out["total"].append(total)
    return out


def random_unit(n: int, rng: np.random.Generator) -> np.ndarray:
    x = rng.standard_normal((n, DIM), dtype=np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x


class RandomEmbedder:
    """Stands in for e5 at 100k chunks: a random unit vector per query, no model."""

    name, dim, fingerprint = "random", DIM, "random"

    def __init__(self, seed: int = 1) -> None:
        self.rng = np.random.default_rng(seed)

    def embed_query(self, text: str) -> np.ndarray:
        return random_unit(1, self.rng)[0]


# --------------------------------------------------------------------------- part 1


def shipped(model: str, rounds: int, threads: int | None, questions: list[str]) -> dict[str, list[float]]:
    data = Path(tempfile.mkdtemp(prefix="bench-index-"))
    try:
        return _shipped(data, model, rounds, threads, questions)
    finally:
        shutil.rmtree(data, ignore_errors=True)


def _shipped(data: Path, model: str, rounds: int, threads: int | None, questions: list[str]) -> dict[str, list[float]]:
    rows: list[tuple] = []
    began = time.perf_counter()
    report = ingest_paths([SHIPPED], CorpusStore(data))
    rows.append(("ingest shipped corpus (not index)", f"{time.perf_counter() - began:.2f} s",
                 f"{len(report.added)} docs, {report.chunks} chunks"))
    docs = CorpusStore(data).load_all()
    n_chunks = sum(len(d.chunks) for d in docs)

    embedder = None
    embed_time = [0.0]
    if model.lower() not in ("none", "off", "sparse"):
        from index.embedder import Embedder

        if model.lower() == "e5":
            from index.model_build import ensure_e5_model

            began = time.perf_counter()
            path = ensure_e5_model(data)
            rows.append(("build e5 model folder (ensure_e5_model)", f"{time.perf_counter() - began:.2f} s", ""))
        else:
            path = Path(model)
        if path is not None:
            began = time.perf_counter()
            embedder = Embedder(path, threads=threads)
            rows.append(("load embedding model (Embedder)", f"{time.perf_counter() - began:.2f} s",
                         f"{embedder.name}, torch threads {_torch_threads()}"))
            real_embed = embedder.embed_passages

            def counted(texts, *a, **kw):
                t0 = time.perf_counter()
                try:
                    return real_embed(texts, *a, **kw)
                finally:
                    embed_time[0] += time.perf_counter() - t0

            embedder.embed_passages = counted

    segmenter = Segmenter()
    store = IndexStore(data)
    build = store.build(docs, segmenter, embedder, restore=diacritics.repair_ocr, ocr_fold=diacritics.ocr_fold)
    rows.append(("index build (IndexStore.build)", f"{build.seconds:.2f} s", f"{n_chunks} chunks"))
    rows.append(("  of which segmentation + caches", f"{build.seconds - embed_time[0]:.2f} s",
                 f"{n_chunks / max(build.seconds - embed_time[0], 1e-9):.0f} chunks/s"))
    if embedder is not None:
        rows.append(("  of which passage embedding", f"{embed_time[0]:.2f} s",
                     f"{n_chunks / max(embed_time[0], 1e-9):.1f} chunks/s"))
    rows.append(("index size on disk (data/index)", f"{folder_bytes(store.root):,} B",
                 f"tokens {folder_bytes(store.root / 'tokens'):,} B, vectors "
                 f"{folder_bytes(store.root / 'vectors') if (store.root / 'vectors').exists() else 0:,} B"))
    if embedder is not None:
        embedder.embed_passages = real_embed

    loads = []
    for _ in range(5):
        began = time.perf_counter()
        index = store.load(docs, segmenter, embedder, restore=diacritics.restore_diacritics)
        loads.append(time.perf_counter() - began)
    began = time.perf_counter()
    CorpusStore(data).load_all()
    corpus_load = time.perf_counter() - began
    rows.append(("index load (IndexStore.load), first / median of 5",
                 f"{loads[0] * 1000:.1f} / {np.median(loads) * 1000:.1f} ms",
                 f"dense: {index.dense.kind if index.dense is not None else 'none'}"))
    rows.append(("corpus load (CorpusStore.load_all)", f"{corpus_load * 1000:.1f} ms", ""))
    table(f"Shipped corpus: build, size, load (model: {model})", rows, ("stage", "time / size", "note"))

    queries = [parse(q).search_text for q in questions]
    samples = time_queries(index, queries, rounds)
    n_plain = sum(not has_diacritics(q) for q in queries)
    qrows = [
        ("segmentation + BM25 (sparse_scores)", ms(samples["sparse"]), len(samples["sparse"])),
        ("diacritic restore (unaccented questions only)", ms(samples["restore"]), len(samples["restore"])),
        ("query embedding (embed_query)", ms(samples["embed"]) if embedder else "n/a",
         len(samples["embed"]) if embedder else ""),
        ("FAISS search (k=200)", ms(samples["faiss"]) if embedder else "n/a", len(samples["faiss"]) if embedder else ""),
        ("fusion + ranking (rest of search)", ms(samples["fusion"]), len(samples["fusion"])),
        ("TOTAL HybridIndex.search", ms(samples["total"]), len(samples["total"])),
    ]
    mask = SearchFilters(doc_ids={docs[0].doc_id})
    qrows.append(("doc-filter mask (SearchFilters.mask)", ms(_repeat(lambda: mask.mask(index.chunks, index.docs), 30)), 30))
    table(f"Shipped corpus: query latency, ms p50 / p95 ({len(queries)} questions, {n_plain} unaccented, "
          f"x{rounds} rounds after a warm-up)", qrows, ("stage", "p50 / p95 ms", "n"))
    print(f"peak RSS after part 1: {peak_rss_mb():.0f} MB (process-wide, includes the model)")
    # e5 query embedding per (round, question), reused by part 2
    return {"embed": samples["embed"] if embedder is not None else [], "n_questions": len(queries)}


def _torch_threads() -> int:
    import torch

    return torch.get_num_threads()


def _repeat(fn, n: int) -> list[float]:
    out = []
    for _ in range(n):
        began = time.perf_counter()
        fn()
        out.append(time.perf_counter() - began)
    return out


# --------------------------------------------------------------------------- part 2


def synthetic(n_target: int, rounds: int, questions: list[str], e5_embed: list[float]) -> None:
    import faiss

    data = Path(tempfile.mkdtemp(prefix="bench-index-synth-"))
    try:
        source = REALDOCS if REALDOCS.is_dir() and any(REALDOCS.glob("*.md")) else SHIPPED
        rows: list[tuple] = []
        began = time.perf_counter()
        ingest_paths([source], CorpusStore(data))
        docs = CorpusStore(data).load_all()
        base = [(d, c) for d in docs for c in d.chunks]
        rows.append(("ingest source documents (not index)", f"{time.perf_counter() - began:.1f} s",
                     f"{len(docs)} docs from {source}, {len(base):,} unique chunks"))
    finally:
        shutil.rmtree(data, ignore_errors=True)

    segmenter = Segmenter()
    began = time.perf_counter()
    base_tokens = []
    for doc in docs:  # only as many unique chunks as the synthetic corpus uses
        if len(base_tokens) >= n_target:
            break
        base_tokens += _doc_tokens(doc, segmenter, diacritics.ocr_fold)
    seg_time = time.perf_counter() - began
    base = base[:len(base_tokens)]
    rows.append((f"segmentation of {len(base):,} unique chunks (_doc_tokens)", f"{seg_time:.1f} s",
                 f"{len(base) / seg_time:,.0f} chunks/s -> {n_target / (len(base) / seg_time):.0f} s for "
                 f"{n_target:,}"))
    texts = [c.text for _, c in base[:2000]]
    words_time = _repeat(lambda: [segmenter.words(t) for t in texts], 1)[0]
    tokens_time = _repeat(lambda: [segmenter.tokens(t) for t in texts], 1)[0]
    rows.append(("  share of Segmenter.tokens spent outside words() (folding)",
                 f"{(tokens_time - words_time) / tokens_time * 100:.0f} %", f"on {len(texts)} chunk texts"))

    chunks, accented, folded = [], [], []
    rep = 0
    while len(chunks) < n_target:
        suffix = [f"dup{rep}"] if rep else []
        for (doc, chunk), (acc, fol) in zip(base, base_tokens):
            if len(chunks) >= n_target:
                break
            chunks.append(chunk)
            accented.append(acc + suffix)
            folded.append(fol + suffix)
        rep += 1
    n = len(chunks)
    rows.append(("synthetic corpus", f"{n:,} chunks", f"unique chunks repeated {rep}x, token 'dupN' appended"))
    began = time.perf_counter()
    sparse = SparseIndex(accented, folded)
    bm25_build = time.perf_counter() - began
    del accented, folded
    rows.append(("BM25 build (SparseIndex, 2 fields)", f"{bm25_build:.1f} s", f"{n / bm25_build:,.0f} chunks/s"))
    rows.append(("peak RSS after BM25 build", f"{peak_rss_mb():.0f} MB", ""))

    rng = np.random.default_rng(0)
    began = time.perf_counter()
    vectors = random_unit(n, rng)
    rows.append(("random unit vectors (stand-in for e5)", f"{time.perf_counter() - began:.1f} s",
                 f"{n:,} x {DIM} float32 = {vectors.nbytes / 2**20:.0f} MB; NOT real embeddings"))
    table(f"Synthetic corpus ({n:,} chunks): build", rows, ("stage", "time / size", "note"))

    # -- flat vs HNSW at growing sizes; HNSW grows incrementally (cumulative time = one build)
    queries_v = random_unit(VECTOR_QUERIES, np.random.default_rng(7))
    sizes = sorted({s for s in BREAK_EVEN_SIZES if s <= n} | {n})
    be_rows = []
    results = {}
    hnsw = None
    hnsw_build = 0.0
    default_threads = faiss.omp_get_max_threads()
    for size in sizes:
        began = time.perf_counter()
        flat = DenseIndex(vectors[:size], hnsw_threshold=size + 1)
        flat_build = time.perf_counter() - began
        began = time.perf_counter()
        if hnsw is None:
            hnsw = DenseIndex(vectors[:size], hnsw_threshold=0)
        else:
            hnsw.index.add(np.ascontiguousarray(vectors[hnsw.size:size]))
            hnsw.size = size
        hnsw_build += time.perf_counter() - began
        flat_t, flat_ids = _vector_search(flat, queries_v)
        faiss.omp_set_num_threads(1)
        flat_t1, _ = _vector_search(flat, queries_v)
        hnsw_t1, _ = _vector_search(hnsw, queries_v)
        faiss.omp_set_num_threads(default_threads)
        hnsw_t, hnsw_ids = _vector_search(hnsw, queries_v)
        recall = np.mean([len(set(f[:10]) & set(h[:10])) / 10 for f, h in zip(flat_ids, hnsw_ids)])
        results[size] = {"flat": flat_t, "flat1": flat_t1, "hnsw": hnsw_t, "hnsw1": hnsw_t1}
        be_rows.append((f"{size:,}", f"{flat_build:.2f}", f"{hnsw_build:.1f}", ms(flat_t), ms(flat_t1), ms(hnsw_t),
                        ms(hnsw_t1), f"{recall:.2f}"))
        del flat
    table(f"FAISS flat vs HNSW (M=32, efConstruction=80, efSearch=128 as in index/dense.py), k={CANDIDATES}, "
          f"{VECTOR_QUERIES} random queries; HNSW built incrementally, build time cumulative",
          be_rows, ("vectors", "flat build s", "HNSW build s", f"flat p50/p95 ms (omp={default_threads})",
                    "flat p50/p95 ms (omp=1)", f"HNSW p50/p95 ms (omp={default_threads})", "HNSW p50/p95 ms (omp=1)",
                    "HNSW recall@10"))
    if default_threads == 1:
        print("note: FAISS already had 1 OpenMP thread (torch.set_num_threads, e.g. --threads 1, sets the OpenMP "
              "runtime FAISS shares), so the omp=1 columns repeat the measurement")
    for label, f_key, h_key in (("default OpenMP threads", "flat", "hnsw"), ("1 OpenMP thread", "flat1", "hnsw1")):
        faster = [s for s in sizes if pct(results[s][h_key], 95) < pct(results[s][f_key], 95)]
        first = faster[0] if faster else None
        verdict = f"HNSW p95 beats flat from {first:,} vectors" if first else "HNSW never beats flat at these sizes"
        print(f"break-even ({label}): {verdict}; current DEFAULT_HNSW_THRESHOLD = {DEFAULT_HNSW_THRESHOLD:,}")

    # -- full queries at n: sparse, restore, FAISS, fusion, with the HNSW index (threshold) and flat
    queries = [parse(q).search_text for q in questions]
    flat = DenseIndex(vectors, hnsw_threshold=n + 1)
    chosen = hnsw if n >= DEFAULT_HNSW_THRESHOLD else flat
    q_rows = []
    totals = {}
    for label, dense in ((f"{chosen.kind} (the kind DEFAULT_HNSW_THRESHOLD picks)", chosen),
                         ("flat" if chosen is hnsw else "hnsw", flat if chosen is hnsw else hnsw)):
        index = HybridIndex(docs, chunks, sparse, segmenter, dense, RandomEmbedder(), 0.3,
                            restore=diacritics.restore_diacritics)
        samples = time_queries(index, queries, rounds)
        totals[dense.kind] = samples["total"]
        q_rows += [
            (f"[{label}]", "", ""),
            ("  segmentation + BM25 (sparse_scores)", ms(samples["sparse"]), len(samples["sparse"])),
            ("  diacritic restore (unaccented only)", ms(samples["restore"]), len(samples["restore"])),
            ("  FAISS search (k=200)", ms(samples["faiss"]), len(samples["faiss"])),
            ("  fusion + ranking (rest of search)", ms(samples["fusion"]), len(samples["fusion"])),
            ("  TOTAL excluding query embedding", ms(samples["total"]), len(samples["total"])),
        ]
        if e5_embed and len(e5_embed) == len(samples["total"]):
            with_embed = np.asarray(samples["total"]) + np.asarray(e5_embed)
            q_rows.append(("  TOTAL including one real e5 query embedding", ms(with_embed), len(with_embed)))
        else:
            q_rows.append(("  TOTAL including one real e5 query embedding", "n/a (run with --model e5)", ""))
    mask = SearchFilters(doc_ids={docs[0].doc_id})
    q_rows.append(("doc-filter mask (SearchFilters.mask, Python loop)",
                   ms(_repeat(lambda: mask.mask(chunks, {d.doc_id: d for d in docs}), 10)), 10))
    table(f"Synthetic corpus ({n:,} chunks): query latency, ms p50 / p95 ({len(queries)} questions x{rounds}; "
          "dense part on random vectors)", q_rows, ("stage", "p50 / p95 ms", "n"))
    print(f"peak RSS (process, ru_maxrss): {peak_rss_mb():.0f} MB; current RSS {rss_mb():.0f} MB")


def _vector_search(dense: DenseIndex, queries: np.ndarray) -> tuple[list[float], list[np.ndarray]]:
    dense.search(queries[0], CANDIDATES)
    times, ids = [], []
    for q in queries:
        began = time.perf_counter()
        found, _ = dense.search(q, CANDIDATES)
        times.append(time.perf_counter() - began)
        ids.append(found)
    return times, ids


# --------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="e5", help="e5 (default), none, or a sentence-transformers folder")
    parser.add_argument("--chunks", type=int, default=100_000, help="size of the synthetic corpus (0 skips part 2)")
    parser.add_argument("--rounds", type=int, default=3, help="timed passes over the questions")
    parser.add_argument("--threads", type=int, default=None, help="torch threads for the model (default: torch's)")
    args = parser.parse_args()
    questions = load_questions()
    started = time.perf_counter()
    print(f"bench_index: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start, "
          f"{len(questions)} questions")
    part1 = shipped(args.model, args.rounds, args.threads, questions)
    if args.chunks > 0:
        synthetic(args.chunks, args.rounds, questions, part1["embed"])
    print(f"\nwall time {time.perf_counter() - started:.0f} s; load average {os.getloadavg()[0]:.2f} at end")


if __name__ == "__main__":
    main()
