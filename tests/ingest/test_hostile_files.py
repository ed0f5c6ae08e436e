"""Hostile and broken files are refused with an IngestError naming the file and the reason, before
the work their size would cost; a bad file in a folder is reported and the others are ingested."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ingest.limits import IngestLimits
from ingest.loaders import IngestError, load
from ingest.pipeline import parse_file
from ingest.store import CorpusStore, ingest_paths
from tests.conftest import CORPUS, TABLE_DOC
from tests.ingest import hostile


def _refused(tmp_path: Path, name: str, data: bytes, limits: IngestLimits | None = None) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(IngestError) as info:
        load(path, limits or IngestLimits())
    message = str(info.value)
    assert message.startswith(f"{name}: ")
    return message


def test_truncated_document_xml(tmp_path):
    assert "cut off or malformed" in _refused(tmp_path, "half.docx", hostile.truncated_xml_docx())


def test_entity_bomb_is_not_expanded(tmp_path):
    assert "entity expansion" in _refused(tmp_path, "laughs.docx", hostile.entity_bomb_docx())


def test_external_entity_is_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("MẬT-KHẨU-BÍ-MẬT", encoding="utf-8")
    message = _refused(tmp_path, "xxe.docx", hostile.external_entity_docx(str(secret)))
    assert "DTD" in message and "MẬT-KHẨU" not in message


def test_whitespace_bomb_is_refused_by_ratio_before_inflating(tmp_path):
    data = hostile.whitespace_bomb_docx(megabytes=50)
    assert len(data) < 200_000
    message = _refused(tmp_path, "spaces.docx", data)
    assert "compression ratio of 'word/document.xml'" in message and "CCHC_MAX_ZIP_RATIO" in message


def test_zip_bomb_by_ratio(tmp_path):
    message = _refused(tmp_path, "zeros.docx", hostile.ratio_bomb_docx(megabytes=20))
    assert "compression ratio of 'word/media/padding.bin'" in message


def test_zip_bomb_by_size(tmp_path):
    limits = IngestLimits(max_unzipped_bytes=2_000_000)
    message = _refused(tmp_path, "big.docx", hostile.size_bomb_docx(megabytes=3), limits)
    assert "decompressed size" in message and "2,000,000 bytes" in message and "CCHC_MAX_UNZIPPED_BYTES" in message


def test_zip_bomb_by_size_of_small_members(tmp_path):
    data = hostile.small_members_bomb_docx(count=200)
    assert len(data) < 500_000
    message = _refused(tmp_path, "pads.docx", data)
    assert "decompressed size" in message and "100,000,000 bytes" in message


def test_zip_member_larger_than_declared(tmp_path):
    assert ".docx" in _refused(tmp_path, "liar.docx", hostile.lying_size_docx())


def test_deep_nesting(tmp_path):
    # 20,000 levels in 220 KB of XML: under the ratio check's grace size, so the XML parser refuses it
    assert "nested too deeply" in _refused(tmp_path, "deep.docx", hostile.deep_nesting_docx(depth=20_000))
    # 100,000 levels deflate 480:1 and are refused before they are inflated
    assert "compression ratio" in _refused(tmp_path, "deeper.docx", hostile.deep_nesting_docx(depth=100_000))


def test_paragraph_limit_is_checked_before_the_paragraphs_are_read(tmp_path):
    message = _refused(tmp_path, "many.docx", hostile.many_paragraphs_docx(5_000), IngestLimits(max_paragraphs=1_000))
    assert "number of paragraphs (5,00" in message and "CCHC_MAX_PARAGRAPHS" in message


@pytest.mark.parametrize("name,data,limits,words", [
    ("long.txt", "chữ ".encode() * 30_000, IngestLimits(max_chars=100_000), "text length"),
    ("huge.txt", b"a" * 500_000, IngestLimits(max_chars=100_000), "at least"),
    ("lines.md", b"- a\n" * 3_000, IngestLimits(max_paragraphs=2_000), "number of lines"),
    ("big.txt", b"a" * 2_000, IngestLimits(max_file_bytes=1_000), "file size"),
])
def test_text_limits(tmp_path, name, data, limits, words):
    assert words in _refused(tmp_path, name, data, limits)


def test_page_limit_is_checked_before_text_is_extracted(tmp_path):
    from tests.ingest.test_loaders import PAGES, make_pdf

    path = make_pdf(tmp_path / "pages.pdf", PAGES)
    with pytest.raises(IngestError, match=r"pages.pdf: number of pages \(3\) is over the limit of 2.*CCHC_MAX_PAGES"):
        load(path, IngestLimits(max_pages=2))


def test_utf16_text_with_bom_is_read(tmp_path):
    path = tmp_path / "utf16.txt"
    path.write_bytes(hostile.utf16_text())
    assert parse_file(path).text.startswith("KẾ HOẠCH\nCải cách hành chính năm 2026")


def test_a_valid_docx_is_still_read(tmp_path):
    path = tmp_path / "ok.docx"
    path.write_bytes(hostile.many_paragraphs_docx(3_000))
    assert load(path).pages[0].count("a") >= 3_000


def test_bad_files_in_a_folder_are_reported_and_the_others_ingested(tmp_path):
    folder = tmp_path / "plans"
    folder.mkdir()
    shutil.copy(CORPUS / f"{TABLE_DOC}.txt", folder / f"{TABLE_DOC}.txt")
    (folder / "a_half.docx").write_bytes(hostile.truncated_xml_docx())
    (folder / "b_laughs.docx").write_bytes(hostile.entity_bomb_docx())
    (folder / "c_deep.docx").write_bytes(hostile.deep_nesting_docx(depth=20_000))
    (folder / "zz_good.docx").write_bytes(hostile.docx_bytes())
    report = ingest_paths([folder], CorpusStore(tmp_path / "data"))
    assert sorted(report.added) == [TABLE_DOC, "zz_good"]
    failed = {Path(p).name: reason for p, reason in report.failures}
    assert sorted(failed) == ["a_half.docx", "b_laughs.docx", "c_deep.docx"]
    assert all(reason for reason in failed.values())


def test_a_parser_bug_on_one_file_does_not_stop_the_others(tmp_path, monkeypatch):
    from ingest import store as store_module

    folder = tmp_path / "plans"
    folder.mkdir()
    (folder / "a.txt").write_text("KẾ HOẠCH\nMột", encoding="utf-8")
    (folder / "b.txt").write_text("KẾ HOẠCH\nHai", encoding="utf-8")

    def parse_or_crash(path: Path):
        if path.name == "a.txt":
            raise IndexError("list index out of range")
        return parse_file(path)

    report = store_module.ingest_paths([folder], CorpusStore(tmp_path / "data"), parse=parse_or_crash)
    assert report.added == ["b"]
    assert report.failures == [(str(folder / "a.txt"), "the parser failed on this file (IndexError: list index out of range)")]
