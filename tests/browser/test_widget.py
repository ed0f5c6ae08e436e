"""The widget in a real browser: open the demo portal, ask, read the streamed answer, expand a citation.

Needs Debian's ``/usr/bin/chromium`` (``apt-get install -y chromium``) and ``playwright-core``
(``npm install`` in tests/browser/); skipped when either is missing. Screenshots go to artifacts/.
"""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import socket
import subprocess
import threading
import time

import pytest
import uvicorn

from api.main import create_app
from tests.api.conftest import make_settings
from tests.api.fakes import ANSWER_III5, QUOTE_III5, FakeBackend

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")

def _playwright_missing() -> str | None:
    if not pathlib.Path(CHROMIUM).exists():
        return f"{CHROMIUM} missing (apt-get install -y chromium)"
    node = shutil.which("node")
    if node is None:
        return "node missing"
    probe = subprocess.run([node, "-e", "require.resolve('playwright-core')"], cwd=HERE, capture_output=True)
    if probe.returncode != 0:
        return "playwright-core missing (npm install in tests/browser/)"
    return None


MISSING = _playwright_missing()
pytestmark = [pytest.mark.browser, pytest.mark.skipif(MISSING is not None, reason=MISSING or "")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def live_server():
    """uvicorn on 127.0.0.1 (a free port) in a thread, over the FakeBackend (a little slow, to stream)."""
    backend = FakeBackend(delay=0.2)
    app = create_app(make_settings(rate_limit_per_minute=0, cors_origins=[], stream_delay_ms=15), backend)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", backend
    finally:
        server.should_exit = True
        thread.join(10)


def test_widget_asks_streams_and_cites(live_server) -> None:
    base, backend = live_server
    artifacts = ROOT / "artifacts"
    artifacts.mkdir(exist_ok=True)
    shot = artifacts / "widget.png"
    proc = subprocess.run(
        ["node", str(HERE / "drive_widget.js"), base, str(shot)],
        cwd=HERE, capture_output=True, text=True, timeout=180, env={**os.environ, "CHROMIUM": CHROMIUM},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])

    assert out["title"] == "Cổng thông tin điện tử tỉnh Lạng Sơn"
    assert out["panelTitle"] == "Hỏi về kế hoạch CCHC"
    assert out["sendLabel"] == "Gửi" and out["placeholder"] == "Nhập câu hỏi…"
    assert out["inputFocused"], "opening the panel focuses the question box"
    assert out["answerText"] == ANSWER_III5
    assert out["streamSteps"] > 5, "the answer appeared piece by piece (token events)"
    assert out["citationCount"] == 2
    assert not out["quoteVisibleBefore"] and out["quoteVisibleAfter"]
    assert out["quote"] == QUOTE_III5
    assert "III.5" in out["citationSummary"] and "Trang 4" in out["citationSummary"]
    assert out["abstainBadge"] == "Không tìm thấy trong tài liệu" and out["abstainedClass"]
    assert out["panelHiddenAfterEsc"] and out["launcherFocused"], "Esc closes and gives focus back"
    assert out["viewerMark"] == QUOTE_III5, "the citation link opens the text at the quote"
    assert out["mobilePanelWidth"] == 375, "the panel fills a phone's width"
    assert out["consoleErrors"] == []
    assert shot.exists() and shot.stat().st_size > 10_000

    asks = [call for name, call in backend.calls if name == "ask"]
    assert asks[0]["question"] == "Ai chủ trì nhiệm vụ III.5?"
    # the follow-up carried the first turn as history
    history = asks[1]["history"]
    assert history and history[0].question == "Ai chủ trì nhiệm vụ III.5?" and history[0].task_id == "III.5"
