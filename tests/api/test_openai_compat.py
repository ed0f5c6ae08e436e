"""The OpenAI-compatible endpoints driven by the real clients: the ``openai`` SDK and LangChain's
``ChatOpenAI`` against uvicorn on a free local port (FakeBackend), streaming and not."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import openai
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.openai_schema import MODEL_ID
from tests.api.conftest import make_settings
from tests.api.fakes import ANSWER_III5, DOC_A, QUOTE_III5, FakeBackend
from tests.live_server import serving

Q = "Ai chủ trì nhiệm vụ III.5?"
DOC_LABEL = "Kế hoạch cải cách hành chính nhà nước tỉnh Lạng Sơn năm 2026 (số 250/KH-UBND) – UBND tỉnh Lạng Sơn"


@pytest.fixture(scope="module")
def live() -> Iterator[tuple[str, FakeBackend]]:
    backend = FakeBackend()
    with serving(create_app(make_settings(), backend)) as base:
        yield base, backend


@pytest.fixture
def sdk(live) -> openai.OpenAI:
    base, _ = live
    return openai.OpenAI(base_url=f"{base}/v1", api_key="any-key", max_retries=0, timeout=30)


def test_models_list_and_retrieve(sdk: openai.OpenAI) -> None:
    assert [m.id for m in sdk.models.list()] == [MODEL_ID]
    assert sdk.models.retrieve(MODEL_ID).owned_by == "cchc"
    with pytest.raises(openai.NotFoundError) as exc:
        sdk.models.retrieve("gpt-4o")
    assert exc.value.code == "model_not_found" and MODEL_ID in exc.value.message


def test_completion_cites_in_the_text_and_as_data(sdk: openai.OpenAI) -> None:
    completion = sdk.chat.completions.create(model=MODEL_ID, messages=[{"role": "user", "content": Q}])
    choice = completion.choices[0]
    assert choice.finish_reason == "stop" and choice.message.role == "assistant"
    text = choice.message.content
    first, _, sources = text.partition("\n\nNguồn:\n")
    assert first == ANSWER_III5 + " [1][2]"  # both citations support the line naming task III.5
    lines = sources.splitlines()
    assert lines[0].startswith(f"- [1] {DOC_LABEL} — mục III · nhiệm vụ III.5 · trang 4: “III.5. Số hóa")
    assert lines[1].startswith("- [2] ") and len(lines) == 2
    assert DOC_A not in text  # documents are named by title and number, not by internal id
    cchc = completion.model_extra["cchc"]
    assert cchc["citations"][0]["quote"] == QUOTE_III5 and cchc["abstained"] is False
    assert cchc["answer"] == ANSWER_III5 and cchc["task"]["task_id"] == "III.5"
    assert completion.model == MODEL_ID and completion.id.startswith("chatcmpl-")
    assert completion.usage.total_tokens == completion.usage.prompt_tokens + completion.usage.completion_tokens


def test_abstention_has_no_sources(sdk: openai.OpenAI) -> None:
    completion = sdk.chat.completions.create(model=MODEL_ID, messages=[{"role": "user", "content": "Tỉnh có bao nhiêu sân bay?"}])
    assert "Nguồn" not in completion.choices[0].message.content
    assert completion.model_extra["cchc"]["abstained"] is True


def test_history_system_prompt_and_doc_ids(sdk: openai.OpenAI, live) -> None:
    _, backend = live
    first = sdk.chat.completions.create(model=MODEL_ID, messages=[{"role": "user", "content": Q}]).choices[0].message.content
    sdk.chat.completions.create(
        model=MODEL_ID,
        messages=[
            {"role": "system", "content": "Bạn là trợ lý."},
            {"role": "user", "content": [{"type": "text", "text": Q}]},
            {"role": "assistant", "content": first},
            {"role": "user", "content": "Thời hạn thế nào?"},
        ],
        temperature=0.2, max_tokens=300,  # accepted and ignored
        extra_body={"doc_ids": [DOC_A]},
    )
    call = backend.calls[-1][1]
    assert call["question"] == "Thời hạn thế nào?" and call["doc_ids"] == [DOC_A]
    assert [(t.question, t.answer) for t in call["history"]] == [(Q, ANSWER_III5 + " [1][2]")]  # without "Nguồn"


def test_streaming_chunks_end_with_done(sdk: openai.OpenAI, live) -> None:
    plain = sdk.chat.completions.create(model=MODEL_ID, messages=[{"role": "user", "content": Q}])
    stream = sdk.chat.completions.create(
        model=MODEL_ID, messages=[{"role": "user", "content": Q}], stream=True, stream_options={"include_usage": True}
    )
    chunks = list(stream)
    assert chunks[0].choices[0].delta.role == "assistant"
    pieces = [c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content]
    assert len(pieces) > 10 and "".join(pieces) == plain.choices[0].message.content
    finish = [c for c in chunks if c.choices and c.choices[0].finish_reason]
    assert len(finish) == 1 and finish[0].choices[0].finish_reason == "stop"
    assert finish[0].model_extra["cchc"]["citations"][1]["quote"] == plain.model_extra["cchc"]["citations"][1]["quote"]
    assert chunks[-1].choices == [] and chunks[-1].usage.completion_tokens > 0
    # on the wire: OpenAI-style data-only events, the last one [DONE]
    base, _ = live
    with httpx.stream("POST", f"{base}/v1/chat/completions", timeout=30,
                      json={"model": MODEL_ID, "messages": [{"role": "user", "content": Q}], "stream": True}) as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        events = [line for line in r.iter_lines() if line]
    assert all(line.startswith("data: ") for line in events) and events[-1] == "data: [DONE]"


def test_errors_in_openai_shape_with_the_chat_status_codes(sdk: openai.OpenAI) -> None:
    with pytest.raises(openai.UnprocessableEntityError) as empty:
        sdk.chat.completions.create(model=MODEL_ID, messages=[{"role": "user", "content": "   "}])
    assert empty.value.body["type"] == "invalid_request_error" and "trống" in empty.value.message
    assert empty.value.request_id  # X-Request-ID, as for every response
    with pytest.raises(openai.UnprocessableEntityError) as long:
        sdk.chat.completions.create(model=MODEL_ID, messages=[{"role": "user", "content": "x" * 1001}])
    assert "1000" in long.value.message
    with pytest.raises(openai.UnprocessableEntityError) as last:
        sdk.chat.completions.create(model=MODEL_ID, messages=[{"role": "user", "content": Q}, {"role": "assistant", "content": "…"}])
    assert "role 'user'" in last.value.message
    with pytest.raises(openai.UnprocessableEntityError) as bad:
        sdk.chat.completions.create(model=MODEL_ID, messages=[{"role": "robot", "content": Q}])  # type: ignore[list-item]
    assert bad.value.body["param"] == "messages.0.role"
    with pytest.raises(openai.NotFoundError) as model:
        sdk.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": Q}])
    assert model.value.code == "model_not_found" and model.value.param == "model"


def _client(make_client, **kwargs) -> tuple[openai.OpenAI, TestClient]:
    test_client = make_client(**kwargs)
    return openai.OpenAI(base_url="http://testserver/v1", api_key="x", max_retries=0, http_client=test_client), test_client


def test_rate_limit_is_shared_with_chat(make_client) -> None:
    sdk, test_client = _client(make_client, rate_limit_per_minute=2)
    assert test_client.post("/v1/chat", json={"question": Q}).status_code == 200
    sdk.chat.completions.create(model=MODEL_ID, messages=[{"role": "user", "content": Q}])
    with pytest.raises(openai.RateLimitError) as exc:
        sdk.chat.completions.create(model=MODEL_ID, messages=[{"role": "user", "content": Q}])
    assert exc.value.code == "rate_limit_exceeded" and exc.value.response.headers["retry-after"]
    assert "detail" in test_client.post("/v1/chat", json={"question": Q}).json()  # /v1/chat keeps its own shape


def test_not_ready_backend_failure_and_body_limit(make_client) -> None:
    sdk, _ = _client(make_client, backend=FakeBackend(ready=False))
    with pytest.raises(openai.InternalServerError) as starting:
        sdk.chat.completions.create(model=MODEL_ID, messages=[{"role": "user", "content": Q}])
    assert starting.value.status_code == 503 and starting.value.code == "service_unavailable"
    assert [m.id for m in sdk.models.list()] == [MODEL_ID]  # listing models needs no backend (connection checks)

    broken = FakeBackend()
    broken.fail = True
    sdk, _ = _client(make_client, backend=broken)
    with pytest.raises(openai.InternalServerError) as failed:
        sdk.chat.completions.create(model=MODEL_ID, messages=[{"role": "user", "content": Q}])
    assert failed.value.status_code == 500 and "secret" not in str(failed.value.body)
    assert failed.value.body["type"] == "server_error"

    sdk, _ = _client(make_client, max_body_bytes=500)
    with pytest.raises(openai.APIStatusError) as big:
        sdk.chat.completions.create(model=MODEL_ID, messages=[{"role": "user", "content": "x" * 800}])
    assert big.value.status_code == 413 and big.value.body["type"] == "invalid_request_error"


def test_langchain_chat_openai(live) -> None:
    from langchain_core.messages import AIMessage, HumanMessage
    from langchain_openai import ChatOpenAI

    base, _ = live
    llm = ChatOpenAI(model=MODEL_ID, base_url=f"{base}/v1", api_key="any-key", max_retries=0, timeout=30)
    reply = llm.invoke([HumanMessage(Q)])
    assert isinstance(reply, AIMessage) and reply.content.startswith(ANSWER_III5) and "\nNguồn:\n- [1] " in reply.content
    streamed = "".join(chunk.content for chunk in llm.stream(Q))
    assert streamed == reply.content
