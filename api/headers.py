"""Security headers of the HTML pages: a Content-Security-Policy without inline scripts, no framing.

The pages (demo portal, quote viewer) load their scripts and styles from ``/static``, so the
policy allows only the service's own origin. ``/docs`` and ``/redoc`` (Swagger UI and ReDoc,
served offline) add inline styles at run time: they get their own, looser policy, still limited
to the service's own origin. The widget is not affected: it is a script other sites include, served as
JavaScript; what it may do on a portal is that portal's policy.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
# Swagger UI and ReDoc are served offline from the service (api/routes/apidocs.py); they add inline
# styles at run time, Swagger UI starts from an inline snippet, and ReDoc renders in a blob: worker.
DOCS_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "worker-src 'self' blob:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
])
DOCS_PATHS = ("/docs", "/redoc")


def policy_for(path: str) -> str:
    return DOCS_POLICY if path.startswith(DOCS_PATHS) else PAGE_POLICY


class SecurityHeadersMiddleware:
    """On every ``text/html`` response: CSP, ``X-Frame-Options: DENY``, a referrer and an opener policy."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if headers.get("content-type", "").startswith("text/html"):
                    headers["Content-Security-Policy"] = policy_for(scope["path"])
                    headers["X-Frame-Options"] = "DENY"
                    headers["Referrer-Policy"] = "same-origin"
                    headers["Cross-Origin-Opener-Policy"] = "same-origin"
            await send(message)

        await self.app(scope, receive, send_with_headers)
