"""Issue 17 at the HTTP edge: upload statuses and refusals, cancellation on disconnect, proxy headers,
rate-limit headers, security headers, OPTIONS and 405, the schema's 400s, CORS refusals as JSON."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import anyio
import httpx
import pytest
from fastapi.testclient import TestClient

from api.config import ApiSettings
from api.main import create_app
from api.routes.pages import STATIC_DIR
from ingest.loaders import IngestError
from ingest.pipeline import parse_file
from tests.api.conftest import ADMIN_KEY, ORIGIN, make_settings
from tests.api.fakes import DOC_A, FakeBackend
from tests.ingest import hostile


def upload(client: TestClient, name: str, data: bytes):
    return client.post("/v1/documents", files={"file": (name, data, "application/octet-stream")},
                       headers={"X-API-Key": ADMIN_KEY})


# ---- uploads --------------------------------------------------------------------------------------


def test_upload_says_added_unchanged_replaced(client: TestClient) -> None:
    r = upload(client, "moi.txt", "KẾ HOẠCH một".encode())
    assert (r.status_code, r.json()["status"]) == (201, "added")
    r = upload(client, "moi.txt", "KẾ HOẠCH một".encode())
    assert (r.status_code, r.json()["status"]) == (200, "unchanged")
    r = upload(client, "moi.txt", "KẾ HOẠCH hai".encode())
    assert (r.status_code, r.json()["status"]) == (200, "replaced")


def test_utf16_text_upload_is_not_refused_as_binary(client: TestClient) -> None:
    assert upload(client, "utf16.txt", hostile.utf16_text()).status_code == 201


class ParsingBackend(FakeBackend):
    """The fake, but uploads go through the real parser (in this process)."""

    def add_document(self, path, *, timeout=None, cancelled=None):
        parse_file(path)  # raises IngestError (a ValueError) for what the loader refuses
        return super().add_document(path, timeout=timeout, cancelled=cancelled)


@pytest.mark.parametrize("name,data,reason", [
    ("half.docx", hostile.truncated_xml_docx(), "cut off or malformed"),
    ("laughs.docx", hostile.entity_bomb_docx(), "entity expansion"),
    ("spaces.docx", hostile.whitespace_bomb_docx(megabytes=20), "compression ratio"),
    ("deep.docx", hostile.deep_nesting_docx(depth=20_000), "nested too deeply"),
])
def test_hostile_upload_is_a_422_with_the_reason(make_client, name: str, data: bytes, reason: str) -> None:
    client = make_client(ParsingBackend())
    r = upload(client, name, data)
    assert r.status_code == 422, r.text
    assert name in r.json()["detail"] and reason in r.json()["detail"] and r.json()["request_id"]


def _multipart(name: str, data: bytes) -> tuple[bytes, str]:
    request = httpx.Request("POST", "http://test/v1/documents", files={"file": (name, data, "text/plain")})
    return request.read(), request.headers["content-type"]


def test_upload_parse_is_cancelled_when_the_client_goes_away() -> None:
    """The client sends the file and hangs up: the backend's cancelled() must turn true."""
    seen: dict[str, object] = {}

    class WatchingBackend(FakeBackend):
        def add_document(self, path, *, timeout=None, cancelled=None):
            seen["timeout"] = timeout
            give_up = time.monotonic() + 10
            while time.monotonic() < give_up:
                if cancelled is not None and cancelled():
                    seen["cancelled"] = True
                    raise IngestError(path, "parsing was cancelled: the client went away")
                time.sleep(0.02)
            return super().add_document(path)

    app = create_app(make_settings(parse_timeout_seconds=42), WatchingBackend())
    body, content_type = _multipart("cham.txt", "KẾ HOẠCH".encode())
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
        "path": "/v1/documents", "raw_path": b"/v1/documents", "root_path": "", "query_string": b"",
        "headers": [(b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode()),
                    (b"x-api-key", ADMIN_KEY.encode()), (b"host", b"test")],
        "client": ("127.0.0.1", 5000), "server": ("test", 80),
    }
    messages = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive():
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message):
        pass

    anyio.run(app, scope, receive, send)
    assert seen == {"timeout": 42, "cancelled": True}


# ---- proxies and rate limits -----------------------------------------------------------------------


def test_forwarded_for_is_ignored_by_default() -> None:
    app = create_app(make_settings(rate_limit_per_minute=1), FakeBackend())
    with TestClient(app, client=("10.0.0.7", 1234)) as client:
        assert client.get("/v1/documents", headers={"X-Forwarded-For": "1.1.1.1"}).status_code == 200
        # a fresh claimed address does not buy a fresh bucket
        assert client.get("/v1/documents", headers={"X-Forwarded-For": "2.2.2.2"}).status_code == 429


