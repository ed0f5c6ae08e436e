"""The FastAPI app factory, its lifespan (builds the shared backend once) and ``serve``."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
import anyio.to_thread
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api.backend import Backend
from api.config import ApiSettings, get_api_settings
from api.errors import install_exception_handlers
from api.logs import configure_logging
from api.headers import SecurityHeadersMiddleware
from api.middleware import (RATE_LIMIT_HEADERS, BodyLimitMiddleware, JsonCORSMiddleware, OptionsMiddleware,
                            RateLimitMiddleware, RequestContextMiddleware)
from api.models import error_responses
from api.openai_errors import OpenAIErrorShapeMiddleware
from api.routes import admin, apidocs, chat, documents, health, openai_compat, pages, search
from api.routes.pages import STATIC_DIR

log = logging.getLogger(__name__)

DESCRIPTION = """Hỏi đáp về các kế hoạch cải cách hành chính (CCHC), với trích dẫn nguyên văn.

Every error is JSON `{"detail": "<Vietnamese message>", "request_id": "..."}`; every response
carries `X-Request-ID`. `/v1/*` is rate limited per client IP (429 + `Retry-After`; `RateLimit-*`
headers on every answer).
Uploading and deleting plans needs the admin key in `X-API-Key`. The OpenAI-compatible
`/v1/chat/completions` and `/v1/models` answer errors in OpenAI's shape, `{"error": {"message", "type", "code"}}`."""


def _build_backend() -> Backend:
    from assistant import Assistant  # imported here: the API package imports without the models

    return Assistant.from_settings()


async def _load_backend(app: FastAPI) -> None:
    try:
        backend = await anyio.to_thread.run_sync(_build_backend, abandon_on_cancel=True)
    except Exception as exc:  # noqa: BLE001 - reported by /readyz, service stays up
        log.exception("backend failed to load")
        app.state.backend_error = f"{type(exc).__name__}: {exc}"
        return
    app.state.backend = backend
    log.info("backend loaded", extra={"backend": type(backend).__name__})


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: ApiSettings = app.state.settings
    app.state.cpu_limiter = anyio.CapacityLimiter(settings.workers)
    app.state.admin_limiter = anyio.CapacityLimiter(1)
    async with anyio.create_task_group() as tg:
        if app.state.backend is None:
            # loaded in the background: /healthz answers at once, /readyz says 503 until it is done
            tg.start_soon(_load_backend, app)
        yield
        tg.cancel_scope.cancel()
    close = getattr(app.state.backend, "close", None)
    if callable(close):
        await anyio.to_thread.run_sync(close)


def create_app(settings: ApiSettings | None = None, backend: Backend | None = None) -> FastAPI:
    """The service. Without ``backend`` the lifespan builds ``assistant.Assistant.from_settings()``."""
    settings = settings or get_api_settings()
    configure_logging(settings.log_level)
    app = FastAPI(
        title="CCHC Assistant API",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # /docs and /redoc are served offline by api.routes.apidocs
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.backend = backend
    app.state.backend_error = None

    install_exception_handlers(app)
    for module in (chat, openai_compat, search, documents, admin, health, pages, apidocs):
        # 400: a body the framework cannot parse (a broken multipart upload, for one)
        app.include_router(module.router, responses=error_responses(400))
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.mount(apidocs.ASSETS_URL, StaticFiles(directory=apidocs.ASSETS_DIR), name="docs-assets")

    # add_middleware puts each one outside the previous: the request passes
    # proxy headers -> CORS -> OpenAI error shape (its paths only) -> request id/log/500 -> security headers
    # -> OPTIONS -> rate limit -> body size -> routes
    app.add_middleware(
        BodyLimitMiddleware, limit=settings.max_body_bytes, upload_limit=settings.max_upload_bytes
    )
    app.add_middleware(RateLimitMiddleware, per_minute=settings.rate_limit_per_minute)
    app.add_middleware(OptionsMiddleware, routes_of=app)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(RequestContextMiddleware)
    app.add_middleware(OpenAIErrorShapeMiddleware)
    app.add_middleware(
        JsonCORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "DELETE", "OPTIONS"],
        allow_headers=["Content-Type", "X-API-Key", "X-Request-ID"],
        expose_headers=["X-Request-ID", "Retry-After", *RATE_LIMIT_HEADERS],
        max_age=600,
    )
    if settings.trusted_proxies:  # off by default: anyone could claim any address with X-Forwarded-For
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    return app


def serve(host: str | None = None, port: int | None = None, settings: ApiSettings | None = None) -> None:
    """Run the service with uvicorn (``cchc serve``); host/port default to ``CCHC_HOST``/``CCHC_PORT``."""
    import uvicorn

    settings = settings or get_api_settings()
    app = create_app(settings)
    uvicorn.run(
        app,
        host=host or settings.host,
        port=settings.port if port is None else port,
        log_config=None,  # our JSON handlers (configure_logging) instead of uvicorn's
        access_log=False,  # RequestContextMiddleware logs one line per request
        proxy_headers=False,  # X-Forwarded-For only from CCHC_TRUSTED_PROXIES (ProxyHeadersMiddleware in create_app)
        timeout_graceful_shutdown=10,
    )


if __name__ == "__main__":
    serve()
