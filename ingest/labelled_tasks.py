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
    """Task records of numbered sections whose items carry 'chủ trì:' style labels."""
    tasks: list[Task] = []
    for index, section in enumerate(sections):
        if section.level < 2 or section.label in existing:
            continue
        children = [s for s in sections[index + 1:] if s.start < section.end and s.level > section.level]
        own_end = children[0].start if children else section.end
        fields: dict[str, str] = {}
        last_end = section.start
        for block in blocks:
            if not (section.start < block.start < own_end) or block.kind != "line":
                continue
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
