"""Read plan files (.txt, .md, .pdf, .docx) into raw page texts, refusing what cannot be read."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from ingest.archive import ArchiveRefused, check_archive
from ingest.limits import DEFAULT_LIMITS, IngestLimits
from ingest.pdf_tables import may_hold_rulings, read_table_pages
from ingest.tables import Layout
from ingest.text import nfc

logger = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf", ".docx")
_BOMS = {b"\xff\xfe": "utf-16", b"\xfe\xff": "utf-16"}


class IngestError(ValueError):
    """A file that cannot be ingested; the message names the file and says why."""

    def __init__(self, path: Path | str, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{Path(path).name}: {reason}")


@dataclass
class RawDocument:
    """Text as extracted, one entry per page (a single page for formats without pages)."""

    path: Path
    pages: list[str]
    has_pages: bool
    data: bytes
    # how tab-separated rows came to be (ingest.tables.Layout), for the whole file or one per page:
    # "text" (PDF/plain text), "grid" (.docx cells), "ruled" (a PDF page's ruled tables, read by pdfplumber)
    table_layout: Layout | list[Layout] = "text"
    warnings: list[str] = field(default_factory=list)  # what was read less well than it could be, for the report


@dataclass
class _Extracted:
    pages: list[str]
    has_pages: bool
    table_layout: Layout | list[Layout] = "text"
    warnings: list[str] = field(default_factory=list)


def load(path: Path, limits: IngestLimits = DEFAULT_LIMITS) -> RawDocument:
    """Extract the text of ``path`` or raise :class:`IngestError` with a clear reason.

    Every failure of a reader library on a hostile file (lxml, zipfile, pypdf) becomes an
    :class:`IngestError` naming the file, so one bad file never stops a folder or answers 500.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise IngestError(path, f"unsupported file type '{suffix or '(none)'}'; expected one of {', '.join(SUPPORTED_SUFFIXES)}")
    try:
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            raise IngestError(path, limits.over("file size", size, limits.max_file_bytes, "CCHC_MAX_FILE_BYTES", " bytes"))
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(path, f"cannot read file ({exc.strerror or exc})") from exc
    if not data.strip():
        raise IngestError(path, "file is empty")
    try:
        extracted = _read(path, suffix, data, limits)
    except IngestError:
        raise
    except RecursionError as exc:
        raise IngestError(path, f"{suffix[1:]} file is nested too deeply to read") from exc
    except Exception as exc:  # noqa: BLE001 - a reader library failing in a way it does not document
        logger.warning("unexpected error while reading %s", path, exc_info=True)
        raise IngestError(path, f"{suffix[1:]} file cannot be read ({type(exc).__name__}: {exc})") from exc
    pages = [nfc(p) for p in extracted.pages]
    _check_extracted(path, pages, limits)
    if not any(p.strip() for p in pages):
        raise IngestError(path, "no text could be extracted (image-only or blank document; OCR it first)")
    return RawDocument(path=path, pages=pages, has_pages=extracted.has_pages, data=data,
                       table_layout=extracted.table_layout, warnings=extracted.warnings)


def _read(path: Path, suffix: str, data: bytes, limits: IngestLimits) -> _Extracted:
    if suffix in (".txt", ".md"):
        return _Extracted([_decode_text(path, data, limits)], has_pages=False)
    if suffix == ".pdf":
        return _read_pdf(path, data, limits)
    return _Extracted([_read_docx(path, data, limits)], has_pages=False, table_layout="grid")


def _check_extracted(path: Path, pages: list[str], limits: IngestLimits) -> None:
    chars = sum(len(p) for p in pages)
    if chars > limits.max_chars:
        raise IngestError(path, limits.over("text length", chars, limits.max_chars, "CCHC_MAX_CHARS", " characters"))
    lines = sum(p.count("\n") + 1 for p in pages)
    if lines > limits.max_paragraphs:
        raise IngestError(path, limits.over("number of lines", lines, limits.max_paragraphs, "CCHC_MAX_PARAGRAPHS"))


