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

The rule with the best R@5 on the dev questions (ties: R@1, then the simpler rule) is reported
on the held-out sets. Dev: the reworded dev questions (``rw-dev-*``), the public set and
``dev_questions.jsonl``. Held-out: the reworded held-out questions (``rw-ho-*``), the test set,
realdocs 1-5 and the English questions of all of them.

usage: python benchmarks/bench_fusion.py --data DIR [--precision int8] [--passage-tokens 128]
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


def _best(scores: np.ndarray, k: int) -> np.ndarray:
    k = min(k, scores.size)
    part = np.argpartition(-scores, k - 1)[:k]
    return part[np.argsort(-scores[part], kind="stable")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="a data dir indexed with the e5 model")
    parser.add_argument("--precision", choices=("float32", "int8"), default="int8")
    parser.add_argument("--passage-tokens", type=int, default=128)
    args = parser.parse_args()

    from assistant.core import Assistant
    from assistant.query import parse
    from assistant.settings import Settings
    from ingest import diacritics
    from ingest.text import fold, has_diacritics

    assistant = Assistant(Settings(data_dir=args.data, embedding_precision=args.precision,
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

    def signals(q: dict) -> tuple[np.ndarray, np.ndarray]:
        if q["id"] not in cache:
            parsed = parse(q["question"])
            text = parsed.search_text
            dense_text = q["question"] if parsed.lang == "en" else (
                text if has_diacritics(text) else diacritics.restore_diacritics(text))
            cache[q["id"]] = (index.sparse_scores(text), matrix @ assistant.embedder.embed_query(dense_text))
        return cache[q["id"]]

    def measure(rule: tuple, questions: list[dict]) -> tuple[float, float]:
        ranks = [rank_of(q, ranking(rule, *signals(q))) for q in questions]
        n = len(ranks) or 1
        return sum(r is not None and r < 1 for r in ranks) / n, sum(r is not None and r < 5 for r in ranks) / n

    all_rules = rules()
    dev_rows, scored = [], []
    for name, rule in all_rules.items():
        per_set = {s: measure(rule, qs) for s, qs in dev.items()}
        dev_all = measure(rule, [q for qs in dev.values() for q in qs])
        scored.append((dev_all[1], dev_all[0], -len(rule), name))
        dev_rows.append((name, *(f"{r1:.2f} / {r5:.2f}" for r1, r5 in per_set.values()), f"{dev_all[0]:.3f} / {dev_all[1]:.3f}"))
    table(f"Dev (R@1 / R@5), {args.data} ({args.precision}, {args.passage_tokens} tokens)", dev_rows,
          ("rule", *(f"{s} ({len(q)})" for s, q in dev.items()), "all dev"))
    chosen = max(scored)[3]
    print(f"\nchosen on dev (best R@5, then R@1, then the simpler rule): {chosen}")
    held_rows = []
    for name in dict.fromkeys(["bm25", "dense", "sum 0.3", chosen]):
        held_rows.append((name + (" (chosen)" if name == chosen else ""),
                          *(f"{r1:.2f} / {r5:.2f}" for r1, r5 in (measure(all_rules[name], qs) for qs in held.values()))))
    table("Held-out (R@1 / R@5)", held_rows, ("rule", *(f"{s} ({len(q)})" for s, q in held.items())))


if __name__ == "__main__":
    main()
