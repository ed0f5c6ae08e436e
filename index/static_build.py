"""Distil a static embedding model from the project's own e5 folder (model2vec's recipe, offline).

Every kept vocabulary piece is passed through e5 alone (``<s> piece </s>``) and mean-pooled
as e5 pools; the vectors are reduced by PCA and weighted by Zipf's law over the piece's rank
(SIF: ``a / (a + p(rank))``), as model2vec's ``distill`` does. At run time a text is its
pieces' mean vector, normalised: a table look-up, thousands of passages a second on one core.

The result is a sentence-transformers folder (``StaticEmbedding`` + ``Normalize``) that
``SentenceTransformer(path)`` loads with no extra package; :class:`StaticEncoder` reads the
same files with numpy only (no torch import), which is what :class:`index.embedder.Embedder`
uses. model2vec itself is not used: its ``[distill]`` extra pins ``transformers<5.4`` and
this stack runs 5.x (``shared/STACK.md``).

Vocabulary: the XLM-R tokenizer has 250k pieces, ~46% of them in other scripts; e5 runs at
~320 pieces/s on 2 cores here. ``vocab="latin"`` (the default) keeps the pieces written in
Latin letters, digits, punctuation and symbols (115k: Vietnamese and English and every
other Latin-script language), and the tokenizer is trimmed to them (a Unigram model with
fewer pieces; Latin-script text is cut exactly as before, other scripts become ``<unk>``).
``vocab="vietnamese"`` keeps only pieces made of ASCII and Vietnamese letters.

The build is deterministic: fixed batches, PCA by SVD with each component's sign fixed.

Example::

    python -m index.static_build --e5 data/models/multilingual-e5-small --out data/models/multilingual-e5-small-static
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
import unicodedata
from pathlib import Path
from typing import Callable, Literal

import numpy as np

logger = logging.getLogger(__name__)

STATIC_DIRNAME = "multilingual-e5-small-static"
BUILD_VERSION = 1  # bump when what this module writes changes: ensure_static_model rebuilds
DEFAULT_DIMS = 256
SIF_COEFFICIENT = 1e-4  # model2vec's default
Vocab = Literal["latin", "vietnamese", "all"]
EMBEDDING_DIR = "0_StaticEmbedding"

_VIETNAMESE = set("aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
                  "fjwz")
_VIETNAMESE |= {c.upper() for c in _VIETNAMESE}


def _latin(piece: str) -> bool:
    for ch in piece.replace("\u2581", ""):
        if ch.isascii():
            continue
        if unicodedata.category(ch)[0] in "PSNZ":
            continue
        name = unicodedata.name(ch, "")
        if "LATIN" in name or "COMBINING" in name:
            continue
        return False
    return True


def _vietnamese(piece: str) -> bool:
    for ch in unicodedata.normalize("NFC", piece.replace("\u2581", "")):
        if ch.isascii() or ch in _VIETNAMESE:
            continue
        if unicodedata.category(ch)[0] in "PSNZ":
            continue
        return False
    return True


def select_vocab(pieces: list[str], vocab: Vocab | list[str]) -> list[int]:
    """Ids of the pieces to keep (sorted); the first four (specials) are always kept."""
    if isinstance(vocab, list):
        wanted = set(vocab)
        keep = lambda p: p in wanted  # noqa: E731
    elif vocab == "all":
        keep = lambda p: True  # noqa: E731
    else:
        keep = _latin if vocab == "latin" else _vietnamese
    return [i for i, p in enumerate(pieces) if i < 4 or keep(p)]


def onnx_token_encoder(e5_dir: Path, threads: int | None = None) -> Callable[[np.ndarray], np.ndarray]:
    """Mean-pooled e5 output (not normalised) of padded id rows, by ONNX Runtime over the
    folder's export (made if missing)."""
    import onnxruntime as ort

    from index.onnx_export import export_onnx

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads or os.cpu_count() or 1
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    session = ort.InferenceSession(str(export_onnx(Path(e5_dir))), options, providers=["CPUExecutionProvider"])

    def encode(ids: np.ndarray) -> np.ndarray:
        mask = np.ones_like(ids)
        hidden = session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        return hidden.mean(axis=1)  # every row is full: e5's masked mean is the plain mean

    return encode


def token_vectors(tokenizer_json: dict, ids: list[int], encode: Callable[[np.ndarray], np.ndarray],
                  batch_size: int = 512, progress: Callable[[int, int], None] | None = None) -> np.ndarray:
    """e5's vector of each piece in ``ids`` alone, framed by the tokenizer's own specials."""
    bos, eos = _frame(tokenizer_json)
    out = np.zeros((len(ids), 0), dtype=np.float32)
    parts = []
    for start in range(0, len(ids), batch_size):
        rows = np.array([[*bos, i, *eos] for i in ids[start:start + batch_size]], dtype=np.int64)
        parts.append(np.asarray(encode(rows), dtype=np.float32))
        if progress is not None:
            progress(min(start + batch_size, len(ids)), len(ids))
    return np.concatenate(parts) if parts else out


