"""``POST /v1/chat`` and its server-sent-events twin ``POST /v1/chat/stream``."""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import AsyncIterator

import anyio
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import StreamingResponse

from api.deps import BackendDep, SettingsDep, run_cpu
from api.messages import MSG
from api.models import ChatRequest, error_responses
from assistant.schema import Answer

router = APIRouter(prefix="/v1", tags=["chat"])

_ERRORS = error_responses(413, 422, 429, 500, 503)


def clean_question(question: str, max_chars: int) -> str:
    text = question.strip()
    if not text:
        raise HTTPException(422, MSG["question_empty"])
    if len(text) > max_chars:
        raise HTTPException(422, MSG["question_too_long"].format(limit=max_chars))
    return text


async def _answer(request: Request, body: ChatRequest, backend: BackendDep, max_chars: int) -> Answer:
    question = clean_question(body.question, max_chars)
    started = time.perf_counter()
    try:
        answer = await run_cpu(
            request, backend.ask, question, history=body.history or None, doc_ids=body.doc_ids or None
        )
    except ValueError as exc:
        if _is_user_error(exc):
            raise HTTPException(422, str(exc)) from None
        raise
    if not answer.latency_ms:
        answer = answer.model_copy(update={"latency_ms": round((time.perf_counter() - started) * 1000, 2)})
    return answer


def _is_user_error(exc: ValueError) -> bool:
    """The assistant's own refusals (e.g. ``assistant.core.QuestionTooLongError`` when its limit is
    lower than the API's) carry a user-facing message; other ValueErrors stay 500s."""
    core = sys.modules.get("assistant.core")
    kinds = tuple(k for k in (getattr(core, "QuestionTooLongError", None),) if isinstance(k, type))
    return bool(kinds) and isinstance(exc, kinds)


@router.post("/chat", response_model=Answer, responses=_ERRORS, summary="Ask a question")
async def chat(body: ChatRequest, request: Request, backend: BackendDep, settings: SettingsDep) -> Answer:
    """Answers from the plans, with verbatim citations; ``abstained`` is true when the plans do not say."""
    return await _answer(request, body, backend, settings.max_question_chars)


# One event of the stream (OpenAPI 3.1: the schema of a text/event-stream describes each event).
SSE_EVENT_SCHEMA = {
    "type": "object",
    "required": ["event", "data"],
    "properties": {
        "event": {"type": "string", "enum": ["token", "citations", "done"]},
        "data": {"type": "string", "contentMediaType": "application/json",
                 "description": "JSON: {text} for token, a list of citations, or the Answer for done"},
    },
}


def split_tokens(text: str) -> list[str]:
    """Words with their trailing white space; joined they give back ``text`` exactly."""
    return re.findall(r"\s+|\S+\s*", text) if text else []


def sse(event: str, data: object) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


async def answer_events(answer: Answer, delay_s: float = 0.0) -> AsyncIterator[str]:
    for piece in split_tokens(answer.answer):
        yield sse("token", {"text": piece})
        await anyio.sleep(delay_s)  # 0: just let each event go out on its own
    yield sse("citations", [c.model_dump(mode="json") for c in answer.citations])
    yield sse("done", answer.model_dump(mode="json"))


@router.post(
    "/chat/stream",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "server-sent events: `token` ({text}) …, then `citations` (list), then `done` (the Answer)",
            "content": {"text/event-stream": {"schema": SSE_EVENT_SCHEMA}},
        },
        **_ERRORS,
    },
    summary="Ask a question, answer streamed as server-sent events",
)
async def chat_stream(body: ChatRequest, request: Request, backend: BackendDep, settings: SettingsDep) -> StreamingResponse:
    # The answer is made before the stream opens, so errors keep their status codes.
    answer = await _answer(request, body, backend, settings.max_question_chars)
    return StreamingResponse(
        answer_events(answer, settings.stream_delay_ms / 1000),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
