"""Answer the question sets on both index backends and show they agree.

One data directory (so both read the same parsed corpus and the same cached tokens and vectors),
two assistants: bm25s + FAISS in the process (the default) and Milvus Lite in a file. Every
question is asked on both; the script prints, per set, the share right (scored as FORMAT.md says)
on each backend, how many answers are identical word for word (text, abstention, citations),
and how many retrieval rankings (``Assistant.search``, top 10) are identical, with the largest
score difference among identical rankings.

usage: python benchmarks/compare_backends.py [--model none|e5|PATH] [--data-dir DIR] [SET.jsonl ...]
(default sets: the public set, eval/data/dev_questions.jsonl, eval/data/test_questions.jsonl)
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from assistant.core import Assistant  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from eval.metrics import compute_metrics  # noqa: E402
from eval.questions import load_questions  # noqa: E402
from eval.runner import run_eval  # noqa: E402

DEFAULT_SETS = [REPO.parent / "shared" / "eval" / "questions.jsonl", REPO / "eval" / "data" / "dev_questions.jsonl",
                REPO / "eval" / "data" / "test_questions.jsonl"]
BACKENDS = {"faiss+bm25s": "", "milvus-lite": "milvus://index.db"}


def _answer_key(rec: dict) -> tuple:
    cites = tuple((c.get("doc_id"), c.get("start"), c.get("end")) for c in rec.get("citations") or [])
    return rec.get("answer"), rec.get("abstained"), cites


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sets", nargs="*", type=Path)
    parser.add_argument("--model", default="none", help="embedding model: none (BM25 only), e5, or a folder")
    parser.add_argument("--data-dir", type=Path, default=None, help="reuse a data directory (default: a new one)")
    args = parser.parse_args()
    sets = [s for s in (args.sets or DEFAULT_SETS) if s.exists()]
    data = args.data_dir or Path(tempfile.mkdtemp(prefix="cchc-compare-"))
    assistants = {}
    for name, uri in BACKENDS.items():
        began = time.perf_counter()
        assistants[name] = Assistant(Settings(data_dir=data, embedding_model=args.model, index_uri=uri))
        assistants[name].warm_up()
        print(f"{name}: ready in {time.perf_counter() - began:.1f} s, {assistants[name].state.index.count()} chunks")
    print(f"model: {args.model}; data: {data}")
    print("| set | n | share right: faiss+bm25s | milvus-lite | identical answers | identical top-10 searches | "
          "max score diff |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    all_same = True
    for path in sets:
        questions = load_questions(path)
        runs = {name: run_eval(a, questions, progress=False) for name, a in assistants.items()}
        scores = {name: compute_metrics(questions, r.records, r.ranks).score for name, r in runs.items()}
        a_recs, b_recs = (runs[n].records for n in BACKENDS)
        same_answers = sum(_answer_key(x) == _answer_key(y) for x, y in zip(a_recs, b_recs))
        same_search, diff = 0, 0.0
        for q in questions:
            a_hits, b_hits = (assistants[n].search(q.question, k=10) for n in BACKENDS)
            if [h.chunk_id for h in a_hits] == [h.chunk_id for h in b_hits]:
                same_search += 1
                diff = max([diff] + [abs(x.score - y.score) for x, y in zip(a_hits, b_hits)])
        all_same &= same_answers == len(questions)
        a_score, b_score = (scores[n] for n in BACKENDS)
        print(f"| {path.name} | {len(questions)} | {a_score:.3f} | {b_score:.3f} | {same_answers}/{len(questions)} | "
              f"{same_search}/{len(questions)} | {diff:.1e} |")
    for a in assistants.values():
        a.close()
    return 0 if all_same else 1


if __name__ == "__main__":
    raise SystemExit(main())
