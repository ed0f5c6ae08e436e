"""Export a sentence-transformers folder's transformer to ONNX, for ONNX Runtime.

Why: on these 2-core machines a query pass of multilingual-e5-small takes ~32 ms in PyTorch and
~16 ms in ONNX Runtime with the same float32 weights (cosine 1.0000 between the two, measured
by ``benchmarks/bench_embeddings.py``), and ONNX Runtime holds no GIL while it runs, so
concurrent API requests overlap. sentence-transformers' own ``backend="onnx"`` would be the
natural switch, but it needs ``optimum-onnx``, whose releases pin ``transformers<4.58`` against
this stack's 5.x; the file is written where that backend looks for it (``onnx/model.onnx``) so
it can take over once the pins meet.

The export is deterministic (same bytes each run, checked in tests) and atomic: it is written
to a temporary folder beside ``onnx/`` and swapped in, with ``onnx/export_info.json`` naming
the weights it came from so a rebuilt model folder gets a fresh export. The weights go to
``onnx/model.onnx_data`` (ONNX external data) so ONNX Runtime memory-maps them.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
import warnings
from pathlib import Path
from ingest.errors import CchcError

logger = logging.getLogger(__name__)

ONNX_SUBDIR = "onnx"
ONNX_FILE = "model.onnx"
DATA_FILE = "model.onnx_data"
INFO_FILE = "export_info.json"
EXPORT_VERSION = 2  # bump when the exported graph changes (inputs, outputs, opset)
OPSET = 17


class OnnxExportError(CchcError, RuntimeError):
    """The model folder cannot be exported (missing torch/onnx, unsupported architecture)."""


def onnx_path(model_dir: Path) -> Path:
    return Path(model_dir) / ONNX_SUBDIR / ONNX_FILE


def source_digest(model_dir: Path) -> str:
    """What the export depends on: the weight files' names, sizes and modification times, and
    the export version. Cheap (no hashing of 470 MB) and changes whenever the weights do."""
    digest = hashlib.sha256(f"v{EXPORT_VERSION}".encode())
    for file in sorted(Path(model_dir).glob("*")):
        if file.suffix in (".safetensors", ".bin") or file.name == "config.json":
            stat = file.stat()
            digest.update(f"{file.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def current_export(model_dir: Path) -> Path | None:
    """The ONNX file of ``model_dir`` when it exists and matches the folder's weights."""
    path = onnx_path(model_dir)
    info = path.parent / INFO_FILE
    if not (path.is_file() and info.is_file() and (path.parent / DATA_FILE).is_file()):
        return None
    try:
        recorded = json.loads(info.read_text(encoding="utf-8")).get("source")
    except (OSError, ValueError):
        return None
    return path if recorded == source_digest(model_dir) else None


def export_onnx(model_dir: Path) -> Path:
    """Write ``model_dir/onnx/model.onnx`` (inputs ``input_ids``, ``attention_mask``; output
    ``last_hidden_state``) unless a current export is there; return its path."""
    model_dir = Path(model_dir)
    existing = current_export(model_dir)
    if existing is not None:
        return existing
    try:
        import onnx  # noqa: F401 - torch's exporter needs it; fail with our message, not torch's
        import torch
        from transformers import AutoModel
    except ImportError as exc:
        raise OnnxExportError(f"exporting {model_dir} to ONNX needs torch, transformers and onnx: {exc}") from exc

    started = time.perf_counter()
    try:
        model = AutoModel.from_pretrained(str(model_dir)).eval()
    except (OSError, ValueError) as exc:
        raise OnnxExportError(f"cannot load the transformer of {model_dir}: {exc}") from exc

    class _LastHiddenState(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask):  # noqa: ANN001 - traced
            return self.inner(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    out_dir = model_dir / ONNX_SUBDIR
    tmp = Path(tempfile.mkdtemp(prefix=".onnx.", suffix=".tmp", dir=model_dir))
    sample = torch.tensor([[0, 100, 200, 2]], dtype=torch.long)
    axes = {0: "batch", 1: "tokens"}
    try:
        with warnings.catch_warnings(), torch.inference_mode():
            warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation and tracer notes
            torch.onnx.export(
                _LastHiddenState(model), (sample, torch.ones_like(sample)), str(tmp / "graph.onnx"),
                input_names=["input_ids", "attention_mask"], output_names=["last_hidden_state"],
                dynamic_axes={"input_ids": axes, "attention_mask": axes, "last_hidden_state": axes},
                opset_version=OPSET, dynamo=False,
            )
        del model
        _save_with_external_data(tmp / "graph.onnx", tmp / ONNX_FILE)
        info = {"source": source_digest(model_dir), "export_version": EXPORT_VERSION, "opset": OPSET,
                "torch": torch.__version__}
        (tmp / INFO_FILE).write_text(json.dumps(info, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        tmp.chmod(0o755)
        for file in tmp.iterdir():
            file.chmod(0o644)
        _swap_in(tmp, out_dir)
    except Exception as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise OnnxExportError(f"ONNX export of {model_dir} failed: {exc}") from exc
    logger.info("exported %s to ONNX in %.1f s", model_dir.name, time.perf_counter() - started)
    return onnx_path(model_dir)


def _save_with_external_data(graph: Path, target: Path) -> None:
    """Re-save with the weights in ``model.onnx_data`` beside the graph: ONNX Runtime maps that
    file into memory instead of copying it (RSS after load 147 MB instead of 521 MB, peak
    151 MB instead of 880 MB, measured), and pages are shared between server processes."""
    import onnx

    proto = onnx.load(str(graph))
    graph.unlink()
    onnx.save_model(proto, str(target), save_as_external_data=True, all_tensors_to_one_file=True,
                    location=DATA_FILE, size_threshold=1024)


def _swap_in(tmp: Path, out_dir: Path) -> None:
    """Replace ``out_dir`` by the finished ``tmp`` folder; readers see the old or the new export."""
    if out_dir.exists():
        old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
        out_dir.rename(old)
        tmp.rename(out_dir)
        shutil.rmtree(old, ignore_errors=True)
    else:
        tmp.rename(out_dir)
