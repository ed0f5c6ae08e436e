"""Plans: list, detail, cleaned text (for citation links), and admin upload/delete."""

from __future__ import annotations

import logging
import pathlib
import re
import shutil
import tempfile
import threading
import unicodedata
from typing import Annotated, Literal

import anyio
import anyio.from_thread
from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response
from fastapi.responses import PlainTextResponse
from starlette.datastructures import UploadFile

from api.backend import Backend
from api.deps import BackendDep, SettingsDep, require_admin, run_admin, run_cpu
from api.messages import MSG
from api.models import Deleted, DocumentText, error_responses
from assistant.schema import DocumentDetail, DocumentInfo, UploadedDocument

log = logging.getLogger(__name__)

router = APIRouter(prefix="/v1/documents", tags=["documents"])

DocId = Annotated[str, Path(max_length=200, description="the plan's id: its source file name without extension")]
ALLOWED = {".pdf", ".docx", ".txt", ".md"}
_CHUNK = 1 << 20


def _not_found(doc_id: str) -> HTTPException:
    return HTTPException(404, MSG["doc_not_found"].format(doc_id=doc_id[:200]))


@router.get("", response_model=list[DocumentInfo], responses=error_responses(429, 500, 503))
async def list_documents(request: Request, backend: BackendDep) -> list[DocumentInfo]:
    """Every ingested plan with its metadata."""
    return await run_cpu(request, backend.documents)


@router.get("/{doc_id}", response_model=DocumentDetail, responses=error_responses(404, 422, 429, 500, 503))
async def get_document(request: Request, backend: BackendDep, doc_id: DocId) -> DocumentDetail:
    """One plan: metadata, section tree, and the plans it implements or replaces."""
    detail = await run_cpu(request, backend.document, doc_id)
    if detail is None:
        raise _not_found(doc_id)
    return detail


@router.get(
    "/{doc_id}/text",
    response_model=DocumentText,
    responses={200: {"content": {"text/plain": {}}}, **error_responses(404, 422, 429, 500, 503)},
)
async def get_document_text(
    request: Request,
    backend: BackendDep,
    doc_id: DocId,
    start: Annotated[int | None, Query(ge=0, description="first character (a citation's start)")] = None,
    end: Annotated[int | None, Query(ge=0, description="end character, exclusive (a citation's end)")] = None,
    format: Annotated[Literal["json", "text"], Query(description="json (default) or plain text")] = "json",
) -> DocumentText | PlainTextResponse:
    """The cleaned text that citation offsets point into, whole or the slice ``[start, end)``."""
    if start is not None and end is not None and start > end:
        raise HTTPException(422, MSG["bad_range"])
    text = await run_cpu(request, backend.document_text, doc_id)
    if text is None:
        raise _not_found(doc_id)
    lo = min(start or 0, len(text))
    hi = len(text) if end is None else min(end, len(text))
    if format == "text":
        return PlainTextResponse(text[lo:hi])
    return DocumentText(doc_id=doc_id, start=lo, end=hi, length=len(text), text=text[lo:hi])


def safe_filename(name: str) -> str:
    """The upload's base name reduced to letters, digits, ``._-`` (its stem becomes the doc id)."""
    base = pathlib.PurePosixPath(name.replace("\\", "/")).name
    base = unicodedata.normalize("NFC", base)
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    stem = re.sub(r"[^\w\-.]+", "_", stem, flags=re.UNICODE).strip("._")[:120] or "document"
    return f"{stem}.{ext.lower()}" if ext else stem


def _check_content(head: bytes, ext: str) -> bool:
    if ext == ".pdf":
        return head.lstrip()[:5] == b"%PDF-"
    if ext == ".docx":
        return head[:4] == b"PK\x03\x04"
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 text with its byte-order mark (it holds NULs)
        return True
    if b"\x00" in head:  # txt / md: text, not binary
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:  # a multi-byte character cut at the end of the sniffed block is fine
        return exc.start >= len(head) - 3
    return True


_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary", "description": "pdf, docx, txt or md"}},
                }
            }
        },
    }
}


@router.post(
    "",
    status_code=201,
    response_model=UploadedDocument,
    responses={
        200: {"model": UploadedDocument, "description": "a plan of the same id was replaced, or the same file was "
                                                        "already there (`status` says which)"},
        201: {"description": "a new plan (`status`: added)"},
        **error_responses(401, 403, 413, 415, 422, 429, 500, 503),
    },
    openapi_extra=_UPLOAD_BODY,
    dependencies=[Depends(require_admin)],
)
async def upload_document(request: Request, response: Response, backend: BackendDep,
                          settings: SettingsDep) -> UploadedDocument:
    """Admin (``X-API-Key``): ingest a plan (multipart field ``file``); answering goes on meanwhile.

    201 for a new plan, 200 when it replaced a plan of the same id or was already there. The file
    is parsed in a worker process within ``CCHC_PARSE_TIMEOUT_SECONDS``, stopped if the client leaves.
    """
    # The form is read here, after the key was checked, not before it as a File() parameter would be.
    async with request.form(max_files=1, max_fields=10) as form:
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise HTTPException(422, MSG["upload_missing"])
        name = safe_filename(upload.filename)
        ext = pathlib.PurePath(name).suffix.lower()
        if ext not in ALLOWED:
            raise HTTPException(415, MSG["upload_type"])
        tmpdir = pathlib.Path(tempfile.mkdtemp(prefix="cchc-upload-"))
        try:
            path = tmpdir / name
            size = 0
            head = b""
            with path.open("wb") as out:
                while chunk := await upload.read(_CHUNK):
                    if not head:
                        head = chunk[:4096]
                    size += len(chunk)
                    if size > settings.max_upload_bytes:
                        raise HTTPException(413, MSG["upload_too_large"].format(limit=settings.max_upload_bytes))
                    out.write(chunk)
            if not _check_content(head, ext):
                raise HTTPException(415, MSG["upload_content"].format(ext=ext.lstrip(".").upper()))
            try:
                result = await _add_while_connected(request, backend, path, settings.parse_timeout_seconds)
            except ValueError as exc:
                raise HTTPException(422, MSG["upload_failed"].format(reason=str(exc) or ext)) from None
            if result.status != "added":
                response.status_code = 200
            return result
        finally:
            shutil.rmtree(tmpdir, ignore_errors=True)


async def _add_while_connected(request: Request, backend: Backend, path: pathlib.Path, timeout: float) -> UploadedDocument:
    """Ingest in the admin lane; the backend's ``cancelled()`` asks the event loop whether the client
    is still there, so a parse is stopped when its client goes away."""
    reported = threading.Event()

    def client_gone() -> bool:  # called from the admin thread, while the parse runs
        gone = anyio.from_thread.run(request.is_disconnected)
        if gone and not reported.is_set():
            reported.set()
            log.info("upload abandoned by the client: parsing stopped", extra={"file": path.name})
        return gone

    return await run_admin(request, backend.add_document, path, timeout=timeout, cancelled=client_gone)


@router.delete(
    "/{doc_id}",
    response_model=Deleted,
    responses=error_responses(401, 403, 404, 422, 429, 500, 503),
    dependencies=[Depends(require_admin)],
)
async def delete_document(request: Request, backend: BackendDep, doc_id: DocId) -> Deleted:
    """Admin (``X-API-Key``): remove a plan from the index."""
    if not await run_admin(request, backend.delete_document, doc_id):
        raise _not_found(doc_id)
    return Deleted(doc_id=doc_id)
