"""Citations: a verbatim span of a document's cleaned text with its provenance."""

from __future__ import annotations

import re

from assistant.schema import CitedField, Citation
from ingest.model import Document, Task

MAX_QUOTE_CHARS = 1200


def section_at(doc: Document, offset: int) -> tuple[str, str]:
    """(path, label) of the deepest section containing ``offset``."""
    best = None
    for section in doc.sections:
        if section.start <= offset < section.end and (best is None or section.level >= best.level):
            best = section
    return (best.path, best.label) if best else ("", "")


def display_title(doc: Document) -> str:
    return doc.metadata.title or doc.doc_id


_ROW_FIELDS = (("content", "Nội dung"), ("lead", "Chủ trì"), ("cooperating", "Phối hợp"), ("deadline", "Thời gian"),
               ("product", "Sản phẩm"))


def row_fields(task: Task) -> list[CitedField]:
    """A task row as labelled fields (the table's own header labels), each a verbatim span."""
    out = []
    names = [n for n, _ in _ROW_FIELDS] + [n for n in task.spans if n.startswith("extra:")]
    default = dict(_ROW_FIELDS)
    for name in names:
        span = task.spans.get(name)
        if not span:
            continue
        label = " ".join((name[6:] if name.startswith("extra:") else task.labels.get(name) or default[name]).split())
        label = label[:1] + label[1:].lower() if label.isupper() else label  # "THỜI GIAN THỰC HIỆN" → "Thời gian …"
        value = task.extra.get(name[6:], "") if name.startswith("extra:") else getattr(task, name)
        out.append(CitedField(label=" ".join(label.split()), text=value, start=span[0], end=span[1]))
    return out


def cite(doc: Document, start: int, end: int, *, task_id: str | None = None, task: Task | None = None) -> Citation:
    """A citation of ``doc.text[start:end]``, trimmed to whole lines when very long; a task row
    also carries its fields, labelled."""
    start, end = max(0, start), min(len(doc.text), end)
    if end - start > MAX_QUOTE_CHARS:
        cut = doc.text.rfind("\n", start, start + MAX_QUOTE_CHARS)
        end = cut if cut > start else start + MAX_QUOTE_CHARS
    path, label = section_at(doc, start)
    return Citation(
        doc_id=doc.doc_id, title=display_title(doc), issuer=doc.metadata.issuer, source=source_label(doc),
        section=path or None,
        task_id=task_id, page=doc.page_at(start), quote=doc.text[start:end], start=start, end=end,
        fields=row_fields(task) if task is not None else [],
    )


_DIGIT_RE = re.compile(r"\d")
LABEL_TITLE_CHARS = 90


def source_label(doc: Document) -> str:
    """How an answer names the document it comes from, short enough to leave room for the answer:
    'Quyết định 1594/QĐ-TTPVHCC của Trung tâm Phục vụ hành chính công' when it has a number,
    else its title (cut at a word) and issuer: 'Kế hoạch cải cách hành chính năm 2026 – Sở Nội vụ'."""
    meta = doc.metadata
    issuer = meta.issuer
    if meta.kind and meta.number and _DIGIT_RE.search(meta.number.split("/")[0]):
        label = f"{meta.kind} {meta.number}"
        return f"{label} của {issuer}" if issuer else label
    title = display_title(doc)
    if len(title) > LABEL_TITLE_CHARS:
        cut = title.rfind(" ", 0, LABEL_TITLE_CHARS)
        title = title[: cut if cut > 40 else LABEL_TITLE_CHARS].rstrip(" ,;:") + "…"
    if issuer and issuer.lower() not in title.lower():
        return f"{title} – {issuer}"
    return title
