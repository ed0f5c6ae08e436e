"""The HTTP API over a FakeBackend: every endpoint and every error path."""

from __future__ import annotations

import json
import logging
import re
import threading
import time

import pytest
from fastapi.testclient import TestClient

from api.config import ApiSettings
from api.logs import JsonFormatter
from api.main import create_app
from assistant.schema import Answer, DocumentDetail, DocumentInfo, SearchHit, TaskInfo
from tests.api.conftest import ADMIN_KEY, ORIGIN, make_settings
from tests.api.fakes import ABSTAIN_TEXT, ANSWER_III5, DOC_A, DOC_B, QUOTE_III5, TEXT_A, FakeBackend

Q = "Ai chủ trì nhiệm vụ III.5?"


def is_vietnamese(text: str) -> bool:
    return not text.isascii()


def parse_sse(body: str) -> list[tuple[str, object]]:
    events = []
    for block in body.split("\n\n"):
        if not block.strip():
            continue
        fields = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((fields["event"], json.loads(fields["data"])))
    return events


# ---- health ----------------------------------------------------------------------------


def test_healthz(client: TestClient) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json()["status"] == "ok"


def test_readyz_is_503_until_backend_ready(make_client) -> None:
    backend = FakeBackend(ready=False)
    client = make_client(backend)
    r = client.get("/readyz")
    assert r.status_code == 503
    assert r.json()["status"] == "starting"
    assert r.headers["retry-after"]
    # the API answers 503 (not 500) while the backend is loading
    r = client.post("/v1/chat", json={"question": Q})
    assert r.status_code == 503
    assert is_vietnamese(r.json()["detail"])
    backend.ready = True
    assert client.get("/readyz").status_code == 200
    assert client.post("/v1/chat", json={"question": Q}).status_code == 200


def test_lifespan_builds_backend_in_background(monkeypatch: pytest.MonkeyPatch) -> None:
    import api.main

    release = threading.Event()

    def slow_build() -> FakeBackend:
        release.wait(10)
        return FakeBackend()

    monkeypatch.setattr(api.main, "_build_backend", slow_build)
    with TestClient(create_app(make_settings())) as client:
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 503
        release.set()
        for _ in range(200):
            if client.get("/readyz").status_code == 200:
                break
            time.sleep(0.01)
        assert client.get("/readyz").status_code == 200
        assert client.post("/v1/chat", json={"question": Q}).json()["answer"] == ANSWER_III5


def test_lifespan_reports_failed_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    import api.main

    def broken() -> FakeBackend:
        raise OSError("index missing")

    monkeypatch.setattr(api.main, "_build_backend", broken)
    with TestClient(create_app(make_settings())) as client:
        for _ in range(200):
            body = client.get("/readyz").json()
            if body["status"] == "failed":
                break
            time.sleep(0.01)
        assert body["status"] == "failed"
        assert client.get("/healthz").status_code == 200
        assert client.get("/v1/documents").status_code == 503


# ---- chat --------------------------------------------------------------------------------


def test_chat_answer_with_citations(client: TestClient, backend: FakeBackend) -> None:
    r = client.post("/v1/chat", json={"question": f"  {Q}  "})
    assert r.status_code == 200
    answer = Answer.model_validate(r.json())
    assert answer.answer == ANSWER_III5
    assert not answer.abstained
    assert answer.citations[0].quote == QUOTE_III5
    assert answer.task is not None and answer.task.task_id == "III.5"
    assert backend.calls[-1][1]["question"] == Q  # stripped


def test_chat_passes_history_and_doc_ids(client: TestClient, backend: FakeBackend) -> None:
    history = [{"question": Q, "answer": ANSWER_III5, "task_id": "III.5", "doc_id": DOC_A}]
    r = client.post("/v1/chat", json={"question": "Thời hạn thế nào?", "history": history, "doc_ids": [DOC_A]})
    assert r.status_code == 200
    assert not r.json()["abstained"]  # the fake resolves the follow-up through the history
    call = backend.calls[-1][1]
    assert call["history"][0].task_id == "III.5"
    assert call["doc_ids"] == [DOC_A]


