"""Retrieval quality per language: sparse vs dense vs hybrid, segmented vs syllable tokens.

Prints recall@1/5/10 and MRR of the gold span (a chunk of the gold document containing a
gold quote) on question sets, for each retrieval variant, as a Markdown table.

usage: python benchmarks/bench_retrieval.py [--model e5|PATH|none] [--questions FILE ...]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.core import Assistant  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from index.segment import Segmenter  # noqa: E402
from index.store import IndexStore  # noqa: E402
from ingest import diacritics  # noqa: E402
from ingest.text import fold  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SETS = [REPO.parent / "shared" / "eval" / "questions.jsonl", REPO / "eval" / "data" / "dev_questions.jsonl"]


def gold_rank(q: dict, chunks) -> int | None:
    for rank, chunk in enumerate(chunks):
        if chunk.doc_id == q["doc"] and any(fold(g) in fold(chunk.text) for g in q["gold_quote"]):
            return rank
    return None


def scores(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks) or 1
    return {
        "R@1": sum(r is not None and r < 1 for r in ranks) / n,
        "R@5": sum(r is not None and r < 5 for r in ranks) / n,
        "R@10": sum(r is not None and r < 10 for r in ranks) / n,
        "MRR": sum(1 / (r + 1) for r in ranks if r is not None) / n,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="e5")
    parser.add_argument("--questions", nargs="*", type=Path, default=[p for p in DEFAULT_SETS if p.exists()])
    parser.add_argument("--weights", default="0.1,0.3,0.5,1.0")
    args = parser.parse_args()
    questions = [json.loads(line) for path in args.questions for line in path.read_text(encoding="utf-8").splitlines()
                 if line.strip()]
    questions = [q for q in questions if q["answerable"]]
    data = Path(tempfile.mkdtemp(prefix="bench-retrieval-"))
    assistant = Assistant(Settings(data_dir=data, embedding_model=args.model))
    index = assistant.state.index
    docs = assistant.state.docs

    variants: dict[str, callable] = {}
    variants["BM25 on syllables (default), folded + accented fields"] = lambda q: [
        h.chunk for h in index.search(q, 10, use_dense=False)]
    compound_store = IndexStore(data / "compounds")
    compounds = Segmenter(mode="both")
    compound_store.build(docs, compounds, None, restore=diacritics.repair_ocr, ocr_fold=diacritics.ocr_fold)
    compound_index = compound_store.load(docs, compounds, None)
    variants["BM25 on underthesea words + their syllables"] = lambda q: [
        h.chunk for h in compound_index.search(q, 10, use_dense=False)]
    if index.dense is not None:
        def dense_only(q):
            found = index.dense_scores(q, 10)
            return [index.chunks[i] for i, _ in sorted(found.items(), key=lambda kv: -kv[1])]

        variants[f"dense only ({assistant.embedder.name})"] = dense_only
        for weight in [float(w) for w in args.weights.split(",")]:
            def hybrid(q, w=weight):
                index.dense_weight = w
                return [h.chunk for h in index.search(q, 10)]

            variants[f"hybrid, dense weight {weight}"] = hybrid
    variants["assistant.search (hybrid + task/issuer structure)"] = lambda q: [
        next(c for c in index.chunks if c.chunk_id == h.chunk_id) for h in assistant.search(q, 10)]

    rows = []
    for name, run in variants.items():
        by_lang: dict[str, list] = defaultdict(list)
        for q in questions:
            text = assistant_query_text(q["question"])
            rank = gold_rank(q, run(text))
            by_lang["all"].append(rank)
            by_lang[q["lang"]].append(rank)
        rows.append((name, {lang: scores(r) for lang, r in by_lang.items()}, {k: len(v) for k, v in by_lang.items()}))
    index.dense_weight = assistant.settings.dense_weight

    langs = ["all", "vi", "vi-noaccent", "en"]
    print(f"questions: {len(questions)} answerable from {', '.join(p.name for p in args.questions)}")
    print("| variant | " + " | ".join(f"{lang} R@1 / R@5 / R@10 / MRR" for lang in langs) + " |")
    print("|---|" + "---|" * len(langs))
    for name, by_lang, counts in rows:
        cells = []
        for lang in langs:
            s = by_lang.get(lang)
            cells.append("–" if s is None else f"{s['R@1']:.2f} / {s['R@5']:.2f} / {s['R@10']:.2f} / {s['MRR']:.2f}")
        print(f"| {name} | " + " | ".join(cells) + " |")
    print("n per language:", rows[0][2])


def assistant_query_text(question: str) -> str:
    from assistant.query import parse

    return parse(question).search_text


if __name__ == "__main__":
    main()
