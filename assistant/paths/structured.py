"""Answer paths over structure the ingest read: task records, metadata, referenced documents, duties."""

from __future__ import annotations

from assistant.docmatch import BARE_NUMBER_SCORE
from assistant.fact_answer import answer_duty, answer_metadata, answer_references
from assistant.lexicon import META_ORDER
from assistant.paths.base import Context, Outcome
from assistant.query import Query
from assistant.task_answer import answer_task, answer_task_by_content, answer_task_list, wants_task_list
from ingest import diacritics

_TASK_FIELDS = {"lead", "cooperating", "deadline", "product"}
TITLE_MATCH_LEAD = 1.5  # a plan matched on title words must score this much more than the next


def _order(ctx: Context) -> list[str]:
    """The plans to answer from: those the question names (by issuer and title, or by number),
    best match first. A plan matched on a title word or two alone is no answer to "who signed it"."""
    order = [d for d in ctx.ranked if d in ctx.hinted]
    if not order:
        named = {m.doc_id for m in ctx.matches if m.score >= BARE_NUMBER_SCORE}
        order = [d for d in ctx.ranked if d in named]
    if not order and ctx.matches:  # named by title words alone: only when one plan stands out
        runner_up = ctx.matches[1].score if len(ctx.matches) > 1 else 0.0
        if ctx.matches[0].score >= TITLE_MATCH_LEAD * runner_up:
            order = [ctx.matches[0].doc_id]
    if not order and len(ctx.docs) == 1:
        order = [ctx.docs[0].doc_id]
    return order


class TaskByReference:
    """'Ai chủ trì nhiệm vụ III.5?', 'bước 6', 'nhiệm vụ 2 mục II': the record with that id."""

    name = "task"

    def applies(self, query: Query) -> bool:
        return query.task_ref is not None

    def answer(self, query: Query, ctx: Context) -> Outcome:
        draft = answer_task(query, ctx.docs, ctx.hinted)
        return Outcome(draft, "" if draft else f"no record or section {query.task_ref}")


class TaskList:
    """'Những nhiệm vụ nào … Quý III/2026', 'Phòng X chủ trì những nhiệm vụ nào'."""

    name = "task-list"

    def applies(self, query: Query) -> bool:
        return wants_task_list(query)

    def answer(self, query: Query, ctx: Context) -> Outcome:
        draft = answer_task_list(query, ctx.docs, ctx.hinted)
        return Outcome(draft, "" if draft else "no time or lead unit to filter the records by, or none matches")


class TaskByContent:
    """A record named by what it is about: 'ai chủ trì nhiệm vụ kiểm tra việc thi hành …'."""

    name = "task-content"

    def applies(self, query: Query) -> bool:
        return query.task_ref is None and bool(_TASK_FIELDS & set(query.fields))

    def answer(self, query: Query, ctx: Context) -> Outcome:
        if not any(d.tasks for d in ctx.docs if not ctx.hinted or d.doc_id in ctx.hinted):
            return Outcome(None, "the plans in scope have no task records")
        ctx.add_units(query)
        draft = answer_task_by_content(query, ctx.docs, ctx.hinted, ctx.weights)
        return Outcome(draft, "" if draft else "no record covers the question clearly better than the others")


class Metadata:
    """Number, date, issuer, signer, proposal, entry into force, recipients of the plan named."""

    name = "metadata"

    def applies(self, query: Query) -> bool:
        return any(i in query.intents for i in META_ORDER)

    def answer(self, query: Query, ctx: Context) -> Outcome:
        order = _order(ctx)
        if not order:
            return Outcome(None, "the question names no plan")
        draft = answer_metadata(query, ctx.docs, order)
        return Outcome(draft, "" if draft else "the plan states none of the parts asked")


class References:
    """The documents a plan implements, cites or replaces ('căn cứ những văn bản nào')."""

    name = "references"

    def applies(self, query: Query) -> bool:
        return "references" in query.intents

    def answer(self, query: Query, ctx: Context) -> Outcome:
        order = [d for d in ctx.ranked if d in ctx.hinted] or ctx.ranked
        if not order:
            return Outcome(None, "the question names no plan")
        draft = answer_references(query, ctx.docs, order)
        return Outcome(draft, "" if draft else "no referenced document of the kind asked")


class Duty:
    """A unit's duties in 'Tổ chức thực hiện' ('Sở Tư pháp có nhiệm vụ gì')."""

    name = "duty"

    def applies(self, query: Query) -> bool:
        return "duty" in query.intents

    def answer(self, query: Query, ctx: Context) -> Outcome:
        draft = answer_duty(query, ctx.docs, ctx.hinted, diacritics.ocr_fold)
        return Outcome(draft, "" if draft else "no unit named by the question has duties listed (or several plans tie)")
