"""Answer a question about a numbered task from the task records of the appendices.

The task record gives the exact wording of lead, cooperating units, product and deadline.
When the reference also names a section of other plans (``III.5`` = part III, item 5), the
answer says which plan it used and names the alternatives briefly.
"""

from __future__ import annotations

import re

from assistant.cite import cite, source_label
from assistant.deadlines import deadline_in_question, deadline_matches
from assistant.draft import MAX_ANSWER_CHARS, Draft, fit, shorten
from assistant.evidence import coverage, terms
from assistant.query import Query, contains
from assistant.schema import TaskInfo
from ingest.model import Document, Task
from ingest.text import fold
from assistant.lexicon import EXPLICIT_FIELD, FIELD_LABELS_EN, FIELD_LABELS_VI, FIELD_ORDER, FIELD_WORDS, GENERIC_LABEL_WORDS, LIST_CUES, RECORD_NOUN  # noqa: F401


def find_tasks(docs: list[Document], task_ref: str) -> list[tuple[Document, Task]]:
    """Records with this id, then those whose id ends with it under further qualifiers ("Bước 6"
    is also step 6 of table 2, "B2.Bước 6"; "I.1" is also "A.I.1"); the caller ranks them by topic."""
    tail = "." + task_ref
    exact = [(d, t) for d in docs for t in d.tasks if t.task_id == task_ref]
    return exact + [(d, t) for d in docs for t in d.tasks if t.task_id.endswith(tail)]


def task_context(doc: Document, task: Task) -> str:
    """What a record is about beyond its own cells: its groups and the sections its table stands in."""
    titles = [s.title for s in doc.sections if s.start <= task.start < s.end]
    return " ".join([task.group_path or task.group] + titles)


def find_sections(docs: list[Document], task_ref: str) -> list[tuple[Document, str, int, int]]:
    out = []
    for doc in docs:
        for section in doc.sections:
            if section.label == task_ref:
                out.append((doc, section.path, section.start, section.end))
    return out


def _topic_overlap(query: Query, text: str) -> float:
    q = set(terms(query.text)) - {"chu", "tri", "ai", "thoi", "gian", "san", "pham", "phoi", "hop"}
    if not q:
        return 0.0
    t = set(terms(text))
    return len(q & t) / len(q)


def _is_cchc(doc: Document) -> bool:
    title = fold(doc.metadata.title)
    return "cai cach hanh chinh" in title or "cchc" in title


def task_info(doc: Document, task: Task) -> TaskInfo:
    return TaskInfo(doc_id=doc.doc_id, task_id=task.task_id, content=task.content, product=task.product,
                    lead=task.lead, cooperating=task.cooperating, deadline=task.deadline, page=task.page)


