"""Request and response bodies of the API that are not part of ``assistant.schema``."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from assistant.schema import Turn


class ChatRequest(BaseModel):
    """A question, optionally with the last turns of the conversation and a restriction to some plans."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"question": "Ai chủ trì nhiệm vụ III.5?", "history": [], "doc_ids": None}]}
    )

    question: str = Field(description="the question (Vietnamese, Vietnamese without diacritics, or English)")
    history: list[Turn] | None = Field(default=None, max_length=20, description="earlier turns, oldest first")
    doc_ids: list[str] | None = Field(default=None, max_length=100, description="only search these plans")

    @model_validator(mode="before")
    @classmethod
    def _no_lone_surrogates(cls, data: Any) -> Any:
        """JSON may carry unpaired surrogates (``"\\ud800"``) that no answer could be encoded with."""
        if _has_surrogate(data):
            raise ValueError("chuỗi chứa ký tự Unicode không hợp lệ")
        return data


def _has_surrogate(value: Any, depth: int = 0) -> bool:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if depth > 20:
        return False
    if isinstance(value, dict):
        return any(_has_surrogate(k, depth + 1) or _has_surrogate(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_surrogate(v, depth + 1) for v in value)
    return False


class ErrorBody(BaseModel):
    """The shape of every error response."""

    detail: str
    request_id: str


class DocumentText(BaseModel):
    """The cleaned text of a plan (or the slice ``[start, end)`` of it) that citation offsets point into."""

    doc_id: str
    start: int
    end: int
    length: int = Field(description="length of the whole cleaned text")
    text: str


class Deleted(BaseModel):
    doc_id: str
    deleted: bool = True


class Status(BaseModel):
    status: str
    detail: str | None = None


def error_responses(*codes: int) -> dict[int | str, dict[str, object]]:
    return {code: {"model": ErrorBody} for code in codes}
