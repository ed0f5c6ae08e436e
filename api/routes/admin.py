"""The admin page at ``/admin`` (upload, list, inspect and delete plans) and the key check it logs in with.

The page is static (``api/static/admin.*``: no CDN, no inline script) and works only through the
public API with the admin key in ``X-API-Key``, so it grants nothing the API does not.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import FileResponse

from api.deps import require_admin
from api.models import Status, error_responses
from api.routes.pages import STATIC_DIR

router = APIRouter()


@router.get("/admin", include_in_schema=False)
async def admin_page() -> FileResponse:
    return FileResponse(STATIC_DIR / "admin.html", media_type="text/html; charset=utf-8")


@router.get(
    "/v1/admin/check",
    response_model=Status,
    tags=["documents"],
    responses=error_responses(401, 403, 429),
    dependencies=[Depends(require_admin)],
    summary="Check the admin key",
)
async def check_admin_key() -> Status:
    """Admin (``X-API-Key``): 200 when the key is right (the admin page logs in with it), 401 when
    it is wrong, 403 when admin functions are off (``CCHC_ADMIN_KEY`` unset)."""
    return Status(status="ok")
