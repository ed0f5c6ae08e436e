"""Lookups made linear (bisection instead of scans): same answers as the direct definitions.

Footnote reference marks, the unit and section of a dated obligation, the duty paragraphs of
each unit, and labelled task lists are compared with the straightforward (quadratic) code on
generated plans.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest import facts as facts_module
from ingest.clean import clean_pages
from ingest.labelled_tasks import _LABELS, labelled_tasks
from ingest.structure import build_sections, find_footnotes
from ingest.text import fold_aligned

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


plan_line = st.sampled_from([
    "I. TỔ CHỨC THỰC HIỆN", "II. NHIỆM VỤ", "1. Sở Nội vụ", "2. Văn phòng UBND tỉnh:", "2.1. Phòng Tổ chức",
    "a) Rà soát thủ tục", "- Gửi báo cáo trước ngày 15/6/2026.", "- Chậm nhất 07 ngày sau khi nhận.",
    "- Cơ quan chủ trì: Sở Tư pháp", "- Thời gian thực hiện: Quý III/2026", "- Nội dung thực hiện: số hóa",
    "- Thực hiện định kỳ hằng quý.", "Trên đây là kế hoạch.", "Nơi nhận:", "Văn bản thường.",
])


def _direct_responsibilities(text, blocks, sections):
    out = []
    for parent in facts_module._org_sections(sections):
        children = [s for s in sections if s.start >= parent.start and s.end <= parent.end and s.level == parent.level + 1]
        for child in children:
            body = [b for b in blocks if child.start <= b.start < child.end and b.kind == "line"]
            if body:
                out.append((child.start, child.title))
    return out


def _direct_deadline_places(blocks, sections, duties):
    out = []
    for block in blocks:
        folded = fold_aligned(block.text)
        if block.kind != "line" or not any(p.search(folded) for p in facts_module._DEADLINE_PATTERNS):
            continue
        unit = next((f.unit for f in duties if f.start <= block.start < f.end), "")
        section = next((s.title for s in reversed(sections) if s.start <= block.start < s.end), "")
        out.append((block.start, unit, section))
    return out


def _direct_labelled(blocks, sections):
    out = []
    for index, section in enumerate(sections):
        if section.level < 2:
            continue
        children = [s for s in sections[index + 1:] if s.start < section.end and s.level > section.level]
        own_end = children[0].start if children else section.end
        names = []
        for block in blocks:
            if section.start < block.start < own_end and block.kind == "line":
                folded = fold_aligned(block.text)
                names += [name for name, pattern in _LABELS if pattern.match(folded)][:1]
        if "lead" in names:
            out.append(section.label)
    return out


@settings(max_examples=200, deadline=None)
@given(st.lists(plan_line, min_size=1, max_size=25))
def test_facts_and_labelled_tasks_match_the_direct_definitions(lines: list[str]) -> None:
    cleaned = clean_pages(["\n".join(lines)], False)
    sections, _ = build_sections(cleaned.blocks, len(cleaned.text))
    found = facts_module.extract_facts(cleaned.text, cleaned.blocks, sections)
    duties = [f for f in found if f.kind == "responsibility"]
    assert [(f.start, f.section) for f in duties] == _direct_responsibilities(cleaned.text, cleaned.blocks, sections)
    deadlines = [(f.start, f.unit, f.section) for f in found if f.kind == "deadline"]
    assert deadlines == _direct_deadline_places(cleaned.blocks, sections, duties)
    assert [t.task_id for t in labelled_tasks(cleaned.blocks, sections, set())] == _direct_labelled(cleaned.blocks, sections)
