"""Persist ingested documents under the data directory, atomically and incrementally.

Layout: ``corpus/manifest.json`` names, for every doc id, the JSON file that holds it
(``<doc_id>.<hash12>.json``). A document file is written first, the manifest is replaced
atomically after, and only then is the old file removed: a crash at any point leaves a
manifest whose files all exist.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from ingest.limits import DEFAULT_LIMITS, IngestLimits
from ingest.loaders import SUPPORTED_SUFFIXES, IngestError
from ingest.model import Document
from ingest.pipeline import PARSER_VERSION, content_hash, doc_id_for, parse_file

logger = logging.getLogger(__name__)

MANIFEST = "manifest.json"
FORMAT_VERSION = 1


def atomic_write_text(path: Path, text: str) -> None:
    """Write via a temporary file in the same folder and rename over the target."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass
class IngestReport:
    """What one ``ingest`` run did."""

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (file, what could not be read in it)
    pages: int = 0
    chunks: int = 0
    tasks: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.replaced or self.removed)


class CorpusStore:
    """The ingested corpus on disk: load, add, replace and remove documents."""

    def __init__(self, data_dir: Path):
        self.root = Path(data_dir) / "corpus"

    # -- reading -------------------------------------------------------------
    def manifest(self) -> dict[str, Any]:
        path = self.root / MANIFEST
        if not path.exists():
            return {"format": FORMAT_VERSION, "documents": {}}
        return json.loads(path.read_text(encoding="utf-8"))

    def initialised(self) -> bool:
        """Has this data directory ever held a corpus? A manifest exists, even one emptied by deletes."""
        return (self.root / MANIFEST).exists()

    def mark_initialised(self) -> None:
        """Write an empty manifest where there is none, so an emptied corpus stays empty."""
        if not self.initialised():
            self._write_manifest({"format": FORMAT_VERSION, "documents": {}})

    def doc_ids(self) -> list[str]:
        return sorted(self.manifest()["documents"])

    def load(self, doc_id: str) -> Document:
        entry = self.manifest()["documents"].get(doc_id)
        if entry is None:
            raise KeyError(doc_id)
        data = json.loads((self.root / entry["file"]).read_text(encoding="utf-8"))
        return Document.from_dict(data)

    def load_all(self) -> list[Document]:
        manifest = self.manifest()["documents"]
        docs = []
        for doc_id in sorted(manifest):
            data = json.loads((self.root / manifest[doc_id]["file"]).read_text(encoding="utf-8"))
            docs.append(Document.from_dict(data))
        return docs

    # -- writing -------------------------------------------------------------
    def put(self, doc: Document) -> str:
        """Store ``doc``; returns "added", "replaced" or "unchanged"."""
        manifest = self.manifest()
        entry = manifest["documents"].get(doc.doc_id)
        if (entry and entry["hash"] == doc.source_hash and entry.get("parser") == PARSER_VERSION
                and (self.root / entry["file"]).exists()):
            return "unchanged"
        file_name = f"{doc.doc_id}.{doc.source_hash[:12]}.json"
        atomic_write_text(self.root / file_name, json.dumps(doc.to_dict(), ensure_ascii=False))
        manifest["documents"][doc.doc_id] = {
            "file": file_name, "hash": doc.source_hash, "source": doc.source_path, "parser": PARSER_VERSION,
            "title": doc.metadata.title, "ingested_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
        }
        self._write_manifest(manifest)
        if entry and entry["file"] != file_name:
            (self.root / entry["file"]).unlink(missing_ok=True)
        return "replaced" if entry else "added"

    def remove(self, doc_id: str) -> bool:
        manifest = self.manifest()
        entry = manifest["documents"].pop(doc_id, None)
        if entry is None:
            return False
        self._write_manifest(manifest)
        (self.root / entry["file"]).unlink(missing_ok=True)
        return True

    def hash_of(self, doc_id: str) -> str | None:
        """The content hash a document was stored with, if it was parsed by this parser version."""
        entry = self.manifest()["documents"].get(doc_id)
        return entry["hash"] if entry and entry.get("parser") == PARSER_VERSION else None

    def outdated_sources(self) -> list[Path]:
        """Source files of documents parsed by another parser version (to re-ingest)."""
        return [Path(e["source"]) for e in self.manifest()["documents"].values()
                if e.get("parser") != PARSER_VERSION and Path(e["source"]).exists()]

    def _write_manifest(self, manifest: dict[str, Any]) -> None:
        manifest["format"] = FORMAT_VERSION
        atomic_write_text(self.root / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True))


def discover(paths: Iterable[Path]) -> list[Path]:
    """Files to ingest: the given files, and every file inside the given folders (sorted)."""
    found: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")
                                and p.suffix.lower() in SUPPORTED_SUFFIXES + (".doc",)))
        else:
            found.append(path)
    return found


def ingest_paths(paths: Iterable[Path], store: CorpusStore, *, prune: bool = False, progress=None,
                 limits: IngestLimits = DEFAULT_LIMITS, parse: Callable[[Path], Document] | None = None) -> IngestReport:
    """Ingest files and folders into ``store``; a bad file is reported and skipped.

    ``parse`` turns one file into a document (default: :func:`ingest.pipeline.parse_file` under
    ``limits``); the API passes one that runs in a worker process with a time budget.
    """
    parse = parse or functools.partial(parse_file, limits=limits)
    report = IngestReport()
    files = discover(paths)
    seen: set[str] = set()
    for path in files:
        doc_id = doc_id_for(path)
        seen.add(doc_id)
        try:
            if not path.exists():
                raise IngestError(path, "no such file")
            small = path.is_file() and path.stat().st_size <= limits.max_file_bytes  # larger ones are refused unread
            data_hash = content_hash(path.read_bytes()) if small else None
            if data_hash and store.hash_of(doc_id) == data_hash:
                report.unchanged.append(doc_id)
                continue
            doc = parse(path)
        except IngestError as exc:
            logger.warning("could not ingest %s: %s", path, exc.reason)
            report.failures.append((str(path), exc.reason))
            continue
        except OSError as exc:
            logger.warning("could not ingest %s: %s", path, exc)
            report.failures.append((str(path), f"cannot read file ({exc.strerror or exc})"))
            continue
        except Exception as exc:  # noqa: BLE001 - a parser bug on one file must not stop the others
            logger.warning("could not ingest %s: parser error", path, exc_info=True)
            report.failures.append((str(path), f"the parser failed on this file ({type(exc).__name__}: {exc})"))
            continue
        finally:
            if progress is not None:
                progress(path)
        status = store.put(doc)
        getattr(report, status).append(doc_id)
        report.warnings.extend((str(path), warning) for warning in doc.warnings)
        report.pages += len({p for _, _, p in doc.page_spans}) or 1
        report.chunks += len(doc.chunks)
        report.tasks += len(doc.tasks)
    if prune:
        for doc_id in store.doc_ids():
            if doc_id not in seen and store.remove(doc_id):
                report.removed.append(doc_id)
    return report