def _decode_text(path: Path, data: bytes, limits: IngestLimits) -> str:
    if len(data) > 4 * limits.max_chars:  # no encoding spends more than 4 bytes on a character
        raise IngestError(path, limits.over("text length", len(data) // 4, limits.max_chars, "CCHC_MAX_CHARS",
                                            " characters", at_least=True))
    encoding = _BOMS.get(data[:2])
    if encoding is None and b"\x00" in data[:4096]:  # UTF-16 text carries NULs: look for its BOM first
        raise IngestError(path, "binary content, not a text file")
    try:
        text = data.decode(encoding or "utf-8-sig")
    except UnicodeDecodeError as exc:
        if encoding:
            raise IngestError(path, f"text is not valid UTF-16 (byte {exc.start}); save it as UTF-8") from exc
        raise IngestError(path, f"text is not valid UTF-8 (byte {exc.start}); save it as UTF-8") from exc
    control = sum(1 for c in text[:20000] if ord(c) < 32 and c not in "\n\r\t\f")
    if control > max(10, len(text[:20000]) // 50):
        raise IngestError(path, "binary content, not a text file")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _read_pdf(path: Path, data: bytes, limits: IngestLimits) -> _Extracted:
    """pypdf's text of every page; pages holding ruled tables are rewritten from pdfplumber's
    reading with tab-separated rows (:mod:`ingest.pdf_tables`), their layout "ruled". What
    pdfplumber could not read keeps pypdf's text and is named in the warnings."""
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError, PyPdfError

    if not data.startswith(b"%PDF"):
        raise IngestError(path, "not a PDF file (missing %PDF header)")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise IngestError(path, "PDF is encrypted with a password")
            except IngestError:
                raise
            except Exception as exc:  # pypdf raises several types for unsupported crypto
                raise IngestError(path, f"PDF is encrypted and cannot be opened ({exc})") from exc
        count = len(reader.pages)
        if count > limits.max_pages:
            raise IngestError(path, limits.over("number of pages", count, limits.max_pages, "CCHC_MAX_PAGES"))
        pages: list[str] = []
        ruled: list[int] = []  # pages that draw straight lines: pdfplumber looks for tables there
        chars = 0
        for index, page in enumerate(reader.pages):
            pages.append(page.extract_text() or "")
            if may_hold_rulings(page):
                ruled.append(index)
            chars += len(pages[-1])
            if chars > limits.max_chars:  # stop extracting as soon as the text is too long
                raise IngestError(path, limits.over("text length", chars, limits.max_chars, "CCHC_MAX_CHARS",
                                                    " characters", at_least=True))
    except IngestError:
        raise
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise IngestError(path, f"PDF cannot be read ({exc})") from exc
    if pages and not any(p.strip() for p in pages):
        raise IngestError(path, "PDF has no text layer (image-only scan); OCR it first")
    tables = read_table_pages(data, str(path), len(pages), ruled)
    for index, text in tables.texts.items():
        pages[index] = text
    layout: Layout | list[Layout] = "text"
    if tables.texts:
        layout = ["ruled" if index in tables.texts else "text" for index in range(len(pages))]
    return _Extracted(pages, has_pages=True, table_layout=layout, warnings=tables.warnings)


def _read_docx(path: Path, data: bytes, limits: IngestLimits) -> str:
    import io
    import zipfile
    import zlib

    try:
        check_archive(data, limits)  # by the declared sizes, before anything is decompressed
    except ArchiveRefused as exc:
        raise IngestError(path, f".docx archive refused: {exc}") from exc
    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError
        from lxml import etree
    except ImportError as exc:  # pragma: no cover - dependency declared in pyproject
        raise IngestError(path, "python-docx is not installed: pip install python-docx") from exc
    try:
        # python-docx parses with resolve_entities=False and without XML_PARSE_HUGE: entities are
        # never expanded (amplification is an error) and depth and text nodes stay bounded
        document = docx.Document(io.BytesIO(data))
    except etree.XMLSyntaxError as exc:
        raise IngestError(path, f"corrupt .docx file: {_xml_problem(exc)}") from exc
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, NotImplementedError, zlib.error,
            EOFError) as exc:
        raise IngestError(path, f"not a valid .docx file ({exc})") from exc
    if document.element.getroottree().docinfo.internalDTD is not None:
        raise IngestError(path, "corrupt .docx file: word/document.xml declares a DTD (Word never writes one; "
                                "its entities are not expanded)")
    children = len(document.element.body)
    if children > limits.max_paragraphs:
        raise IngestError(path, limits.over("number of paragraphs", children, limits.max_paragraphs,
                                            "CCHC_MAX_PARAGRAPHS"))
    lines: list[str] = []
    for block in _docx_blocks(document):
        lines.append(block)
    return "\n".join(lines)


def _xml_problem(exc: Exception) -> str:
    """lxml's message, said plainly for the kinds of damage hostile files carry."""
    message = str(exc).split("\n")[0][:200]
    lowered = message.lower()
    if "amplification" in lowered or "entity" in lowered:
        kind = "an entity expansion (billion laughs)"
    elif "depth" in lowered:
        kind = "elements nested too deeply"
    elif "too long" in lowered or "resource limit" in lowered or "huge" in lowered:
        kind = "a text run too long to read"
    else:
        kind = "its XML is cut off or malformed"
    return f"{kind} (XML error: {message})"


def _docx_blocks(document) -> list[str]:
    """Paragraphs and table rows in document order; table cells are joined by tabs."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    out: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            out.append(Paragraph(child, document).text)
        elif tag == "tbl":
            table = Table(child, document)
            out.append("")
            for row in table.rows:
                cells, previous = [], None
                for cell in row.cells:
                    if previous is not None and cell._tc is previous:
                        continue  # a horizontally merged cell is listed once per grid column: read it once
                    previous = cell._tc
                    cells.append(" ".join(cell.text.split()))
                out.append("\t".join(cells) if len(cells) > 1 else cells[0] + "\t")  # one cell is still a row
            out.append("")
    return out