def test_forwarded_for_is_believed_only_from_a_trusted_proxy() -> None:
    app = create_app(make_settings(rate_limit_per_minute=1, trusted_proxies=["10.0.0.1"]), FakeBackend())
    with TestClient(app, client=("10.0.0.1", 1234)) as proxy, TestClient(app, client=("10.0.0.9", 1234)) as direct:
        assert proxy.get("/v1/documents", headers={"X-Forwarded-For": "1.1.1.1"}).status_code == 200
        assert proxy.get("/v1/documents", headers={"X-Forwarded-For": "2.2.2.2"}).status_code == 200
        assert proxy.get("/v1/documents", headers={"X-Forwarded-For": "1.1.1.1"}).status_code == 429
        assert direct.get("/v1/documents", headers={"X-Forwarded-For": "3.3.3.3"}).status_code == 200
        assert direct.get("/v1/documents", headers={"X-Forwarded-For": "4.4.4.4"}).status_code == 429


def test_trusted_proxies_must_be_addresses() -> None:
    assert ApiSettings(trusted_proxies="10.0.0.1, 192.168.0.0/24").trusted_proxies == ["10.0.0.1", "192.168.0.0/24"]
    with pytest.raises(ValueError, match="not an IP address"):
        ApiSettings(trusted_proxies="*")


def test_rate_limit_headers_on_answers(make_client) -> None:
    client = make_client(rate_limit_per_minute=3)
    remaining = []
    for _ in range(3):
        r = client.get("/v1/documents", headers={"Origin": ORIGIN})
        assert r.status_code == 200 and r.headers["ratelimit-limit"] == "3" and r.headers["ratelimit-policy"] == "3;w=60"
        remaining.append(int(r.headers["ratelimit-remaining"]))
        assert "ratelimit-remaining" in r.headers["access-control-expose-headers"].lower()
    assert remaining == [2, 1, 0]
    r = client.get("/v1/documents")
    assert r.status_code == 429 and r.headers["ratelimit-remaining"] == "0" and int(r.headers["ratelimit-reset"]) >= 1


# ---- pages ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/viewer"])
def test_html_pages_send_security_headers(client: TestClient, path: str) -> None:
    r = client.get(path)
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert r.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("page", sorted(p.name for p in STATIC_DIR.glob("*.html")))
def test_html_pages_have_no_inline_scripts_or_styles(page: str) -> None:
    html = (STATIC_DIR / page).read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>"
    assert "<style" not in html and not re.search(r"\sstyle=", html) and not re.search(r"\son[a-z]+=", html)


def test_the_widget_stays_embeddable(client: TestClient) -> None:
    r = client.get("/static/widget.js")
    assert r.status_code == 200
    for header in ("content-security-policy", "x-frame-options", "cross-origin-resource-policy"):
        assert header not in r.headers


def test_docs_page_gets_a_policy_swagger_can_run_under(client: TestClient) -> None:
    r = client.get("/docs")
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"] and r.headers["x-frame-options"] == "DENY"


# ---- methods, schema, CORS ------------------------------------------------------------------------


@pytest.mark.parametrize("path,methods", [
    ("/v1/documents", {"GET", "POST"}),
    (f"/v1/documents/{DOC_A}", {"GET", "DELETE"}),
    ("/v1/chat", {"POST"}),
])
def test_options_lists_every_method_of_the_path(client: TestClient, path: str, methods: set[str]) -> None:
    r = client.options(path)
    assert r.status_code == 204
    assert methods <= set(r.headers["allow"].split(", ")) <= methods | {"HEAD", "OPTIONS"}


def test_options_on_an_unknown_path_is_a_json_404(client: TestClient) -> None:
    r = client.options("/v1/khong-co")
    assert r.status_code == 404 and r.json()["request_id"]


def test_405_lists_every_method_of_the_path(client: TestClient) -> None:
    r = client.put("/v1/documents")
    assert r.status_code == 405
    assert {"GET", "POST"} <= set(r.headers["allow"].split(", "))


def test_every_operation_documents_400(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            assert "400" in operation["responses"], f"{method.upper()} {path}"
    upload_responses = spec["paths"]["/v1/documents"]["post"]["responses"]
    assert {"200", "201"} <= set(upload_responses)
    event = spec["paths"]["/v1/chat/stream"]["post"]["responses"]["200"]["content"]["text/event-stream"]["schema"]
    assert event["properties"]["event"]["enum"] == ["token", "citations", "done"]


def test_a_refused_cors_preflight_is_json(client: TestClient) -> None:
    r = client.options("/v1/chat", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert r.status_code == 400 and "access-control-allow-origin" not in r.headers
    body = r.json()
    assert "origin" in body["detail"] and body["request_id"] == r.headers["x-request-id"]


def test_a_broken_multipart_body_is_a_400_not_a_500(client: TestClient) -> None:
    r = client.post("/v1/documents", content=b"--x\r\nnot a part", headers={
        "X-API-Key": ADMIN_KEY, "Content-Type": "multipart/form-data; boundary=x"})
    assert 400 <= r.status_code < 500 and json.loads(r.text)["request_id"]