def answer_task(query: Query, docs: list[Document], hinted: set[str]) -> Draft | None:
    """A draft from the task table, a section answer, or an abstention for an unknown task."""
    ref = query.task_ref
    assert ref is not None
    tasks = find_tasks(docs, ref)
    sections = find_sections(docs, ref)
    if hinted:
        preferred = [(d, t) for d, t in tasks if d.doc_id in hinted]
        tasks = preferred or ([] if sections and any(d.doc_id in hinted for d, *_ in sections) else tasks)
        preferred_sections = [s for s in sections if s[0].doc_id in hinted]
        sections = preferred_sections or sections
    if tasks:
        # the topic the question names decides; among equals, a CCHC plan (what this assistant serves)
        tasks.sort(key=lambda dt: (-_topic_overlap(query, f"{dt[1].content} {task_context(*dt)}"), not _is_cchc(dt[0])))
        doc, task = tasks[0]
        others = [(d, path) for d, path, *_ in sections if d.doc_id != doc.doc_id][:4]
        draft = task_draft(query, doc, task, others)
        overlap = _topic_overlap(query, f"{task.content} {task_context(doc, task)}")
        rival = max((_topic_overlap(query, f"{t.content} {task_context(d, t)}") for d, t in tasks[1:]), default=0.0)
        draft.features.update({"cover": overlap, "margin": overlap - rival if len(tasks) > 1 else 1.0,
                               "rank": float(task.task_id != ref)})
        same_id = [d for d, _ in tasks[1:] if d.doc_id != doc.doc_id]
        if same_id and not hinted:
            note = (f" (Nhiệm vụ {ref} cũng có trong: " if query.lang != "en" else f" (Task {ref} also exists in: ") + \
                "; ".join(source_label(d)[:80] for d in same_id[:2]) + ")"
            if len(draft.answer) + len(note) <= 690:
                draft.answer += note
        return draft
    if sections and not query.fields or sections and "content" in query.fields:
        doc, path, start, end = sections[0]
        body = doc.text[start:end]
        first_line_end = body.find("\n")
        heading = body[: first_line_end if first_line_end > 0 else len(body)]
        rest = body[len(heading):].strip()
        summary = shorten(rest, 420) if rest else ""
        answer = fit([f"Mục {ref} trong {source_label(doc)}: {heading}.", summary] +
                     ([f"(Cũng có mục {ref} trong: " + "; ".join(source_label(d) for d, *_ in sections[1:3]) + ")"]
                      if len(sections) > 1 else []))
        return Draft(answer, [cite(doc, start, min(end, start + 900))], doc_id=doc.doc_id, path="section", confidence=0.8)
    where = ", ".join(sorted({source_label(d) for d in docs if d.tasks})) or "các kế hoạch hiện có"
    if sections:
        # the reference exists only as a plain section, which has no lead or deadline
        doc, path, start, end = sections[0]
        return Draft(
            f"Mục {ref} trong {source_label(doc)} là phần nội dung, không phải nhiệm vụ có đơn vị chủ trì hay thời hạn. "
            f"Không tìm thấy nhiệm vụ {ref} trong các phụ lục nhiệm vụ.",
            [cite(doc, start, min(end, start + 600))], abstained=True, doc_id=doc.doc_id, path="task-missing",
        )
    groups = sorted({t.task_id.split(".")[0] for d in docs for t in d.tasks})
    hint = f" (các phụ lục hiện có gồm các phần {', '.join(groups)})" if groups else ""
    return Draft(f"Không tìm thấy nhiệm vụ {ref} trong {where}{hint}.", abstained=True, path="task-missing",
                 confidence=1.0)


def _others_line(ref: str, others: list[tuple[Document, str]], english: bool) -> str:
    """'Ngoài ra, III.5 còn là mục “5. Cải cách chế độ công vụ” trong kế hoạch của: …' (short)."""
    clean = [path for d, path in others if not d.ocr_damaged] or [path for _, path in others]
    titles = sorted({path.split(" > ")[-1] for path in clean})
    issuers = "; ".join(dict.fromkeys(d.metadata.issuer or d.doc_id for d, _ in others))
    if english:
        return f"{ref} is also the section “{' / '.join(titles)}” in the plans of: {issuers}."
    return f"Ngoài ra, {ref} còn là mục “{' / '.join(titles)}” trong kế hoạch của: {issuers}."


def _record_name(task: Task, english: bool) -> str:
    """'Nhiệm vụ III.5', 'Thủ tục A.2', 'Bước 3' (a step's id already names it)."""
    noun = RECORD_NOUN.get(task.kind, RECORD_NOUN["task"])[1 if english else 0]
    if task.task_id.split(".")[-1].lower().startswith(("bước", "buoc")) or not noun:
        return task.task_id if not english else task.task_id.replace("Bước", "Step")
    return f"{noun} {task.task_id}"


def field_labels(task: Task, english: bool) -> dict[str, str]:
    """The labels a record's fields are shown with: the table's own header ("Cơ quan thực hiện",
    "Thời hạn giải quyết") in Vietnamese, the project's words where the table has none."""
    if english:
        return dict(FIELD_LABELS_EN)
    labels = dict(FIELD_LABELS_VI)
    for name, label in task.labels.items():
        label = " ".join(label.split())
        if name in labels and label and fold(labels[name]) not in fold(label):  # "Cơ quan thực hiện" ≠ "Chủ trì"
            labels[name] = label[:1] + label[1:].lower() if label.isupper() else label
    return labels


