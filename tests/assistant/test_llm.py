"""The optional LLM rewrite: accepted only when every claim is in a cited quote."""

from __future__ import annotations

from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.llm import LLMRewriter, OpenAICompatibleChat, claims, rewriter_from_settings, unsupported_claims
from assistant.schema import Citation
from assistant.settings import Settings

QUOTE = Citation(doc_id="002", task_id="I.5", quote="5\tKiểm tra công tác CCHC tối thiểu 20% các sở, ban, ngành\tKế hoạch\t"
                                     "Phòng Tổ chức, biên chế và Cải cách hành chính\tCác cơ quan\tQuý III/2026")
ANSWER = "Nhiệm vụ I.5: Chủ trì: Phòng Tổ chức, biên chế và Cải cách hành chính; Thời gian: Quý III/2026."


def test_claims_are_extracted():
    found = claims("Nhiệm vụ I.5 do Phòng Tổ chức, biên chế chủ trì, đạt 20% trước ngày 01/6, Kế hoạch 29/KH-UBND.")
    assert {"I.5", "20%", "01/6", "29/KH-UBND"} <= found


def test_faithful_rewrite_is_used():
    honest = FakeListChatModel(responses=["Phòng Tổ chức, biên chế và Cải cách hành chính chủ trì nhiệm vụ I.5, "
                                          "hạn Quý III/2026."])
    assert LLMRewriter(honest).rewrite("Ai chủ trì I.5?", ANSWER, [QUOTE]).startswith("Phòng Tổ chức")


def test_a_lying_model_falls_back():
    liar = FakeListChatModel(responses=["Văn phòng Sở chủ trì nhiệm vụ I.5, hạn Quý II/2026, kiểm tra 30% đơn vị."])
    assert LLMRewriter(liar).rewrite("Ai chủ trì I.5?", ANSWER, [QUOTE]) is None
    assert set(unsupported_claims("hạn Quý II/2026, kiểm tra 30% đơn vị", [QUOTE])) >= {"30%", "Quý II"}


def test_off_by_default_and_built_from_settings():
    assert rewriter_from_settings(Settings()) is None
    rewriter = rewriter_from_settings(Settings(llm_base_url="http://127.0.0.1:9/v1", llm_model="qwen"))
    assert isinstance(rewriter.chat_model, OpenAICompatibleChat)


def test_an_unreachable_endpoint_keeps_the_extractive_answer():
    rewriter = LLMRewriter(OpenAICompatibleChat(base_url="http://127.0.0.1:9/v1", model="x", timeout=0.5))
    assert rewriter.rewrite("Ai chủ trì I.5?", ANSWER, [QUOTE]) is None
