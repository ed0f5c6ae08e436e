"""The index on Milvus: Milvus Lite in a local file, or a Milvus server or cluster by URI.

One collection per corpus holds a row per chunk: chunk id, document id, the folded issuer,
section path and label (for filters), the chunk text, its accented and folded BM25 terms (each
turned into a sparse vector by a Milvus ``BM25`` function) and, with a model, its vector. A
second, small collection records which version of each document is indexed, so updates touch
only the documents that changed (delete by document id, then insert). The collection's
``cchc.manifest`` property records the embedding model; opening it with another model is refused.

Ranking is the default backend's rule (:mod:`index.fusion`), computed here from Milvus's
candidates: BM25 with bm25s's parameters (k1 1.2, b 0.75; Milvus multiplies every score by
k1 + 1, divided out), the top chunks of each field and of the dense search, and exact field
scores fetched for every candidate that could still reach the top ``k``. Milvus Lite keeps
BM25 statistics per segment (a segment holds up to 100,000 rows, and a flush starts a new one),
a Milvus server per shard; with one segment the scores equal bm25s's (tested).

Milvus's analyzer offers only the ``standard`` and ``jieba`` tokenizers, so the terms the
project already made (syllables, codes such as ``29/kh-ubnd``) are written as words it keeps
whole: any character that is not a letter or digit becomes ``ǂ<hex>ǂ`` (``29ǂ2fǂkhǂ2dǂubnd``).
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from index.backend import DocumentFields, IndexUpdateError, ScoredChunk, SearchFilters
from index.fusion import add_dense, normalise_sparse, top_k
from index.query import query_terms, query_vector
from index.segment import Segmenter
from index.store import IndexMismatchError
from ingest.model import Chunk, Document
from ingest.text import fold
from ingest.errors import CchcError

logger = logging.getLogger(__name__)

FORMAT = 1
K1, B = 1.2, 0.75  # bm25s's defaults (index.sparse), so that both backends score alike
DENSE_CANDIDATES = 200  # as HybridIndex.dense_scores
MAX_VARCHAR = 65_535  # bytes, Milvus's limit for a VARCHAR field
INSERT_BATCH = 512
QUERY_WINDOW = 16_384  # rows one query may return (Milvus's default max)
MANIFEST_KEY = "cchc.manifest"
_ESCAPE = "ǂ"  # a letter (Word_Break=ALetter) no Vietnamese or English text uses


class MilvusUnavailableError(CchcError, ImportError):
    """pymilvus (and milvus-lite for file URIs) is not installed."""


def escape_term(term: str) -> str:
    """``term`` as one word for Milvus's standard tokenizer (letters and digits only)."""
    if term.isalnum() and _ESCAPE not in term:
        return term
    return "".join(c if c.isalnum() and c != _ESCAPE else f"{_ESCAPE}{ord(c):x}{_ESCAPE}" for c in term)


def terms_text(terms: Sequence[str]) -> str:
    """Terms joined by spaces; an empty chunk gets bm25s's placeholder so lengths agree."""
    return " ".join(escape_term(t) for t in (terms or ["∅"]))


