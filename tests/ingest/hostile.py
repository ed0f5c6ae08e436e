"""Hostile and broken files, generated: the loader tests and benchmarks/probe_hostile.py use them.

Each maker returns the bytes of a file; none is larger than a few hundred kilobytes on disk.
"""

from __future__ import annotations

import io
import os
import struct
import zipfile

DOCUMENT_XML = "word/document.xml"
_TEXT = "KẾ HOẠCH"


def docx_bytes(paragraphs: list[str] | None = None) -> bytes:
    """A small valid .docx written by python-docx."""
    import docx

    document = docx.Document()
    for text in paragraphs or [_TEXT, "Cải cách hành chính năm 2026 của xã Thử Nghiệm"]:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def replace_member(data: bytes, name: str, content: bytes, *, extra: dict[str, bytes] | None = None,
                   compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """The archive ``data`` with member ``name`` replaced by ``content`` (and ``extra`` members added)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, content if info.filename == name else source.read(info.filename))
        for member, blob in (extra or {}).items():
            archive.writestr(member, blob)
    return out.getvalue()


def _document_xml(data: bytes) -> bytes:
    return zipfile.ZipFile(io.BytesIO(data)).read(DOCUMENT_XML)


def truncated_xml_docx() -> bytes:
    """word/document.xml cut in half (the first failure of issue 17)."""
    base = docx_bytes()
    xml = _document_xml(base)
    return replace_member(base, DOCUMENT_XML, xml[: len(xml) // 2])


def _with_doctype(xml: bytes, doctype: str, text_replacement: str) -> bytes:
    declaration, rest = xml.split(b"?>", 1)
    return declaration + b"?>" + doctype.encode() + rest.replace(_TEXT.encode(), text_replacement.encode())


def entity_bomb_docx(levels: int = 10) -> bytes:
    """A billion-laughs DTD: &a9; would expand to 10**9 characters."""
    base = docx_bytes()
    entities = '<!ENTITY a0 "ha">' + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, levels))
    return replace_member(base, DOCUMENT_XML,
                          _with_doctype(_document_xml(base), f"<!DOCTYPE w:document [{entities}]>", f"&a{levels - 1};"))


def external_entity_docx(target: str) -> bytes:
    """An XXE probe: an entity that names a local file (its content must never reach the text)."""
    base = docx_bytes()
    doctype = f'<!DOCTYPE w:document [<!ENTITY x SYSTEM "file://{target}">]>'
    return replace_member(base, DOCUMENT_XML, _with_doctype(_document_xml(base), doctype, "&x;"))


def whitespace_bomb_docx(megabytes: int = 50) -> bytes:
    """Megabytes of white space inside word/document.xml: deflates ~1000:1."""
    base = docx_bytes()
    head, tail = _document_xml(base).split(b"<w:body>", 1)
    return replace_member(base, DOCUMENT_XML, head + b"<w:body>" + b" " * (megabytes * 1_000_000) + tail)


def ratio_bomb_docx(megabytes: int = 20) -> bytes:
    """A member of zeros beside a valid document: a zip bomb by compression ratio."""
    return replace_member(docx_bytes(), DOCUMENT_XML, _document_xml(docx_bytes()),
                          extra={"word/media/padding.bin": bytes(megabytes * 1_000_000)})


def size_bomb_docx(megabytes: int = 3) -> bytes:
    """Incompressible members (ratio ~1) whose total is large: a zip bomb by size for small limits."""
    return replace_member(docx_bytes(), DOCUMENT_XML, _document_xml(docx_bytes()),
                          extra={f"word/media/image{i}.bin": os.urandom(1_000_000) for i in range(megabytes)})


def small_members_bomb_docx(count: int = 200) -> bytes:
    """Many members of 1 MB of zeros each: every one under the ratio check's grace size, the whole
    archive hundreds of megabytes once inflated (a zip bomb by size that a per-member check misses)."""
    return replace_member(docx_bytes(), DOCUMENT_XML, _document_xml(docx_bytes()),
                          extra={f"word/media/pad{i}.bin": bytes(1_000_000) for i in range(count)})


def lying_size_docx() -> bytes:
    """A directory entry that declares word/document.xml smaller than it inflates to."""
    data = bytearray(docx_bytes())
    name = DOCUMENT_XML.encode()
    at = 0
    while True:  # its central directory entry: signature, ..., uncompressed size at +24, name at +46
        at = data.find(b"PK\x01\x02", at)
        if at < 0:
            raise AssertionError("central directory entry not found")
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46: at + 46 + name_len]) == name:
            break
        at += 4
    struct.pack_into("<I", data, at + 24, 100)  # uncompressed size: 100 bytes
    return bytes(data)


def deep_nesting_docx(depth: int = 100_000) -> bytes:
    """Elements nested far deeper than any document: a stack bomb for recursive readers."""
    base = docx_bytes()
    head, tail = _document_xml(base).split(b"<w:body>", 1)
    return replace_member(base, DOCUMENT_XML, head + b"<w:body>" + b"<w:p>" * depth + b"</w:p>" * depth + tail)


def many_paragraphs_docx(count: int, *, varied: bool = False) -> bytes:
    """Many one-line paragraphs: identical ones deflate a few hundred to one (the 49 KB upload of
    issue 17 that never finished); ``varied`` ones (numbered) compress like ordinary text."""
    base = docx_bytes()
    head, tail = _document_xml(base).split(b"<w:body>", 1)
    if varied:
        paragraphs = "".join(f"<w:p><w:r><w:t>{i}. Nhiệm vụ {i * 7919 % 10007} của đơn vị {i % 97}</w:t></w:r></w:p>"
                             for i in range(count)).encode()
    else:
        paragraphs = b"<w:p><w:r><w:t>a</w:t></w:r></w:p>" * count
    return replace_member(base, DOCUMENT_XML, head + b"<w:body>" + paragraphs + tail)


def utf16_text(text: str = "KẾ HOẠCH\nCải cách hành chính năm 2026\n") -> bytes:
    """UTF-16 with a byte-order mark (it holds NUL bytes, yet it is text)."""
    return text.encode("utf-16")
