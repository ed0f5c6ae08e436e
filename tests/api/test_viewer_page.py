"""The quote viewer is served with its own assets (no CDN, no inline script or style: a
Content-Security-Policy can forbid both) and puts server text in as text."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def test_viewer_page_is_self_contained(client: TestClient) -> None:
    r = client.get("/viewer", params={"doc": "x", "start": 0, "end": 5})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assets = re.findall(r'(?:src|href)="([^"#]+)"', r.text)
    assert "static/viewer.js" in assets and "static/viewer.css" in assets
    assert not [a for a in assets if "//" in a]  # nothing from another host
    assert "<script>" not in r.text and "<style" not in r.text and " style=" not in r.text
    assert " on" not in re.sub(r">[^<]*<", "><", r.text)  # no inline event handlers
    for asset in ("/static/viewer.js", "/static/viewer.css"):
        body = client.get(asset)
        assert body.status_code == 200 and "http://" not in body.text and "https://" not in body.text
    js = client.get("/static/viewer.js").text
    assert "innerHTML" not in js and "insertAdjacentHTML" not in js and "document.write" not in js