def _frame(tokenizer_json: dict) -> tuple[list[int], list[int]]:
    """The special ids the post-processor puts around a single sequence (<s> … </s>)."""
    post = tokenizer_json.get("post_processor") or {}
    if post.get("type") == "TemplateProcessing":
        specials = post["special_tokens"]
        bos, eos, seen = [], [], False
        for item in post["single"]:
            if "Sequence" in item:
                seen = True
            else:
                (eos if seen else bos).extend(specials[item["SpecialToken"]["id"]]["ids"])
        return bos, eos
    if post.get("type") in ("RobertaProcessing", "BertProcessing"):
        return [post["cls"][1]], [post["sep"][1]]
    return [], []


def pca(vectors: np.ndarray, dims: int) -> np.ndarray:
    """Centred PCA to ``dims`` components by SVD; each component's sign is fixed (its largest
    loading positive) so the result does not depend on the LAPACK build."""
    x = vectors.astype(np.float64) - vectors.mean(axis=0, dtype=np.float64)
    dims = min(dims, x.shape[1], x.shape[0])
    _, _, vt = np.linalg.svd(x, full_matrices=False)
    components = vt[:dims]
    signs = np.sign(components[np.arange(dims), np.abs(components).argmax(axis=1)])
    components *= np.where(signs == 0, 1.0, signs)[:, None]
    return (x @ components.T).astype(np.float32)


def sif_weights(ranks: np.ndarray, coefficient: float = SIF_COEFFICIENT) -> np.ndarray:
    """model2vec's Zipf/SIF weight of a piece of vocabulary rank ``rank`` (0 = most frequent)."""
    inv = 1.0 / (np.asarray(ranks, dtype=np.float64) + 2.0)
    proba = inv / inv.sum()
    return (coefficient / (coefficient + proba)).astype(np.float32)


def trimmed_tokenizer(tokenizer_json: dict, ids: list[int]) -> dict:
    """The tokenizer with only the pieces ``ids`` (a Unigram model; specials keep their ids)."""
    model = tokenizer_json["model"]
    if model.get("type") != "Unigram":
        if len(ids) == len(model.get("vocab") or ()):
            return tokenizer_json
        raise ValueError(f"vocabulary trimming needs a Unigram tokenizer, not {model.get('type')}")
    out = json.loads(json.dumps(tokenizer_json))
    out["model"]["vocab"] = [model["vocab"][i] for i in ids]
    unk = model.get("unk_id")
    if unk is not None:
        out["model"]["unk_id"] = ids.index(unk)
    out.pop("truncation", None)
    out.pop("padding", None)
    return out


