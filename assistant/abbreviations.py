"""Administrative abbreviations in questions and evidence: "ubnd xã", "BHYT", "qd 44/2025", "Bộ NN&MT".

A question that writes ``bhyt`` and a plan that writes ``bảo hiểm y tế`` (or the reverse) say the
same thing; searching and measuring coverage on one form alone abstains on answers that are there.
The table is ``ABBREVIATIONS`` in the lexicon; a kind of document is expanded only before a number.
"""

from __future__ import annotations

import re

from assistant.lexicon import ABBREVIATIONS, DOC_KIND_ABBREVIATIONS, ORG_ABBREVIATIONS
from ingest.text import fold

_TOKEN_RE = re.compile(r"(?<![\w/\-&.])(\w[\w&.]*\w)(?![\w/\-&])")
_BEFORE_NUMBER_RE = re.compile(r"\s+(?:số\s+|so\s+)?\d")


def expansions(text: str, names_only: bool = False) -> list[tuple[int, int, str]]:
    """(start, end, what it stands for) of every abbreviation in ``text``; with ``names_only``,
    only names of bodies and places and kinds of document (what names a plan)."""
    table = ORG_ABBREVIATIONS if names_only else ABBREVIATIONS
    out = []
    for m in _TOKEN_RE.finditer(text):
        key = fold(m.group(1)).lower()
        full = table.get(key)
        if full is None and key in DOC_KIND_ABBREVIATIONS and _BEFORE_NUMBER_RE.match(text, m.end()):
            full = DOC_KIND_ABBREVIATIONS[key]
        if full is not None:
            out.append((m.start(), m.end(), full))
    return out


def expanded(text: str, names_only: bool = False) -> str:
    """``text`` with every abbreviation written out ("ubnd xã" -> "Ủy ban nhân dân xã")."""
    parts, pos = [], 0
    for start, end, full in expansions(text, names_only):
        parts += [text[pos:start], full]
        pos = end
    return "".join(parts) + text[pos:] if parts else text


def with_expansions(text: str, names_only: bool = False) -> str:
    """``text`` with what each abbreviation stands for added after it: both forms stay searchable."""
    parts, pos = [], 0
    for _start, end, full in expansions(text, names_only):
        parts += [text[pos:end], f" {full}"]
        pos = end
    return "".join(parts) + text[pos:] if parts else text