def _asked_extras(query: Query, task: Task) -> list[str]:
    """Other columns the question names by a word of their header ("mã số", "lĩnh vực", "căn cứ")."""
    out = []
    for label, value in task.extra.items():
        words = [w for w in fold(label).replace("/", " ").split() if len(w) > 2 and w not in GENERIC_LABEL_WORDS]
        if value and words and any(contains(query.folded, w) for w in words):
            out.append(label)
    return out


def task_draft(query: Query, doc: Document, task: Task, others: list[tuple[Document, str]]) -> Draft:
    english = query.lang == "en"
    labels = field_labels(task, english)
    asked = [f for f in FIELD_ORDER if f in query.fields] or FIELD_ORDER
    rest = [f for f in FIELD_ORDER if f not in asked]
    values = {"lead": task.lead, "cooperating": task.cooperating, "product": task.product, "deadline": task.deadline}
    for label in _asked_extras(query, task):
        labels[label], values[label] = label, task.extra[label]
        asked.append(label)
    name = _record_name(task, english)
    if english:
        head = f"{name} of {source_label(doc)}: “{shorten(task.content, 170)}”"
    else:
        head = f"{name} ({source_label(doc)}): “{shorten(task.content, 170)}”"
    values = {f: flat(v) for f, v in values.items()}
    # the asked fields first, then the task's other fields; what other plans call by the same number comes last,
    # so that no field line reads as if it belonged to them
    lines = [head] + [f"- {labels[f]}: {values[f]}" for f in asked if values[f]]
    tail = [_others_line(task.task_id, others, english)] if others else []
    for f in rest:  # the other fields while they fit beside the note on other plans
        line = f"- {labels[f]}: {values[f]}"
        if values[f] and sum(len(x) + 1 for x in lines + tail) + len(line) <= MAX_ANSWER_CHARS:
            lines.append(line)
    lines += tail
    answer = fit(lines)
    missing_asked = [f for f in asked if values[f] and f"{labels[f]}: {values[f]}" not in answer]
    if missing_asked:  # keep the asked fields whole: shorten the task's content instead
        lines[0] = head.replace(shorten(task.content, 170), shorten(task.content, 60))
        answer = fit(lines)
    asked_fields = [f for f in asked if f in values]
    found = sum(1 for f in asked_fields if values[f])
    features = {"fields_ratio": found / len(asked_fields) if asked_fields else 1.0}
    return Draft(answer, [cite(doc, task.start, task.end, task_id=task.task_id, task=task)], task=task_info(doc, task),
                 doc_id=doc.doc_id, path="task", confidence=1.0, features=features)


_ITEM_MARK_RE = re.compile(r"(^|;\s*)[-+•]\s+")


def flat(value: str) -> str:
    """A cell listing units as '- A; - B' reads 'A; B' inside an answer line (the citation keeps the cell)."""
    return _ITEM_MARK_RE.sub(r"\1", value).strip()


def normalise_unit(text: str) -> str:
    return fold(text).strip(" -;.")


def wants_task_list(query: Query) -> bool:
    """'Những nhiệm vụ nào …', 'which tasks …' (and no single task named)."""
    return query.task_ref is None and any(contains(query.folded, cue) for cue in LIST_CUES)


