"""A deterministic in-memory backend for the API tests, the browser test and the benchmark."""

from __future__ import annotations

import pathlib
import threading
import time
from collections.abc import Callable

from assistant.deadlines import deadline_matches
from assistant.schema import (
    Answer,
    Citation,
    DocumentDetail,
    DocumentInfo,
    SearchHit,
    SectionInfo,
    TaskInfo,
    Turn,
    UploadedDocument,
)

DOC_A = "002_715e714f03913b35"
DOC_B = "005_9c1d2e3f4a5b6c7d"

TEXT_A = (
    "ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN\n"
    "KẾ HOẠCH Cải cách hành chính nhà nước tỉnh Lạng Sơn năm 2026\n"
    "I. MỤC ĐÍCH, YÊU CẦU\n"
    "Nâng cao chất lượng phục vụ người dân và doanh nghiệp.\n"
    "II. NHIỆM VỤ TRỌNG TÂM\n"
    "Đẩy mạnh chuyển đổi số trong giải quyết thủ tục hành chính.\n"
    "III. NHIỆM VỤ CỤ THỂ\n"
    "III.5. Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính. "
    "Cơ quan chủ trì: Văn phòng UBND tỉnh; cơ quan phối hợp: Sở Khoa học và Công nghệ; "
    "thời gian hoàn thành: Quý III/2026.\n"
    "III.6. Cải cách chế độ công vụ. Cơ quan chủ trì: Sở Nội vụ; thời gian hoàn thành: Quý IV/2026.\n"
)

TEXT_B = (
    "ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN\n"
    "KẾ HOẠCH Tuyên truyền cải cách hành chính giai đoạn 2026-2030\n"
    "1. Tuyên truyền trên Cổng thông tin điện tử tỉnh. Cơ quan chủ trì: Sở Văn hóa, Thể thao và Du lịch.\n"
    "2. Tổ chức hội thi tìm hiểu về cải cách hành chính. Cơ quan chủ trì: Sở Nội vụ; thời gian: năm 2027.\n"
)

QUOTE_III5 = (
    "III.5. Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính. "
    "Cơ quan chủ trì: Văn phòng UBND tỉnh"
)
QUOTE_DEADLINE = "thời gian hoàn thành: Quý III/2026"

ANSWER_III5 = (
    "Văn phòng UBND tỉnh chủ trì nhiệm vụ III.5 (số hóa hồ sơ, kết quả giải quyết thủ tục hành chính), "
    "phối hợp với Sở Khoa học và Công nghệ. Thời hạn hoàn thành: Quý III/2026."
)
ABSTAIN_TEXT = "Không tìm thấy trong tài liệu thông tin để trả lời câu hỏi này."


def _span(text: str, quote: str) -> tuple[int, int]:
    start = text.index(quote)
    return start, start + len(quote)


TASKS = [
    TaskInfo(
        doc_id=DOC_A, task_id="III.5", content="Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
        product="Hồ sơ được số hóa", lead="Văn phòng UBND tỉnh", cooperating="Sở Khoa học và Công nghệ",
        deadline="Quý III/2026", page=4,
    ),
    TaskInfo(
        doc_id=DOC_A, task_id="III.6", content="Cải cách chế độ công vụ", lead="Sở Nội vụ",
        deadline="Quý IV/2026", page=5,
    ),
    TaskInfo(
        doc_id=DOC_B, task_id="2", content="Tổ chức hội thi tìm hiểu về cải cách hành chính", lead="Sở Nội vụ",
        deadline="năm 2027", page=2,
    ),
]


