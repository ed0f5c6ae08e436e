"""What the HTTP layer needs from the assistant (``assistant.Assistant`` implements it)."""

from __future__ import annotations

import pathlib
from collections.abc import Callable
from typing import Protocol, runtime_checkable

from assistant.schema import Answer, DocumentDetail, DocumentInfo, SearchHit, TaskInfo, Turn, UploadedDocument


@runtime_checkable
class Backend(Protocol):
    """The question-answering engine behind the API; one instance shared by all requests."""

    ready: bool

    def ask(self, question: str, history: list[Turn] | None = None, doc_ids: list[str] | None = None) -> Answer: ...

    def search(self, query: str, k: int = 10, doc_id: str | None = None) -> list[SearchHit]: ...

    def documents(self) -> list[DocumentInfo]: ...

    def document(self, doc_id: str) -> DocumentDetail | None: ...

    def document_text(self, doc_id: str) -> str | None:
        """The cleaned text that citation offsets point into."""
        ...

    def tasks(self, doc_id: str | None = None, lead: str | None = None, deadline: str | None = None) -> list[TaskInfo]: ...

    def add_document(self, path: pathlib.Path, *, timeout: float | None = None,
                     cancelled: Callable[[], bool] | None = None) -> UploadedDocument:
        """Ingest a file; raises ValueError with a user-facing message when it cannot.

        ``timeout``: seconds the parse may take; ``cancelled()`` turns true when the client has gone.
        """
        ...

    def delete_document(self, doc_id: str) -> bool:
        """False when the id is unknown."""
        ...
