"""``GET /v1/search`` and ``GET /v1/tasks``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request

from api.deps import BackendDep, SettingsDep, run_cpu
from api.messages import MSG
from api.models import error_responses
from assistant.schema import SearchHit, TaskInfo

router = APIRouter(prefix="/v1", tags=["search"])


@router.get("/search", response_model=list[SearchHit], responses=error_responses(422, 429, 500, 503))
async def search(
    request: Request,
    backend: BackendDep,
    settings: SettingsDep,
    q: Annotated[str, Query(description="search text")],
    k: Annotated[int, Query(ge=1, le=50, description="number of hits")] = 10,
    doc_id: Annotated[str | None, Query(max_length=200, description="only this plan")] = None,
) -> list[SearchHit]:
    """Ranked passages of the plans (hybrid retrieval), with their offsets in the cleaned text."""
    query = q.strip()
    if not query:
        raise HTTPException(422, MSG["query_empty"])
    if len(query) > settings.max_question_chars:
        raise HTTPException(422, MSG["query_too_long"].format(limit=settings.max_question_chars))
    return await run_cpu(request, backend.search, query, k=k, doc_id=doc_id or None)


_DEADLINE_HELP = ("due within this time, read by meaning (assistant.deadlines): 'Quý III/2026' also finds "
                  "'Quý II, III/2026'; 'năm 2026', 'Tháng 6/2026', '2026-2030', 'thường xuyên'")


@router.get("/tasks", response_model=list[TaskInfo], responses=error_responses(422, 429, 500, 503))
async def tasks(
    request: Request,
    backend: BackendDep,
    doc_id: Annotated[str | None, Query(max_length=200, description="only this plan")] = None,
    lead: Annotated[str | None, Query(max_length=200, description="lead agency contains this")] = None,
    deadline: Annotated[str | None, Query(max_length=200, description=_DEADLINE_HELP)] = None,
) -> list[TaskInfo]:
    """Task records of the plans' appendices, filtered."""
    return await run_cpu(request, backend.tasks, doc_id=doc_id or None, lead=lead or None, deadline=deadline or None)