def _quote(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _like(value: str) -> str:
    """A LIKE literal matching ``value`` itself (``%`` and ``_`` are wildcards)."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_").replace('"', '\\"')


def filter_expression(filters: SearchFilters | None) -> str:
    """The Milvus boolean expression for ``filters`` ("" for none)."""
    if filters is None or filters.empty:
        return ""
    parts = []
    if filters.doc_ids:
        parts.append(f"doc_id in [{', '.join(_quote(d) for d in sorted(filters.doc_ids))}]")
    if filters.issuer:
        parts.append(f'issuer like "%{_like(fold(filters.issuer))}%"')
    if filters.section:
        prefix = _like(fold(filters.section))
        parts.append(f'(section like "{prefix}%" or section_label like "{prefix}%")')
    return " and ".join(parts)


@dataclass(frozen=True)
class _Snapshot:
    """The documents this process knows, and each chunk's position (ties break by it)."""

    docs: dict[str, Document]
    chunks: list[Chunk]
    position: dict[str, int]

    @classmethod
    def of(cls, docs: Iterable[Document]) -> "_Snapshot":
        docs = list(docs)
        chunks = [c for d in docs for c in d.chunks]
        return cls({d.doc_id: d for d in docs}, chunks, {c.chunk_id: i for i, c in enumerate(chunks)})


@dataclass
class _FieldHits:
    """One BM25 field's top chunks; none outside them scores above ``bound``."""

    scores: dict[str, float]
    bound: float


@dataclass
class SyncReport:
    inserted: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0


class MilvusIndex:
    """:class:`index.backend.IndexBackend` on a Milvus collection (see the module docstring)."""

    def __init__(self, client, collection: str, docs: Iterable[Document], segmenter: Segmenter,
                 embedder=None, *, dense_weight: float = 0.3, restore=None, sparse_candidates: int = 400,
                 dim: int | None = None):
        self.client = client
        self.collection = collection
        self.registry = f"{collection}_docs"
        self.segmenter = segmenter
        self.embedder = embedder
        self.dense_weight = dense_weight
        self.sparse_candidates = sparse_candidates
        self._restore = restore
        self._dim = dim
        self._snapshot = _Snapshot.of(docs)
        self._lock = threading.Lock()  # one writer at a time
        self.uri = ""

    # -- opening -------------------------------------------------------------
    @classmethod
    def connect(cls, uri: str, collection: str, docs: Iterable[Document], segmenter: Segmenter, embedder=None, *,
                token: str | None = None, recreate: bool = False, **options) -> "MilvusIndex":
        """Open (creating when missing) the collection at ``uri``: a ``.db`` file path for Milvus
        Lite, ``http(s)://host:19530`` for a server. Refuses a collection built with another
        embedding model unless ``recreate`` (which drops and recreates it empty)."""
        try:
            from pymilvus import MilvusClient
        except ImportError as exc:
            raise MilvusUnavailableError(
                "the Milvus index needs pymilvus (and milvus-lite for a local file): "
                "pip install 'cchc-assistant[milvus]'") from exc
        client = MilvusClient(uri=uri, token=token or "")
        dim = embedder.dim if embedder is not None else None
        index = cls(client, collection, docs, segmenter, embedder, dim=dim, **options)
        index.uri = uri
        index._open(recreate=recreate)
        return index

    @property
    def target(self) -> tuple[str, str]:
        return self.uri, self.collection

    @property
    def _lite(self) -> bool:
        return not self.uri.startswith(("http://", "https://"))

    def recreate(self) -> None:
        """Drop the collection and its registry and create them empty."""
        with self._lock:
            self._drop()
            self._create(self._manifest())
            self._snapshot = _Snapshot.of([])

    def _manifest(self) -> dict:
        model = None if self.embedder is None else {
            "name": self.embedder.name, "dim": self._dim, "fingerprint": self.embedder.fingerprint}
        return {"format": FORMAT, "model": model, "bm25": {"k1": K1, "b": B}}

    def _open(self, *, recreate: bool) -> None:
        wanted = self._manifest()
        if self.client.has_collection(self.collection):
            found = json.loads(self.client.describe_collection(self.collection).get("properties", {})
                               .get(MANIFEST_KEY, "null") or "null")
            if found != wanted and not recreate:
                raise IndexMismatchError(_mismatch(self.collection, found, wanted))
            if found == wanted and self.client.has_collection(self.registry):
                for name in (self.collection, self.registry):  # a new process finds them released
                    self.client.load_collection(name)
                return
        self._drop()
        self._create(wanted)

    def _drop(self) -> None:
        for name in (self.collection, self.registry):
            if self.client.has_collection(name):
                self.client.drop_collection(name)

    def _create(self, manifest: dict) -> None:
        from pymilvus import DataType, Function, FunctionType, MilvusClient

        schema = MilvusClient.create_schema(auto_id=False)
        schema.add_field("chunk_id", DataType.VARCHAR, is_primary=True, max_length=512)
        schema.add_field("doc_id", DataType.VARCHAR, max_length=512)
        schema.add_field("issuer", DataType.VARCHAR, max_length=2048)
        schema.add_field("section", DataType.VARCHAR, max_length=8192)
        schema.add_field("section_label", DataType.VARCHAR, max_length=512)
        schema.add_field("text", DataType.VARCHAR, max_length=MAX_VARCHAR)
        index_params = MilvusClient.prepare_index_params()
        bm25 = {"bm25_k1": K1, "bm25_b": B}
        for name in ("accented", "folded"):
            schema.add_field(f"{name}_terms", DataType.VARCHAR, max_length=MAX_VARCHAR, enable_analyzer=True,
                             analyzer_params={"type": "standard"})
            schema.add_field(f"{name}_bm25", DataType.SPARSE_FLOAT_VECTOR)
            schema.add_function(Function(name=f"{name}_bm25", function_type=FunctionType.BM25,
                                         input_field_names=[f"{name}_terms"], output_field_names=[f"{name}_bm25"]))
            # the server reads the flat keys, Milvus Lite 3.2 only a "params" JSON entry: give both
            index_params.add_index(f"{name}_bm25", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
                                   params={**bm25, "params": bm25})
        if self._dim:
            schema.add_field("vector", DataType.FLOAT_VECTOR, dim=int(self._dim))
            if self._lite:
                index_params.add_index("vector", index_type="FLAT", metric_type="COSINE")
            else:  # HNSW with the default backend's parameters (index.dense)
                index_params.add_index("vector", index_type="HNSW", metric_type="COSINE",
                                       params={"M": 32, "efConstruction": 80})
        self.client.create_collection(self.collection, schema=schema, index_params=index_params,
                                      consistency_level="Strong")
        self.client.alter_collection_properties(self.collection, properties={MANIFEST_KEY: json.dumps(manifest)})
        registry = MilvusClient.create_schema(auto_id=False)
        registry.add_field("doc_id", DataType.VARCHAR, is_primary=True, max_length=512)
        registry.add_field("version", DataType.VARCHAR, max_length=512)
        registry.add_field("chunks", DataType.INT64)
        registry.add_field("unused", DataType.FLOAT_VECTOR, dim=2)  # Milvus wants a vector field
        registry_index = MilvusClient.prepare_index_params()
        registry_index.add_index("unused", index_type="FLAT", metric_type="L2")
        self.client.create_collection(self.registry, schema=registry, index_params=registry_index,
                                      consistency_level="Strong")

    # -- the interface -----------------------------------------------------------
    @property
    def docs(self) -> Mapping[str, Document]:
        return self._snapshot.docs

    @property
    def chunks(self) -> Sequence[Chunk]:
        return self._snapshot.chunks

    def count(self) -> int:
        rows = self.client.query(self.collection, filter="", output_fields=["count(*)"])
        return int(rows[0]["count(*)"]) if rows else 0

    def close(self) -> None:
        self.client.close()

    def indexed_versions(self) -> dict[str, str]:
        """doc_id → version of every document the collection holds."""
        fields = ["doc_id", "version"]
        rows = self.client.query(self.registry, filter="", output_fields=["count(*)"])
        if not rows or int(rows[0]["count(*)"]) <= QUERY_WINDOW:  # one query (Milvus Lite has no iterator timestamps)
            return {r["doc_id"]: r["version"] for r in self.client.query(
                self.registry, filter='doc_id != ""', output_fields=fields, limit=QUERY_WINDOW)}
        out: dict[str, str] = {}
        iterator = self.client.query_iterator(self.registry, batch_size=1000, filter="", output_fields=fields)
        while rows := iterator.next():
            out.update({r["doc_id"]: r["version"] for r in rows})
        iterator.close()
        return out

    def put_document(self, doc: Document, fields: DocumentFields) -> None:
        with self._lock:
            self._put(doc, fields)
            self._flush()
            self._snapshot = _Snapshot.of(_replaced(self._snapshot.docs, doc))

    def delete_document(self, doc_id: str) -> bool:
        with self._lock:
            known = doc_id in self._snapshot.docs or bool(
                self.client.query(self.registry, filter=f"doc_id == {_quote(doc_id)}", output_fields=["doc_id"]))
            self._delete(doc_id)
            self._flush()
            self._snapshot = _Snapshot.of(d for d in self._snapshot.docs.values() if d.doc_id != doc_id)
            return known

    def sync(self, docs: list[Document], fields_of, *, progress=None) -> SyncReport:
        """Make the collection hold exactly ``docs``: documents whose version differs are
        replaced, missing ones inserted, others deleted; then search sees ``docs``."""
        report = SyncReport()
        with self._lock:
            indexed = self.indexed_versions()
            empty = not indexed and self.count() == 0  # a first build: nothing to delete before inserting
            wanted = {d.doc_id for d in docs}
            for doc_id in sorted(set(indexed) - wanted):
                self._delete(doc_id)
                report.deleted.append(doc_id)
            for doc in docs:
                fields = None
                if doc.doc_id in indexed:
                    fields = fields_of(doc)
                    if indexed[doc.doc_id] == fields.version:
                        report.unchanged += 1
                        continue
                self._put(doc, fields or fields_of(doc), replace=not empty)
                report.inserted.append(doc.doc_id)
                if progress is not None:
                    progress(doc.doc_id)
            if report.inserted or report.deleted:
                self._flush()
            self._snapshot = _Snapshot.of(docs)
        return report

    def _put(self, doc: Document, fields: DocumentFields, *, replace: bool = True) -> None:
        if len(fields.folded) != len(doc.chunks) or (fields.vectors is not None and len(fields.vectors) != len(doc.chunks)):
            raise IndexUpdateError(f"{doc.doc_id}: {len(doc.chunks)} chunks but fields for "
                                   f"{len(fields.folded)}; run 'cchc index' to rebuild its caches")
        if self._dim and fields.vectors is None:
            raise IndexUpdateError(f"{doc.doc_id}: the collection holds vectors but none were given")
        if replace:  # the registry row goes first: a crash mid-way leaves the document "stale"
            self._delete(doc.doc_id)
        issuer = fold(doc.metadata.issuer)
        rows = []
        for i, chunk in enumerate(doc.chunks):
            row = {
                "chunk_id": chunk.chunk_id, "doc_id": doc.doc_id, "issuer": issuer,
                "section": fold(chunk.section), "section_label": fold(chunk.section_label),
                "text": chunk.text, "accented_terms": terms_text(fields.accented[i]),
                "folded_terms": terms_text(fields.folded[i]),
            }
            if self._dim:
                row["vector"] = np.asarray(fields.vectors[i], dtype=np.float32).tolist()
            _check_lengths(doc.doc_id, row)
            rows.append(row)
        for start in range(0, len(rows), INSERT_BATCH):
            self.client.insert(self.collection, rows[start:start + INSERT_BATCH])
        self.client.insert(self.registry, [{"doc_id": doc.doc_id, "version": fields.version,
                                            "chunks": len(rows), "unused": [0.0, 0.0]}])

    def _delete(self, doc_id: str) -> None:
        self.client.delete(self.registry, filter=f"doc_id == {_quote(doc_id)}")
        self.client.delete(self.collection, filter=f"doc_id == {_quote(doc_id)}")

    def _flush(self) -> None:
        """Milvus Lite scores the rows still in memory with statistics of the filtered rows
        only; flushed, they are scored with the whole segment's."""
        self.client.flush(self.collection)
        self.client.flush(self.registry)

    # -- search ----------------------------------------------------------------
    def search(self, query: str, k: int = 10, filters: SearchFilters | None = None,
               use_dense: bool = True, *, dense_query: str | None = None) -> list[ScoredChunk]:
        snap = self._snapshot
        if not snap.chunks:
            return []
        texts = self._field_texts(query)
        expr = filter_expression(filters)
        limit = max(self.sparse_candidates, k)
        whole = {f: self._bm25(f, t, limit, "") for f, t in texts.items()}
        inside = {f: self._bm25(f, t, limit, expr) for f, t in texts.items()} if expr else whole
        dense: dict[str, float] = {}
        if use_dense and self.dense_weight > 0:
            dense = (self._dense(query, DENSE_CANDIDATES, "") if dense_query is None
                     else self._dense(dense_query, DENSE_CANDIDATES, "", restore=False))
        known = _Known(texts)
        top = self._best_sparse(whole, known, snap)
        candidates = set().union(*(h.scores for h in inside.values()))
        candidates |= {c for c in dense if c in snap.position
                       and (filters is None or filters.keeps(snap.chunks[snap.position[c]], snap.docs))}
        candidates = sorted((c for c in candidates if c in snap.position), key=snap.position.__getitem__)
        if not candidates:
            return []
        self._settle(candidates, inside, known, top, dense, k)
        sparse = np.array([known.total(c, inside) for c in candidates], dtype=np.float32)
        fused = normalise_sparse(sparse, top)
        add_dense(fused, dense, self.dense_weight, {c: i for i, c in enumerate(candidates)})
        return [ScoredChunk(snap.chunks[snap.position[candidates[i]]], float(fused[i]), float(sparse[i]),
                            dense.get(candidates[i], 0.0))
                for i in top_k(fused, k) if fused[i] > 0]

    def sparse_search(self, query: str, k: int = 10, filters: SearchFilters | None = None) -> list[ScoredChunk]:
        snap = self._snapshot
        texts = self._field_texts(query)
        expr = filter_expression(filters)
        hits = {f: self._bm25(f, t, max(self.sparse_candidates, k), expr) for f, t in texts.items()}
        known = _Known(texts)
        candidates = sorted((c for h in hits.values() for c in h.scores if c in snap.position),
                            key=snap.position.__getitem__)
        candidates = list(dict.fromkeys(candidates))
        self._settle(candidates, hits, known, None, {}, k)
        scores = np.array([known.total(c, hits) for c in candidates], dtype=np.float32)
        return [ScoredChunk(snap.chunks[snap.position[candidates[i]]], float(scores[i]), float(scores[i]), 0.0)
                for i in top_k(scores, k) if scores[i] > 0]

    def dense_search(self, query: str, k: int = 10, filters: SearchFilters | None = None) -> list[ScoredChunk]:
        snap = self._snapshot
        found = self._dense(query, k, filter_expression(filters))
        return [ScoredChunk(snap.chunks[snap.position[c]], s, 0.0, s) for c, s in found.items() if c in snap.position]

    def _field_texts(self, query: str) -> dict[str, str]:
        terms = query_terms(self.segmenter, query)
        texts = {"folded": " ".join(escape_term(t) for t in terms.folded)}
        if terms.accented:
            texts["accented"] = " ".join(escape_term(t) for t in terms.accented)
        return {f: t for f, t in texts.items() if t}

    def _bm25(self, name: str, text: str, limit: int, expr: str) -> _FieldHits:
        result = self.client.search(self.collection, data=[text], anns_field=f"{name}_bm25", limit=limit,
                                    filter=expr, output_fields=["chunk_id"], search_params={"metric_type": "BM25"})
        # Milvus Lite reports BM25 as a negative distance, the server as a positive score
        scores = {_hit_id(h): abs(float(h["distance"])) / (K1 + 1) for h in result[0]}
        bound = min(scores.values()) if len(scores) >= limit else 0.0
        return _FieldHits(scores, bound)

    def _bm25_of(self, name: str, text: str, chunk_ids: list[str]) -> dict[str, float]:
        """Exact BM25 of ``chunk_ids`` in one field (absent: zero)."""
        if not chunk_ids:
            return {}
        expr = f"chunk_id in [{', '.join(_quote(c) for c in chunk_ids)}]"
        return self._bm25(name, text, len(chunk_ids), expr).scores

    def _dense(self, query: str, limit: int, expr: str, *, restore: bool = True) -> dict[str, float]:
        if not self._dim or self.embedder is None:
            return {}
        vector = query_vector(self.embedder, query, self._restore if restore else None)
        if vector is None:
            return {}
        result = self.client.search(self.collection, data=[np.asarray(vector, dtype=np.float32).tolist()],
                                    anns_field="vector", limit=limit, filter=expr, output_fields=["chunk_id"],
                                    search_params={"metric_type": "COSINE"})
        return {_hit_id(h): float(h["distance"]) for h in result[0]}

    def _best_sparse(self, whole: dict[str, _FieldHits], known: "_Known", snap: _Snapshot) -> float:
        """The best BM25 total of the whole corpus (the normaliser), exact."""
        pool = list(dict.fromkeys(c for h in whole.values() for c in h.scores))
        if not pool:
            return 0.0
        best = max(known.total(c, whole) for c in pool)
        doubtful = [c for c in pool if known.upper(c, whole) > best]
        known.fetch(self, doubtful, whole)
        return max(known.total(c, whole) for c in pool)

    def _settle(self, candidates: list[str], hits: dict[str, _FieldHits], known: "_Known", top: float | None,
                dense: dict[str, float], k: int) -> None:
        """Fetch exact field scores for every candidate that could still reach the top ``k``."""
        if len(hits) < 1 or not candidates:
            return
        norm = top if top and top > 0 else 1.0
        extra = _dense_parts(dense, self.dense_weight)
        lower = sorted((known.total(c, hits) / norm + extra.get(c, 0.0) for c in candidates), reverse=True)
        threshold = lower[min(k, len(lower)) - 1]
        doubtful = [c for c in candidates if known.upper(c, hits) / norm + extra.get(c, 0.0) > threshold
                    and known.missing(c, hits)]
        known.fetch(self, doubtful, hits)


class _Known:
    """Field scores known so far per chunk; fetched ones are exact."""

    def __init__(self, texts: dict[str, str]):
        self.texts = texts
        self.fetched: dict[str, dict[str, float]] = {f: {} for f in texts}
        self.done: dict[str, set[str]] = {f: set() for f in texts}

    def score(self, c: str, f: str, hits: dict[str, _FieldHits]) -> float | None:
        if c in hits[f].scores:
            return hits[f].scores[c]
        if c in self.done[f]:
            return self.fetched[f].get(c, 0.0)
        return None if hits[f].bound > 0 else 0.0

    def total(self, c: str, hits) -> float:
        return sum(self.score(c, f, hits) or 0.0 for f in hits)

    def upper(self, c: str, hits) -> float:
        return sum(hits[f].bound if self.score(c, f, hits) is None else self.score(c, f, hits) for f in hits)

    def missing(self, c: str, hits) -> bool:
        return any(self.score(c, f, hits) is None for f in hits)

    def fetch(self, index: MilvusIndex, chunk_ids: list[str], hits) -> None:
        for f in hits:
            todo = [c for c in chunk_ids if self.score(c, f, hits) is None]
            if todo:
                self.fetched[f].update(index._bm25_of(f, self.texts[f], todo))
                self.done[f].update(todo)


def _dense_parts(dense: dict[str, float], weight: float) -> dict[str, float]:
    if not dense:
        return {}
    values = np.array(list(dense.values()), dtype=np.float32)
    low, span = float(values.min()), (float(values.max()) - float(values.min())) or 1.0
    return {c: weight * (s - low) / span for c, s in dense.items()}


def _hit_id(hit) -> str:
    return hit.get("chunk_id") if hit.get("chunk_id") is not None else hit["id"]


def _replaced(docs: Mapping[str, Document], doc: Document) -> list[Document]:
    out = [doc if d.doc_id == doc.doc_id else d for d in docs.values()]
    return out if doc.doc_id in docs else out + [doc]


def _check_lengths(doc_id: str, row: dict) -> None:
    for name in ("text", "accented_terms", "folded_terms"):
        size = len(row[name].encode("utf-8"))
        if size > MAX_VARCHAR:
            raise IndexUpdateError(f"{doc_id}: chunk {row['chunk_id']} has {size} bytes of {name}, more than "
                                   f"Milvus's VARCHAR limit of {MAX_VARCHAR}; the chunker should have split it")


def _mismatch(collection: str, found: dict | None, wanted: dict) -> str:
    def name(manifest):
        model = (manifest or {}).get("model")
        return "no embedding model (BM25 only)" if not model else f"'{model['name']}' ({model['fingerprint']})"

    return (f"Milvus collection '{collection}' was built with {name(found)}, but {name(wanted)} is configured; "
            "run 'cchc index --rebuild' to recreate it")
