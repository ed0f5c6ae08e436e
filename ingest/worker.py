"""Parse one file in a child process that can be stopped: a time budget, and cancellation.

A thread cannot be interrupted, so an upload parsed in the server's thread pool ran to the end
even after its client had gone. Here the parse runs in a fresh ``python -m ingest.worker``
process (not a fork of the threaded server, and without multiprocessing's re-import of the
caller's main module); the caller polls it and kills it when the budget is spent or
``cancelled()`` turns true. The child writes the document as JSON to a file the caller reads.
Start-up (interpreter, parser, lexicon) costs about 0.7 s on top of the parse.

Usage::

    doc = parse_in_worker(Path("plan.docx"), timeout=60, cancelled=client_gone.is_set)
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from ingest.limits import DEFAULT_LIMITS, IngestLimits
from ingest.loaders import IngestError
from ingest.model import Document

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.05
_PACKAGE_ROOT = Path(__file__).resolve().parent.parent  # the child imports this very copy of ``ingest``


class ParseTimeoutError(IngestError):
    """The file took longer than the time budget to parse (the worker was stopped)."""


class ParseCancelledError(IngestError):
    """The caller gave up (its client went away); the worker was stopped."""


def parse_in_worker(path: Path, limits: IngestLimits = DEFAULT_LIMITS, *, timeout: float,
                    cancelled: Callable[[], bool] = lambda: False) -> Document:
    """Parse ``path`` in a child process; stop it after ``timeout`` seconds or when ``cancelled()``.

    Raises :class:`ParseTimeoutError`, :class:`ParseCancelledError`, or :class:`IngestError`
    for a file the parser refuses (or a child that died, e.g. killed for memory).
    """
    path = Path(path)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(_PACKAGE_ROOT), os.environ.get("PYTHONPATH")]))}
    with tempfile.TemporaryDirectory(prefix="cchc-parse-") as tmp:
        result = Path(tmp) / "result.json"
        command = [sys.executable, "-m", "ingest.worker", str(path.resolve()), str(result),
                   json.dumps(dataclasses.asdict(limits))]
        started = time.monotonic()
        child = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, env=env,
                                 cwd=_PACKAGE_ROOT)
        try:
            while True:
                try:
                    child.wait(POLL_SECONDS)
                    break
                except subprocess.TimeoutExpired:
                    pass
                if cancelled():
                    raise ParseCancelledError(path, "parsing was cancelled: the client went away")
                if time.monotonic() - started > timeout:
                    raise ParseTimeoutError(path, f"parsing took longer than {timeout:g} s "
                                                  "(CCHC_PARSE_TIMEOUT_SECONDS); ingest it with `cchc ingest`")
        finally:
            if child.poll() is None:
                child.kill()
            child.wait()
            logger.info("worker for %s: exit code %s after %.2f s", path.name, child.returncode,
                        time.monotonic() - started)
        if child.returncode != 0 or not result.exists():
            raise IngestError(path, f"the parser process stopped (exit code {child.returncode})")
        outcome = json.loads(result.read_text(encoding="utf-8"))
    if "error" in outcome:
        raise IngestError(path, outcome["error"])
    return Document.from_dict(outcome["document"])


def _child(path: Path, result: Path, limits: IngestLimits) -> None:
    """In the worker: parse, and write {"document": ...} or {"error": reason}."""
    from ingest.pipeline import parse_file

    try:
        outcome: dict[str, object] = {"document": parse_file(path, limits).to_dict()}
    except IngestError as exc:
        outcome = {"error": exc.reason}
    except Exception as exc:  # noqa: BLE001 - reported to the parent as the file's failure
        logger.warning("parser error on %s", path, exc_info=True)
        outcome = {"error": f"the parser failed on this file ({type(exc).__name__}: {exc})"}
    partial = result.with_suffix(".partial")
    partial.write_text(json.dumps(outcome, ensure_ascii=False), encoding="utf-8")
    partial.replace(result)  # the parent never reads a half-written result


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    _child(Path(sys.argv[1]), Path(sys.argv[2]), IngestLimits(**json.loads(sys.argv[3])))
