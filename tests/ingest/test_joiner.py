"""Re-joining a paragraph's lines: same text as folding join_fragments, at a cost linear in its length."""

from __future__ import annotations

import re
from functools import reduce

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest import clean
from ingest.clean import clean_pages
from ingest.joiner import Paragraph
from ingest.text import ends_with_code_tail, join_fragments

pieces = st.text(alphabet=st.sampled_from(list("aZ9-/ “”()\t.\n")) | st.characters(), max_size=12)


@settings(max_examples=300, deadline=None)
@given(first=pieces, rest=st.lists(pieces, max_size=8))
def test_paragraph_text_equals_folding_join_fragments(first: str, rest: list[str]) -> None:
    para = Paragraph(first)
    for piece in rest:
        para.append(piece)
    expected = reduce(join_fragments, rest, first) if rest else first
    assert para.text == expected
    assert len(para) == len(expected)
    assert para.unbalanced() == (expected.count("“") > expected.count("”") or expected.count("(") > expected.count(")"))
    assert para.ends_with_code_tail() == bool(re.search(r"[0-9A-Za-zÀ-ỹĐđ]-$", expected))
    for suffix in (".", "/", ("!", "?"), "a-", "x y"):
        assert para.endswith(suffix) == expected.endswith(suffix)


@given(st.text(max_size=20))
def test_code_tail_looks_only_at_the_end_but_agrees_with_a_full_search(text: str) -> None:
    assert ends_with_code_tail(text) == bool(re.search(r"[0-9A-Za-zÀ-ỹĐđ]-$", text))


def test_code_split_is_joined_without_space() -> None:
    para = Paragraph("Kế hoạch số 29/KH-")
    para.append("UBND ngày 30/01/2026")
    assert para.text == "Kế hoạch số 29/KH-UBND ngày 30/01/2026"


def _characters_examined(monkeypatch, lines: int, text_of) -> int:
    """Characters of the growing paragraph that re-joining hands to the whole-text checks."""
    seen = [0]
    real = clean.is_heading_like

    def counting(text: str) -> bool:
        seen[0] += len(text)
        return real(text)

    monkeypatch.setattr(clean, "is_heading_like", counting)
    clean_pages([text_of(lines)], False)
    return seen[0]


def test_rejoining_examines_a_bounded_number_of_characters_per_line(monkeypatch) -> None:
    """Quadratic re-joining read the whole paragraph at each line (n²/2 characters for n lines)."""
    for text_of in (lambda n: "a\n" * n, lambda n: "A\n" * n):
        small = _characters_examined(monkeypatch, 2_000, text_of)
        large = _characters_examined(monkeypatch, 4_000, text_of)
        assert large <= 2 * small + 1_000
        assert large <= 4_000 * 200  # at most a heading's length per line
