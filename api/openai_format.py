"""An ``Answer`` as the text of one chat message: numbered markers after the lines they support and a
"Nguồn" list naming each source as people name it (never an internal id) with a short quote, or, for a
cited table row, its fields under the table's own labels.

Chat clients (Open WebUI, LibreChat, scripts) show only the message text, so the citations have
to travel inside it; the full, verbatim citations also travel as data in the ``cchc`` field.
The text reads the same as plain text and as Markdown (the list is a Markdown bullet list).
"""

from __future__ import annotations

import re

from assistant.schema import Answer, Citation, DocumentInfo
from ingest.text import fold

SOURCES_HEADING = "Nguồn:"
QUOTE_CHARS = 200
FIELD_CHARS = 120


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit - 1)
    return text[: cut if cut > limit // 2 else limit - 1].rstrip(" ,;:") + "…"


def document_label(citation: Citation, info: DocumentInfo | None) -> str:
    """The citation's ``source`` ('Quyết định 1594/QĐ-TTPVHCC của Trung tâm Phục vụ hành chính công');
    for an answer without one, the title with number and issuer ('Kế hoạch … (số 23/KH-SNgV) – Sở Ngoại vụ')."""
    if citation.source:
        return citation.source
    title = (info.title if info else "") or citation.title
    issuer = (info.issuer if info else "") or citation.issuer
    number = info.number if info else ""
    label = title or citation.doc_id  # the id only when the plan has no title at all
    if number and re.match(r"\d", number) and number not in label:
        label += f" (số {number})"
    if issuer and fold(issuer) not in fold(label):
        label += f" – {issuer}"
    return label


def task_label(task_id: str) -> str:
    """'nhiệm vụ III.5', 'nhiệm vụ III.1 (tiếp)', but a row already named by a word stays as it is
    ('Bước 2', not 'nhiệm vụ Bước 2')."""
    named = any(c.islower() for c in re.sub(r"\([^)]*\)", "", task_id))
    return task_id if named else f"nhiệm vụ {task_id}"


def _where(citation: Citation) -> str:
    parts = []
    if citation.section:
        parts.append(f"mục {_shorten(citation.section, 80)}")
    if citation.task_id:
        parts.append(task_label(citation.task_id))
    if citation.page:
        parts.append(f"trang {citation.page}")
    return " · ".join(parts)


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", fold(text)) if len(w) > 1}


def _line_for(citation: Citation, lines: list[str]) -> int:
    """The line a citation supports: the first naming its task, else the one sharing most words with
    the quote (at least three), else the last line."""
    if citation.task_id:
        pattern = re.compile(rf"(?<![\w.]){re.escape(citation.task_id)}(?![\w]|\.\d)")
        for i, line in enumerate(lines):
            if pattern.search(line):
                return i
    quote = _words(citation.quote)
    best, best_shared = len(lines) - 1, 2
    for i, line in enumerate(lines):
        shared = len(_words(line) & quote)
        if shared > best_shared:
            best, best_shared = i, shared
    return best


def _evidence(citation: Citation) -> str:
    """A row's labelled fields on one line ('Thời hạn giải quyết: “1 ngày”; …'), else the shortened quote;
    each value is quoted, so a ';' inside a cell cannot be mistaken for the separator."""
    if citation.fields:
        return "; ".join(f"{f.label}: “{_shorten(f.text, FIELD_CHARS)}”" for f in citation.fields)
    return f"“{_shorten(citation.quote, QUOTE_CHARS)}”"


def message_text(answer: Answer, documents: dict[str, DocumentInfo]) -> str:
    """The answer with ``[n]`` markers and the numbered "Nguồn" list."""
    if not answer.citations:
        return answer.answer
    lines = answer.answer.split("\n") or [""]
    markers: dict[int, list[int]] = {}
    for n, citation in enumerate(answer.citations, 1):
        markers.setdefault(_line_for(citation, lines), []).append(n)
    marked = [
        line.rstrip() + " " + "".join(f"[{n}]" for n in markers[i]) if i in markers else line
        for i, line in enumerate(lines)
    ]
    sources = []
    for n, citation in enumerate(answer.citations, 1):
        where = _where(citation)
        entry = f"- [{n}] {document_label(citation, documents.get(citation.doc_id))}"
        if where:
            entry += f" — {where}"
        sources.append(f"{entry}: {_evidence(citation)}")
    return "\n".join(marked) + "\n\n" + SOURCES_HEADING + "\n" + "\n".join(sources)