def build_static_model(e5_dir: Path, out_dir: Path, *, dims: int = DEFAULT_DIMS, vocab: Vocab | list[str] = "latin",
                       encode: Callable[[np.ndarray], np.ndarray] | None = None,
                       sif: float | None = SIF_COEFFICIENT) -> Path:
    """Distil ``e5_dir`` into a static sentence-transformers folder at ``out_dir`` (replaced
    atomically). ``encode`` maps id rows to pooled vectors (default: ONNX Runtime over e5)."""
    from safetensors.numpy import save_file

    e5_dir, out_dir = Path(e5_dir), Path(out_dir)
    began = time.perf_counter()
    tokenizer_json = json.loads((e5_dir / "tokenizer.json").read_text(encoding="utf-8"))
    pieces = [p[0] if isinstance(p, list) else p for p in _pieces(tokenizer_json)]
    ids = select_vocab(pieces, vocab)
    specials = set(range(4)) if tokenizer_json["model"].get("type") == "Unigram" else set()
    embed_ids = [i for i in ids if i not in specials]
    encode = encode or onnx_token_encoder(e5_dir)
    last = [0.0]

    def progress(done: int, total: int) -> None:
        if time.perf_counter() - last[0] > 30:
            last[0] = time.perf_counter()
            logger.info("static model: %d / %d pieces through e5", done, total)

    raw = token_vectors(tokenizer_json, embed_ids, encode, progress=progress)
    reduced = pca(raw, dims)
    if sif is not None:
        reduced *= sif_weights(np.array(embed_ids), sif)[:, None]
    table = np.zeros((len(ids), reduced.shape[1]), dtype=np.float32)
    position = {i: n for n, i in enumerate(ids)}
    table[[position[i] for i in embed_ids]] = reduced  # specials (<s>, <pad>, </s>, <unk>) stay zero

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".tmp", dir=out_dir.parent))
    try:
        module = tmp / EMBEDDING_DIR
        module.mkdir()
        save_file({"embedding.weight": table}, str(module / "model.safetensors"), metadata={"format": "pt"})
        (module / "tokenizer.json").write_text(
            json.dumps(trimmed_tokenizer(tokenizer_json, ids), ensure_ascii=False, separators=(",", ":")) + "\n",
            encoding="utf-8")
        (tmp / "2_Normalize").mkdir()
        _write_json(tmp / "modules.json", [
            {"idx": 0, "name": "0", "path": EMBEDDING_DIR, "type": "sentence_transformers.models.StaticEmbedding"},
            {"idx": 1, "name": "1", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ])
        _write_json(tmp / "config_sentence_transformers.json", {"prompts": {}, "default_prompt_name": None,
                                                                "similarity_fn_name": "cosine"})
        source = (e5_dir / "fingerprint.txt").read_text(encoding="utf-8").split()[0] \
            if (e5_dir / "fingerprint.txt").is_file() else _digest(e5_dir / "tokenizer.json")
        info = {"build_version": BUILD_VERSION, "source": str(e5_dir), "source_fingerprint": source,
                "vocab": vocab if isinstance(vocab, str) else f"{len(vocab)} given pieces",
                "pieces": len(ids), "dims": int(table.shape[1]), "sif_coefficient": sif,
                "seconds": round(time.perf_counter() - began, 1)}
        _write_json(tmp / "build_info.json", info)
        digest = hashlib.sha256(json.dumps({k: v for k, v in info.items() if k not in ("seconds", "source")},
                                           sort_keys=True).encode())
        for path in (module / "model.safetensors", module / "tokenizer.json"):
            digest.update(path.read_bytes())
        (tmp / "fingerprint.txt").write_text(digest.hexdigest() + "\n", encoding="ascii")
        if out_dir.exists():
            shutil.rmtree(out_dir)
        os.replace(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    logger.info("built static model %s (%d pieces, %d dims) in %.1f s", out_dir, len(ids), table.shape[1],
                time.perf_counter() - began)
    return out_dir


def ensure_static_model(data_dir: Path) -> Path | None:
    """``data_dir/models/multilingual-e5-small-static``, distilled from the e5 folder first if
    missing or built from another e5 or by another version of this module; None without e5."""
    from index.model_build import _exclusive_lock, ensure_e5_model

    e5 = ensure_e5_model(Path(data_dir))
    if e5 is None:
        return None
    out_dir = Path(data_dir) / "models" / STATIC_DIRNAME
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive_lock(out_dir.parent / f".{STATIC_DIRNAME}.lock"):
        if not is_current(out_dir, e5):
            logger.warning("distilling the static embedding model from %s (a few minutes, once)", e5)
            build_static_model(e5, out_dir)
    return out_dir


def is_current(out_dir: Path, e5_dir: Path) -> bool:
    try:
        info = json.loads((Path(out_dir) / "build_info.json").read_text(encoding="utf-8"))
        source = (Path(e5_dir) / "fingerprint.txt").read_text(encoding="utf-8").split()[0]
    except (OSError, ValueError, IndexError):
        return False
    return info.get("build_version") == BUILD_VERSION and info.get("source_fingerprint") == source \
        and (Path(out_dir) / "fingerprint.txt").is_file()


def is_static_folder(path: Path) -> bool:
    try:
        modules = json.loads((Path(path) / "modules.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(modules) and modules[0].get("type", "").endswith("StaticEmbedding")


class StaticEncoder:
    """A static sentence-transformers folder read with numpy: the mean of the pieces' vectors,
    L2-normalised (what ``SentenceTransformer(path).encode(..., normalize_embeddings=True)``
    gives, without importing torch)."""

    def __init__(self, path: Path):
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        modules = json.loads((Path(path) / "modules.json").read_text(encoding="utf-8"))
        folder = Path(path) / modules[0]["path"]
        self.table = load_file(str(folder / "model.safetensors"))["embedding.weight"].astype(np.float32)
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        self.dim = int(self.table.shape[1])

    def token_ids(self, texts: list[str], max_length: int | None = None) -> list[list[int]]:
        ids = [e.ids for e in self.tokenizer.encode_batch(list(texts), add_special_tokens=False)]
        return [x[:max_length] for x in ids] if max_length else ids

    def encode(self, texts: list[str], max_length: int | None = None) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, ids in enumerate(self.token_ids(texts, max_length)):
            if ids:
                out[row] = self.table[ids].mean(axis=0)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)


def _pieces(tokenizer_json: dict) -> list:
    vocab = tokenizer_json["model"]["vocab"]
    if isinstance(vocab, dict):  # WordPiece / BPE: piece -> id
        return [p for p, _ in sorted(vocab.items(), key=lambda kv: kv[1])]
    return vocab


def _digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _write_json(path: Path, obj) -> None:
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--e5", type=Path, required=True, help="the e5 sentence-transformers folder")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--dims", type=int, default=DEFAULT_DIMS)
    parser.add_argument("--vocab", choices=("latin", "vietnamese", "all"), default="latin")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    began = time.perf_counter()
    build_static_model(args.e5, args.out, dims=args.dims, vocab=args.vocab)
    print(f"{args.out} built in {time.perf_counter() - began:.1f} s, load {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