def answer_task_list(query: Query, docs: list[Document], hinted: set[str]) -> Draft | None:
    """'Những nhiệm vụ nào phải hoàn thành trong Quý III/2026?', 'Phòng X chủ trì những nhiệm vụ nào?':
    a list of task records filtered by deadline and/or lead unit."""
    if not wants_task_list(query):
        return None
    candidates = [(d, t) for d in docs for t in d.tasks if not hinted or d.doc_id in hinted]
    if not candidates:
        return None
    asked = deadline_in_question(query.text)  # the same reading as `cchc tasks --deadline` and the API
    times = list(asked.phrases) if asked else []
    selected = candidates
    if asked:
        selected = [(d, t) for d, t in selected if deadline_matches(t.deadline, asked)]
    units = _lead_units_named(query, candidates)
    if units:
        selected = [(d, t) for d, t in selected if any(u in fold(t.lead) for u in units)]
    if not (times or units) or not selected:
        return None
    def shown_as_typed(folded: str) -> str:
        pos = query.folded.find(folded)
        return query.text[pos:pos + len(folded)] if pos >= 0 and len(query.text) == len(query.folded) else folded

    criterion = ", ".join([f"thời gian {shown_as_typed(x)}" for x in times] +
                          [f"chủ trì: {shown_as_typed(u)}" for u in units])
    lines = [f"Các nhiệm vụ ({criterion}) — {len(selected)} nhiệm vụ:"]
    for doc, task in selected:
        lines.append(f"- {task.task_id}: {shorten(task.content, 110)} (chủ trì: {shorten(task.lead, 60)}; "
                     f"thời gian: {task.deadline})")
    answer = fit(lines)
    shown = answer.count("\n- ")
    if shown < len(selected):
        answer = fit(lines[: shown + 1] + [f"… và {len(selected) - shown} nhiệm vụ khác (xem `cchc tasks`)."])
    citations = [cite(d, t.start, t.end, task_id=t.task_id) for d, t in selected[:8]]
    return Draft(answer, citations, doc_id=selected[0][0].doc_id, path="task-list", confidence=0.9,
                 features={"fields_ratio": 1.0, "rank": min(1.0, len(selected) / 20)})


def _lead_units_named(query: Query, candidates: list[tuple[Document, Task]]) -> list[str]:
    """Lead units (as written in the tables) that the question names, folded."""
    units: set[str] = set()
    for _, task in candidates:
        for part in re.split(r"[;\n]|\s-\s", task.lead):
            unit = fold(part).strip(" -.;")
            if len(unit.split()) >= 2 and unit in query.folded:
                units.add(unit)
    return sorted(units, key=len, reverse=True)[:2]


def answer_task_by_content(query: Query, docs: list[Document], hinted: set[str], weights, *,
                           min_cover: float = 0.6, margin: float = 0.2) -> Draft | None:
    """A task named by what it is about ("ai chủ trì nhiệm vụ phối hợp kiểm tra việc thi hành
    Luật …"), not by its number: the task row whose content covers the question best, when it
    covers nearly all of it and clearly better than any other row of a different task."""
    asked = {"lead", "cooperating", "deadline", "product"} & set(query.fields)
    if not asked or query.task_ref or not query.units or not EXPLICIT_FIELD.search(query.folded):
        return None  # "kèm theo kế hoạch của cơ quan nào" asks about the plan, not a task's lead
    pool = [(d, t) for d in docs if (not hinted or d.doc_id in hinted) for t in d.tasks if t.content]
    if not pool:
        return None
    accented = query.lang == "vi"
    units = query.units if accented else query.units_folded
    # the words naming the plan and the field asked are common to every row: judge on the rest
    content_units: dict[str, list[str]] = {}
    for d in {d.doc_id: d for d, _ in pool}.values():
        common = f"{d.metadata.naming_text()} {FIELD_WORDS}"
        content_units[d.doc_id] = [u for u in units if coverage([u], common, weights, accented=accented) == 0]
    scored = []
    for doc, task in pool:
        content = content_units[doc.doc_id]
        if len(content) < 2:
            continue
        scored.append((coverage(content, f"{task.content} {task_context(doc, task)}", weights, accented=accented),
                       doc, task))
    if not scored:
        return None
    scored.sort(key=lambda x: -x[0])
    best, doc, task = scored[0]
    rival = next((c for c, d, t in scored[1:] if fold(t.content) != fold(task.content) or d.doc_id != doc.doc_id), 0.0)
    if best < min_cover or best - rival < margin:
        return None
    draft = task_draft(query, doc, task, [])
    draft.path = "task-content"
    draft.features.update({"cover": best, "margin": best - rival})
    return draft
