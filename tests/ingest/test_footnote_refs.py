"""Footnote reference marks: found with one search per superscript, same answer as the direct scan."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.clean import clean_pages
from ingest.structure import find_footnotes

line = st.sampled_from(["¹ Ghi chú một.", "² Ghi chú hai", "Câu có dấu¹ ở đây.", "Hai dấu²³ liền", "¹²", "- Mục thường",
                        "Văn bản¹", "1. Mục", "¹⁰ Ghi chú mười"])


def _direct(notes, text):
    """The definition: every occurrence of a note's mark outside every note body."""
    bodies = [(n.start, n.end) for n in notes]
    out = []
    for note in notes:
        sup = note.text[: len(note.text) - len(note.text.lstrip("¹²³⁴⁵⁶⁷⁸⁹⁰"))]
        out.append([m.start() for m in re.finditer(re.escape(sup) + r"(?![¹²³⁴⁵⁶⁷⁸⁹⁰])", text)
                    if not any(s <= m.start() < e for s, e in bodies)])
    return out


@settings(max_examples=200, deadline=None)
@given(st.lists(line, min_size=1, max_size=12))
def test_reference_marks_match_the_direct_scan(lines: list[str]) -> None:
    cleaned = clean_pages(["\n\n".join(lines)], False)
    notes = find_footnotes(cleaned.blocks, cleaned.text)
    assert [n.ref_offsets for n in notes] == _direct(notes, cleaned.text)


def test_a_mark_inside_another_note_is_not_a_reference() -> None:
    cleaned = clean_pages(["Văn bản¹ chính.\n\n¹ Ghi chú, xem thêm² ở dưới.\n\n² Ghi chú hai."], False)
    notes = find_footnotes(cleaned.blocks, cleaned.text)
    assert [n.mark for n in notes] == ["1", "2"]
    assert notes[0].ref_offsets == [cleaned.text.index("¹")] and notes[1].ref_offsets == []
