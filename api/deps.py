"""Request dependencies: the shared backend, the settings, the worker pool and the admin check."""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable
from typing import Annotated, TypeVar

import anyio
import anyio.to_thread
from fastapi import Depends, Header, HTTPException, Request

from api.backend import Backend
from api.config import ApiSettings
from api.messages import MSG

T = TypeVar("T")


def get_settings(request: Request) -> ApiSettings:
    return request.app.state.settings


def get_backend(request: Request) -> Backend:
    """The shared backend; 503 while it is still loading (or failed to load)."""
    backend = getattr(request.app.state, "backend", None)
    if backend is None or not getattr(backend, "ready", True):
        raise HTTPException(status_code=503, detail=MSG["not_ready"], headers={"Retry-After": "5"})
    return backend


def _limiter(request: Request, name: str, size: int) -> anyio.CapacityLimiter:
    limiter = getattr(request.app.state, name, None)
    if limiter is None:  # the lifespan did not run (e.g. a TestClient used without ``with``)
        limiter = anyio.CapacityLimiter(size)
        setattr(request.app.state, name, limiter)
    return limiter


async def run_cpu(request: Request, fn: Callable[..., T], *args: object, **kwargs: object) -> T:
    """Run CPU-bound backend work (ask, search) in the bounded worker pool (``settings.workers``)."""
    limiter = _limiter(request, "cpu_limiter", request.app.state.settings.workers)
    return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs), limiter=limiter)


async def run_admin(request: Request, fn: Callable[..., T], *args: object, **kwargs: object) -> T:
    """Run slow admin work (ingesting a file) in its own one-thread lane, so chat keeps answering."""
    limiter = _limiter(request, "admin_limiter", 1)
    return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs), limiter=limiter)


def require_admin(
    settings: Annotated[ApiSettings, Depends(get_settings)],
    x_api_key: Annotated[str | None, Header(description="admin key (CCHC_ADMIN_KEY)")] = None,
) -> None:
    """403 when no admin key is configured; 401 when the header is missing or wrong."""
    if not settings.admin_key:
        raise HTTPException(status_code=403, detail=MSG["admin_disabled"])
    if not x_api_key or not secrets.compare_digest(x_api_key.encode(), settings.admin_key.encode()):
        raise HTTPException(status_code=401, detail=MSG["bad_key"], headers={"WWW-Authenticate": "X-API-Key"})


BackendDep = Annotated[Backend, Depends(get_backend)]
SettingsDep = Annotated[ApiSettings, Depends(get_settings)]
AdminDep = Depends(require_admin)
