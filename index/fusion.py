"""The fusion rule every index backend ranks by.

BM25 is divided by the best BM25 score of the whole corpus for the question (filters do not
change it), the dense cosine is rescaled to [0, 1] over the dense candidates (the nearest
chunks of the whole corpus) and added with a weight; chunks whose fused score is not positive
are dropped, ties go to the earlier chunk. The weight and the two rescalings were measured on
the question sets (README, "Retrieval"); naive equal-weight fusion hurt.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np


def normalise_sparse(scores: np.ndarray, top: float | None = None) -> np.ndarray:
    """``scores`` divided by ``top`` (default: their maximum); unchanged when it is not positive."""
    if top is None:
        top = float(scores.max()) if scores.size else 0.0
    return scores / top if top > 0 else scores.copy()


def add_dense(fused: np.ndarray, dense: Mapping[int, float], weight: float,
              position: Mapping[int, int] | None = None) -> None:
    """Add ``weight`` × the cosine rescaled over all of ``dense`` (lowest → 0, highest → 1) to
    ``fused[position[i]]`` (``fused[i]`` without ``position``); candidates without a position
    still count in the rescaling."""
    if not dense:
        return
    values = np.array(list(dense.values()), dtype=np.float32)
    low, high = float(values.min()), float(values.max())
    span = (high - low) or 1.0
    for i, s in dense.items():
        j = i if position is None else position.get(i)
        if j is not None:
            fused[j] += weight * (s - low) / span


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k best scores, best first (ties by position): a partition, not a full sort."""
    if k >= scores.size:
        return np.lexsort((np.arange(scores.size), -scores))
    part = np.argpartition(-scores, k - 1)[:k]
    return part[np.lexsort((part, -scores[part]))]
