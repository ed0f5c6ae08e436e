"""Administrative abbreviations in questions and evidence: "ubnd xã", "BHYT", "qd 44/2025", "Bộ NN&MT".

A question that writes ``bhyt`` and a plan that writes ``bảo hiểm y tế`` (or the reverse) say the
same thing; searching and measuring coverage on one form alone abstains on answers that are there.
The table is ``ABBREVIATIONS`` in the lexicon; a kind of document is expanded only before a number.
"""

from __future__ import annotations

import re

from assistant.lexicon import ABBREVIATIONS, DOC_KIND_ABBREVIATIONS, ORG_ABBREVIATIONS



def _written_forms(table: dict[str, str]) -> dict[str, str]:
    """Each folded key in every way it is written, lower-cased: "hdnd" is also "hđnd" (HĐND)."""
    out: dict[str, str] = {}
    for key, full in table.items():
        forms = [""]
        for ch in key:
            forms = [f + c for f in forms for c in (("d", "đ") if ch == "d" else (ch,))]
        out.update(dict.fromkeys(forms, full))
    return out


# Coverage runs this over every candidate passage: one C-level scan for tokens, a dict look-up each.
# Whole tokens only, never inside a code ("29/KH-UBND"); a kind of document only before its number.
_TOKEN_RE = re.compile(r"(?<![\w/\-&.])(\w[\w&.]*\w)(?![\w/\-&])")
# documents write their abbreviations in capitals: scanning only those is several times faster
_CAPITALS_RE = re.compile(r"(?<![\w/\-&.])([A-ZĐ][A-ZĐ&.]*[A-ZĐ])(?![\w/\-&])")
_BEFORE_NUMBER_RE = re.compile(r"\s+(?:số\s+|so\s+)?\d")
_ALL = _written_forms(ABBREVIATIONS)
_NAMES = _written_forms(ORG_ABBREVIATIONS)
_KINDS = _written_forms(DOC_KIND_ABBREVIATIONS)


def expansions(text: str, names_only: bool = False, capitals_only: bool = False) -> list[tuple[int, int, str]]:
    """(start, end, what it stands for) of every abbreviation in ``text``; with ``names_only``,
    only names of bodies and places and kinds of document (what names a plan); with
    ``capitals_only``, only abbreviations written in capitals (how documents write them)."""
    table = _NAMES if names_only else _ALL
    out = []
    for m in (_CAPITALS_RE if capitals_only else _TOKEN_RE).finditer(text):
        token = m.group(1).lower()
        full = table.get(token)
        if full is None and token in _KINDS and _BEFORE_NUMBER_RE.match(text, m.end()):
            full = _KINDS[token]
        if full is not None:
            out.append((m.start(), m.end(), full))
    return out


def with_expansions(text: str, names_only: bool = False) -> str:
    """``text`` with what each abbreviation stands for added after it: both forms stay searchable."""
    parts, pos = [], 0
    for _start, end, full in expansions(text, names_only):
        parts += [text[pos:end], f" {full}"]
        pos = end
    return "".join(parts) + text[pos:] if parts else text
