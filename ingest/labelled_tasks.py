"""Tasks written as labelled lists instead of tables, a common layout of Vietnamese plans:

    2. Tổ chức tập huấn, bồi dưỡng, hướng dẫn chuyên môn, nghiệp vụ
    - Nội dung thực hiện: …
    - Cơ quan chủ trì: Sở Nội vụ, Sở Giáo dục và Đào tạo, Sở Tài chính.
    - Cơ quan phối hợp: …
    - Thời gian thực hiện: Năm 2025 và các năm tiếp theo.

Each numbered section with such labels becomes a task record whose id is the section label
(``II.2``) and whose span runs from the heading to the last labelled line.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from ingest.clean import Block
from ingest.model import Section, Task
from ingest.text import fold_aligned

_LABELS: list[tuple[str, re.Pattern[str]]] = [
    ("lead", re.compile(r"^[-+•*]?\s*(?:(?:co quan|don vi|bo phan)\s+)?(?:chu tri|chiu trach nhiem chinh)"
                        r"(?:\s+thuc hien)?\s*:\s*")),
    ("cooperating", re.compile(r"^[-+•*]?\s*(?:(?:co quan|don vi)\s+)?phoi hop(?:\s+thuc hien)?\s*:\s*")),
    ("deadline", re.compile(r"^[-+•*]?\s*(?:thoi gian|thoi han|tien do)(?:\s+(?:thuc hien|hoan thanh|du kien hoan thanh))?"
                            r"\s*:\s*")),
    ("product", re.compile(r"^[-+•*]?\s*(?:san pham|ket qua)(?:\s+(?:du kien|dau ra))?\s*:\s*")),
    ("content", re.compile(r"^[-+•*]?\s*noi dung(?:\s+(?:thuc hien|cong viec))?\s*:\s*")),
]


def labelled_tasks(blocks: list[Block], sections: list[Section], existing: set[str]) -> list[Task]:
    """Task records of numbered sections whose items carry 'chủ trì:' style labels.

    Sections and blocks are both in text order, so each section looks only at its own blocks
    (found by bisection) and at the sections that open inside it: linear in the document, where
    scanning every block for every section was quadratic (minutes for 40,000 numbered lines).
    """
    tasks: list[Task] = []
    line_blocks = [b for b in blocks if b.kind == "line"]
    starts = [b.start for b in line_blocks]
    for index, section in enumerate(sections):
        if section.level < 2 or section.label in existing:
            continue
        own_end = section.end
        for later_index in range(index + 1, len(sections)):
            later = sections[later_index]
            if later.start >= section.end:
                break
            if later.level > section.level:  # the first subsection ends this section's own text
                own_end = later.start
                break
        fields: dict[str, str] = {}
        last_end = section.start
        for block in line_blocks[bisect_right(starts, section.start):bisect_left(starts, own_end)]:
            folded = fold_aligned(block.text)
            for name, pattern in _LABELS:
                match = pattern.match(folded)
                if match and name not in fields:
                    fields[name] = block.text[match.end():].strip()
                    last_end = block.end
                    break
        if "lead" not in fields:
            continue
        content = section.title
        if fields.get("content"):
            content = f"{section.title}: {fields['content']}"
        tasks.append(Task(
            task_id=section.label, group=section.path.split(" > ")[0], content=content,
            product=fields.get("product", ""), lead=fields["lead"], cooperating=fields.get("cooperating", ""),
            deadline=fields.get("deadline", ""), start=section.start, end=last_end, page=section.page,
        ))
    return tasks
