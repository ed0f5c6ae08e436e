"""The plans the assistant answers from, kept loaded and current.

:class:`Library` owns the corpus store and the index: it ingests the shipped plans into a data
directory that was never initialised, parses again what an older parser ingested, rebuilds the
index when it is stale (documents, token scheme, parser or embedding model changed), opens the
index engine ``CCHC_INDEX_URI`` names and swaps the loaded :class:`Loaded` state in as one
object, so a question never sees half an update. :class:`~assistant.core.Assistant` only asks
it for the current state; the CLI and the service reach it through the assistant's public
methods.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.docmatch import DocMatcher
from assistant.evidence import TermWeights
from assistant.settings import Settings
from index.backend import IndexBackend
from index.embedder import Embedder
from index.factory import open_index, parse_index_uri
from index.segment import Segmenter
from index.store import IndexStore
from ingest import diacritics
from ingest.loaders import IngestError
from ingest.model import Document
from ingest.pipeline import PARSER_VERSION
from ingest.store import CorpusStore, ingest_paths
from ingest.worker import parse_in_worker

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # (passages embedded, passages to embed)


@dataclass
class Loaded:
    """Everything a question needs, swapped as one object when the corpus changes."""

    docs: list[Document]
    index: IndexBackend
    matcher: DocMatcher
    weights: TermWeights


def _issuer_fold(doc_issuer: str) -> str:
    return diacritics.ocr_fold(doc_issuer)


class Library:
    def __init__(self, settings: Settings, segmenter: Segmenter, embedder: Embedder | None):
        self.settings = settings
        self.segmenter = segmenter
        self.embedder = embedder
        self.corpus = CorpusStore(settings.data_dir)
        self.index_store = IndexStore(settings.data_dir)
        self._lock = threading.Lock()
        self._loaded: Loaded | None = None

    @property
    def ready(self) -> bool:
        return self._loaded is not None

    @property
    def loaded(self) -> Loaded:
        if self._loaded is None:
            raise RuntimeError("the assistant is not loaded yet")
        return self._loaded

    def manifest(self) -> dict | None:
        """What the index on disk was built from (documents, chunks, model), or None."""
        return self.index_store.manifest()

    # -- loading ---------------------------------------------------------------
    def bootstrap(self, progress: Progress | None = None, *, rebuild: bool = False) -> None:
        """Ingest the shipped plans into a data directory that was never initialised (not into one
        an administrator emptied: deleting every plan must survive a restart), then load."""
        if not self.corpus.initialised():
            if self.settings.corpus_dir and Path(self.settings.corpus_dir).exists():
                logger.info("new data directory: ingesting %s", self.settings.corpus_dir)
                ingest_paths([Path(self.settings.corpus_dir)], self.corpus, limits=self.settings.ingest_limits())
            self.corpus.mark_initialised()
        self.refresh(rebuild=rebuild, progress=progress)

    def refresh(self, *, rebuild: bool = False, progress: Progress | None = None) -> None:
        """Parse again what an older parser ingested, then load (and update) the index."""
        outdated = self.corpus.outdated_sources()
        if outdated:  # parsed by an older version of the parser: parse again from the sources
            logger.info("re-parsing %d documents ingested by an older parser", len(outdated))
            ingest_paths(outdated, self.corpus, limits=self.settings.ingest_limits())
        self.reload(rebuild=rebuild, progress=progress)

    def reload(self, *, rebuild: bool = False, progress: Progress | None = None) -> None:
        """Load the corpus and index (building what is missing), then swap them in."""
        docs = self.corpus.load_all()
        if rebuild or self._stale(docs):
            self._build_index(docs, progress)
        try:
            index = self._open_index(docs, rebuild)
        except FileNotFoundError as exc:  # a cache went missing or stale: rebuild what is needed, once
            logger.warning("%s; rebuilding the index", exc)
            self._build_index(docs, progress)
            index = self._open_index(docs, rebuild)
        texts = [c.text + " " + (diacritics.ocr_fold(c.text) if d.ocr_damaged else "") for d in docs for c in d.chunks]
        owners = [d.doc_id for d in docs for _ in d.chunks]
        loaded = Loaded(docs, index, DocMatcher(docs, issuer_fold=_issuer_fold), TermWeights(texts, owners))
        with self._lock:
            self._loaded = loaded

    def _stale(self, docs: list[Document]) -> bool:
        """The index on disk was not built from these documents, tokens, parser and model."""
        manifest = self.index_store.manifest()
        if manifest is None:
            return True
        built_model = manifest.get("model")
        return (
            manifest.get("documents") != {d.doc_id: d.source_hash for d in docs}
            or manifest.get("tokens") != self.segmenter.key
            or manifest.get("parser") != PARSER_VERSION
            or (self.embedder is not None and (built_model or {}).get("fingerprint") != self.embedder.fingerprint)
            or (self.embedder is None and built_model is not None)
        )

    def _build_index(self, docs: list[Document], progress: Progress | None) -> None:
        self.index_store.build(docs, self.segmenter, self.embedder, restore=diacritics.repair_ocr,
                               ocr_fold=diacritics.ocr_fold, workers=self.settings.embedding_workers,
                               progress=progress)

    def _open_index(self, docs: list[Document], rebuild: bool) -> IndexBackend:
        """The engine ``CCHC_INDEX_URI`` names, over ``docs`` (a Milvus connection is kept across reloads)."""
        settings = self.settings
        token = settings.index_token.get_secret_value() if settings.index_token else None
        return open_index(parse_index_uri(settings.index_uri, settings.data_dir), self.index_store, docs,
                          self.segmenter, self.embedder, collection=settings.index_collection, token=token,
                          dense_weight=settings.dense_weight, restore=diacritics.restore_diacritics,
                          current=self._loaded.index if self._loaded is not None else None, rebuild=rebuild)

    def close(self) -> None:
        """Release the index's connection (a Milvus client)."""
        if self._loaded is not None:
            self._loaded.index.close()

    # -- administration ----------------------------------------------------------
    def add(self, path: Path, *, timeout: float | None = None,
            cancelled: Callable[[], bool] | None = None) -> tuple[str, Document]:
        """Ingest one file and re-index incrementally: ("added" | "replaced" | "unchanged", the
        document). Raises :class:`~ingest.loaders.IngestError` for a file that cannot be read,
        before the store changes.

        With ``timeout`` the file is parsed in a worker process that is stopped when the time is
        spent or ``cancelled()`` turns true (the HTTP client went away); once parsed and stored,
        the index update runs to the end so corpus and index stay consistent.
        """
        limits = self.settings.ingest_limits()
        parse = None
        if timeout is not None:
            parse = functools.partial(parse_in_worker, limits=limits, timeout=timeout,
                                      cancelled=cancelled or (lambda: False))
        report = ingest_paths([Path(path)], self.corpus, limits=limits, parse=parse)
        if report.failures:
            raise IngestError(path, report.failures[0][1])
        status = "added" if report.added else "replaced" if report.replaced else "unchanged"
        doc_id = Path(path).stem
        if status != "unchanged" or self.find(doc_id) is None:
            self.reload()
        doc = self.find(doc_id)
        assert doc is not None
        return status, doc

    def remove(self, doc_id: str) -> bool:
        if not self.corpus.remove(doc_id):
            return False
        self.reload()
        return True

    def find(self, doc_id: str) -> Document | None:
        return self.loaded.index.docs.get(doc_id)
