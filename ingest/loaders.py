"""Read plan files (.txt, .md, .pdf, .docx) into raw page texts, refusing what cannot be read."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from ingest.text import nfc

logger = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf", ".docx")
MAX_FILE_BYTES = 50_000_000


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
    table_layout: str = "text"  # tab-separated rows: "text" (PDF/plain text) or "grid" (.docx cells)


def load(path: Path) -> RawDocument:
    """Extract the text of ``path`` or raise :class:`IngestError` with a clear reason."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise IngestError(path, f"unsupported file type '{suffix or '(none)'}'; expected one of {', '.join(SUPPORTED_SUFFIXES)}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(path, f"cannot read file ({exc.strerror or exc})") from exc
    if not data.strip():
        raise IngestError(path, "file is empty")
    if len(data) > MAX_FILE_BYTES:
        raise IngestError(path, f"file is larger than {MAX_FILE_BYTES // 1_000_000} MB")
    if suffix in (".txt", ".md"):
        pages, has_pages = [_decode_text(path, data)], False
    elif suffix == ".pdf":
        pages, has_pages = _read_pdf(path, data), True
    else:
        pages, has_pages = [_read_docx(path, data)], False
    pages = [nfc(p) for p in pages]
    if not any(p.strip() for p in pages):
        raise IngestError(path, "no text could be extracted (image-only or blank document; OCR it first)")
    return RawDocument(path=path, pages=pages, has_pages=has_pages, data=data,
                       table_layout="grid" if suffix == ".docx" else "text")


def _decode_text(path: Path, data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise IngestError(path, "binary content, not a text file")
    encoding = "utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise IngestError(path, f"text is not valid UTF-8 (byte {exc.start}); save it as UTF-8") from exc
    control = sum(1 for c in text[:20000] if ord(c) < 32 and c not in "\n\r\t\f")
    if control > max(10, len(text[:20000]) // 50):
        raise IngestError(path, "binary content, not a text file")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _read_pdf(path: Path, data: bytes) -> list[str]:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

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
        pages = [page.extract_text() or "" for page in reader.pages]
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise IngestError(path, f"PDF cannot be read ({exc})") from exc
    if pages and not any(p.strip() for p in pages):
        raise IngestError(path, "PDF has no text layer (image-only scan); OCR it first")
    return pages


def _read_docx(path: Path, data: bytes) -> str:
    import io
    import zipfile

    try:
        import docx
    except ImportError as exc:  # pragma: no cover - dependency declared in pyproject
        raise IngestError(path, "python-docx is not installed: pip install python-docx") from exc
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise IngestError(path, f"not a valid .docx file ({exc})") from exc
    lines: list[str] = []
    for block in _docx_blocks(document):
        lines.append(block)
    return "\n".join(lines)


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
