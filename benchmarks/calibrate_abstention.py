"""Calibrate the abstention threshold on data: coverage of the best typed evidence, per question.

For every question that reaches the extractive path, records the coverage of the best candidate
that holds the asked value type, and whether that candidate is right (gold document and a gold
quote) for answerable questions. Prints, for each threshold, how many answerable questions
would be answered right, answered wrong, abstained, and how many unanswerable ones would be
answered; then the threshold that maximises right − 2 × wrong (a wrong answer costs more than
an abstention), with abstention precision and recall.

usage: python benchmarks/calibrate_abstention.py [--questions FILE ...]
Use the public and dev sets; keep eval/data/test_questions.jsonl out of calibration.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.answer_type import has_type, required_type  # noqa: E402
from assistant.core import Assistant  # noqa: E402
from assistant.extractive import _typed_text, best_evidence  # noqa: E402
from assistant.query import parse  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from index.hybrid import SearchFilters  # noqa: E402
from ingest import diacritics  # noqa: E402
from ingest.text import fold  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SETS = [REPO.parent / "shared" / "eval" / "questions.jsonl", REPO / "eval" / "data" / "dev_questions.jsonl"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", nargs="*", type=Path, default=[p for p in DEFAULT_SETS if p.exists()])
    parser.add_argument("--model", default="none")
    args = parser.parse_args()
    questions = [json.loads(line) for path in args.questions for line in path.read_text(encoding="utf-8").splitlines()
                 if line.strip()]
    assistant = Assistant(Settings(data_dir=Path(tempfile.mkdtemp()), embedding_model=args.model))
    state = assistant.state
    rows = []  # (coverage, answerable, candidate_right)
    for q in questions:
        query = parse(q["question"])
        assistant._add_units(query)
        if assistant._answer(query, state, set()).path not in ("extractive", "abstain"):
            continue  # answered from the task table, a unit's duties, metadata or references
        hinted = state.matcher.hinted_docs(query.text)
        hits = state.index.search(query.search_text, assistant.settings.top_k, SearchFilters(doc_ids=hinted or None))
        cands = best_evidence(query, hits, state.index.docs, state.weights, diacritics.ocr_fold)
        wanted = required_type(query)
        typed = [c for c in cands if has_type(wanted, _typed_text(c), query.text)]
        if not typed:
            rows.append((0.0, q["answerable"], False))
            continue
        best = typed[0]
        text = fold(best.doc.text[best.sent_start:best.sent_end] + " " + best.hit.chunk.text)
        right = bool(q["answerable"]) and best.doc.doc_id == q["doc"] and any(fold(g) in text for g in q["gold_quote"])
        rows.append((best.cover, q["answerable"], right))
    print(f"{len(rows)} questions reach the extractive path "
          f"({sum(1 for r in rows if r[1])} answerable, {sum(1 for r in rows if not r[1])} unanswerable)")
    print("threshold | answered right | answered wrong (answerable) | answered (unanswerable) | abstained | utility")
    best = None
    for step in range(30, 86, 2):
        t = step / 100
        right = sum(1 for c, a, r in rows if a and r and c >= t)
        wrong = sum(1 for c, a, r in rows if a and not r and c >= t)
        false_answer = sum(1 for c, a, _ in rows if not a and c >= t)
        abstained = sum(1 for c, *_ in rows if c < t)
        utility = right - 2 * (wrong + false_answer)
        print(f"{t:.2f} | {right} | {wrong} | {false_answer} | {abstained} | {utility}")
        if best is None or utility > best[1]:
            best = (t, utility)
    t = best[0]
    abst = [(a, c) for c, a, _ in rows if c < t]
    unans = sum(1 for _, a, _ in rows if not a)
    precision = sum(1 for a, _ in abst if not a) / len(abst) if abst else 1.0
    recall = sum(1 for a, _ in abst if not a) / unans if unans else 1.0
    print(f"best threshold {t:.2f}: abstention precision {precision:.2f}, recall {recall:.2f} "
          f"(configured: {assistant.settings.abstain_threshold})")


if __name__ == "__main__":
    main()
