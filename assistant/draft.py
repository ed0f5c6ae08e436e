"""The intermediate result of an answer path, before timing and serialisation."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.schema import Citation, TaskInfo

MAX_ANSWER_CHARS = 680  # FORMAT.md caps answers at 700 characters


@dataclass
class Draft:
    answer: str
    citations: list[Citation] = field(default_factory=list)
    abstained: bool = False
    task: TaskInfo | None = None
    confidence: float = 1.0
    doc_id: str | None = None
    path: str = ""  # which answer path produced it, for logs and tests
    features: dict[str, float] = field(default_factory=dict)  # evidence the confidence model reads
    reason: str = ""  # why it abstains, when it does
    declined: dict[str, str] = field(default_factory=dict)  # paths tried before it, and why each declined
    body: str = ""  # the answer without its source lead ("Theo …:"), when another answer takes it in as a part


def shorten(text: str, limit: int) -> str:
    """Cut ``text`` at a word boundary to at most ``limit`` characters, marking the cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit - 1)
    return text[: cut if cut > limit // 2 else limit - 1].rstrip(" ,;:") + "…"


def fit(parts: list[str], limit: int = MAX_ANSWER_CHARS, sep: str = "\n") -> str:
    """Join parts in order while they fit; the first part is shortened rather than dropped."""
    out: list[str] = []
    used = 0
    for i, part in enumerate(parts):
        cost = len(part) + (len(sep) if out else 0)
        if used + cost <= limit:
            out.append(part)
            used += cost
        elif i == 0:
            out.append(shorten(part, limit))
            used = len(out[0])
    return sep.join(out)
