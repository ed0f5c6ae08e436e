"""End-to-end latency of ``Assistant.ask`` and the assistant's start-up time.

Builds the assistant once in a temporary data dir (ingest + index build: the cold start),
then constructs it a second time over the built index (timed: the start-up of a service
restart; modules are already imported in this process), also times a start-up in a fresh
Python process (imports included), and asks every public + dev question ``--rounds`` times.

usage: python benchmarks/bench_ask.py [--model e5|none|PATH] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

from benchmarks.tables import table  # noqa: E402

SHARED = REPO.parent / "shared"
QUESTION_SETS = [SHARED / "eval" / "questions.jsonl", REPO / "eval" / "data" / "dev_questions.jsonl"]

_FRESH = """
import os, sys, time
began = time.perf_counter()
sys.path.insert(0, {repo!r})
from assistant.core import Assistant
from assistant.settings import Settings
imported = time.perf_counter()
Assistant(Settings(data_dir={data!r}, embedding_model={model!r}))
print(imported - began, time.perf_counter() - imported)
"""


def stats(samples: list[float]) -> tuple[str, str, str, str]:
    a = np.asarray(samples) * 1000
    return (f"{np.percentile(a, 50):.1f}", f"{np.percentile(a, 95):.1f}", f"{a.max():.1f}", f"{a.mean():.1f}")


def load_questions() -> list[dict]:
    out = []
    for path in QUESTION_SETS:
        if path.exists():
            out += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="e5", help="e5 (default), none, or a sentence-transformers folder")
    parser.add_argument("--rounds", type=int, default=3, help="times each question is asked")
    parser.add_argument("--no-fresh", action="store_true", help="skip the fresh-process start-up measurement")
    args = parser.parse_args()
    questions = load_questions()
    print(f"bench_ask: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start, "
          f"{len(questions)} questions x{args.rounds}, model {args.model}")
    data = Path(tempfile.mkdtemp(prefix="bench-ask-"))
    try:
        run(data, args, questions)
    finally:
        shutil.rmtree(data, ignore_errors=True)


def run(data: Path, args, questions: list[dict]) -> None:
    began = time.perf_counter()
    from assistant.core import Assistant
    from assistant.settings import Settings
    import_time = time.perf_counter() - began

    settings = Settings(data_dir=data, embedding_model=args.model)
    began = time.perf_counter()
    first = Assistant(settings)
    cold = time.perf_counter() - began
    dense = first.state.index.dense
    n_chunks = len(first.state.index.chunks)
    del first

    began = time.perf_counter()
    assistant = Assistant(settings)
    warm = time.perf_counter() - began
    began = time.perf_counter()
    assistant._load_embedder()
    embedder_load = time.perf_counter() - began
    began = time.perf_counter()
    assistant.reload()
    reload_time = time.perf_counter() - began

    rows = [
        ("import assistant.core (this process)", f"{import_time:.2f} s", ""),
        ("cold start: 1st Assistant() (ingest + model build + index build)", f"{cold:.2f} s",
         f"{n_chunks} chunks, dense {dense.kind if dense is not None else 'none'}"),
        ("START-UP: 2nd Assistant() over the built index", f"{warm:.2f} s", "modules already imported"),
        ("  of which embedding model load (_load_embedder)", f"{embedder_load:.2f} s", "timed separately"),
        ("  of which reload() (corpus + index load, matcher, weights)", f"{reload_time:.2f} s", "timed separately"),
    ]
    if not args.no_fresh:
        code = _FRESH.format(repo=str(REPO), data=str(data), model=args.model)
        began = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False,
                             env={**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"})
        wall = time.perf_counter() - began
        if out.returncode == 0:
            imp, ctor = (float(x) for x in out.stdout.split()[-2:])
            rows.append(("start-up in a fresh process (python + imports + Assistant())", f"{wall:.2f} s",
                         f"imports {imp:.2f} s, Assistant() {ctor:.2f} s"))
        else:
            rows.append(("start-up in a fresh process", "failed", out.stderr.strip().splitlines()[-1][:80]))
    table("Start-up", rows, ("stage", "time", "note"))

    samples: list[float] = []
    per_question: dict[str, list[float]] = defaultdict(list)
    per_kind: dict[str, list[float]] = defaultdict(list)
    abstained = 0
    first_ask = None
    for round_no in range(args.rounds):
        for q in questions:
            began = time.perf_counter()
            answer = assistant.ask(q["question"])
            took = time.perf_counter() - began
            if first_ask is None:
                first_ask = took
            samples.append(took)
            per_question[q["id"]].append(took)
            per_kind[q.get("kind", "?")].append(took)
            abstained += answer.abstained and round_no == 0

    p50, p95, mx, mean = stats(samples)
    rows = [("all asks", len(samples), p50, p95, mx, mean)]
    for r in range(args.rounds):
        part = samples[r * len(questions):(r + 1) * len(questions)]
        rows.append((f"  round {r + 1}", len(part), *stats(part)))
    rows.append(("  first ask of the process", 1, f"{first_ask * 1000:.1f}", "", "", ""))
    for kind in sorted(per_kind):
        rows.append((f"  kind {kind}", len(per_kind[kind]), *stats(per_kind[kind])))
    table(f"Assistant.ask latency, ms (model {args.model}; {len(questions)} questions, {abstained} abstained)",
          rows, ("set", "n", "p50", "p95", "max", "mean"))

    slow = sorted(per_question.items(), key=lambda kv: -float(np.median(kv[1])))[:5]
    text = {q["id"]: q["question"] for q in questions}
    table("Slowest questions (median of the rounds)",
          [(qid, f"{np.median(t) * 1000:.1f}", text[qid][:70]) for qid, t in slow], ("id", "median ms", "question"))
    print(f"peak RSS (ru_maxrss): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; "
          f"load average {os.getloadavg()[0]:.2f} at end")


if __name__ == "__main__":
    main()
