"""Strip the Markdown a web crawl leaves in a line (headings, bold/italic markers, escapes)."""

from __future__ import annotations

import re

_MD_HEADING_RE = re.compile(r"^#{1,6}\s*")
_SPACES_RE = re.compile(r"[ \u00a0\u2002-\u200b]+")
_ITALIC_RE = re.compile(r"(?<![(*])\*(?![*)])")  # a lone '*', but not "(*)" or "**"


def strip_markup(raw: str) -> tuple[str, bool]:
    """The line's text without Markdown markers, and whether it was a ``#`` heading."""
    text = _SPACES_RE.sub(" ", raw).strip()
    md_heading = bool(_MD_HEADING_RE.match(text)) and text.startswith("#")
    if md_heading:
        text = _MD_HEADING_RE.sub("", text)
    text = text.replace("**", "").replace("__", "")
    if text.startswith("*") and not text.startswith("* "):
        text = text.lstrip("*")
    if text.endswith("*"):
        text = text.rstrip("*")
    text = text.replace("\\", "")
    text = _ITALIC_RE.sub("", text)  # "Văn bản *số 794*/SDTTG": emphasis markers inside a line
    return text.strip(), md_heading
