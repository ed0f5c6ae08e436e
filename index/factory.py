"""Which engine serves the index, chosen by ``CCHC_INDEX_URI``, and opening it over a corpus.

``""`` (the default): bm25s + FAISS in this process, assembled from the caches under
``DATA_DIR/index``. ``milvus:///abs/path/index.db`` or ``milvus://index.db`` (relative to the
data directory): Milvus Lite in that file. ``http://host:19530`` (or ``https://``): a Milvus
server or cluster. Both Milvus forms run the same :class:`index.milvus_backend.MilvusIndex`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from index.backend import IndexBackend
from index.segment import Segmenter
from index.store import IndexStore
from ingest.model import Document


class InvalidIndexUriError(ValueError):
    """``CCHC_INDEX_URI`` names no engine this project can use."""


@dataclass(frozen=True)
class IndexTarget:
    kind: Literal["local", "milvus"]
    uri: str = ""  # Milvus: a .db file path (Milvus Lite) or an http(s) URL

    @property
    def lite(self) -> bool:
        return self.kind == "milvus" and not self.uri.startswith(("http://", "https://"))


def check_index_uri(uri: str) -> str:
    """``uri`` unchanged when it has a form :func:`parse_index_uri` accepts."""
    parse_index_uri(uri, Path("."))
    return uri


def parse_index_uri(uri: str, data_dir: Path) -> IndexTarget:
    uri = (uri or "").strip()
    if uri in ("", "local", "faiss"):
        return IndexTarget("local")
    if uri.startswith("milvus://"):
        path = uri[len("milvus://"):]
        if not path.endswith(".db"):
            raise InvalidIndexUriError(f"CCHC_INDEX_URI={uri!r}: a Milvus Lite file must end in .db, "
                                       "e.g. milvus:///srv/cchc/index.db or milvus://index.db")
        return IndexTarget("milvus", path if path.startswith("/") else str(Path(data_dir) / path))
    if uri.startswith(("http://", "https://")):
        return IndexTarget("milvus", uri)
    raise InvalidIndexUriError(f"CCHC_INDEX_URI={uri!r} is not '' (FAISS + bm25s in the process), "
                               "milvus://FILE.db (Milvus Lite) or http(s)://HOST:19530 (a Milvus server)")


def open_index(target: IndexTarget, store: IndexStore, docs: list[Document], segmenter: Segmenter, embedder, *,
               collection: str = "cchc_chunks", token: str | None = None, dense_weight: float = 0.3,
               restore=None, current: IndexBackend | None = None, rebuild: bool = False) -> IndexBackend:
    """The searchable index over ``docs``, whose fields :meth:`IndexStore.build` has cached.

    Locally this assembles a new in-memory index. On Milvus it brings the collection up to date
    (only changed documents are written), reusing ``current``'s connection when it is the same
    collection; ``rebuild`` recreates the collection.
    """
    if target.kind == "local":
        return store.load(docs, segmenter, embedder, dense_weight=dense_weight, restore=restore)
    from index.milvus_backend import MilvusIndex

    if isinstance(current, MilvusIndex) and current.target == (target.uri, collection):
        index = current
        if rebuild:
            index.recreate()
    else:
        index = MilvusIndex.connect(target.uri, collection, [], segmenter, embedder, token=token,
                                    recreate=rebuild, dense_weight=dense_weight, restore=restore)
    index.sync(docs, lambda doc: store.fields(doc, segmenter, embedder))
    return index
