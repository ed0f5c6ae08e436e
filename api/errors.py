"""JSON error bodies and exception handlers: every error is ``{"detail": str, "request_id": str}``."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse
from starlette.types import Scope

from api.allow import allowed_methods
from api.messages import MSG, STATUS_TEXT

REQUEST_ID_KEY = "cchc.request_id"


def request_id_of(scope: Scope) -> str:
    return str(scope.get(REQUEST_ID_KEY, ""))


def error_body(status: int, detail: str, request_id: str, **extra: Any) -> bytes:
    return json.dumps({"detail": detail, "request_id": request_id, **extra}, ensure_ascii=False).encode()


def error_response(
    status: int, detail: str, request_id: str, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    return JSONResponse({"detail": detail, "request_id": request_id, **extra}, status_code=status, headers=headers)


def _http_exception_handler(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    detail = exc.detail
    if not isinstance(detail, str) or not detail or detail.isascii() and exc.status_code in STATUS_TEXT:
        # the framework's English phrases ("Not Found", ...) become Vietnamese
        detail = STATUS_TEXT.get(exc.status_code, detail if isinstance(detail, str) else MSG["invalid"])
    headers = dict(exc.headers or {})
    if exc.status_code == 405:  # every method of the path, not those of the first route that matched it
        headers["Allow"] = ", ".join(allowed_methods(request.app, request.scope)) or headers.get("Allow", "")
    return error_response(exc.status_code, detail, request_id_of(request.scope), headers=headers or None)


def _field_message(err: dict[str, Any]) -> str:
    loc = ".".join(str(part) for part in err.get("loc", ()) if part not in ("body", "query", "path", "header"))
    msg = str(err.get("msg", ""))
    return f"{loc}: {msg}" if loc else msg


def _validation_handler(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = exc.errors()
    if any(err.get("type") == "json_invalid" for err in errors):
        detail = MSG["invalid_json"]
    else:
        detail = MSG["invalid"]
    # inputs are left out: they may be large and they echo the client's data
    fields = [{"loc": list(err.get("loc", ())), "msg": str(err.get("msg", "")), "type": err.get("type")} for err in errors]
    summary = "; ".join(_field_message(err) for err in errors[:3])
    if summary and detail == MSG["invalid"]:
        detail = f"{detail} ({summary})"
    return error_response(422, detail, request_id_of(request.scope), errors=fields)


def install_exception_handlers(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, _http_exception_handler)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_handler)  # type: ignore[arg-type]
