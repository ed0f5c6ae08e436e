"""Pure-ASGI middleware (streaming-safe): request id + access log + last-resort 500, rate limit, body size,
OPTIONS, and CORS refusals in the JSON error shape."""

from __future__ import annotations

import logging
import math
import re
import time
import uuid
from dataclasses import dataclass

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.allow import allowed_methods
from api.errors import REQUEST_ID_KEY, error_response, request_id_of
from api.messages import MSG, STATUS_TEXT

access_log = logging.getLogger("api.access")
error_log = logging.getLogger("api.error")

_REQUEST_ID_OK = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


class RequestContextMiddleware:
    """Assigns (or accepts) ``X-Request-ID``, echoes it, logs one JSON line per request, and turns any
    uncaught exception into a JSON 500 carrying the request id (the traceback goes to the log only)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = Headers(scope=scope).get("x-request-id", "")
        request_id = incoming if _REQUEST_ID_OK.match(incoming) else uuid.uuid4().hex
        scope[REQUEST_ID_KEY] = request_id
        started = time.perf_counter()
        status = 0

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                headers["X-Request-ID"] = request_id
                headers.setdefault("X-Content-Type-Options", "nosniff")
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:  # noqa: BLE001 - the last line of defence: never show a stack trace
            error_log.exception(
                "unhandled error", extra={"request_id": request_id, "method": scope["method"], "path": scope["path"]}
            )
            if status == 0:
                response = error_response(500, MSG["internal"], request_id)
                await response(scope, receive, send_with_id)
            # a response already under way (a stream) can only be cut off
        finally:
            client = scope.get("client")
            access_log.info(
                "request",
                extra={
                    "request_id": request_id,
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status or 500,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    "client": client[0] if client else None,
                },
            )


RATE_LIMIT_HEADERS = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy")


@dataclass
class _Bucket:
    tokens: float
    stamp: float


class RateLimitMiddleware:
    """Per-client-IP token bucket over ``/v1/`` paths: ``per_minute`` requests of burst, refilled
    continuously; an empty bucket answers 429 with ``Retry-After``. 0 disables it."""

    MAX_CLIENTS = 10_000

    def __init__(self, app: ASGIApp, per_minute: int, prefix: str = "/v1/") -> None:
        self.app = app
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.prefix = prefix
        self.buckets: dict[str, _Bucket] = {}

    def _take(self, key: str, now: float) -> float:
        """Take one token; 0 when allowed, else the seconds until one is available."""
        bucket = self.buckets.get(key)
        if bucket is None:
            if len(self.buckets) >= self.MAX_CLIENTS:
                self._prune(now)
            bucket = self.buckets[key] = _Bucket(self.capacity, now)
        bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.stamp) * self.rate)
        bucket.stamp = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / self.rate

    def _prune(self, now: float) -> None:
        full = [k for k, b in self.buckets.items() if b.tokens + (now - b.stamp) * self.rate >= self.capacity]
        for key in full:
            del self.buckets[key]
        while len(self.buckets) >= self.MAX_CLIENTS:  # all busy: drop the oldest
            del self.buckets[next(iter(self.buckets))]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or self.capacity <= 0
            or not scope["path"].startswith(self.prefix)
            or scope["method"] == "OPTIONS"
        ):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        key = client[0] if client else "unknown"
        wait = self._take(key, time.monotonic())
        quota = self._quota_headers(key)
        if wait > 0:
            seconds = max(1, math.ceil(wait))
            response = error_response(
                429, MSG["rate_limited"].format(seconds=seconds), request_id_of(scope),
                headers={"Retry-After": str(seconds), **quota},
            )
            await response(scope, receive, send)
            return

        async def send_with_quota(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in quota.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_quota)

    def _quota_headers(self, key: str) -> dict[str, str]:
        """``RateLimit-*`` (IETF draft): the burst, what is left of it, and the seconds until it is full again."""
        bucket = self.buckets[key]
        limit = int(self.capacity)
        reset = math.ceil((self.capacity - bucket.tokens) / self.rate) if bucket.tokens < self.capacity else 0
        return {
            "RateLimit-Limit": str(limit),
            "RateLimit-Remaining": str(max(0, int(bucket.tokens))),
            "RateLimit-Reset": str(reset),
            "RateLimit-Policy": f"{limit};w=60",
        }


class BodyLimitMiddleware:
    """413 for request bodies over the limit: at once from ``Content-Length``, else while streaming.
    Uploads (``POST upload_path``) get ``upload_limit`` (plus room for the multipart framing)."""

    MULTIPART_SLACK = 64 * 1024

    def __init__(self, app: ASGIApp, limit: int, upload_limit: int, upload_path: str = "/v1/documents") -> None:
        self.app = app
        self.limit = limit
        self.upload_limit = upload_limit
        self.upload_path = upload_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        is_upload = scope["method"] == "POST" and scope["path"].rstrip("/") == self.upload_path
        limit = self.upload_limit + self.MULTIPART_SLACK if is_upload else self.limit
        shown = self.upload_limit if is_upload else self.limit
        detail = MSG["upload_too_large" if is_upload else "body_too_large"].format(limit=shown)

        length = Headers(scope=scope).get("content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            await error_response(413, detail, request_id_of(scope), headers={"Connection": "close"})(scope, receive, send)
            return

        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise HTTPException(413, detail)
            return message

        async def watch_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, watch_send)
        except Exception as exc:
            if started or not _is_too_large(exc):
                raise
            await error_response(413, detail, request_id_of(scope))(scope, receive, send)


def _is_too_large(exc: BaseException) -> bool:
    if isinstance(exc, BaseExceptionGroup):
        return all(_is_too_large(inner) for inner in exc.exceptions)
    return isinstance(exc, HTTPException) and exc.status_code == 413


class OptionsMiddleware:
    """``OPTIONS`` that is not a CORS preflight: 204 with ``Allow`` listing every method of the path
    (404 for an unknown path). Preflights are answered by the CORS middleware, outside this one."""

    def __init__(self, app: ASGIApp, routes_of: ASGIApp) -> None:
        self.app = app
        self.routes_of = routes_of  # the FastAPI app, whose routes say what each path accepts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "OPTIONS":
            await self.app(scope, receive, send)
            return
        methods = allowed_methods(self.routes_of, scope)
        if methods:
            await Response(status_code=204, headers={"Allow": ", ".join(methods)})(scope, receive, send)
        else:
            await error_response(404, STATUS_TEXT[404], request_id_of(scope))(scope, receive, send)


class JsonCORSMiddleware(CORSMiddleware):
    """Starlette's CORS, with a refused preflight answered in the JSON error shape (it sends plain text)."""

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code < 400:
            return response
        refused = bytes(response.body).decode("utf-8", "replace").removeprefix("Disallowed CORS ")
        request_id = uuid.uuid4().hex  # a preflight never reaches RequestContextMiddleware
        headers = {k: v for k, v in response.headers.items() if k.lower() not in ("content-length", "content-type")}
        return error_response(response.status_code, MSG["cors_refused"].format(refused=refused), request_id,
                              headers={**headers, "X-Request-ID": request_id})
