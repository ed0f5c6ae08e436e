"""OpenAI-compatible ``POST /v1/chat/completions`` (plain or streamed) and ``GET /v1/models``.

Lets the clients agencies already run (Open WebUI, LibreChat, Dify, LangChain's ``ChatOpenAI``,
the ``openai`` SDK) use the assistant as a model. Answers come from the same code as ``/v1/chat``
(same limits, same errors — reshaped by ``api.openai_errors``), with citations inside the text
(``api.openai_format``) and as data in the ``cchc`` field.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import anyio
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse, StreamingResponse

from api.deps import BackendDep, SettingsDep, run_cpu
from api.errors import request_id_of
from api.models import ChatRequest
from api.openai_errors import openai_error
from api.openai_format import message_text
from api.openai_schema import (
    MODEL_ID,
    AssistantMessage,
    ChatCompletion,
    ChatCompletionRequest,
    ChatMessage,
    Choice,
    ModelCard,
    ModelList,
    Usage,
    openai_error_responses,
)
from api.routes.chat import _answer, split_tokens
from assistant.schema import Answer, Turn

router = APIRouter(prefix="/v1", tags=["openai"])

_ERRORS = openai_error_responses(404, 413, 422, 429, 500, 503)
_STARTED = int(time.time())
MAX_TURNS = 20


def _model_not_found(request: Request, model: str) -> JSONResponse:
    message = f"Không có mô hình '{model[:100]}'; mô hình của dịch vụ này là '{MODEL_ID}' (GET /v1/models)."
    body = openai_error(404, message, request_id_of(request.scope), param="model", code="model_not_found")
    return JSONResponse(body, status_code=404)


def to_chat_request(body: ChatCompletionRequest) -> ChatRequest:
    """The last message is the question; earlier user messages, each with the assistant reply that
    follows it, are the history (system and tool messages are not questions and are left out)."""
    last = body.messages[-1]
    if last.role != "user":
        raise HTTPException(422, "Tin nhắn cuối cùng phải là câu hỏi của người dùng (role 'user').")
    history: list[Turn] = []
    pending: ChatMessage | None = None
    for message in body.messages[:-1]:
        if message.role == "user":
            if pending is not None:
                history.append(Turn(question=pending.text()))
            pending = message
        elif message.role == "assistant" and pending is not None:
            history.append(Turn(question=pending.text(), answer=_without_sources(message.text())))
            pending = None
    if pending is not None:
        history.append(Turn(question=pending.text()))
    history = [t for t in history if t.question.strip()][-MAX_TURNS:]
    return ChatRequest(question=last.text(), history=history or None, doc_ids=body.doc_ids)


def _without_sources(text: str) -> str:
    """An earlier reply of ours, without the "Nguồn" list we appended."""
    head, sep, _ = text.partition("\n\nNguồn:\n")
    return head if sep else text


def _words(text: str) -> int:
    return len(text.split())


def _usage(body: ChatCompletionRequest, content: str) -> Usage:
    prompt = sum(_words(m.text()) for m in body.messages)
    completion = _words(content)
    return Usage(prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion)


async def _complete(request: Request, body: ChatCompletionRequest, backend: BackendDep, max_chars: int) -> tuple[Answer, str]:
    answer = await _answer(request, to_chat_request(body), backend, max_chars)
    documents = {d.doc_id: d for d in await run_cpu(request, backend.documents)} if answer.citations else {}
    return answer, message_text(answer, documents)


def _completion_id(request: Request) -> str:
    return "chatcmpl-" + (request_id_of(request.scope) or uuid.uuid4().hex)


@router.post(
    "/chat/completions",
    response_model=ChatCompletion,
    responses={
        200: {"content": {"text/event-stream": {"schema": {"type": "string"}}},
              "description": "a `chat.completion`, or with `stream: true` OpenAI-style `chat.completion.chunk` "
                             "server-sent events ending in `data: [DONE]`"},
        **_ERRORS,
    },
    summary="Ask a question (OpenAI-compatible chat completion)",
)
async def chat_completions(
    body: ChatCompletionRequest, request: Request, backend: BackendDep, settings: SettingsDep
) -> ChatCompletion | StreamingResponse | JSONResponse:
    """The assistant as an OpenAI chat model (model id `cchc-assistant`): the last user message is the
    question, earlier turns are the history. The reply cites its sources with `[n]` markers and a
    "Nguồn" list; `cchc` carries the full `Answer` (verbatim citations with offsets, `abstained`).
    Errors are OpenAI-shaped: `{"error": {"message", "type", "param", "code"}}`."""
    if body.model != MODEL_ID:
        return _model_not_found(request, body.model)
    # The answer is made before any stream opens, so errors keep their status codes.
    answer, content = await _complete(request, body, backend, settings.max_question_chars)
    created = int(time.time())
    if not body.stream:
        return ChatCompletion(
            id=_completion_id(request), created=created, model=MODEL_ID,
            choices=[Choice(message=AssistantMessage(content=content))], usage=_usage(body, content), cchc=answer,
        )
    include_usage = bool(body.stream_options and body.stream_options.include_usage)
    return StreamingResponse(
        _chunks(_completion_id(request), created, content, answer, _usage(body, content) if include_usage else None,
                settings.stream_delay_ms / 1000),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def _chunk(completion_id: str, created: int, delta: dict[str, Any], finish: str | None = None,
           **extra: Any) -> str:
    payload = {
        "id": completion_id, "object": "chat.completion.chunk", "created": created, "model": MODEL_ID,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}], **extra,
    }
    return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n"


async def _chunks(completion_id: str, created: int, content: str, answer: Answer, usage: Usage | None,
                  delay_s: float) -> AsyncIterator[str]:
    """role first, then the text word by word, then finish_reason with ``cchc``, [usage], ``[DONE]``."""
    yield _chunk(completion_id, created, {"role": "assistant", "content": ""})
    for piece in split_tokens(content):
        yield _chunk(completion_id, created, {"content": piece})
        await anyio.sleep(delay_s)
    yield _chunk(completion_id, created, {}, "stop", cchc=answer.model_dump(mode="json"))
    if usage is not None:
        payload = {"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": MODEL_ID,
                   "choices": [], "usage": usage.model_dump()}
        yield f"data: {json.dumps(payload)}\n\n"
    yield "data: [DONE]\n\n"


def _card() -> ModelCard:
    return ModelCard(id=MODEL_ID, created=_STARTED)


@router.get("/models", response_model=ModelList, responses=openai_error_responses(429, 500),
            summary="The assistant as an OpenAI model id")
async def list_models() -> ModelList:
    """One model, `cchc-assistant`: what OpenAI clients list and pick (Open WebUI's model menu)."""
    return ModelList(data=[_card()])


@router.get("/models/{model}", response_model=ModelCard, responses=openai_error_responses(404, 429, 500),
            summary="One model")
async def get_model(model: str, request: Request) -> ModelCard | JSONResponse:
    if model != MODEL_ID:
        return _model_not_found(request, model)
    return _card()