class FakeBackend:
    """Canned answers: task III.5 is answered with two citations; anything else abstains.

    ``fail=True`` makes ``ask``/``search`` raise ``RuntimeError`` (for the 500 test);
    ``delay`` adds seconds of (thread-blocking) work to ``ask``.
    """

    def __init__(self, ready: bool = True, delay: float = 0.0) -> None:
        self.ready = ready
        self.delay = delay
        self.fail = False
        self.calls: list[tuple[str, object]] = []
        self._lock = threading.Lock()
        self._texts = {DOC_A: TEXT_A, DOC_B: TEXT_B}
        self._docs = {
            DOC_A: DocumentInfo(
                doc_id=DOC_A, title="Kế hoạch cải cách hành chính nhà nước tỉnh Lạng Sơn năm 2026",
                issuer="UBND tỉnh Lạng Sơn", number="250/KH-UBND", date="2025-12-20", period="2026",
                kind="kế hoạch", pages=12, chunks=40, tasks=2,
            ),
            DOC_B: DocumentInfo(
                doc_id=DOC_B, title="Kế hoạch tuyên truyền cải cách hành chính giai đoạn 2026-2030",
                issuer="UBND tỉnh Lạng Sơn", number="31/KH-UBND", date="2026-02-03", period="2026-2030",
                kind="kế hoạch", pages=6, chunks=12, tasks=1,
            ),
        }

    # -- Backend protocol -------------------------------------------------------------
    def ask(self, question: str, history: list[Turn] | None = None, doc_ids: list[str] | None = None) -> Answer:
        with self._lock:
            self.calls.append(("ask", {"question": question, "history": history, "doc_ids": doc_ids}))
        if self.fail:
            raise RuntimeError("secret internal failure: index file /srv/cchc/index.faiss is corrupt")
        if self.delay:
            time.sleep(self.delay)
        folded = question.lower()
        follow_up = bool(history) and any(t.task_id == "III.5" for t in history) and "thời hạn" in folded
        if "iii.5" in folded or follow_up:
            s1, e1 = _span(TEXT_A, QUOTE_III5)
            s2, e2 = _span(TEXT_A, QUOTE_DEADLINE)
            title = self._docs[DOC_A].title
            return Answer(
                question=question,
                answer=ANSWER_III5,
                abstained=False,
                citations=[
                    Citation(doc_id=DOC_A, title=title, issuer="UBND tỉnh Lạng Sơn", section="III", task_id="III.5",
                             page=4, quote=QUOTE_III5, start=s1, end=e1),
                    Citation(doc_id=DOC_A, title=title, issuer="UBND tỉnh Lạng Sơn", section="III", task_id="III.5",
                             page=4, quote=QUOTE_DEADLINE, start=s2, end=e2),
                ],
                task=TASKS[0],
                latency_ms=1.5,
                confidence=0.92,
            )
        return Answer(question=question, answer=ABSTAIN_TEXT, abstained=True, latency_ms=1.0, confidence=0.1)

    def search(self, query: str, k: int = 10, doc_id: str | None = None) -> list[SearchHit]:
        if self.fail:
            raise RuntimeError("secret internal failure")
        hits = []
        words = [w for w in query.lower().split() if w]
        for did, text in self._texts.items():
            if doc_id and did != doc_id:
                continue
            for n, line in enumerate(text.splitlines(keepends=False)):
                score = sum(line.lower().count(w) for w in words)
                if score:
                    start = text.index(line)
                    hits.append(SearchHit(
                        doc_id=did, chunk_id=f"{did}#{n}", title=self._docs[did].title, start=start,
                        end=start + len(line), text=line, score=float(score),
                    ))
        hits.sort(key=lambda h: (-h.score, h.doc_id, h.start))
        return hits[:k]

    def documents(self) -> list[DocumentInfo]:
        return list(self._docs.values())

    def document(self, doc_id: str) -> DocumentDetail | None:
        info = self._docs.get(doc_id)
        if info is None:
            return None
        text = self._texts[doc_id]
        sections = []
        for heading in ("I. MỤC ĐÍCH, YÊU CẦU", "II. NHIỆM VỤ TRỌNG TÂM", "III. NHIỆM VỤ CỤ THỂ"):
            if heading in text:
                start = text.index(heading)
                sections.append(SectionInfo(path=heading.split(".")[0], start=start, end=start + len(heading), page=1))
        return DocumentDetail(**info.model_dump(), sections=sections,
                              implements=[DOC_A] if doc_id == DOC_B else [])

    def document_text(self, doc_id: str) -> str | None:
        return self._texts.get(doc_id)

    def tasks(self, doc_id: str | None = None, lead: str | None = None, deadline: str | None = None) -> list[TaskInfo]:
        out = []
        for task in TASKS:
            if doc_id and task.doc_id != doc_id:
                continue
            if lead and lead.lower() not in task.lead.lower():
                continue
            if deadline and not deadline_matches(task.deadline, deadline):
                continue
            out.append(task)
        return out

    def add_document(self, path: pathlib.Path, *, timeout: float | None = None,
                     cancelled: Callable[[], bool] | None = None) -> UploadedDocument:
        data = path.read_bytes()
        if b"UNREADABLE" in data:
            raise ValueError("tệp không có lớp chữ (cần OCR)")
        doc_id = path.stem
        text = data.decode("utf-8", errors="replace") if path.suffix in (".txt", ".md") else "(binary)"
        with self._lock:
            before = self._texts.get(doc_id)
            status = "added" if doc_id not in self._docs else "unchanged" if before == text else "replaced"
            self._texts[doc_id] = text
            self._docs[doc_id] = DocumentInfo(doc_id=doc_id, title=path.name, chunks=1)
            self.calls.append(("add_document", path.name))
        return UploadedDocument(**self._docs[doc_id].model_dump(), status=status)

    def delete_document(self, doc_id: str) -> bool:
        with self._lock:
            self._texts.pop(doc_id, None)
            return self._docs.pop(doc_id, None) is not None
