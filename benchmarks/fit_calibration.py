"""Fit the confidence model: the probability that an answer is right, from its evidence.

Every labelled question set is asked with calibration off (the paths' own checks only, and the
extractive path offering candidates from a low coverage floor up), each answer's evidence is
recorded and judged exactly as FORMAT.md says. A logistic regression maps evidence to
"right"; it is **cross-validated by document** (an answer is always scored by a model fitted
without its document), and the figures printed — expected calibration error, a reliability table,
right / confidently wrong / abstained over thresholds — are the cross-validated ones. The
threshold maximises right − COST × wrong (a wrong answer costs more than an abstention). The
model fitted on everything is written as data for ``assistant/confidence.py``.

    python benchmarks/fit_calibration.py --out assistant/data/calibration.json
    python benchmarks/fit_calibration.py --sets public dev --dry-run      # figures only

The question sets and corpora: the shipped plans for public/dev/test; the shipped plans and all
realdocs for the realdocs sets (``../shared`` must be present). A set held out for a blind run is
simply not passed here.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np  # noqa: E402

from assistant.confidence import FEATURES, calibrated, feature_vector  # noqa: E402
from eval.metrics import judge  # noqa: E402
from eval.questions import load_questions  # noqa: E402
from eval.runner import run_eval  # noqa: E402

SHARED = ROOT.parent / "shared"
SETS = {
    "public": (SHARED / "eval" / "questions.jsonl", False),
    "dev": (ROOT / "eval" / "data" / "dev_questions.jsonl", False),
    "test": (ROOT / "eval" / "data" / "test_questions.jsonl", False),
    "realdocs": (ROOT / "eval" / "data" / "realdocs_questions.jsonl", True),
    "realdocs2": (ROOT / "eval" / "data" / "realdocs2_questions.jsonl", True),
    "realdocs3": (ROOT / "eval" / "data" / "realdocs3_questions.jsonl", True),
    "realdocs4": (ROOT / "eval" / "data" / "realdocs4_questions.jsonl", True),
    "realdocs5": (ROOT / "eval" / "data" / "realdocs5_questions.jsonl", True),
    "realdocs6": (ROOT / "eval" / "data" / "realdocs6_questions.jsonl", True),
    "realdocs7": (ROOT / "eval" / "data" / "realdocs7_questions.jsonl", True),
    "realdocs8": (ROOT / "eval" / "data" / "realdocs8_questions.jsonl", True),
    "realdocs9": (ROOT / "eval" / "data" / "realdocs9_questions.jsonl", True),
    "realdocs10": (ROOT / "eval" / "data" / "realdocs10_questions.jsonl", True),
}
COST_OF_WRONG = 2.0  # a confidently wrong answer costs two abstentions
FLOOR = 0.45  # while collecting, the extractive path offers candidates from this coverage up (more to learn from)
SHIPPED_FLOOR = 0.62  # in use it answers only above the measured coverage threshold: the model may withhold an
# answer the coverage check lets through, never add one it refuses (English coverage, for one, is too weak)


def _assistant(with_realdocs: bool, data_dir: Path, model: str):
    from assistant.core import Assistant
    from assistant.settings import Settings
    from ingest.store import CorpusStore, ingest_paths

    corpus = [ROOT / "ingest" / "default_corpus"] + ([SHARED / "realdocs"] if with_realdocs else [])
    store = CorpusStore(data_dir)
    if not store.doc_ids():
        ingest_paths(corpus, store)
    return Assistant(Settings(data_dir=data_dir, embedding_model=model, corpus_dir=corpus[0], calibration="off",
                              abstain_threshold=FLOOR))


def collect(names: list[str], model: str) -> list[dict]:
    """One row per question: its set, document, evidence (None when a check abstained), right."""
    rows: list[dict] = []
    dirs = {False: Path(tempfile.mkdtemp(prefix="cal_small_")), True: Path(tempfile.mkdtemp(prefix="cal_big_"))}
    assistants: dict[bool, object] = {}
    for name in names:
        path, big = SETS[name]
        if not path.exists():
            print(f"skipped {name}: {path} not found")
            continue
        if big not in assistants:
            assistants[big] = _assistant(big, dirs[big], model)
        questions = load_questions(path)
        run = run_eval(assistants[big], questions, progress=False)
        records = {r["id"]: r for r in run.records}
        for q in questions:
            rec = records.get(q.id)
            verdict = judge(q, rec)
            rows.append({"set": name, "id": q.id, "doc": q.doc or f"none:{name}:{q.id}", "answerable": q.answerable,
                         "abstained": bool(rec and rec["abstained"]), "right": bool(verdict.right),
                         "evidence": None if (rec is None or rec["abstained"]) else run.evidence.get(q.id, {}),
                         "path": run.paths.get(q.id, "")})
        print(f"{name}: {len(questions)} questions asked")
    return rows


def ece(prob: np.ndarray, label: np.ndarray, bins: int = 10) -> tuple[float, list[tuple[float, float, float, int]]]:
    """Expected calibration error and the reliability table (bin low, mean predicted, share right, n)."""
    edges = np.linspace(0, 1, bins + 1)
    table, total = [], 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        mask = (prob >= lo) & ((prob < hi) if hi < 1 else (prob <= hi))
        if mask.sum() == 0:
            continue
        mean_p, share = float(prob[mask].mean()), float(label[mask].mean())
        total += mask.sum() * abs(mean_p - share)
        table.append((float(lo), mean_p, share, int(mask.sum())))
    return total / max(1, len(prob)), table


def fit(rows: list[dict], folds: int = 5, seed: int = 0) -> dict:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    answered = [r for r in rows if r["evidence"] is not None and calibrated(r["path"], r["evidence"])]
    x = np.array([feature_vector(r["evidence"]) for r in answered])
    y = np.array([int(r["right"]) for r in answered])
    groups = np.array([r["doc"] for r in answered])
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    prob = np.zeros(len(y))
    for train, test in GroupKFold(n_splits=min(folds, len(set(groups)))).split(z, y, groups):
        model = LogisticRegression(C=0.5, max_iter=2000)
        model.fit(z[train], y[train])
        prob[test] = model.predict_proba(z[test])[:, 1]
    error, table = ece(prob, y)
    # right / wrong / abstained over thresholds, counting the questions a check abstained on and the
    # exact lookups the model does not judge as they are
    checked = [r for r in rows if r["evidence"] is None or not calibrated(r["path"], r["evidence"])]
    checked_right = sum(r["right"] for r in checked)
    checked_wrong = sum(1 for r in checked if r["evidence"] is not None and not r["right"])
    curve = []
    for tau in np.round(np.arange(0.0, 0.96, 0.05), 2):
        keep = prob >= tau
        right = int(y[keep].sum()) + checked_right
        wrong = int((keep & (y == 0)).sum()) + checked_wrong
        abstained = sum(1 for r in rows if r["evidence"] is None) + int((~keep).sum())
        curve.append({"threshold": float(tau), "right": right, "confidently_wrong": wrong,
                      "abstained": abstained, "utility": right - COST_OF_WRONG * wrong})
    best = max(curve, key=lambda c: (c["utility"], -c["threshold"]))
    final = LogisticRegression(C=0.5, max_iter=2000).fit(z, y)
    return {"features": list(FEATURES), "mean": mean.tolist(), "scale": scale.tolist(),
            "coef": final.coef_[0].tolist(), "intercept": float(final.intercept_[0]), "threshold": best["threshold"],
            "extractive_floor": SHIPPED_FLOOR,
            "cv": {"ece": round(error, 4), "reliability": table, "curve": curve, "n_answered": len(answered),
                   "n_questions": len(rows), "folds": "GroupKFold by document", "cost_of_wrong": COST_OF_WRONG}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", nargs="+", default=list(SETS), choices=list(SETS))
    parser.add_argument("--model", default="none", help="embedding model while collecting (as CCHC_EMBEDDING_MODEL)")
    parser.add_argument("--out", type=Path, default=ROOT / "assistant" / "data" / "calibration.json")
    parser.add_argument("--rows", type=Path, help="reuse (or save) the collected rows as JSON")
    parser.add_argument("--dry-run", action="store_true", help="print the figures, write no model")
    args = parser.parse_args()
    if args.rows and args.rows.exists():
        rows = json.loads(args.rows.read_text(encoding="utf-8"))
    else:
        rows = collect(args.sets, args.model)
        if args.rows:
            args.rows.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    result = fit(rows)
    cv = result["cv"]
    print(f"answers judged: {cv['n_answered']} of {cv['n_questions']} questions; "
          f"cross-validated by document: ECE {cv['ece']:.3f}")
    print("reliability (bin from, mean predicted, share right, n):")
    for lo, mean_p, share, n in cv["reliability"]:
        print(f"  {lo:.1f}  {mean_p:.2f}  {share:.2f}  {n}")
    print("threshold  right  confidently-wrong  abstained  utility")
    for c in cv["curve"]:
        mark = "  <- chosen" if c["threshold"] == result["threshold"] else ""
        print(f"  {c['threshold']:.2f}     {c['right']:4d}  {c['confidently_wrong']:4d}  {c['abstained']:4d}  "
              f"{c['utility']:7.1f}{mark}")
    if args.dry_run:
        return
    sha = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    result["version"] = f"{date.today().isoformat()} {sha}"
    result["fitted_on"] = {name: str(SETS[name][0].relative_to(SETS[name][0].parents[2]))
                           for name in args.sets if SETS[name][0].exists()}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out} (threshold {result['threshold']:.2f})")


if __name__ == "__main__":
    main()
