"""/docs (Swagger UI) and /redoc (ReDoc) render the operations in headless Chromium with every
request outside the service cut off, as on an air-gapped intranet."""

from __future__ import annotations

import json

import pytest

from api.main import create_app
from tests.api.conftest import make_settings
from tests.api.fakes import FakeBackend
from tests.browser.support import ARTIFACTS, drive, needs_browser
from tests.live_server import serving

pytestmark = needs_browser


@pytest.fixture(scope="module")
def base():
    with serving(create_app(make_settings(cors_origins=[]), FakeBackend())) as url:
        yield url


def test_docs_render_offline(base: str) -> None:
    out = drive("drive_docs.js", base, str(ARTIFACTS))
    assert out["external"] == [], "the pages fetched something from outside the service"
    # the one thing ReDoc would fetch from outside is its decorative logo: refused by the page's policy
    assert [e for e in out["consoleErrors"] if "cdn.redoc.ly/redoc/logo-mini.svg" not in e] == []
    assert "CCHC Assistant API" in out["swaggerTitle"]
    for path in ("/v1/chat", "/v1/chat/stream", "/v1/chat/completions", "/v1/models", "/v1/documents", "/v1/tasks"):
        assert path in out["swaggerPaths"], path
    assert out["tryItOutStatus"] == "200" and json.loads(out["tryItOutBody"])["data"][0]["id"] == "cchc-assistant"
    assert out["redocOperations"] >= 10 and "CCHC Assistant API" in out["redocHeading"]
    assert (ARTIFACTS / "docs-swagger.png").stat().st_size > 10_000
