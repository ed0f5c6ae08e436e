"""Errors of the OpenAI-compatible paths in OpenAI's shape: ``{"error": {"message", "type", "param", "code"}}``.

The service's own error body is ``{"detail", "request_id"}``, produced in many places (exception
handlers, the rate-limit, body-size and last-resort middleware). Rather than teach each of them a
second shape, this pure-ASGI middleware sits outside them and rewrites the JSON error responses of
``/v1/chat/completions`` and ``/v1/models`` only. Status codes and messages stay exactly those of
``/v1/chat``; successful responses (and streams) pass through untouched.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

OPENAI_PATHS = ("/v1/chat/completions", "/v1/models")

_TYPES = {401: "authentication_error", 403: "permission_error", 404: "not_found_error", 429: "rate_limit_error"}
_CODES = {
    401: "invalid_api_key", 403: "forbidden", 404: "not_found", 413: "request_too_large", 415: "unsupported_media_type",
    422: "invalid_request", 429: "rate_limit_exceeded", 500: "internal_error", 503: "service_unavailable",
}


def openai_error(status: int, message: str, request_id: str = "", *, param: str | None = None,
                 code: str | None = None) -> dict[str, Any]:
    """The OpenAI error body for a status and a (Vietnamese) message."""
    kind = _TYPES.get(status) or ("server_error" if status >= 500 else "invalid_request_error")
    return {"error": {"message": message, "type": kind, "param": param, "code": code or _CODES.get(status),
                      "request_id": request_id}}


def _param(body: dict[str, Any]) -> str | None:
    """The first invalid field of a validation error, as a dotted path ('messages.0.role')."""
    for err in body.get("errors") or []:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "header")]
        if loc:
            return ".".join(loc)
    return None


def reshape(status: int, raw: bytes) -> bytes | None:
    """The OpenAI-shaped body for one of our error bodies, or None to leave it as it is."""
    try:
        body = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(body, dict) or "error" in body or "detail" not in body:
        return None
    shaped = openai_error(status, str(body["detail"]), str(body.get("request_id", "")), param=_param(body))
    return json.dumps(shaped, ensure_ascii=False).encode()


class OpenAIErrorShapeMiddleware:
    """Rewrites JSON error responses under ``OPENAI_PATHS`` into OpenAI's error shape."""

    def __init__(self, app: ASGIApp, paths: tuple[str, ...] = OPENAI_PATHS) -> None:
        self.app = app
        self.paths = paths

    def _applies(self, scope: Scope) -> bool:
        path = scope["path"].rstrip("/")
        return any(path == p or path.startswith(p + "/") for p in self.paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self._applies(scope):
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def reshaping_send(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                content_type = MutableHeaders(scope=message).get("content-type", "")
                if message["status"] >= 400 and content_type.startswith("application/json"):
                    start = message  # hold it until the whole (small) error body is here
                    return
                await send(message)
                return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            raw = b"".join(chunks)
            body = reshape(start["status"], raw) or raw
            headers = MutableHeaders(scope=start)
            headers["content-length"] = str(len(body))
            await send(start)
            await send({"type": "http.response.body", "body": body, "more_body": False})

        await self.app(scope, receive, reshaping_send)
