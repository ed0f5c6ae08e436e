"""Liveness and readiness probes (not rate limited)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.messages import MSG
from api.models import Status

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Status)
async def healthz() -> Status:
    """The process is up."""
    return Status(status="ok")


@router.get("/readyz", response_model=Status, responses={503: {"model": Status}})
async def readyz(request: Request) -> Status | JSONResponse:
    """200 once the backend is loaded and ready to answer, 503 before (or when loading failed)."""
    backend = getattr(request.app.state, "backend", None)
    if backend is not None and getattr(backend, "ready", True):
        return Status(status="ready")
    error = getattr(request.app.state, "backend_error", None)
    body = Status(status="failed" if error else "starting", detail=error or MSG["not_ready"])
    return JSONResponse(body.model_dump(), status_code=503, headers={"Retry-After": "5"})
