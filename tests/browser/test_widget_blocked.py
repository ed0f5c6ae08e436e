"""The widget on a portal the service does not allow: users see a plain message, the console tells
the administrator the blocked origin and the setting (CCHC_CORS_ORIGINS) that fixes it."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from api.main import create_app
from tests.api.conftest import make_settings
from tests.api.fakes import FakeBackend
from tests.browser.support import drive, needs_browser
from tests.live_server import free_port, serving

pytestmark = needs_browser
PLAIN = "Không kết nối được máy chủ. Vui lòng thử lại."


def _portal(api: str, dead: str) -> Starlette:
    """A portal page on another origin embedding the widget (as an agency's site would)."""

    def page(data_api: str) -> HTMLResponse:
        return HTMLResponse(f'<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Cổng</title></head>'
                            f'<body><h1>Cổng thông tin</h1><script src="{api}/static/widget.js" data-api="{data_api}" '
                            f'defer></script></body></html>')

    async def allowed_api(request: Request) -> HTMLResponse:
        return page(api)

    async def dead_api(request: Request) -> HTMLResponse:
        return page(dead)

    return Starlette(routes=[Route("/", allowed_api), Route("/dead", dead_api)])


def test_widget_explains_a_refused_origin_in_the_console() -> None:
    app = create_app(make_settings(cors_origins=["https://langson.gov.vn"]), FakeBackend())
    dead = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    with serving(app) as api:
        with serving(_portal(api, dead)) as portal:
            out = drive("drive_widget_blocked.js", api, portal)

    blocked = out["blocked"]
    assert blocked["shown"] == PLAIN  # the user: a plain message, nothing about CORS
    assert len(blocked["widgetConsole"]) == 1
    message = blocked["widgetConsole"][0]
    assert portal in message and "CCHC_CORS_ORIGINS" in message and "đang chạy" in message  # up, origin refused

    dead_out = out["dead"]
    assert dead_out["shown"] == PLAIN
    assert len(dead_out["widgetConsole"]) == 1 and ("Không kết nối được " + dead) in dead_out["widgetConsole"][0]
    assert all(u.startswith(dead) for u in out["external"])  # nothing else left the two test servers
