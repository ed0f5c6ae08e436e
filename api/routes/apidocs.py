"""The API reference at ``/docs`` (Swagger UI) and ``/redoc`` (ReDoc), served offline.

FastAPI's own pages load Swagger UI and ReDoc from a CDN, which leaves them blank on an air-gapped
intranet. The assets here come from the ``fastapi-offline`` package (MIT; it ships the upstream
``swagger-ui-dist`` and ``redoc`` bundles with their licence headers) and are mounted at
``/docs-assets``. The pages carry no inline script or style: Swagger UI is started by
``/static/swagger-init.js``, ReDoc by its ``<redoc spec-url>`` element. ReDoc's sidebar always
shows a "API docs by Redocly" logo from its CDN (decorative, hidden when it fails to load); the
ReDoc page's ``img-src 'self'`` policy keeps the browser from even trying to reach it.
"""

from __future__ import annotations

import html
import importlib.resources
import pathlib

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

ASSETS_URL = "/docs-assets"
ASSETS_DIR = pathlib.Path(str(importlib.resources.files("fastapi_offline") / "static"))

router = APIRouter(include_in_schema=False)

_SWAGGER = """<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} – Swagger UI</title>
<link rel="icon" href="{assets}/favicon.png">
<link rel="stylesheet" href="{assets}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-openapi="{openapi}"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script src="{static}/swagger-init.js"></script>
</body>
</html>
"""

_REDOC = """<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="img-src 'self' data: blob:">
<title>{title} – ReDoc</title>
<link rel="icon" href="{assets}/favicon.png">
</head>
<body>
<redoc spec-url="{openapi}"></redoc>
<script src="{assets}/redoc.standalone.js"></script>
</body>
</html>
"""


def _page(template: str, request: Request) -> HTMLResponse:
    root = request.scope.get("root_path", "").rstrip("/")
    app = request.app
    return HTMLResponse(template.format(
        title=html.escape(app.title), assets=html.escape(root + ASSETS_URL), static=html.escape(root + "/static"),
        openapi=html.escape(root + (app.openapi_url or "/openapi.json")),
    ))


@router.get("/docs")
async def swagger_ui(request: Request) -> HTMLResponse:
    return _page(_SWAGGER, request)


@router.get("/redoc")
async def redoc(request: Request) -> HTMLResponse:
    return _page(_REDOC, request)
