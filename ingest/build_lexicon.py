"""Build the Vietnamese syllable lexicon that :mod:`ingest.diacritics` restores accents with.

Usage::

    python -m ingest.build_lexicon [--out ingest/data/vi_lexicon.json.gz] [--min-bigram 2] [--min-unigram 2]
                                   [SOURCES...]

Without SOURCES it reads the clean corpus files (``corpus/00{0,1,2,4}_*.txt``) and every
``realdocs/*.md`` under the shared folder (``$CCHC_SHARED``, default ``../shared`` next to the
repository). The output is a gzipped JSON with lower-cased accented syllable counts (plus the
pseudo-syllable ``<num>`` for numbers), the folded→accented candidate map and
whitespace-adjacent bigram counts. It is shipped in the repo
because users' clones have no shared folder, so it is written deterministically (sorted keys,
gzip mtime 0) to keep diffs meaningful.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from ingest.diacritics import LEXICON_FORMAT, LEXICON_PATH, NUMBER, syllable_runs
from ingest.text import fold

VERSION = 1
DEFAULT_OUT = LEXICON_PATH
DEFAULT_MIN_BIGRAM = 2
DEFAULT_MIN_UNIGRAM = 2


def build_lexicon(texts: Iterable[str], min_bigram: int = DEFAULT_MIN_BIGRAM, sources: Sequence[str] = (),
                  min_unigram: int = DEFAULT_MIN_UNIGRAM) -> dict:
    """Count syllables and adjacent pairs in clean texts.

    Syllables seen fewer than ``min_unigram`` times are dropped: in the real documents most
    singletons are typos (``iip``, ``khong``) that would make OCR junk look like valid syllables.
    Bigrams seen fewer than ``min_bigram`` times are dropped to keep the shipped file small.
    """
    unigrams: Counter[str] = Counter()
    bigrams: Counter[tuple[str, str]] = Counter()
    for text in texts:
        for run in syllable_runs(text):
            unigrams.update(run)
            bigrams.update(zip(run, run[1:]))
    unigrams = Counter({w: n for w, n in unigrams.items() if n >= min_unigram})
    candidates: dict[str, list[str]] = {}
    for word in sorted(unigrams, key=lambda w: (-unigrams[w], w)):
        if word == NUMBER:
            continue
        candidates.setdefault(fold(word), []).append(word)
    return {
        "format": LEXICON_FORMAT,
        "version": VERSION,
        "min_bigram": min_bigram,
        "min_unigram": min_unigram,
        "sources": sorted(sources),
        "unigrams": dict(unigrams),
        "candidates": candidates,
        "bigrams": {f"{a} {b}": n for (a, b), n in bigrams.items()
                    if n >= min_bigram and a in unigrams and b in unigrams},
    }


def write_lexicon(data: dict, out: Path) -> int:
    """Write ``data`` as deterministic gzipped JSON; returns the file size in bytes."""
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    blob = gzip.compress(payload, compresslevel=9, mtime=0)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(blob)
    return len(blob)


def default_sources(shared: Path | None = None) -> list[Path]:
    """The clean corpus files (not the OCR file 003) plus every real document, sorted."""
    root = shared or Path(os.environ.get("CCHC_SHARED", Path(__file__).resolve().parents[2] / "shared"))
    corpus = [p for n in "0124" for p in sorted((root / "corpus").glob(f"00{n}_*.txt"))]
    return corpus + sorted((root / "realdocs").glob("*.md"))


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the process exit code."""
    parser = argparse.ArgumentParser(prog="python -m ingest.build_lexicon", description=__doc__.split("\n\n")[0])
    parser.add_argument("sources", nargs="*", type=Path,
                        help="clean Vietnamese text files (default: shared corpus + realdocs)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output file (default: {DEFAULT_OUT})")
    parser.add_argument("--min-bigram", type=int, default=DEFAULT_MIN_BIGRAM, help="drop rarer bigrams (default: 2)")
    parser.add_argument("--min-unigram", type=int, default=DEFAULT_MIN_UNIGRAM,
                        help="drop rarer syllables (default: 2)")
    args = parser.parse_args(argv)
    sources = list(args.sources) or default_sources()
    if not sources:
        print("error: no source files given and none found in the shared folder; pass SOURCES or set CCHC_SHARED",
              file=sys.stderr)
        return 2
    missing = [str(p) for p in sources if not p.is_file()]
    if missing:
        print(f"error: source files not found: {', '.join(missing)}", file=sys.stderr)
        return 2
    texts = (p.read_text(encoding="utf-8", errors="replace") for p in sources)
    data = build_lexicon(texts, args.min_bigram, [p.name for p in sources], args.min_unigram)
    size = write_lexicon(data, args.out)
    print(f"{args.out}: {len(sources)} sources, {len(data['unigrams'])} syllables, "
          f"{len(data['candidates'])} folded forms, {len(data['bigrams'])} bigrams, {size / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
