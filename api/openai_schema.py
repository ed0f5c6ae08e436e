"""Request and response bodies of the OpenAI-compatible endpoints (``/v1/chat/completions``, ``/v1/models``).

Only the fields this service uses are typed; the rest of OpenAI's request (temperature, top_p,
max_tokens, tools, …) is accepted and ignored, so any OpenAI client can talk to it unchanged.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from api.models import _has_surrogate
from assistant.schema import Answer

MODEL_ID = "cchc-assistant"
MODEL_OWNER = "cchc"


class ContentPart(BaseModel):
    """One part of a multi-part message; only ``text`` parts carry a question."""

    model_config = ConfigDict(extra="allow")

    type: str
    text: str | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[ContentPart] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "\n".join(part.text for part in self.content if part.type == "text" and part.text)
        return self.content or ""


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="allow")

    include_usage: bool = False


class ChatCompletionRequest(BaseModel):
    """OpenAI's chat completion request; the last message is the question, earlier user/assistant
    pairs are the history. ``doc_ids`` (an extra field, ``extra_body`` in the SDK) limits the plans."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={"examples": [{"model": MODEL_ID, "messages": [{"role": "user", "content": "Ai chủ trì nhiệm vụ III.5?"}]}]},
    )

    model: str = Field(description=f"the model id from GET /v1/models ('{MODEL_ID}')")
    messages: list[ChatMessage] = Field(min_length=1, max_length=100)
    stream: bool = False
    stream_options: StreamOptions | None = None
    n: int | None = Field(default=None, ge=1, le=1, description="one answer per request")
    doc_ids: list[str] | None = Field(default=None, max_length=100, description="only search these plans (extension)")

    @model_validator(mode="before")
    @classmethod
    def _no_lone_surrogates(cls, data: Any) -> Any:
        if _has_surrogate(data):
            raise ValueError("chuỗi chứa ký tự Unicode không hợp lệ")
        return data


class AssistantMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class Choice(BaseModel):
    index: int = 0
    message: AssistantMessage
    finish_reason: Literal["stop"] = "stop"
    logprobs: None = None


class Usage(BaseModel):
    """Counts of whitespace-separated words (the assistant has no tokenizer of its own)."""

    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class ChatCompletion(BaseModel):
    """OpenAI's ``chat.completion``, plus ``cchc``: the full ``Answer`` (citations as structured
    data, ``abstained``, ``confidence``, ``task``) for clients that want it; others ignore it."""

    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    usage: Usage
    cchc: Answer


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str = MODEL_OWNER


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


class OpenAIError(BaseModel):
    message: str
    type: str
    param: str | None = None
    code: str | None = None
    request_id: str = ""


class OpenAIErrorBody(BaseModel):
    """The shape of every error of the OpenAI-compatible endpoints."""

    error: OpenAIError


def openai_error_responses(*codes: int) -> dict[int | str, dict[str, object]]:
    return {code: {"model": OpenAIErrorBody} for code in codes}
