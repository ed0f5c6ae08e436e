"""BM25 over segmented tokens, one index for the accented field and one for the folded field.

Scoring is bm25s's (Lucene variant); this module only keeps the two fields and their
vocabularies, and returns dense score vectors so that fusion and filters can work on them.
"""

from __future__ import annotations

import numpy as np


class SparseIndex:
    """Two BM25 indexes over the same chunks: accented tokens and accent-folded tokens."""

    def __init__(self, accented: list[list[str]], folded: list[list[str]], *, k1: float = 1.2, b: float = 0.75):
        import bm25s

        self.size = len(folded)
        self._accented = bm25s.BM25(k1=k1, b=b)
        self._folded = bm25s.BM25(k1=k1, b=b)
        if self.size:
            self._accented.index([t or ["∅"] for t in accented], show_progress=False)
            self._folded.index([t or ["∅"] for t in folded], show_progress=False)

    def scores(self, accented: list[str] | None, folded: list[str]) -> np.ndarray:
        """Folded BM25 plus, for a question typed with diacritics, accented BM25."""
        total = np.zeros(self.size, dtype=np.float32)
        if not self.size:
            return total
        total += self._field_scores(self._folded, folded)
        if accented:
            total += self._field_scores(self._accented, accented)
        return total

    @staticmethod
    def _field_scores(model, tokens: list[str]) -> np.ndarray:
        vocab = model.vocab_dict
        known = [t for t in tokens if t in vocab]
        if not known:
            return np.zeros(model.scores["num_docs"], dtype=np.float32)
        return np.asarray(model.get_scores(known), dtype=np.float32)
