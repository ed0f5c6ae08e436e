"""Today's dense indexing path against the new one, side by side in one run, then what each gives.

Part 1, time (``--part time``): the documents (default: the five shipped plans + all of
``../shared/realdocs``) are ingested once, the e5 model is built once (folder, ONNX export,
int8 copy), the BM25 caches are built once, and then the dense stage is run twice:

* **today's path** (main before issue 14): per document, every chunk's dense text
  (``index.store.dense_text``), float32 ONNX weights, passages up to 512 tokens, one thread,
  each document's chunks sorted by length into batches of its own;
* **the new path**: ``IndexStore.build`` with the settings under test (default: int8 weights,
  passages cut at 128 tokens, each distinct text once over the whole build, one length-sorted
  pass, as many embedding threads as idle cores).

``--today-path default`` times, instead of that older path, today's default
(``IndexStore.build`` with e5 float32, 512 tokens, each distinct text once, batches on the idle
cores), so the default and the static model are compared in one run.

With ``--new-model static`` the new path is the static model distilled from e5
(:mod:`index.static_build`, ``CCHC_EMBEDDING_MODEL=static``; built once in preparation, its
build time printed there) instead of e5 with the settings under test.

It prints chunks, distinct texts, tokens, wall time and chunks/s of each, the load average
before and after each, and checks that a second build of the new path embeds nothing.

Part 2, value (``--part value``): for each of the two indexes, R@1 / R@5 of the gold span
(a chunk of the gold document holding a gold quote) for BM25 alone, dense alone and the
hybrid search the assistant uses (``HybridIndex.search``), and the share of questions answered
right (``Assistant.ask`` judged by ``../shared/eval/score.py``), per question set: public,
dev, test, realdocs 1-5, reworded, and the English questions of all of them. The public, dev
and test questions were written for the five plans; here they are asked of the whole world
(the realdocs are distractors), as in the README's "with the 182 documents … as distractors".

Timing is only comparable inside one run (the CPU is shared): check the printed load.

usage: python benchmarks/bench_dense_index.py [--work DIR] [--part time|value|all]
           [--docs PATH ...] [--limit-docs N] [--precision int8] [--passage-tokens 128] [--workers 0]
           [--new-model e5|static] [--today-path per-document|default]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

from benchmarks.tables import table  # noqa: E402

SHARED = REPO.parent / "shared"
DEFAULT_DOCS = [REPO / "ingest" / "default_corpus", SHARED / "realdocs"]
SETS = {
    "public": SHARED / "eval" / "questions.jsonl",
    "dev": REPO / "eval" / "data" / "dev_questions.jsonl",
    "test": REPO / "eval" / "data" / "test_questions.jsonl",
    "realdocs 1": REPO / "eval" / "data" / "realdocs_questions.jsonl",
    "realdocs 2": REPO / "eval" / "data" / "realdocs2_questions.jsonl",
    "realdocs 3": REPO / "eval" / "data" / "realdocs3_questions.jsonl",
    "realdocs 4": REPO / "eval" / "data" / "realdocs4_questions.jsonl",
    "realdocs 5": REPO / "eval" / "data" / "realdocs5_questions.jsonl",
    "reworded": REPO / "eval" / "data" / "reworded_questions.jsonl",
}


def load_text() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def prepare(work: Path, paths: list[Path], limit: int | None, new_model: str = "e5") -> list:
    """Ingest (once) into ``work/base`` and give ``work/old`` and ``work/new`` the same corpus and model."""
    from index.model_build import ensure_e5_model
    from index.onnx_export import export_onnx
    from index.quantize import quantize_int8
    from ingest.store import CorpusStore, ingest_paths

    base = work / "base"
    store = CorpusStore(base)
    rows = []
    began = time.perf_counter()
    report = ingest_paths(paths, store)
    rows.append(("ingest (CorpusStore)", f"{time.perf_counter() - began:.1f} s",
                 f"{len(report.added)} added, {len(report.unchanged)} unchanged, {len(report.failures)} failed"))
    began = time.perf_counter()
    model = ensure_e5_model(base)
    export_onnx(model)
    quantize_int8(model)
    rows.append(("e5 model: folder, ONNX export, int8 copy (once per install)", f"{time.perf_counter() - began:.1f} s",
                 str(model)))
    if new_model == "static":
        from index.static_build import ensure_static_model

        began = time.perf_counter()
        static = ensure_static_model(base)
        rows.append(("static model distilled from e5 (once per install; 0 s when already built)",
                     f"{time.perf_counter() - began:.1f} s", str(static)))
    for name in ("old", "new"):
        folder = work / name
        folder.mkdir(parents=True, exist_ok=True)
        for part in ("corpus", "models"):
            link = folder / part
            if not link.exists():
                link.symlink_to((base / part).resolve())
    table("Preparation (not part of the comparison)", rows, ("step", "time", "note"))
    docs = store.load_all()
    if limit:
        docs = docs[:limit]
    return docs


def token_count(embedder, texts: list[str], cap: int) -> int:
    onnx = embedder._onnx
    return sum(min(len(x), cap) for x in onnx.token_ids(texts, "passage"))


def time_paths(work: Path, docs: list, args) -> None:
    from index.embedder import Embedder
    from index.segment import Segmenter
    from index.store import IndexStore, _atomic_save_npy, dense_text
    from ingest import diacritics

    from index.model_build import MODEL_DIRNAME

    model = work / "base" / "models" / MODEL_DIRNAME
    segmenter = Segmenter()
    chunks = sum(len(d.chunks) for d in docs)
    rows = []

    old_store, new_store = IndexStore(work / "old"), IndexStore(work / "new")
    for store in (old_store, new_store):
        shutil.rmtree(store.root, ignore_errors=True)
    began = time.perf_counter()
    old_store.build(docs, segmenter, None, restore=diacritics.repair_ocr, ocr_fold=diacritics.ocr_fold)
    seg_s = time.perf_counter() - began
    shutil.copytree(old_store.root / "tokens", new_store.root / "tokens")
    rows.append(("BM25 caches (segmentation), both paths", chunks, "", "", f"{seg_s:.1f} s", f"{chunks / seg_s:.0f}", ""))

    units = [dense_text(d, c, diacritics.repair_ocr) for d in docs for c in d.chunks]
    if args.today_path == "default":
        from index.embedder import idle_cores

        old = Embedder(model, background=False, backend="onnx", precision="float32", passage_tokens=512,
                       batch_threads=0)
        old_tokens = token_count(old, list(dict.fromkeys(units)), 512)
        load0 = load_text()
        threads = idle_cores()
        began = time.perf_counter()
        old_store.build(docs, segmenter, old, restore=diacritics.repair_ocr, ocr_fold=diacritics.ocr_fold)
        old_s = time.perf_counter() - began
        rows.append((f"today's default: e5, distinct texts once, float32, 512 tokens, {threads} thread(s) (idle cores)",
                     chunks, len(set(units)), f"{old_tokens:,}", f"{old_s:.1f} s", f"{chunks / old_s:.1f}",
                     f"{load0} -> {load_text()}"))
    else:
        old = Embedder(model, background=False, backend="onnx", precision="float32", passage_tokens=512,
                       batch_threads=1)
        old_tokens = token_count(old, units, 512)
        load0 = load_text()
        began = time.perf_counter()
        for doc in docs:  # the path before issue 14: per document, every chunk
            vectors = old.embed_passages([dense_text(doc, c, diacritics.repair_ocr) for c in doc.chunks])
            _atomic_save_npy(old_store._vectors_path(doc, old.fingerprint), vectors)
        old_s = time.perf_counter() - began
        rows.append(("today: every chunk per document, float32, 512 tokens, 1 thread", chunks, chunks,
                     f"{old_tokens:,}", f"{old_s:.1f} s", f"{chunks / old_s:.1f}", f"{load0} -> {load_text()}"))
    old_store.build(docs, segmenter, old, restore=diacritics.repair_ocr, ocr_fold=diacritics.ocr_fold)  # manifest

    distinct = list(dict.fromkeys(units))
    if args.new_model == "static":
        from index.static_build import STATIC_DIRNAME

        new = Embedder(work / "base" / "models" / STATIC_DIRNAME, background=False)
        new_tokens = sum(len(x) for x in new._static.token_ids(distinct))
    else:
        new = Embedder(model, background=False, backend="onnx", precision=args.precision,
                       passage_tokens=args.passage_tokens, batch_threads=args.workers)
        new_tokens = token_count(new, distinct, args.passage_tokens)
    load0 = load_text()
    from index.embedder import idle_cores

    threads = args.workers or idle_cores()
    began = time.perf_counter()
    report = new_store.build(docs, segmenter, new, restore=diacritics.repair_ocr, ocr_fold=diacritics.ocr_fold)
    new_s = time.perf_counter() - began
    label = (f"new: distinct texts once, {args.precision}, {args.passage_tokens} tokens, "
             f"{threads} thread{'s' if threads > 1 else ''}{' (auto)' if not args.workers else ''}")
    if args.new_model == "static":
        label = f"new: static model ({new.dim} dims, numpy), distinct texts once, every token, 1 thread"
    rows.append((label, chunks, len(distinct), f"{new_tokens:,}", f"{new_s:.1f} s", f"{chunks / new_s:.1f}",
                 f"{load0} -> {load_text()}"))
    began = time.perf_counter()
    again = new_store.build(docs, segmenter, new, restore=diacritics.repair_ocr, ocr_fold=diacritics.ocr_fold)
    rows.append(("new path, second build (nothing changed)", chunks, len(again.embedded), "", 
                 f"{time.perf_counter() - began:.1f} s", "", f"embedded {len(again.embedded)} documents"))
    table(f"Dense indexing, {len(docs)} documents, {chunks:,} chunks, {os.cpu_count()} cores "
          f"(speed-up {old_s / new_s:.2f}x; with segmentation {(seg_s + old_s) / 60:.1f} -> {(seg_s + new_s) / 60:.1f} min)",
          rows, ("path", "chunks", "texts embedded", "tokens", "wall", "chunks/s", "load 1/5/15 min before -> after"))
    assert len(report.embedded) == len(docs)


def value(work: Path, args) -> None:
    from assistant.core import Assistant
    from assistant.settings import Settings

    sys.path.insert(0, str(SHARED / "eval"))
    from score import judge  # the reference scorer's own rule

    sets = {name: [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
            for name, path in SETS.items() if path.exists()}
    sets["English (all sets)"] = [q for name, qs in sets.items() for q in qs if q["lang"] == "en"]
    configs = {
        "today": Settings(data_dir=work / "old", embedding_precision="float32", embedding_passage_tokens=512),
        "new": Settings(data_dir=work / "new", embedding_precision=args.precision,
                        embedding_passage_tokens=args.passage_tokens) if args.new_model == "e5" else
        Settings(data_dir=work / "new", embedding_model="static"),
    }
    retrieval_rows, answer_rows = [], []
    for label, settings in configs.items():
        assistant = Assistant(settings)
        assistant.warm_up()
        index = assistant.state.index
        for name, questions in sets.items():
            ranks = retrieval_ranks(index, [q for q in questions if q["answerable"]],
                                    include_bm25=label == "today")
            for variant, rs in ranks.items():
                n = len(rs) or 1
                retrieval_rows.append((name, f"{variant} ({label})" if variant != "BM25" else variant, len(rs),
                                       f"{sum(r is not None and r < 1 for r in rs) / n:.3f}",
                                       f"{sum(r is not None and r < 5 for r in rs) / n:.3f}"))
            right = sum(judge(q, assistant.ask(q["question"]).model_dump())["right"] for q in questions)
            answer_rows.append((name, label, len(questions), right, f"{right / max(len(questions), 1):.3f}"))
    retrieval_rows.sort(key=lambda r: list(sets).index(r[0]))
    table("Retrieval of the gold span (answerable questions)", retrieval_rows, ("set", "variant", "n", "R@1", "R@5"))
    answer_rows.sort(key=lambda r: list(sets).index(r[0]))
    table("Answers right (Assistant.ask, default settings otherwise)", answer_rows, ("set", "index", "n", "right", "share"))


def retrieval_ranks(index, questions: list[dict], *, include_bm25: bool) -> dict[str, list]:
    from assistant.query import parse
    from ingest.text import fold

    def gold(q, chunks):
        for rank, chunk in enumerate(chunks):
            if chunk.doc_id == q["doc"] and any(fold(g) in fold(chunk.text) for g in q["gold_quote"]):
                return rank
        return None

    out: dict[str, list] = defaultdict(list)
    for q in questions:
        text = parse(q["question"]).search_text
        if include_bm25:
            out["BM25"].append(gold(q, [h.chunk for h in index.search(text, 10, use_dense=False)]))
        found = index.dense_scores(text, 10)
        out["dense"].append(gold(q, [index.chunks[i] for i, _ in sorted(found.items(), key=lambda kv: -kv[1])]))
        out["hybrid"].append(gold(q, [h.chunk for h in index.search(text, 10)]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench-dense-index"))
    parser.add_argument("--part", choices=("time", "value", "all"), default="all")
    parser.add_argument("--docs", type=Path, nargs="*", default=[p for p in DEFAULT_DOCS if p.exists()])
    parser.add_argument("--limit-docs", type=int, default=None, help="only the first N documents (a quick run)")
    parser.add_argument("--precision", choices=("float32", "int8"), default="int8")
    parser.add_argument("--passage-tokens", type=int, default=128)
    parser.add_argument("--workers", type=int, default=0, help="embedding threads of the new path; 0 = idle cores")
    parser.add_argument("--today-path", choices=("per-document", "default"), default="per-document",
                        help="the e5 path timed first: the one before issue 14, or today's default build")
    parser.add_argument("--new-model", choices=("e5", "static"), default="e5",
                        help="the new path's model: e5 with --precision/--passage-tokens, or the static model")
    args = parser.parse_args()
    print(f"load average at start: {load_text()} ({os.cpu_count()} cores)")
    docs = prepare(args.work, args.docs, args.limit_docs, args.new_model)
    if args.part in ("time", "all"):
        time_paths(args.work, docs, args)
    if args.part in ("value", "all"):
        value(args.work, args)
    print(f"load average at end: {load_text()}")


if __name__ == "__main__":
    main()
