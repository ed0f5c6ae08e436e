"""Which fusion of BM25 and the stored dense vectors retrieves best: chosen on dev, reported on held-out.

For every answerable question, BM25 scores all chunks and the question's e5 vector is compared
with every stored chunk vector (an unaccented question is given its diacritics first, an
English one is embedded as written, as the assistant does). Rules compared, by the rank of the
gold span (a chunk of the gold document holding a gold quote):

* ``bm25``: BM25 alone; ``dense``: the stored cosine alone;
* ``sum w``: today's rule, max-normalised BM25 + w x the cosine rescaled over the dense
  stage's 200 nearest chunks (``HybridIndex.search``);
* ``rerank N a``: BM25's top N re-scored by (1 - a) x normalised BM25 + a x the cosine
  rescaled over those N (a second stage over vectors already stored: no model call per passage);
* ``rrf``: reciprocal-rank fusion (k = 60) of the two rankings.

``--model static`` measures the static model distilled from e5 (``CCHC_EMBEDDING_MODEL=static``;
``--data`` indexed with it). ``--e5-data DIR`` (the same documents indexed with e5) adds, from
the same run, e5 alone and e5 fused by the same rules, and a second stage that re-scores the
first stage's top N by the e5 cosine (e5 passage vectors are taken from that index: the same
vectors a query-time e5 pass over those N passages would give; that pass's latency is measured
on a sample of questions and printed):

* ``e5 rescore N``: the static model's top N, ordered by the e5 cosine;
* ``e5 rescore hybrid N a``: the chosen BM25 + static rule's top N, re-scored by
  (1 - a) x its fused score (max-normalised) + a x the e5 cosine rescaled over those N.

The rule with the best R@5 on the dev questions (ties: R@1, then the simpler rule) is reported
on the held-out sets. Dev: the reworded dev questions (``rw-dev-*``), the public set and
``dev_questions.jsonl``. Held-out: the reworded held-out questions (``rw-ho-*``), the test set,
realdocs 1-5 and the English questions of all of them.

usage: python benchmarks/bench_fusion.py --data DIR [--precision int8] [--passage-tokens 128]
           [--model e5|static] [--e5-data DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

from benchmarks.tables import table  # noqa: E402

SHARED = REPO.parent / "shared"
DATA = REPO / "eval" / "data"
FILES = {
    "public": SHARED / "eval" / "questions.jsonl", "dev": DATA / "dev_questions.jsonl",
    "test": DATA / "test_questions.jsonl", "realdocs 1": DATA / "realdocs_questions.jsonl",
    "realdocs 2": DATA / "realdocs2_questions.jsonl", "realdocs 3": DATA / "realdocs3_questions.jsonl",
    "realdocs 4": DATA / "realdocs4_questions.jsonl", "realdocs 5": DATA / "realdocs5_questions.jsonl",
    "reworded": DATA / "reworded_questions.jsonl",
}
DENSE_POOL = 200  # what HybridIndex.dense_scores asks FAISS for


def load_sets() -> tuple[dict[str, list[dict]], dict[str, list[dict]]]:
    raw = {name: [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
           for name, path in FILES.items() if path.exists()}
    answerable = {name: [q for q in qs if q["answerable"]] for name, qs in raw.items()}
    reworded = answerable.pop("reworded", [])
    dev = {"reworded dev": [q for q in reworded if q["id"].startswith("rw-dev")],
           "public": answerable.pop("public", []), "dev": answerable.pop("dev", [])}
    held = {"reworded held-out": [q for q in reworded if q["id"].startswith("rw-ho")], **answerable}
    held["English (held-out sets)"] = [q for name, qs in held.items() for q in qs if q["lang"] == "en"]
    return dev, held


def rules() -> dict[str, tuple]:
    out: dict[str, tuple] = {"bm25": ("bm25",), "dense": ("dense",), "rrf": ("rrf",)}
    for w in (0.1, 0.2, 0.3, 0.5, 0.75, 1.0):
        out[f"sum {w}"] = ("sum", w)
    for n in (20, 50, 100):
        for a in (0.2, 0.3, 0.5, 0.7):
            out[f"rerank {n} {a}"] = ("rerank", n, a)
    return out


def ranking(rule: tuple, bm25: np.ndarray, cos: np.ndarray) -> np.ndarray:
    """Chunk indices, best first (top 10)."""
    kind = rule[0]
    top = float(bm25.max()) if bm25.size else 0.0
    norm = bm25 / top if top > 0 else bm25
    if kind == "bm25":
        return _best(norm, 10)
    if kind == "dense":
        return _best(cos, 10)
    if kind == "sum":
        pool = _best(cos, DENSE_POOL)
        fused = norm.copy()
        values = cos[pool]
        span = float(values.max() - values.min()) or 1.0
        fused[pool] += rule[1] * (values - values.min()) / span
        return _best(fused, 10)
    if kind == "rerank":
        _, n, a = rule
        pool = _best(norm, n)
        values = cos[pool]
        span = float(values.max() - values.min()) or 1.0
        scores = (1 - a) * norm[pool] + a * (values - values.min()) / span
        return pool[np.argsort(-scores, kind="stable")][:10]
    if kind == "rrf":
        fused = np.zeros_like(norm)
        for order in (_best(norm, 200), _best(cos, 200)):
            fused[order] += 1.0 / (60 + np.arange(1, len(order) + 1))
        return _best(fused, 10)
    raise ValueError(rule)


def fused_scores(rule: tuple, bm25: np.ndarray, cos: np.ndarray) -> np.ndarray:
    """The whole-corpus score a ``sum`` or ``bm25`` or ``dense`` rule ranks by (for a second stage)."""
    top = float(bm25.max()) if bm25.size else 0.0
    norm = bm25 / top if top > 0 else bm25.copy()
    if rule[0] == "bm25":
        return norm
    if rule[0] == "dense":
        return cos.copy()
    if rule[0] == "sum":
        pool = _best(cos, DENSE_POOL)
        fused = norm.copy()
        values = cos[pool]
        span = float(values.max() - values.min()) or 1.0
        fused[pool] += rule[1] * (values - values.min()) / span
        return fused
    raise ValueError(rule)


def rescore(first: np.ndarray, e5: np.ndarray, n: int, a: float) -> np.ndarray:
    """The top ``n`` of ``first`` re-scored by (1 - a) x first / its max + a x the e5 cosine
    rescaled over those n (a = 1: the e5 cosine alone)."""
    pool = _best(first, n)
    top = float(first[pool].max()) or 1.0
    values = e5[pool]
    span = float(values.max() - values.min()) or 1.0
    scores = (1 - a) * first[pool] / top + a * (values - values.min()) / span
    return pool[np.argsort(-scores, kind="stable")][:10]


def _best(scores: np.ndarray, k: int) -> np.ndarray:
    k = min(k, scores.size)
    part = np.argpartition(-scores, k - 1)[:k]
    return part[np.argsort(-scores[part], kind="stable")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="a data dir indexed with the e5 model")
    parser.add_argument("--precision", choices=("float32", "int8"), default="int8")
    parser.add_argument("--passage-tokens", type=int, default=128)
    parser.add_argument("--model", default="e5", help="CCHC_EMBEDDING_MODEL the --data index was built with")
    parser.add_argument("--e5-data", type=Path, default=None,
                        help="the same documents indexed with e5 (float32, 512 tokens): e5 rows and e5 re-scoring")
    parser.add_argument("--latency-sample", type=int, default=20, help="questions timed for the e5 second stage")
    args = parser.parse_args()
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")

    from assistant.core import Assistant
    from assistant.query import parse
    from assistant.settings import Settings
    from ingest import diacritics
    from ingest.text import fold, has_diacritics

    assistant = Assistant(Settings(data_dir=args.data, embedding_precision=args.precision, embedding_model=args.model,
                                   embedding_passage_tokens=args.passage_tokens))
    assistant.warm_up()
    index = assistant.state.index
    matrix = np.stack([index.dense.index.reconstruct(i) for i in range(index.dense.size)])
    dev, held = load_sets()
    chunk_text = [fold(c.text) for c in index.chunks]
    chunk_doc = [c.doc_id for c in index.chunks]

    def rank_of(q: dict, order: np.ndarray) -> int | None:
        gold = [fold(g) for g in q["gold_quote"]]
        for r, i in enumerate(order):
            if chunk_doc[i] == q["doc"] and any(g in chunk_text[i] for g in gold):
                return r
        return None

    cache: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    dense_texts: dict[str, str] = {}

    def signals(q: dict) -> tuple[np.ndarray, np.ndarray]:
        if q["id"] not in cache:
            parsed = parse(q["question"])
            text = parsed.search_text
            dense_texts[q["id"]] = q["question"] if parsed.lang == "en" else (
                text if has_diacritics(text) else diacritics.restore_diacritics(text))
            cache[q["id"]] = (index.sparse_scores(text), matrix @ assistant.embedder.embed_query(dense_texts[q["id"]]))
        return cache[q["id"]]

    e5 = None
    if args.e5_data is not None:
        e5 = Assistant(Settings(data_dir=args.e5_data, embedding_model="e5", embedding_precision="float32",
                                embedding_passage_tokens=512))
        e5.warm_up()
        e5_index = e5.state.index
        if [(c.doc_id, c.text) for c in e5_index.chunks] != [(c.doc_id, c.text) for c in index.chunks]:
            raise SystemExit(f"{args.e5_data} does not hold the same chunks in the same order as {args.data}")
        e5_matrix = np.stack([e5_index.dense.index.reconstruct(i) for i in range(e5_index.dense.size)])
    e5_cache: dict[str, np.ndarray] = {}

    def e5_cos(q: dict) -> np.ndarray:
        if q["id"] not in e5_cache:
            signals(q)
            e5_cache[q["id"]] = e5_matrix @ e5.embedder.embed_query(dense_texts[q["id"]])
        return e5_cache[q["id"]]

    def measure(order_of, questions: list[dict]) -> tuple[float, float]:
        ranks = [rank_of(q, order_of(q)) for q in questions]
        n = len(ranks) or 1
        return sum(r is not None and r < 1 for r in ranks) / n, sum(r is not None and r < 5 for r in ranks) / n

    dense_name = "static" if args.model != "e5" else "dense"
    candidates: dict[str, dict[str, object]] = {"first stage": {}}
    for name, rule in rules().items():
        label = name.replace("dense", dense_name) if name == "dense" else name
        candidates["first stage"][label] = (lambda rule: lambda q: ranking(rule, *signals(q)))(rule)
    if e5 is not None:
        candidates["e5 (same run)"] = {
            f"e5 {name}": (lambda rule: lambda q: ranking(rule, signals(q)[0], e5_cos(q)))(rule)
            for name, rule in rules().items() if name != "bm25"}

    dev_all = [q for qs in dev.values() for q in qs]

    def choose(group: dict[str, object], title: str) -> str:
        rows, scored = [], []
        for name, order_of in group.items():
            per_set = {s: measure(order_of, qs) for s, qs in dev.items()}
            overall = measure(order_of, dev_all)
            scored.append((overall[1], overall[0], -len(name), name))
            rows.append((name, *(f"{r1:.2f} / {r5:.2f}" for r1, r5 in per_set.values()),
                         f"{overall[0]:.3f} / {overall[1]:.3f}"))
        table(title, rows, ("rule", *(f"{s} ({len(q)})" for s, q in dev.items()), "all dev"))
        best = max(scored)[3]
        print(f"chosen on dev (best R@5, then R@1, then the shorter name): {best}")
        return best

    chosen = choose(candidates["first stage"], f"Dev (R@1 / R@5), {args.data} (model {args.model})")
    report = ["bm25", dense_name, "sum 0.3", chosen]
    e5_chosen = rescore_chosen = sum_rule = None
    orders = dict(candidates["first stage"])
    if e5 is not None:
        e5_chosen = choose(candidates["e5 (same run)"], f"Dev (R@1 / R@5), e5 from {args.e5_data}")
        orders.update(candidates["e5 (same run)"])
        report += ["e5 dense", "e5 sum 0.3", e5_chosen]
        sums = [n for n in candidates["first stage"] if n.startswith("sum ")]
        best_sum = max(sums, key=lambda n: (measure(orders[n], dev_all)[::-1], -float(n.split()[1])))
        sum_rule = ("sum", float(best_sum.split()[1]))
        second: dict[str, object] = {}
        for n in (20, 50, 100):
            second[f"e5 rescore {n}"] = (lambda n: lambda q: rescore(signals(q)[1], e5_cos(q), n, 1.0))(n)
            for a in (0.3, 0.5, 0.7, 1.0):
                second[f"e5 rescore {best_sum} {n} {a}"] = (lambda n, a: lambda q: rescore(
                    fused_scores(sum_rule, *signals(q)), e5_cos(q), n, a))(n, a)
        rescore_chosen = choose(second, "Dev (R@1 / R@5), second stage: e5 re-scores the first stage's top N")
        orders.update(second)
        report += ["e5 rescore 20", "e5 rescore 50", rescore_chosen]
    report = list(dict.fromkeys(report))
    held_rows = []
    for name in report:
        tag = " (chosen)" if name in (chosen, e5_chosen, rescore_chosen) else ""
        held_rows.append((name + tag, *(f"{r1:.2f} / {r5:.2f}" for r1, r5 in (measure(orders[name], qs)
                                                                               for qs in held.values()))))
    table("Held-out (R@1 / R@5)", held_rows, ("rule", *(f"{s} ({len(q)})" for s, q in held.items())))
    every = {**dev, **held}
    every["English (all sets)"] = [q for name, qs in every.items() if not name.startswith("English")
                                   for q in qs if q["lang"] == "en"]
    rows = [(name, *(f"{r1:.2f} / {r5:.2f}" for r1, r5 in (measure(orders[name], qs) for qs in every.values())))
            for name in report]
    table("Every set (R@1 / R@5; rules chosen on the first three columns)", rows,
          ("rule", *(f"{s} ({len(q)})" for s, q in every.items())))
    if e5 is not None:
        latency(assistant, e5, index, [q for qs in held.values() for q in qs][:args.latency_sample], signals,
                dense_texts, sum_rule)


def latency(assistant, e5, index, questions: list[dict], signals, dense_texts: dict[str, str], sum_rule) -> None:
    """Query time of the static first stage and of e5 re-scoring its top N at query time (e5's
    query vector + the N passages through e5, as the index would do without stored e5 vectors)."""
    import time

    from index.store import dense_text
    from ingest import diacritics

    rows = []
    static_ms, e5_query_ms = [], []
    for q in questions:
        signals(q)
        began = time.perf_counter()
        assistant.embedder.embed_query(dense_texts[q["id"]])
        static_ms.append(1000 * (time.perf_counter() - began))
        began = time.perf_counter()
        e5.embedder.embed_query(dense_texts[q["id"]])
        e5_query_ms.append(1000 * (time.perf_counter() - began))
    rows.append(("static query vector", len(questions), f"{np.median(static_ms):.1f}", f"{np.percentile(static_ms, 90):.1f}"))
    rows.append(("e5 query vector", len(questions), f"{np.median(e5_query_ms):.1f}", f"{np.percentile(e5_query_ms, 90):.1f}"))
    for n in (20, 50):
        spent = []
        for q in questions:
            pool = _best(fused_scores(sum_rule, *signals(q)), n)
            texts = [dense_text(index.docs[index.chunks[i].doc_id], index.chunks[i], diacritics.repair_ocr) for i in pool]
            began = time.perf_counter()
            e5.embedder.embed_passages(texts)
            spent.append(1000 * (time.perf_counter() - began))
        rows.append((f"e5 over the top {n} passages (float32, 512 tokens)", len(questions), f"{np.median(spent):.0f}",
                     f"{np.percentile(spent, 90):.0f}"))
    table(f"Query latency added by the e5 second stage (ms; load {' '.join(f'{x:.2f}' for x in os.getloadavg())})",
          rows, ("step", "questions", "p50 ms", "p90 ms"))


if __name__ == "__main__":
    main()
