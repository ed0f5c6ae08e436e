"""The demo portal page at ``/`` (the widget itself is served from ``/static``)."""

from __future__ import annotations

import pathlib

from fastapi import APIRouter
from fastapi.responses import FileResponse

STATIC_DIR = pathlib.Path(__file__).resolve().parent.parent / "static"

router = APIRouter(include_in_schema=False)


@router.get("/")
async def demo_page() -> FileResponse:
    return FileResponse(STATIC_DIR / "demo.html", media_type="text/html; charset=utf-8")


@router.get("/viewer")
async def viewer_page() -> FileResponse:
    return FileResponse(STATIC_DIR / "viewer.html", media_type="text/html; charset=utf-8")
