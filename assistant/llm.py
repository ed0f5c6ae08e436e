"""Optional LLM rewrite (off by default): a chat model makes the grounded answer read better,
and is trusted only when every number, date, code, task id and unit it names is in a cited quote.

The chat model is any LangChain ``BaseChatModel``; ``OpenAICompatibleChat`` talks to an
OpenAI-compatible endpoint inside the agency's network (vLLM, Ollama, llama.cpp server).
Nothing here runs unless ``CCHC_LLM_BASE_URL`` is set; tests use a fake model.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import httpx
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from assistant.docmatch import organisation_mentions
from assistant.schema import Citation
from ingest.text import fold

logger = logging.getLogger(__name__)

SYSTEM_PROMPT = (
    "Bạn là trợ lý trả lời về kế hoạch cải cách hành chính. Viết lại câu trả lời cho gọn, rõ, bằng tiếng Việt, "
    "CHỈ dùng thông tin trong câu trả lời gốc và các trích dẫn. Không thêm số liệu, ngày tháng, đơn vị hay văn bản "
    "nào khác. Tối đa 4 câu."
)
_CHECKED_RE = re.compile(
    r"\d+(?:/\d{4})?/[A-ZĐ][A-Za-zĐđ\-]+|\d+(?:[.,/\-]\d+)*%?|[IVX]{1,5}\.\d{1,2}|\b[A-ZĐ]{2,}(?:-[A-ZĐa-z]+)+\b|\bQuý\s+[IVX]+\b"
)
_UNIT_RE = re.compile(r"\b(?:Phòng|Văn phòng|Trung tâm|Sở|Ban|Tổ|UBND|Ủy ban)\s+(?:[^\s,.;:()]+\s?){1,6}")


def claims(text: str) -> set[str]:
    """The checkable claims of a text: numbers, dates, codes, task ids, quarters and unit names."""
    found = {m.group(0) for m in _CHECKED_RE.finditer(text)}
    for variants in organisation_mentions(text):
        found.add(variants[0])
    for m in _UNIT_RE.finditer(text):
        found.add(" ".join(m.group(0).split()[:3]))
    return {c.strip() for c in found if c.strip()}


def unsupported_claims(answer: str, citations: list[Citation]) -> list[str]:
    """Claims of ``answer`` that no cited quote contains (accent-insensitive)."""
    evidence = " ".join(fold(f"{c.quote} {c.task_id or ''} {c.section or ''} {c.title}") for c in citations)

    def supported(claim: str) -> bool:
        pattern = r"(?<![a-z0-9])" + re.escape(fold(claim)) + r"(?![a-z0-9])"
        return re.search(pattern, evidence) is not None

    return sorted(c for c in claims(answer) if not supported(c))


class LLMRewriter:
    def __init__(self, chat_model: BaseChatModel):
        self.chat_model = chat_model

    def rewrite(self, question: str, answer: str, citations: list[Citation]) -> str | None:
        """The verified rewrite, or None (then the extractive answer stands)."""
        quotes = "\n".join(f"[{i}] {c.quote}" for i, c in enumerate(citations, 1))
        messages = [SystemMessage(SYSTEM_PROMPT),
                    HumanMessage(f"Câu hỏi: {question}\n\nCâu trả lời gốc: {answer}\n\nTrích dẫn:\n{quotes}")]
        try:
            text = str(self.chat_model.invoke(messages).content).strip()
        except (httpx.HTTPError, ValueError, RuntimeError) as exc:
            logger.warning("LLM rewrite failed (%s); keeping the extractive answer", exc)
            return None
        if not text or len(text) > 700:
            return None
        missing = unsupported_claims(text, citations)
        if missing:
            logger.info("LLM rewrite rejected, unsupported: %s", ", ".join(missing))
            return None
        return text


class OpenAICompatibleChat(BaseChatModel):
    """Minimal LangChain chat model for an OpenAI-compatible ``/v1/chat/completions`` endpoint."""

    base_url: str
    model: str
    api_key: str | None = None
    timeout: float = 30.0
    temperature: float = 0.0

    @property
    def _llm_type(self) -> str:
        return "openai-compatible"

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager: Any = None,
                  **kwargs: Any) -> ChatResult:
        roles = {"system": "system", "human": "user", "ai": "assistant"}
        payload = {"model": self.model, "temperature": self.temperature, "stop": stop,
                   "messages": [{"role": roles.get(m.type, "user"), "content": m.content} for m in messages]}
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        response = httpx.post(f"{self.base_url.rstrip('/')}/chat/completions", json=payload, headers=headers,
                              timeout=self.timeout)
        response.raise_for_status()
        content = response.json()["choices"][0]["message"]["content"]
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=content))])


def rewriter_from_settings(settings) -> LLMRewriter | None:
    if not settings.llm_base_url or not settings.llm_model:
        return None
    return LLMRewriter(OpenAICompatibleChat(base_url=settings.llm_base_url, model=settings.llm_model,
                                            api_key=settings.llm_api_key))
