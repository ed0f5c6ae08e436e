"""The answer object: one shape for the CLI, the HTTP API and the eval suite (FORMAT.md)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class CitedField(BaseModel):
    """One field of a cited table row, labelled as the table labels it; verbatim per field."""

    label: str
    text: str
    start: int = Field(description="character offset of the field in the cleaned text")
    end: int


class Citation(BaseModel):
    """Where a claim comes from: a verbatim quote of the cleaned source text."""

    doc_id: str
    title: str = ""
    issuer: str = ""
    source: str = Field(default="", description="how people name the document: kind and number, or short title")
    section: str | None = None
    task_id: str | None = None
    page: int | None = None
    quote: str
    start: int | None = Field(default=None, description="character offset of the quote in the cleaned text")
    end: int | None = None
    fields: list[CitedField] = Field(default_factory=list, description="a cited table row, field by field")


class TaskInfo(BaseModel):
    """A task record of a plan's appendix, as matched by a question."""

    doc_id: str
    task_id: str
    content: str
    product: str = ""
    lead: str = ""
    cooperating: str = ""
    deadline: str = ""
    page: int | None = None


class Answer(BaseModel):
    """What the assistant says: the answer text, whether it abstained, and its evidence."""

    question: str
    answer: str
    abstained: bool
    citations: list[Citation] = Field(default_factory=list)
    task: TaskInfo | None = None
    latency_ms: float = 0.0
    confidence: float = Field(0.0, description="probability that the answer is right (calibrated), or the check's certainty")
    path: str = Field("", description="which answer path produced it")
    reason: str = Field("", description="why the assistant abstained, when it did")
    evidence: dict[str, float] = Field(default_factory=dict, description="the features the confidence was computed from")
    declined: dict[str, str] = Field(default_factory=dict, description="answer paths tried first, and why each declined")


class Turn(BaseModel):
    """One earlier exchange of a conversation, for follow-up questions."""

    question: str
    answer: str = ""
    task_id: str | None = None
    doc_id: str | None = None


class SearchHit(BaseModel):
    """A ranked chunk with its provenance and fused score."""

    doc_id: str
    chunk_id: str
    title: str = ""
    section: str | None = None
    task_id: str | None = None
    page: int | None = None
    start: int
    end: int
    text: str
    score: float


class DocumentInfo(BaseModel):
    """Metadata of one ingested plan."""

    doc_id: str
    title: str = ""
    issuer: str = ""
    number: str = ""
    date: str = ""
    period: str = ""
    signer: str = ""
    kind: str = ""
    pages: int | None = None
    chunks: int = 0
    tasks: int = 0
    ocr_damaged: bool = False


IngestStatus = Literal["added", "replaced", "unchanged"]


class UploadedDocument(DocumentInfo):
    """An uploaded plan, and what the upload did: a new plan, a plan of the same id replaced, or
    the same file again (nothing changed)."""

    status: IngestStatus


class SectionInfo(BaseModel):
    """One heading of a plan's section tree."""

    path: str
    start: int
    end: int
    page: int | None = None


class DocumentDetail(DocumentInfo):
    """A plan's metadata with its section tree and the plans it implements or replaces."""

    sections: list[SectionInfo] = Field(default_factory=list)
    implements: list[str] = Field(default_factory=list)
    replaces: list[str] = Field(default_factory=list)
