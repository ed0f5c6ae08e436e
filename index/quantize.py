"""Write an int8 copy of the ONNX export (dynamic quantisation of the MatMul weights).

Why: embedding every passage is what makes indexing slow (the dense stage took ~97% of the
index build of 33k chunks). Dynamic int8 MatMuls ran 1.5-2x faster than float32 on these
AVX2 cores (no VNNI) in side-by-side runs, and left recall and answers where they were
(``benchmarks/bench_dense_index.py``; README, "Indexing time"). Weights are unsigned 8-bit:
signed weights saturate in AVX2's u8*s8 multiply-add without VNNI (cosine to float32 0.986
against 0.992 for unsigned, measured on 400 corpus passages). The word-embedding table stays
float32 in external data, so ONNX Runtime maps it and worker processes share its pages.

The file is derived from ``onnx/model.onnx`` (same folder, ``model_qint8.onnx`` and its
``.data``), deterministic, rebuilt when the export changes, and written atomically: the graph
appears last, after its weights, and ``quantize_info.json`` names the export it came from.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

from index.onnx_export import INFO_FILE, ONNX_SUBDIR, OnnxExportError, current_export

logger = logging.getLogger(__name__)

INT8_FILE = "model_qint8.onnx"
INT8_INFO = "quantize_info.json"
QUANTIZE_VERSION = 1  # bump when the quantisation recipe changes


def int8_path(model_dir: Path) -> Path:
    return Path(model_dir) / ONNX_SUBDIR / INT8_FILE


def _export_source(model_dir: Path) -> str:
    info = json.loads((Path(model_dir) / ONNX_SUBDIR / INFO_FILE).read_text(encoding="utf-8"))
    return f"v{QUANTIZE_VERSION}:{info.get('source', '')}"


def current_int8(model_dir: Path) -> Path | None:
    """The int8 file of ``model_dir`` when it exists and was made from the current export."""
    path = int8_path(model_dir)
    info = path.parent / INT8_INFO
    if current_export(model_dir) is None or not (path.is_file() and info.is_file()):
        return None
    try:
        recorded = json.loads(info.read_text(encoding="utf-8")).get("source")
    except (OSError, ValueError):
        return None
    return path if recorded == _export_source(model_dir) else None


def quantize_int8(model_dir: Path) -> Path:
    """``onnx/model_qint8.onnx`` of ``model_dir`` (made from ``onnx/model.onnx``, which must exist)."""
    model_dir = Path(model_dir)
    existing = current_int8(model_dir)
    if existing is not None:
        return existing
    source = current_export(model_dir)
    if source is None:
        raise OnnxExportError(f"{model_dir} has no current ONNX export to quantise; run 'cchc model build'")
    try:
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError as exc:  # onnxruntime without its quantisation tools
        raise OnnxExportError(f"int8 quantisation needs onnxruntime.quantization: {exc}") from exc
    started = time.perf_counter()
    out_dir = source.parent
    tmp = Path(tempfile.mkdtemp(prefix=".q8.", dir=out_dir))
    try:
        root = logging.getLogger()
        level = root.level
        root.setLevel(logging.ERROR)  # quantize_dynamic logs a pre-processing hint at WARNING on the root logger
        try:
            quantize_dynamic(str(source), str(tmp / INT8_FILE), op_types_to_quantize=["MatMul"],
                             weight_type=QuantType.QUInt8, per_channel=False, reduce_range=False,
                             use_external_data_format=True)
        finally:
            root.setLevel(level)
        data = [p for p in tmp.iterdir() if p.name != INT8_FILE]
        for file in data + [tmp / INT8_FILE]:  # weights first: a graph never points at missing data
            file.chmod(0o644)
            os.replace(file, out_dir / file.name)
        info = {"source": _export_source(model_dir), "weights": "uint8", "ops": ["MatMul"]}
        (out_dir / INT8_INFO).write_text(json.dumps(info, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    except (OSError, ValueError, RuntimeError) as exc:
        raise OnnxExportError(f"int8 quantisation of {source} failed: {exc}") from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    logger.info("quantised %s to int8 in %.1f s", model_dir.name, time.perf_counter() - started)
    return int8_path(model_dir)
