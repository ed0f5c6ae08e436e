"""Build, persist and load the index incrementally.

Per document, the segmented tokens and the embeddings are cached under ``index/`` keyed by
the document's content hash (and the model fingerprint for vectors): adding or replacing one
document segments and embeds only that one. Loading reads the caches and assembles BM25 and
FAISS in memory, which takes milliseconds for the corpus and never re-embeds.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.backend import DocumentFields
from index.batch_embed import EmbedJob, embed_jobs, save_npy_atomically
from index.dense import DEFAULT_HNSW_THRESHOLD
from index.embedder import Embedder
from index.hybrid import HybridIndex
from index.segment import Segmenter
from ingest.model import Chunk, Document
from ingest.pipeline import PARSER_VERSION
from ingest.store import atomic_write_text
from ingest.errors import CchcError

logger = logging.getLogger(__name__)

MANIFEST = "manifest.json"
UNITS_VERSION = 3  # in the vector caches' names: bump when what a chunk's dense unit is changes


class IndexMismatchError(CchcError, RuntimeError):
    """The index on disk was built with another embedding model than the one configured."""


@dataclass
class BuildReport:
    segmented: list[str]
    embedded: list[str]
    reused: list[str]
    removed: list[str]
    seconds: float


def chunk_search_text(doc: Document, chunk: Chunk) -> str:
    return f"{chunk.text}\n{chunk.context}"


def dense_text(doc: Document, chunk: Chunk, restore) -> str:
    text = restore(chunk.text) if doc.ocr_damaged and restore is not None else chunk.text
    section = chunk.section.split(" > ")[-1] if chunk.section else ""
    return f"{section}: {text}" if section else text


class IndexStore:
    def __init__(self, data_dir: Path):
        self.root = Path(data_dir) / "index"

    def manifest(self) -> dict | None:
        path = self.root / MANIFEST
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None

    def _tokens_path(self, doc: Document, segmenter: Segmenter) -> Path:
        return self.root / "tokens" / f"{doc.doc_id}.{doc.source_hash[:12]}.p{PARSER_VERSION}.{segmenter.key}.json"

    def _vectors_path(self, doc: Document, fingerprint: str) -> Path:
        return self.root / "vectors" / (f"{doc.doc_id}.{doc.source_hash[:12]}.p{PARSER_VERSION}.u{UNITS_VERSION}."
                                        f"{fingerprint}.npy")

    def build(self, docs: list[Document], segmenter: Segmenter, embedder: Embedder | None,
              restore=None, ocr_fold=None, *, workers: int = 1, progress=None) -> BuildReport:
        """Segment and embed what changed, drop caches of removed documents, write the manifest.

        With ``workers`` > 1 and the ONNX backend, new documents are embedded by that many
        processes (:mod:`index.batch_embed`: finished batches are kept, so an interrupted build
        resumes where it stopped). ``progress(passages embedded, passages to embed)``."""
        began = time.perf_counter()
        report = BuildReport([], [], [], [], 0.0)
        to_embed: list[Document] = []
        for doc in docs:
            tokens_path = self._tokens_path(doc, segmenter)
            if not _cache_fits(tokens_path, doc):  # missing, or written for another parse of the same file
                atomic_write_text(tokens_path, json.dumps(_doc_tokens(doc, segmenter, ocr_fold, restore),
                                                          ensure_ascii=False))
                report.segmented.append(doc.doc_id)
        if embedder is not None:
            pending = [d for d in docs if not _cache_fits(self._vectors_path(d, embedder.fingerprint), d)]
            if pending:
                self._embed(pending, docs, embedder, restore, workers, progress, report)
        fresh = set(report.segmented) | set(report.embedded)
        report.reused = [d.doc_id for d in docs if d.doc_id not in fresh]
        live = {self._tokens_path(d, segmenter).name for d in docs}
        if embedder is not None:
            live |= {self._vectors_path(d, embedder.fingerprint).name for d in docs}
        for folder in ("tokens", "vectors"):
            for path in (self.root / folder).glob("*"):
                if path.name not in live and not path.name.startswith("."):
                    path.unlink(missing_ok=True)
                    report.removed.append(path.name)
        manifest = {
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "documents": {d.doc_id: d.source_hash for d in docs},
            "chunks": sum(len(d.chunks) for d in docs),
            "tokens": segmenter.key,
            "parser": PARSER_VERSION,
            "model": None if embedder is None else {
                "name": embedder.name, "path": str(embedder.path), "dim": embedder.dim, "fingerprint": embedder.fingerprint,
            },
        }
        atomic_write_text(self.root / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        report.seconds = time.perf_counter() - began
        return report

    def _embed(self, pending: list[Document], docs: list[Document], embedder: Embedder, restore, workers: int,
               progress, report: BuildReport) -> None:
        """Embed every chunk of ``pending`` and save each document's vectors.

        The dense unit of a chunk is its text with the title of its section (``dense_text``).
        Headings are embedded too: leaving them out (their title opens their children's units)
        was measured to cost hybrid R@5 0.88 -> 0.76 on realdocs set 3 (README, "Indexing time").
        Identical units (the same "Căn cứ Luật …" line in a hundred decisions, repeated
        headings; 10% of the chunks of the five plans + realdocs) are embedded once, and a text
        already embedded for a cached document is taken from its cache (OCR-damaged documents
        are not searched for reuse: their units need the repair pass). In this process all new
        texts go to the embedder in one call, so it sorts the whole build by length into batches
        of similar length (no padding) and spreads them over idle cores. With ``workers`` > 1
        and the ONNX backend, each document's new texts are one job of :mod:`index.batch_embed`
        (worker processes, resumable after an interruption)."""
        units = {doc.doc_id: [dense_text(doc, c, restore) for c in doc.chunks] for doc in pending}
        known = self._cached_units(units, pending, docs, embedder)
        model = embedder.onnx_model() if workers > 1 else None
        if workers > 1 and model is None:
            logger.warning("embedding workers need the ONNX backend; embedding in this process")
        # each new text embedded once; on the worker path once per document, so that a document
        # is complete when its own job is (an interrupted build keeps the documents it finished)
        owned: dict[str, list[str]] = {}
        seen = set(known)
        for doc in pending:
            new = [t for t in dict.fromkeys(units[doc.doc_id]) if t not in seen]
            if model is None:
                seen.update(new)
            owned[doc.doc_id] = new
        todo = [t for texts in owned.values() for t in texts]
        unsaved = {doc.doc_id: doc for doc in pending}

        def save_complete() -> None:
            """Save every document whose units are all known (as soon as they are: a build
            interrupted on the worker path keeps the documents it finished)."""
            for doc_id, doc in list(unsaved.items()):
                texts = units[doc_id]
                if all(t in known for t in texts):
                    vectors = (np.stack([known[t] for t in texts]) if texts
                               else np.zeros((0, embedder.dim), dtype=np.float32))
                    _atomic_save_npy(self._vectors_path(doc, embedder.fingerprint), vectors)
                    report.embedded.append(doc_id)
                    del unsaved[doc_id]

        began = time.perf_counter()
        if model is None:
            fresh = embedder.embed_passages(todo) if todo else np.zeros((0, embedder.dim), dtype=np.float32)
            known.update(zip(todo, fresh))
            if progress is not None:
                progress(len(todo), len(todo))
        else:
            keys = {f"{doc_id}.{embedder.fingerprint}": doc_id for doc_id, texts in owned.items() if texts}

            def on_done(key: str, vectors: np.ndarray) -> None:
                known.update(zip(owned[keys[key]], vectors))
                save_complete()

            save_complete()  # documents whose units were all cached or repeated
            partial = self.root / "vectors" / ".partial"
            embed_jobs([EmbedJob(key, owned[doc_id]) for key, doc_id in keys.items()], model,
                       partial, on_done, workers=workers, progress=progress)
            for left in partial.glob("*.npy"):  # every job delivered: what is left belongs to no job of this
                left.unlink(missing_ok=True)   # build (an interrupted run's unit whose texts were cached since)
        save_complete()
        total = sum(len(t) for t in units.values())
        logger.info("embedded %d distinct texts for %d chunks of %d documents in %.1f s (%d repeated or cached)",
                    len(todo), total, len(pending), time.perf_counter() - began, total - len(todo))

    def _cached_units(self, units: dict[str, list[str]], pending: list[Document], docs: list[Document],
                      embedder: Embedder) -> dict[str, np.ndarray]:
        """Vectors of wanted texts already in the caches of documents that are not re-embedded."""
        wanted = {t for texts in units.values() for t in texts}
        known: dict[str, np.ndarray] = {}
        pending_ids = {d.doc_id for d in pending}
        for doc in docs:
            if doc.doc_id in pending_ids or doc.ocr_damaged:
                continue
            cached = np.load(self._vectors_path(doc, embedder.fingerprint), mmap_mode="r")
            for chunk, row in zip(doc.chunks, cached):
                text = dense_text(doc, chunk, None)
                if text in wanted and text not in known:
                    known[text] = np.array(row, dtype=np.float32)
        return known

    def version(self, doc: Document, segmenter: Segmenter) -> str:
        """Names what a document's stored fields were made from: file, parser, token scheme."""
        return f"{doc.source_hash[:12]}.p{PARSER_VERSION}.{segmenter.key}.n{len(doc.chunks)}"

    def fields(self, doc: Document, segmenter: Segmenter, embedder: Embedder | None) -> DocumentFields:
        """A document's BM25 tokens and vectors as cached by :meth:`build`."""
        tokens_path = self._tokens_path(doc, segmenter)
        if not tokens_path.exists():
            raise FileNotFoundError(f"index is stale: no tokens for {doc.doc_id}; run 'cchc index'")
        cached = json.loads(tokens_path.read_text(encoding="utf-8"))
        if len(cached) != len(doc.chunks):
            raise FileNotFoundError(f"index is stale for {doc.doc_id}; run 'cchc index'")
        vectors = None
        if embedder is not None:
            vectors_path = self._vectors_path(doc, embedder.fingerprint)
            if not vectors_path.exists():
                raise FileNotFoundError(f"index is stale: no vectors for {doc.doc_id}; run 'cchc index'")
            vectors = np.load(vectors_path)
        return DocumentFields([acc for acc, _ in cached], [fol for _, fol in cached], vectors,
                              self.version(doc, segmenter))

    def check_model(self, embedder: Embedder | None) -> None:
        """Refuse an index built with another embedding model than ``embedder`` (or without one)."""
        manifest = self.manifest()
        if manifest is None:
            raise FileNotFoundError(f"no index in {self.root}; run 'cchc index' first")
        built_model = manifest.get("model")
        if embedder is not None and built_model and built_model["fingerprint"] != embedder.fingerprint:
            raise IndexMismatchError(
                f"the index was built with embedding model '{built_model['name']}' ({built_model['fingerprint']}), "
                f"but '{embedder.name}' ({embedder.fingerprint}) is configured; run 'cchc index' to rebuild"
            )
        if embedder is not None and not built_model:
            raise IndexMismatchError("the index was built without embeddings; run 'cchc index' with the model configured")

    def load(self, docs: list[Document], segmenter: Segmenter, embedder: Embedder | None, *,
             dense_weight: float = 0.3, restore=None, hnsw_threshold: int = DEFAULT_HNSW_THRESHOLD) -> HybridIndex:
        """Assemble the searchable index from the caches; refuses a model mismatch."""
        self.check_model(embedder)
        built_model = (self.manifest() or {}).get("model") or {}
        fields = [self.fields(doc, segmenter, embedder) for doc in docs]
        return HybridIndex.from_fields(
            docs, fields, segmenter, embedder, dim=int(built_model.get("dim") or 0) or None,
            dense_weight=dense_weight, restore=restore, hnsw_threshold=hnsw_threshold,
            fields_of=lambda doc: self.fields(doc, segmenter, embedder))


def _doc_tokens(doc: Document, segmenter: Segmenter, ocr_fold, restore=None) -> list[list[list[str]]]:
    """Both BM25 fields of every chunk. An OCR-damaged chunk is indexed in its repaired forms:
    folded with glyph confusions fixed, and accented with diacritics restored."""
    out = []
    for chunk in doc.chunks:
        tokens = segmenter.tokens(chunk_search_text(doc, chunk))
        accented, folded = list(tokens.accented), list(tokens.folded)
        if doc.ocr_damaged and ocr_fold is not None:
            folded += segmenter.tokens(ocr_fold(chunk.text)).folded
        if doc.ocr_damaged and restore is not None:
            accented = segmenter.tokens(f"{restore(chunk.text)}\n{chunk.context}").accented
        out.append([accented, folded])
    return out


_atomic_save_npy = save_npy_atomically


def _cache_fits(path: Path, doc: Document) -> bool:
    """The cache exists and holds one entry per chunk of ``doc`` as parsed now. A cache keyed by
    the same file and parser version can still be from another parse (a store parsed by an older
    parser and indexed after an upgrade), so the count is checked rather than trusted."""
    if not path.exists():
        return False
    try:
        if path.suffix == ".npy":
            return int(np.load(path, mmap_mode="r").shape[0]) == len(doc.chunks)
        return len(json.loads(path.read_text(encoding="utf-8"))) == len(doc.chunks)
    except (OSError, ValueError):
        return False