def test_chat_abstains(client: TestClient) -> None:
    r = client.post("/v1/chat", json={"question": "Tỉnh có bao nhiêu sân bay?"})
    assert r.status_code == 200
    body = r.json()
    assert body["abstained"] is True
    assert body["answer"] == ABSTAIN_TEXT
    assert body["citations"] == []


def test_chat_question_too_long(client: TestClient, backend: FakeBackend) -> None:
    r = client.post("/v1/chat", json={"question": "a" * 1001})
    assert r.status_code == 422
    assert r.json()["detail"] == "Câu hỏi quá dài (tối đa 1000 ký tự)."
    assert client.post("/v1/chat", json={"question": "a" * 1000}).status_code == 200
    assert len(backend.calls) == 1


def test_chat_question_limit_follows_settings(make_client) -> None:
    client = make_client(max_question_chars=20)
    r = client.post("/v1/chat", json={"question": "x" * 21})
    assert r.status_code == 422
    assert "20" in r.json()["detail"]


@pytest.mark.parametrize("question", ["", "   ", "\n\t"])
def test_chat_empty_question(client: TestClient, question: str) -> None:
    r = client.post("/v1/chat", json={"question": question})
    assert r.status_code == 422
    assert r.json()["detail"] == "Câu hỏi không được để trống."


@pytest.mark.parametrize(
    "payload",
    [{}, {"question": None}, {"question": 5}, {"question": "x", "history": "no"}, {"question": "x", "doc_ids": [1, 2]}, []],
)
def test_chat_invalid_payload(client: TestClient, payload: object) -> None:
    r = client.post("/v1/chat", json=payload)
    assert r.status_code == 422
    body = r.json()
    assert isinstance(body["detail"], str) and is_vietnamese(body["detail"])
    assert body["request_id"]


def test_chat_malformed_json(client: TestClient) -> None:
    r = client.post("/v1/chat", content=b'{"question": "abc"', headers={"Content-Type": "application/json"})
    assert r.status_code == 422
    assert r.json()["detail"] == "Dữ liệu JSON không hợp lệ."


def test_chat_body_too_large(make_client) -> None:
    client = make_client(max_body_bytes=2000)
    r = client.post("/v1/chat", json={"question": "x", "history": [{"question": "y" * 3000}]})
    assert r.status_code == 413
    assert is_vietnamese(r.json()["detail"])
    assert r.json()["request_id"] == r.headers["x-request-id"]


def test_chat_body_too_large_without_content_length(make_client) -> None:
    client = make_client(max_body_bytes=2000)

    def chunks():
        yield b'{"question": "'
        for _ in range(10):
            yield b"y" * 500
        yield b'"}'

    r = client.post("/v1/chat", content=chunks(), headers={"Content-Type": "application/json"})
    assert "content-length" not in {k.lower() for k in r.request.headers}
    assert r.status_code == 413


def test_chat_backend_error_is_a_clean_500(client: TestClient, backend: FakeBackend, api_logs) -> None:
    backend.fail = True
    r = client.post("/v1/chat", json={"question": Q}, headers={"X-Request-ID": "req-500"})
    assert r.status_code == 500
    body = r.json()
    assert body == {"detail": body["detail"], "request_id": "req-500"}
    assert is_vietnamese(body["detail"])
    for leak in ("Traceback", "RuntimeError", "secret", "index.faiss", 'File "'):
        assert leak not in r.text
    # the traceback goes to the log, tagged with the request id
    records = [rec for rec in api_logs if rec.name == "api.error"]
    assert records and records[0].request_id == "req-500" and records[0].exc_info is not None


