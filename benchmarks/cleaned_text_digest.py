"""Fingerprint the cleaned text of every document, to prove a parser refactor changes nothing.

usage: python benchmarks/cleaned_text_digest.py OUT.json [DIR ...]          # record
       python benchmarks/cleaned_text_digest.py --compare OLD.json [DIR ...] # check against a record

For each .txt/.md/.pdf/.docx under the folders (default: the shipped corpus and ../shared/realdocs),
the SHA-256 of the cleaned text with its blocks (kind, page, start, end), and of the whole parsed
document (sections, tasks, footnotes, chunks, …), is recorded; ``--compare``
prints every document whose digest differs and exits 1 if any does. A .docx rendering of each
shipped plan (one paragraph per line) is included so the .docx loader is covered too.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from pathlib import Path

from ingest.clean import clean_pages
from ingest.loaders import IngestError, load
from ingest.pipeline import parse_file
from ingest.store import discover

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIRS = [ROOT / "ingest" / "default_corpus", ROOT.parent.parent / "shared" / "realdocs"]


def _docx_copies(corpus: Path, out: Path) -> list[Path]:
    import docx

    made = []
    for path in sorted(corpus.glob("*.txt")):
        document = docx.Document()
        for line in path.read_text(encoding="utf-8").split("\n"):
            document.add_paragraph(line)
        target = out / f"{path.stem}.docx"
        document.save(target)
        made.append(target)
    return made


def digest(path: Path) -> dict[str, str]:
    """Digests of the cleaned text with its blocks, and of the whole parsed document."""
    try:
        raw = load(path)
    except IngestError as exc:
        return {"refused": exc.reason}
    cleaned = clean_pages(raw.pages, raw.has_pages)
    h = hashlib.sha256(cleaned.text.encode("utf-8"))
    for block in cleaned.blocks:
        h.update(f"|{block.kind}|{block.page}|{block.start}|{block.end}".encode())
    parsed = parse_file(path).to_dict()
    parsed.pop("source_path", None)
    parsed.pop("source_hash", None)  # the .docx renderings are zipped with the time of day
    whole = hashlib.sha256(json.dumps(parsed, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    return {"cleaned": h.hexdigest(), "document": whole.hexdigest()}


def record(dirs: list[Path]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        files = discover([d for d in dirs if d.exists()]) + _docx_copies(dirs[0], Path(tmp))
        for path in files:
            key = f"{path.parent.name}/{path.name}" if path.suffix != ".docx" else f"docx/{path.name}"
            out[key] = digest(path)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("json", type=Path)
    parser.add_argument("dirs", type=Path, nargs="*")
    parser.add_argument("--compare", action="store_true")
    args = parser.parse_args()
    now = record(args.dirs or DEFAULT_DIRS)
    if not args.compare:
        args.json.write_text(json.dumps(now, indent=1, sort_keys=True), encoding="utf-8")
        print(f"recorded {len(now)} documents in {args.json}")
        return
    before = json.loads(args.json.read_text(encoding="utf-8"))
    differ = sorted(k for k in before.keys() | now.keys() if before.get(k) != now.get(k))
    for key in differ:
        parts = [p for p in ("cleaned", "document") if (before.get(key) or {}).get(p) != (now.get(key) or {}).get(p)]
        print(f"DIFFERENT {key}: {', '.join(parts) or 'refusal'}")
    print(f"{len(now) - len(differ)}/{len(now)} documents byte-identical (cleaned text, blocks and parsed document)")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
