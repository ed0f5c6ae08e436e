"""Turn one file into a :class:`Document`: load → clean → structure → metadata → facts → chunks."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from ingest.clean import Block, clean_pages
from ingest.facts import extract_facts
from ingest.labelled_tasks import labelled_tasks
from ingest.limits import DEFAULT_LIMITS, IngestLimits
from ingest.loaders import load
from ingest.metadata import extract_metadata, extract_references
from ingest.model import Chunk, Document, Task
from ingest.structure import build_sections, find_footnotes, make_chunks

logger = logging.getLogger(__name__)

OCR_DAMAGE_THRESHOLD = 0.5
# Bump when parsing changes what a document holds: stored documents of another version are re-parsed.
PARSER_VERSION = 14


def doc_id_for(path: Path) -> str:
    """A document's id is its file name without extension (FORMAT.md)."""
    return Path(path).stem


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse_file(path: Path, limits: IngestLimits = DEFAULT_LIMITS) -> Document:
    """Ingest one file; raises :class:`ingest.loaders.IngestError` when it cannot be read or is over ``limits``."""
    from ingest import diacritics

    raw = load(Path(path), limits)
    cleaned = clean_pages(raw.pages, raw.has_pages, raw.table_layout)
    text = cleaned.text
    doc_id = doc_id_for(raw.path)
    sections, where = build_sections(cleaned.blocks, len(text))
    footnotes = find_footnotes(cleaned.blocks, text)
    meta = extract_metadata(text, cleaned.blocks)
    damaged = diacritics.ocr_damage_score(_sample(text)) >= OCR_DAMAGE_THRESHOLD
    first_section = next((s.start for s in sections if s.level == 1), len(text))
    preamble_end = meta.preamble_span[1] if meta.preamble_span else first_section
    references = extract_references(text, min(preamble_end, first_section))
    facts = extract_facts(text, cleaned.blocks, sections)
    table_tasks = unique_record_ids(cleaned.blocks)
    tasks = table_tasks + labelled_tasks(cleaned.blocks, sections, {t.task_id for t in table_tasks})
    title = meta.title or doc_id
    chunks = make_chunks(doc_id, f"{title} {meta.issuer}".strip(), text, cleaned.blocks, where, footnotes)
    chunks.extend(_metadata_chunks(doc_id, text, meta, chunks))
    doc = Document(
        doc_id=doc_id, source_path=str(raw.path), source_hash=content_hash(raw.data), text=text,
        metadata=meta, page_spans=cleaned.page_spans, sections=sections, tasks=tasks,
        footnotes=footnotes, facts=facts, references=references, chunks=chunks, ocr_damaged=damaged,
        warnings=raw.warnings + table_warnings(text, cleaned.blocks),
    )
    if damaged:
        doc.search_text = diacritics.ocr_fold(text)
        # metadata is derived, not quoted: show it repaired (quotes keep the OCR text)
        meta.title = diacritics.repair_ocr(meta.title)
        meta.issuer = diacritics.repair_ocr(meta.issuer)
        meta.issuer_parent = diacritics.repair_ocr(meta.issuer_parent)
        meta.signer = diacritics.repair_ocr(meta.signer)
    logger.info("parsed %s: %d chunks, %d tasks, %d facts", doc_id, len(chunks), len(doc.tasks), len(facts))
    return doc


def unique_record_ids(blocks: list[Block]) -> list[Task]:
    """The records of all tables, with ids unique in the document: a later table whose ids
    repeat an earlier table's is qualified by its number ("B2.I.1" = table 2, group I, row 1)."""
    tables: list[list[Task]] = []
    for block in blocks:
        if block.kind == "table_header" and block.field_cells == {} and (not tables or tables[-1]):
            tables.append([])
        if block.task is not None:
            if not tables:
                tables.append([])
            tables[-1].append(block.task)
    seen: set[str] = set()
    out: list[Task] = []
    for number, records in enumerate(tables, start=1):
        if any(t.task_id in seen for t in records):
            for task in records:
                task.task_id = f"B{number}.{task.task_id}"
        for task in records:
            base, k = task.task_id, 1
            while task.task_id in seen:  # numbering restarted under unlabelled groups of one table
                k += 1
                task.task_id = f"{base} ({k})"
            seen.add(task.task_id)
            out.append(task)
    return out


def table_warnings(text: str, blocks: list[Block]) -> list[str]:
    """Rows of task tables that could not be read, by line of the cleaned text."""
    return [f"dòng {text.count(chr(10), 0, b.start) + 1}: {b.problem}: “{b.text.replace(chr(9), ' | ')[:80]}”"
            for b in blocks if b.problem]


def _sample(text: str, window: int = 4000) -> str:
    """Beginning, middle and end of a long text: enough to judge OCR damage, three times faster."""
    if len(text) <= 3 * window:
        return text
    mid = len(text) // 2
    return "\n".join((text[:window], text[mid - window // 2: mid + window // 2], text[-window:]))


def _metadata_chunks(doc_id: str, text: str, meta, chunks: list[Chunk]) -> list[Chunk]:
    """A chunk for the signature line, which block chunking keeps only as a bare name."""
    out: list[Chunk] = []
    if meta.signer_span:
        start, end = meta.signer_span
        for chunk in chunks:
            if chunk.start == start and chunk.end == end:  # the name is its own line: mark that chunk
                chunk.kind = "metadata"
                chunk.context = f"{chunk.context} | người ký {meta.title}"
        if not any(c.start == start and c.end == end for c in chunks):
            out.append(Chunk(chunk_id=f"{doc_id}:signer", doc_id=doc_id, kind="metadata", text=text[start:end],
                             start=start, end=end, context=f"{meta.title} người ký {meta.issuer}"))
    return out