def test_assistant_refusal_is_a_422(client: TestClient, backend: FakeBackend, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys
    import types

    class QuestionTooLongError(ValueError):
        pass

    monkeypatch.setitem(sys.modules, "assistant.core", types.SimpleNamespace(QuestionTooLongError=QuestionTooLongError))

    def refuse(*args, **kwargs):
        raise QuestionTooLongError("Câu hỏi quá dài (tối đa 500 ký tự).")

    monkeypatch.setattr(backend, "ask", refuse)
    r = client.post("/v1/chat", json={"question": "x" * 600})
    assert r.status_code == 422 and r.json()["detail"] == "Câu hỏi quá dài (tối đa 500 ký tự)."

    def broken(*args, **kwargs):
        raise ValueError("invalid literal for int() with base 10: 'internal'")

    monkeypatch.setattr(backend, "ask", broken)
    r = client.post("/v1/chat", json={"question": "x"})
    assert r.status_code == 500 and "invalid literal" not in r.text


def test_search_backend_error_is_a_clean_500(client: TestClient, backend: FakeBackend) -> None:
    backend.fail = True
    r = client.get("/v1/search", params={"q": "số hóa"})
    assert r.status_code == 500
    assert "Traceback" not in r.text and "secret" not in r.text


# ---- streaming ------------------------------------------------------------------------------


def test_chat_stream_event_order(client: TestClient) -> None:
    with client.stream("POST", "/v1/chat/stream", json={"question": Q}) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        assert r.headers["cache-control"] == "no-cache"
        body = "".join(r.iter_text())
    events = parse_sse(body)
    names = [name for name, _ in events]
    assert names[-2:] == ["citations", "done"]
    tokens = names[:-2]
    assert len(tokens) > 5 and set(tokens) == {"token"}
    text = "".join(data["text"] for name, data in events if name == "token")  # type: ignore[index]
    assert text == ANSWER_III5
    citations = events[-2][1]
    assert isinstance(citations, list) and citations[0]["quote"] == QUOTE_III5
    done = Answer.model_validate(events[-1][1])
    assert done.answer == ANSWER_III5 and len(done.citations) == 2


def test_chat_stream_abstained(client: TestClient) -> None:
    r = client.post("/v1/chat/stream", json={"question": "Tỉnh có bao nhiêu sân bay?"})
    events = parse_sse(r.text)
    assert events[-2] == ("citations", [])
    assert events[-1][1]["abstained"] is True  # type: ignore[index]


def test_chat_stream_errors_keep_status_codes(client: TestClient, backend: FakeBackend) -> None:
    r = client.post("/v1/chat/stream", json={"question": "a" * 1001})
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/json")
    backend.fail = True
    r = client.post("/v1/chat/stream", json={"question": Q})
    assert r.status_code == 500 and "Traceback" not in r.text


# ---- search, tasks -------------------------------------------------------------------------


def test_search(client: TestClient) -> None:
    r = client.get("/v1/search", params={"q": "số hóa hồ sơ", "k": 3})
    assert r.status_code == 200
    hits = [SearchHit.model_validate(h) for h in r.json()]
    assert 1 <= len(hits) <= 3
    assert hits[0].doc_id == DOC_A
    assert TEXT_A[hits[0].start : hits[0].end] == hits[0].text


def test_search_doc_filter(client: TestClient) -> None:
    hits = client.get("/v1/search", params={"q": "chủ trì", "doc_id": DOC_B}).json()
    assert hits and {h["doc_id"] for h in hits} == {DOC_B}


@pytest.mark.parametrize(
    "params",
    [{}, {"q": ""}, {"q": "   "}, {"q": "x", "k": 0}, {"q": "x", "k": 51}, {"q": "x", "k": "many"}, {"q": "x" * 1001}],
)
def test_search_bad_input(client: TestClient, params: dict) -> None:
    r = client.get("/v1/search", params=params)
    assert r.status_code == 422
    assert is_vietnamese(r.json()["detail"])


def test_tasks(client: TestClient) -> None:
    all_tasks = [TaskInfo.model_validate(t) for t in client.get("/v1/tasks").json()]
    assert len(all_tasks) == 3
    by_lead = client.get("/v1/tasks", params={"lead": "sở nội vụ"}).json()
    assert {t["task_id"] for t in by_lead} == {"III.6", "2"}
    by_deadline = client.get("/v1/tasks", params={"deadline": "Quý III/2026"}).json()
    assert [t["task_id"] for t in by_deadline] == ["III.5"]
    in_2026 = client.get("/v1/tasks", params={"deadline": "trong năm 2026"}).json()  # by meaning, not substring
    assert [t["task_id"] for t in in_2026] == ["III.5", "III.6"]
    by_doc = client.get("/v1/tasks", params={"doc_id": DOC_B}).json()
    assert [t["task_id"] for t in by_doc] == ["2"]


# ---- documents ------------------------------------------------------------------------------


def test_documents_list(client: TestClient) -> None:
    docs = [DocumentInfo.model_validate(d) for d in client.get("/v1/documents").json()]
    assert {d.doc_id for d in docs} == {DOC_A, DOC_B}


def test_document_detail(client: TestClient) -> None:
    r = client.get(f"/v1/documents/{DOC_A}")
    assert r.status_code == 200
    detail = DocumentDetail.model_validate(r.json())
    assert detail.sections and detail.sections[0].path == "I"
    assert client.get(f"/v1/documents/{DOC_B}").json()["implements"] == [DOC_A]


@pytest.mark.parametrize("path", ["/v1/documents/khong-co", "/v1/documents/khong-co/text"])
def test_document_unknown_is_404(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 404
    assert r.json()["detail"] == "Không tìm thấy văn bản có mã 'khong-co'."


def test_document_text_and_citation_slice(client: TestClient) -> None:
    whole = client.get(f"/v1/documents/{DOC_A}/text").json()
    assert whole["text"] == TEXT_A and whole["length"] == len(TEXT_A)
    answer = client.post("/v1/chat", json={"question": Q}).json()
    cite = answer["citations"][0]
    piece = client.get(f"/v1/documents/{cite['doc_id']}/text", params={"start": cite["start"], "end": cite["end"]})
    assert piece.json()["text"] == cite["quote"]
    plain = client.get(
        f"/v1/documents/{DOC_A}/text", params={"start": cite["start"], "end": cite["end"], "format": "text"}
    )
    assert plain.headers["content-type"].startswith("text/plain") and plain.text == cite["quote"]
    # out-of-range offsets are clamped, not an error
    tail = client.get(f"/v1/documents/{DOC_A}/text", params={"start": 10**9}).json()
    assert tail["text"] == "" and tail["start"] == len(TEXT_A)


@pytest.mark.parametrize("params", [{"start": 10, "end": 5}, {"start": -1}, {"end": "x"}, {"format": "xml"}])
def test_document_text_bad_range(client: TestClient, params: dict) -> None:
    r = client.get(f"/v1/documents/{DOC_A}/text", params=params)
    assert r.status_code == 422


# ---- admin: upload and delete -----------------------------------------------------------------


def upload(client: TestClient, name: str, data: bytes, key: str | None = ADMIN_KEY, mime: str = "text/plain"):
    headers = {"X-API-Key": key} if key is not None else {}
    return client.post("/v1/documents", files={"file": (name, data, mime)}, headers=headers)


def test_upload_requires_key(client: TestClient, backend: FakeBackend) -> None:
    r = upload(client, "kh.txt", b"noi dung", key=None)
    assert r.status_code == 401 and is_vietnamese(r.json()["detail"])
    assert upload(client, "kh.txt", b"noi dung", key="wrong").status_code == 401
    assert not [c for c in backend.calls if c[0] == "add_document"]


def test_admin_disabled_without_key(make_client) -> None:
    client = make_client(admin_key=None)
    r = upload(client, "kh.txt", b"noi dung", key="anything")
    assert r.status_code == 403
    assert "disabled" in r.json()["detail"]
    assert client.delete(f"/v1/documents/{DOC_A}", headers={"X-API-Key": "x"}).status_code == 403


def test_upload_txt(client: TestClient, backend: FakeBackend) -> None:
    r = upload(client, "ke_hoach_moi.txt", "KẾ HOẠCH thử nghiệm".encode())
    assert r.status_code == 201
    assert r.json()["doc_id"] == "ke_hoach_moi"
    assert "ke_hoach_moi" in {d["doc_id"] for d in client.get("/v1/documents").json()}
    assert client.get("/v1/documents/ke_hoach_moi/text").json()["text"] == "KẾ HOẠCH thử nghiệm"


def test_upload_pdf_and_docx_accepted(client: TestClient) -> None:
    assert upload(client, "a.pdf", b"%PDF-1.7\n...", mime="application/pdf").status_code == 201
    assert upload(client, "b.docx", b"PK\x03\x04rest", mime="application/octet-stream").status_code == 201
    assert upload(client, "c.MD", b"# Ke hoach").status_code == 201


def test_upload_filename_is_sanitised(client: TestClient, backend: FakeBackend) -> None:
    r = upload(client, "../../etc/Kế hoạch 2026 (mới).txt", b"x")
    assert r.status_code == 201
    assert r.json()["doc_id"] == "Kế_hoạch_2026_mới"


@pytest.mark.parametrize("name", ["virus.exe", "bang.xlsx", "noext", "a.pdf.zip"])
def test_upload_wrong_type(client: TestClient, name: str) -> None:
    r = upload(client, name, b"data")
    assert r.status_code == 415
    assert is_vietnamese(r.json()["detail"])


@pytest.mark.parametrize(("name", "data"), [("fake.pdf", b"<html>"), ("fake.docx", b"%PDF-"), ("bin.txt", b"\x00\x01\x02")])
def test_upload_content_must_match_type(client: TestClient, name: str, data: bytes) -> None:
    assert upload(client, name, data).status_code == 415


def test_upload_too_large(make_client) -> None:
    client = make_client(max_upload_bytes=1000)
    r = upload(client, "big.txt", b"x" * 5000)
    assert r.status_code == 413
    assert "1000" in r.json()["detail"]
    # far over the limit: refused from Content-Length before the body is read
    r = upload(client, "huge.txt", b"x" * 200_000)
    assert r.status_code == 413


def test_upload_missing_file(client: TestClient) -> None:
    r = client.post("/v1/documents", data={"other": "x"}, headers={"X-API-Key": ADMIN_KEY})
    assert r.status_code == 422
    r = client.post("/v1/documents", json={"file": "x"}, headers={"X-API-Key": ADMIN_KEY})
    assert r.status_code == 422


def test_upload_unreadable_file(client: TestClient) -> None:
    r = upload(client, "scan.txt", b"UNREADABLE")
    assert r.status_code == 422
    assert "OCR" in r.json()["detail"]


def test_chat_keeps_answering_during_upload(make_client) -> None:
    started, release = threading.Event(), threading.Event()

    class SlowIngest(FakeBackend):
        def add_document(self, path, **kwargs):
            started.set()
            release.wait(10)
            return super().add_document(path, **kwargs)

    client = make_client(SlowIngest())
    result: dict[str, int] = {}
    worker = threading.Thread(target=lambda: result.update(status=upload(client, "slow.txt", b"x").status_code))
    worker.start()
    try:
        assert started.wait(5)
        t0 = time.perf_counter()
        r = client.post("/v1/chat", json={"question": Q})
        assert r.status_code == 200
        assert time.perf_counter() - t0 < 2
        assert client.get("/v1/search", params={"q": "số hóa"}).status_code == 200
    finally:
        release.set()
        worker.join(10)
    assert result["status"] == 201


def test_delete_document(client: TestClient) -> None:
    assert client.delete(f"/v1/documents/{DOC_B}").status_code == 401
    assert client.delete(f"/v1/documents/{DOC_B}", headers={"X-API-Key": "nope"}).status_code == 401
    r = client.delete(f"/v1/documents/{DOC_B}", headers={"X-API-Key": ADMIN_KEY})
    assert r.status_code == 200 and r.json() == {"doc_id": DOC_B, "deleted": True}
    assert client.get(f"/v1/documents/{DOC_B}").status_code == 404
    r = client.delete(f"/v1/documents/{DOC_B}", headers={"X-API-Key": ADMIN_KEY})
    assert r.status_code == 404 and is_vietnamese(r.json()["detail"])


# ---- rate limit, CORS, request ids, logs -------------------------------------------------------


def test_rate_limit(make_client) -> None:
    client = make_client(rate_limit_per_minute=3)
    codes = [client.get("/v1/documents").status_code for _ in range(3)]
    assert codes == [200, 200, 200]
    r = client.get("/v1/search", params={"q": "x"})
    assert r.status_code == 429
    assert 1 <= int(r.headers["retry-after"]) <= 20
    assert is_vietnamese(r.json()["detail"])
    # probes and the widget's files are not limited
    assert all(client.get("/healthz").status_code == 200 for _ in range(10))
    assert all(client.get("/readyz").status_code == 200 for _ in range(10))
    assert client.get("/static/widget.js").status_code == 200


def test_rate_limit_is_per_client() -> None:
    app = create_app(make_settings(rate_limit_per_minute=1), FakeBackend())
    with TestClient(app, client=("10.0.0.1", 1234)) as one, TestClient(app, client=("10.0.0.2", 1234)) as two:
        assert one.get("/v1/documents").status_code == 200
        assert one.get("/v1/documents").status_code == 429
        assert two.get("/v1/documents").status_code == 200


def test_rate_limit_refills() -> None:
    from api.middleware import RateLimitMiddleware

    limiter = RateLimitMiddleware(app=None, per_minute=60)  # type: ignore[arg-type]
    assert limiter._take("a", 0.0) == 0.0
    for _ in range(59):
        limiter._take("a", 0.0)
    assert limiter._take("a", 0.0) == pytest.approx(1.0)
    assert limiter._take("a", 1.0) == 0.0  # one token back after a second


def test_cors_allowed_origin(client: TestClient) -> None:
    r = client.post("/v1/chat", json={"question": Q}, headers={"Origin": ORIGIN})
    assert r.headers["access-control-allow-origin"] == ORIGIN
    assert "x-request-id" in r.headers["access-control-expose-headers"].lower()
    pre = client.options(
        "/v1/chat/stream",
        headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"},
    )
    assert pre.status_code == 200
    assert pre.headers["access-control-allow-origin"] == ORIGIN


def test_cors_disallowed_origin(client: TestClient) -> None:
    evil = "https://evil.example"
    r = client.post("/v1/chat", json={"question": Q}, headers={"Origin": evil})
    assert "access-control-allow-origin" not in r.headers
    pre = client.options(
        "/v1/chat", headers={"Origin": evil, "Access-Control-Request-Method": "POST"}
    )
    assert pre.status_code == 400
    assert "access-control-allow-origin" not in pre.headers


def test_cors_headers_on_errors(make_client) -> None:
    client = make_client(rate_limit_per_minute=1)
    client.get("/v1/documents", headers={"Origin": ORIGIN})
    r = client.get("/v1/documents", headers={"Origin": ORIGIN})
    assert r.status_code == 429
    assert r.headers["access-control-allow-origin"] == ORIGIN  # the widget can read the 429


def test_request_id_echoed_or_generated(client: TestClient) -> None:
    r = client.get("/v1/documents", headers={"X-Request-ID": "abc-123"})
    assert r.headers["x-request-id"] == "abc-123"
    r = client.get("/v1/documents")
    assert re.fullmatch(r"[0-9a-f]{32}", r.headers["x-request-id"])
    r = client.get("/v1/documents", headers={"X-Request-ID": "bad id\twith spaces" + "x" * 200})
    assert re.fullmatch(r"[0-9a-f]{32}", r.headers["x-request-id"])
    r = client.get("/v1/documents/none", headers={"X-Request-ID": "err-1"})
    assert r.headers["x-request-id"] == "err-1" and r.json()["request_id"] == "err-1"


def test_one_structured_log_line_per_request(client: TestClient, api_logs) -> None:
    client.get("/v1/tasks", headers={"X-Request-ID": "log-1"})
    records = [rec for rec in api_logs if rec.name == "api.access"]
    assert len(records) == 1
    rec = records[0]
    assert (rec.request_id, rec.method, rec.path, rec.status) == ("log-1", "GET", "/v1/tasks", 200)
    assert rec.levelno == logging.INFO
    assert isinstance(rec.duration_ms, float)
    line = JsonFormatter().format(rec)
    assert "\n" not in line
    payload = json.loads(line)
    assert payload["request_id"] == "log-1" and payload["status"] == 200 and "duration_ms" in payload


def test_unknown_route_and_method(client: TestClient) -> None:
    r = client.get("/v1/khong-co")
    assert r.status_code == 404 and r.json()["detail"] == "Không tìm thấy."
    r = client.put("/v1/chat", json={"question": Q})
    assert r.status_code == 405 and is_vietnamese(r.json()["detail"])


# ---- docs, demo page, widget, settings ---------------------------------------------------------


def test_openapi_docs(client: TestClient) -> None:
    for page in ("/docs", "/redoc"):  # served offline: every asset from this service, no inline script
        r = client.get(page)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        assets = re.findall(r'(?:src|href)="([^"]+)"', r.text)
        assert assets and all(a.startswith("/") and not a.startswith("//") for a in assets), assets
        assert "<script>" not in r.text and "<style" not in r.text
        for asset in assets:
            assert client.get(asset).status_code == 200, asset
    spec = client.get("/openapi.json").json()
    for path in ("/v1/chat", "/v1/chat/stream", "/v1/chat/completions", "/v1/models", "/v1/search", "/v1/documents", "/v1/documents/{doc_id}",
                 "/v1/documents/{doc_id}/text", "/v1/tasks", "/healthz", "/readyz"):
        assert path in spec["paths"]
    upload_body = spec["paths"]["/v1/documents"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in upload_body


def test_demo_page_embeds_widget(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "Cổng thông tin điện tử tỉnh Lạng Sơn" in r.text
    assert re.search(r'<script src="/static/widget.js" data-api="[^"]*"', r.text)
    assert client.get("/viewer").status_code == 200


def test_widget_asset_is_self_contained(client: TestClient) -> None:
    r = client.get("/static/widget.js")
    assert r.status_code == 200
    assert "javascript" in r.headers["content-type"]
    js = r.text
    for text in ("Hỏi về kế hoạch CCHC", "Gửi", "Nhập câu hỏi…", "Không tìm thấy trong tài liệu"):
        assert text in js
    assert "innerHTML" not in js and "insertAdjacentHTML" not in js and "document.write" not in js
    # no external resources (the only absolute URL is the SVG namespace)
    assert set(re.findall(r"https?://[^\s\"']+", js)) <= {"http://www.w3.org/2000/svg", "https://HOST/static/widget.js", "https://HOST"}
    assert "@media" in js and "aria-expanded" in js and "Escape" in js


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CCHC_ADMIN_KEY", "k1")
    monkeypatch.setenv("CCHC_CORS_ORIGINS", "https://a.gov.vn, https://b.gov.vn")
    monkeypatch.setenv("CCHC_RATE_LIMIT_PER_MINUTE", "5")
    monkeypatch.setenv("CCHC_WORKERS", "3")
    s = ApiSettings()
    assert s.admin_key == "k1" and s.cors_origins == ["https://a.gov.vn", "https://b.gov.vn"]
    assert (s.rate_limit_per_minute, s.workers, s.max_question_chars) == (5, 3, 1000)
    monkeypatch.setenv("CCHC_CORS_ORIGINS", '["https://c.gov.vn"]')
    monkeypatch.setenv("CCHC_ADMIN_KEY", "")
    s = ApiSettings()
    assert s.cors_origins == ["https://c.gov.vn"] and s.admin_key is None


def test_api_imports_without_assistant_models() -> None:
    import subprocess
    import sys

    code = "import sys, api.main; assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=str(__import__("pathlib").Path(__file__).parents[2]))
