"""FAISS inner-product search over normalised embeddings.

A flat index is exact and fastest for small corpora; above ``hnsw_threshold`` vectors an
HNSW graph keeps query time flat (the threshold is measured by ``benchmarks/bench_index.py``).
"""

from __future__ import annotations

import numpy as np

# Measured (benchmarks/bench_index.py): flat search at 100k vectors is ~12 ms p50 on one thread,
# below one query embedding, while an HNSW graph is rebuilt at every load (~100 s at 100k) and
# lost recall on random vectors. So HNSW only above 200k vectors.
DEFAULT_HNSW_THRESHOLD = 200_000


class DenseIndex:
    def __init__(self, vectors: np.ndarray, *, hnsw_threshold: int = DEFAULT_HNSW_THRESHOLD):
        import faiss

        faiss.omp_set_num_threads(1)  # single queries: more threads only wait on 2 busy cores (measured)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.size, self.dim = vectors.shape if vectors.ndim == 2 else (0, 0)
        if self.size >= hnsw_threshold:
            index = faiss.IndexHNSWFlat(self.dim, 32, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = 80
            index.hnsw.efSearch = 128
            self.kind = "hnsw"
        else:
            index = faiss.IndexFlatIP(max(self.dim, 1))
            self.kind = "flat"
        if self.size:
            index.add(vectors)
        self.index = index

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(ids, scores) of the ``k`` nearest chunks; ids are positions in the chunk list.
        ``allowed`` (positions) restricts the search to those chunks."""
        if not self.size or (allowed is not None and not len(allowed)):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        params = None
        if allowed is not None:
            import faiss

            selector = faiss.IDSelectorBatch(np.ascontiguousarray(allowed, dtype=np.int64))
            params = (faiss.SearchParametersHNSW(sel=selector, efSearch=self.index.hnsw.efSearch)
                      if self.kind == "hnsw" else faiss.SearchParameters(sel=selector))
            k = min(k, len(allowed))
        scores, ids = self.index.search(np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32),
                                        min(k, self.size), params=params)
        keep = ids[0] >= 0
        return ids[0][keep], scores[0][keep]
