"""The admin page is served with its own assets (no CDN, no inline script) and logs in through
``GET /v1/admin/check``."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.api.conftest import ADMIN_KEY


def test_admin_page_is_self_contained(client: TestClient) -> None:
    r = client.get("/admin")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assets = re.findall(r'(?:src|href)="([^"#]+)"', r.text)
    assert "static/admin.js" in assets and "static/admin.css" in assets
    assert not [a for a in assets if "//" in a]  # nothing from another host
    assert "<script>" not in r.text and "<style" not in r.text and " on" not in re.sub(r">[^<]*<", "><", r.text)
    for asset in ("/static/admin.js", "/static/admin.css"):
        body = client.get(asset)
        assert body.status_code == 200 and "http://" not in body.text and "https://" not in body.text
    assert "innerHTML" not in client.get("/static/admin.js").text  # server text goes in as text


def test_admin_key_check(client: TestClient, make_client) -> None:
    assert client.get("/v1/admin/check", headers={"X-API-Key": ADMIN_KEY}).json() == {"status": "ok", "detail": None}
    assert client.get("/v1/admin/check", headers={"X-API-Key": "wrong"}).status_code == 401
    assert client.get("/v1/admin/check").status_code == 401
    assert make_client(admin_key=None).get("/v1/admin/check", headers={"X-API-Key": "x"}).status_code == 403
