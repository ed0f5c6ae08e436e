"""The admin page in headless Chromium over the real assistant (BM25 only, shipped corpus):
log in, drag and drop an upload with per-file results, read a plan's task records, get an answer
from the new plan in the chat widget, delete it."""

from __future__ import annotations

import pytest

from api.main import create_app
from tests.api.conftest import make_settings
from tests.browser.support import ARTIFACTS, drive, needs_browser
from tests.conftest import CORPUS
from tests.live_server import serving

pytestmark = needs_browser
KEY = "khoa-quan-tri-thu"


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    from assistant.core import Assistant
    from assistant.settings import Settings

    data = tmp_path_factory.mktemp("admin-data")
    backend = Assistant(Settings(data_dir=data, embedding_model="none", corpus_dir=CORPUS))
    app = create_app(make_settings(admin_key=KEY, cors_origins=[], max_upload_bytes=2_000_000), backend)
    with serving(app) as url:
        yield url


def test_upload_answer_delete(base: str) -> None:
    out = drive("drive_admin.js", base, KEY, str(ARTIFACTS))
    assert out["external"] == []
    expected = ("status of 401", "status of 415")  # Chromium logs the wrong key and the bad file it sent
    assert [e for e in out["consoleErrors"] if not any(x in e for x in expected)] == []
    assert out["docsBefore"] == 5 and out["uploadDisabledBefore"]
    assert out["wrongKeyStatus"] == "Khóa quản trị không đúng."
    assert out["keyStatus"].startswith("Đã đăng nhập")
    assert out["taskCountCell"] == "33" and out["taskRows"] == 33 and out["firstTask"][0] == "I.1"

    results = {u["name"]: u for u in out["uploads"]}
    good = results["ke_hoach_thu_nghiem.md"]
    assert good["result"] == "ok" and good["progress"] == 100
    assert good["status"].startswith("Đã nạp: ") and "đoạn" in good["status"]
    assert results["hong.pdf"]["result"] == "error" and "PDF" in results["hong.pdf"]["status"]  # server: 415
    assert results["anh.png"]["result"] == "error" and "không được hỗ trợ" in results["anh.png"]["status"]
    assert out["summary"] == "Đã xử lý 3 tệp: 1 đã nạp, 2 lỗi."
    assert "Thử Nghiệm" in out["newDocRow"][0]

    assert "97%" in out["answer"], out["answer"]
    assert "Thử Nghiệm" in out["answerCitation"]

    assert out["armedLabel"] == "Bấm lần nữa để xóa"
    assert out["deleteStatus"].startswith("Đã xóa tài liệu") and out["docsAfter"] == 5
    assert (ARTIFACTS / "admin.png").stat().st_size > 10_000
