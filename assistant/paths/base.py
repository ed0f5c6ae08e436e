"""What every answer path is: a name, a test of whether the question is of its kind, and an
answer that is a draft or a reason for declining. The order they are tried in is declared once,
in :data:`assistant.paths.PATHS`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from assistant.draft import Draft
from assistant.query import Query

if TYPE_CHECKING:
    from assistant.docmatch import DocMatcher
    from assistant.evidence import TermWeights
    from assistant.settings import Settings
    from index.hybrid import HybridIndex
    from ingest.model import Document


@dataclass
class Context:
    """What a path may read: the documents in scope, the plans the question names, the index."""

    docs: list["Document"]
    hinted: set[str]  # plans the question names (by number, issuer, title)
    ranked: list[str]  # plans the question points at, best first
    index: "HybridIndex"
    weights: "TermWeights"
    matcher: "DocMatcher"
    settings: "Settings"
    add_units: Callable[[Query], None]  # segment the question (costly: only paths that weigh evidence call it)
    matches: list = field(default_factory=list)  # the DocMatch behind ``ranked`` (how each was named)
    extractive_threshold: float = 0.62
    declined: dict[str, str] = field(default_factory=dict)


@dataclass
class Outcome:
    """A path's answer, or why it declined (kept in the answer and the logs)."""

    draft: Draft | None = None
    reason: str = ""


class AnswerPath(Protocol):
    name: str

    def applies(self, query: Query) -> bool:
        """Is the question of this path's kind at all (cheap: no retrieval)?"""

    def answer(self, query: Query, ctx: Context) -> Outcome:
        """A draft, or the reason this path does not answer."""
