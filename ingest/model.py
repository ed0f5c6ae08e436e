"""The structured document model every later stage reads: documents, sections, tasks, facts, chunks.

Every span carries ``start``/``end`` character offsets into :attr:`Document.text`, the cleaned
text, so that any quote shown to a user can be checked verbatim against it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

ChunkKind = Literal["paragraph", "list_item", "heading", "task", "footnote", "metadata", "table_row"]
FactKind = Literal["responsibility", "deadline", "reference"]


@dataclass
class Section:
    """A heading of the section tree and the span it governs."""

    label: str  # "III", "III.5", "2.1", "#" for Markdown headings without numbers
    title: str  # heading text as written
    level: int
    path: str  # "III > 5. Cải cách chế độ công vụ"
    start: int
    end: int
    page: int | None = None


@dataclass
class Task:
    """One row of a task table (appendix), with continuation rows merged."""

    task_id: str  # "III.5" = group III, row 5
    group: str  # "CẢI CÁCH THỦ TỤC HÀNH CHÍNH"
    content: str
    product: str = ""
    lead: str = ""
    cooperating: str = ""
    deadline: str = ""
    start: int = 0
    end: int = 0
    page: int | None = None
    kind: str = "task"  # "task", "target", "procedure", "step" (what the table's rows are)
    number: str = ""  # the row's own number as written ("2.7"), unqualified by its groups
    group_path: str = ""  # "A. Thủ tục cấp tỉnh > I. Lĩnh vực trồng trọt"
    extra: dict[str, str] = field(default_factory=dict)  # other columns, by their header label
    labels: dict[str, str] = field(default_factory=dict)  # field -> the header label the table uses
    spans: dict[str, list[int]] = field(default_factory=dict)  # field -> [start, end] in Document.text
    ditto: dict[str, str] = field(default_factory=dict)  # fields written "Như trên", resolved from above


@dataclass
class Footnote:
    """A footnote body and where its mark is referenced in the text."""

    mark: str  # "1"
    text: str
    start: int
    end: int
    ref_offsets: list[int] = field(default_factory=list)


@dataclass
class Fact:
    """A structured statement: a unit's duty, a dated obligation, or a referenced document."""

    kind: FactKind
    text: str
    start: int
    end: int
    unit: str = ""  # the responsible unit for a responsibility/deadline fact
    when: str = ""  # "01/6", "chậm nhất 07 ngày", "hàng quý" for deadline facts
    section: str = ""
    page: int | None = None


@dataclass
class Reference:
    """Another legal document named by the plan (implements, cites or replaces)."""

    number: str  # "110/KH-UBND"
    kind: str  # "Kế hoạch", "Quyết định", "Nghị quyết", ...
    text: str  # the clause naming it, verbatim
    relation: Literal["implements", "replaces", "cites"]
    start: int
    end: int


@dataclass
class Chunk:
    """A retrievable, citable unit of text: a verbatim span of the cleaned text."""

    chunk_id: str
    doc_id: str
    kind: ChunkKind
    text: str
    start: int
    end: int
    section: str = ""  # path, e.g. "III > 5. Cải cách chế độ công vụ"
    section_label: str = ""  # "III.5"
    task_id: str | None = None
    page: int | None = None
    context: str = ""  # heading titles and other text added for search, never quoted


@dataclass
class Metadata:
    """What identifies a plan."""

    title: str = ""
    issuer: str = ""
    number: str = ""
    date: str = ""
    period: str = ""
    signer: str = ""
    kind: str = ""  # "Kế hoạch", "Phụ lục", "Quyết định", ...
    title_span: tuple[int, int] | None = None
    signer_span: tuple[int, int] | None = None
    preamble_span: tuple[int, int] | None = None
    signer_role: str = ""  # "KT. CHỦ TỊCH PHÓ CHỦ TỊCH", as the signature block writes it
    issuer_parent: str = ""  # the body above the issuer in the header ("BỘ TÀI CHÍNH" above "CỤC THUẾ")
    issuer_span: tuple[int, int] | None = None  # the issuer in the header block
    basis_spans: list[tuple[int, int]] = field(default_factory=list)  # "Căn cứ …" clauses
    proposal_span: tuple[int, int] | None = None  # "Theo đề nghị của … tại Tờ trình số …"
    recipients_span: tuple[int, int] | None = None  # "Nơi nhận: …"
    effective_span: tuple[int, int] | None = None  # "Quyết định này có hiệu lực kể từ ngày …"

    def naming_text(self) -> str:
        """The words a question uses to name the plan (kind, title, issuer, number, date, period):
        they hold for every sentence of it, so they must not decide which sentence answers."""
        return " ".join((self.kind, self.title, self.issuer, self.number, self.date, self.period))


@dataclass
class Document:
    """A cleaned, parsed plan with provenance for every span."""

    doc_id: str
    source_path: str
    source_hash: str
    text: str
    metadata: Metadata
    page_spans: list[tuple[int, int, int]] = field(default_factory=list)  # (start, end, page)
    sections: list[Section] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    chunks: list[Chunk] = field(default_factory=list)
    ocr_damaged: bool = False
    search_text: str = ""  # OCR-repaired folded form of ``text`` (same length is not guaranteed)
    warnings: list[str] = field(default_factory=list)  # what could not be read (a table row), for the report

    def page_at(self, offset: int) -> int | None:
        """The page a character offset falls on, if the source had pages."""
        for start, end, page in self.page_spans:
            if start <= offset < end:
                return page
        return None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Document":
        meta = dict(data["metadata"])
        for key in ("title_span", "signer_span", "preamble_span", "issuer_span", "proposal_span", "recipients_span",
                    "effective_span"):
            if meta.get(key) is not None:
                meta[key] = tuple(meta[key])
        meta["basis_spans"] = [tuple(s) for s in meta.get("basis_spans", [])]
        return cls(
            doc_id=data["doc_id"],
            source_path=data["source_path"],
            source_hash=data["source_hash"],
            text=data["text"],
            metadata=Metadata(**meta),
            page_spans=[tuple(p) for p in data.get("page_spans", [])],
            sections=[Section(**s) for s in data.get("sections", [])],
            tasks=[Task(**t) for t in data.get("tasks", [])],
            footnotes=[Footnote(**f) for f in data.get("footnotes", [])],
            facts=[Fact(**f) for f in data.get("facts", [])],
            references=[Reference(**r) for r in data.get("references", [])],
            chunks=[Chunk(**c) for c in data.get("chunks", [])],
            ocr_damaged=data.get("ocr_damaged", False),
            search_text=data.get("search_text", ""),
            warnings=list(data.get("warnings", [])),
        )
