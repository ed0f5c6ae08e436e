"""Sentence embeddings with ONNX Runtime from a sentence-transformers folder.

It reproduces the folder's sentence-transformers pipeline (prompt, tokenizer with truncation,
transformer, mean pooling over the attention mask, L2 normalisation) with the folder's own
``tokenizer.json`` and the export of :mod:`index.onnx_export`; tests compare token ids and
vectors with ``SentenceTransformer.encode`` on corpus text. Only mean pooling is supported:
other folders use the PyTorch path.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from ingest.errors import CchcError


class UnsupportedModelError(CchcError, RuntimeError):
    """The folder's pipeline is not one this encoder reproduces (pooling, tokenizer)."""


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def check_supported(model_dir: Path) -> None:
    """Raise :class:`UnsupportedModelError` unless the folder is tokenizer.json + mean pooling."""
    model_dir = Path(model_dir)
    if not (model_dir / "tokenizer.json").is_file():
        raise UnsupportedModelError(f"{model_dir} has no tokenizer.json")
    modules = _read_json(model_dir / "modules.json")
    kinds = [m.get("type", "").rsplit(".", 1)[-1] for m in modules] if isinstance(modules, list) else []
    if kinds[:2] != ["Transformer", "Pooling"] or any(k not in ("Normalize",) for k in kinds[2:]):
        raise UnsupportedModelError(f"{model_dir}: modules {kinds} are not Transformer+Pooling(+Normalize)")
    pooling_dir = next(m.get("path", "") for m in modules if m.get("type", "").endswith("Pooling"))
    pooling = _read_json(model_dir / pooling_dir / "config.json")
    modes = [k for k, v in pooling.items() if k.startswith("pooling_mode") and v]
    if modes != ["pooling_mode_mean_tokens"] or pooling.get("include_prompt", True) is not True:
        raise UnsupportedModelError(f"{model_dir}: pooling {modes} is not plain mean pooling")
    if _read_json(model_dir / "sentence_bert_config.json").get("do_lower_case"):
        raise UnsupportedModelError(f"{model_dir}: do_lower_case is not reproduced")


class OnnxEncoder:
    """Encode texts into L2-normalised vectors; ``session.run`` releases the GIL."""

    def __init__(self, model_dir: Path, onnx_file: Path, *, threads: int = 1):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model_dir = Path(model_dir)
        check_supported(model_dir)
        st_config = _read_json(model_dir / "config_sentence_transformers.json")
        self.prompts: dict[str, str] = dict(st_config.get("prompts") or {})
        bert_config = _read_json(model_dir / "config.json")
        max_len = int(_read_json(model_dir / "sentence_bert_config.json").get("max_seq_length") or 512)
        positions = int(bert_config.get("max_position_embeddings") or max_len)
        self.max_length = min(max_len, positions)
        self.pad_id = int(bert_config.get("pad_token_id") or 0)
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=self.max_length)

        options = ort.SessionOptions()
        options.intra_op_num_threads = max(1, int(threads))
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(onnx_file), options, providers=["CPUExecutionProvider"])
        self.dim = int(bert_config.get("hidden_size") or self.session.get_outputs()[0].shape[-1])

    def token_ids(self, texts: list[str], prompt: str | None = None, max_length: int | None = None) -> list[list[int]]:
        """Token ids with the prompt, truncated to ``max_length`` tokens (closing token kept)."""
        prefix = self.prompts.get(prompt, "") if prompt else ""
        ids = [e.ids for e in self.tokenizer.encode_batch([prefix + t for t in texts])]
        if max_length and max_length < self.max_length:
            ids = [x if len(x) <= max_length else x[: max_length - 1] + x[-1:] for x in ids]
        return ids

    def encode(self, texts: list[str], prompt: str | None = None, batch_size: int = 32,
               max_batch_tokens: int = 512, *, max_length: int | None = None, workers: int = 1) -> np.ndarray:
        """Vectors in input order. Texts are sorted by length and batched up to ``batch_size``
        texts and ``max_batch_tokens`` padded tokens: ONNX Runtime's unfused attention makes
        big batches of long passages slower and memory-hungry (200 corpus passages: 11.2/s and
        711 MB RSS one at a time, 5.3/s and 3.2 GB in batches of 32; measured). With
        ``workers`` > 1 the batches run on that many threads over the one session (``run``
        releases the GIL and is thread-safe), so cores are used without a second copy of the
        model; each run stays on one intra-op thread, which is what measured fastest here."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        ids = self.token_ids(texts, prompt, max_length)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        batches = length_buckets([len(x) for x in ids], batch_size, max_batch_tokens)

        def run(rows: list[int]) -> None:
            out[rows] = self._encode_rows([ids[i] for i in rows])

        if workers > 1 and len(batches) > 1:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="embed") as pool:
                for _ in pool.map(run, batches):
                    pass
        else:
            for rows in batches:
                run(rows)
        return out

    def _encode_rows(self, rows: list[list[int]]) -> np.ndarray:
        """Mean-pooled, L2-normalised vectors of one padded batch of token id lists."""
        width = max(len(x) for x in rows)
        input_ids = np.full((len(rows), width), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for r, x in enumerate(rows):
            input_ids[r, : len(x)] = x
            mask[r, : len(x)] = 1
        hidden = self.session.run(None, {"input_ids": input_ids, "attention_mask": mask})[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return pooled / np.maximum(norms, 1e-12)


def length_buckets(lengths: list[int], batch_size: int, max_batch_tokens: int) -> list[list[int]]:
    """Row indices grouped into batches of similar length, longest first: at most ``batch_size``
    rows and ``max_batch_tokens`` padded tokens each (a longer text alone is its own batch)."""
    order = [int(i) for i in np.argsort([-n for n in lengths], kind="stable")]
    batches: list[list[int]] = []
    start = 0
    while start < len(order):
        width = max(1, lengths[order[start]])  # the longest text of the batch comes first
        rows_fit = max(1, min(max(1, batch_size), max_batch_tokens // width))
        batches.append(order[start:start + rows_fit])
        start += rows_fit
    return batches
