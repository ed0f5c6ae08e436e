"""Scoring: pure functions that judge answer records exactly like ``score.py`` and aggregate.

The reference scorer is the contract (FORMAT.md): :func:`judge` and
:func:`confident_wrong` mirror it rule for rule so ``cchc eval`` and ``score.py`` print the
same ``score:`` on the same answers file. Everything else (per-kind tables, retrieval
recall/MRR, latency, failure reasons) is built on top without changing those rules.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from eval.questions import KINDS, LANGS, Question
from ingest.text import fold

MAX_ANSWER_CHARS = 700  # an answer, not a dumped page (score.py)
CUTOFFS: tuple[int, ...] = (1, 5, 10)

Record = Mapping[str, Any]


class Hit(Protocol):
    """What retrieval scoring needs of a search hit (``assistant.schema.SearchHit`` fits)."""

    doc_id: str
    text: str


# --------------------------------------------------------------------------- judging


@dataclass(frozen=True)
class Judgement:
    """score.py's four verdicts for one question, plus what a reader needs to see why."""

    answer: bool
    cited: bool
    abstain_ok: bool
    right: bool
    concise: bool = True
    abstained: bool = False
    has_record: bool = True


def _answer_text(rec: Record) -> str:
    return rec.get("answer") or ""


def _content_ok(q: Question, text: str) -> bool:
    folded = fold(text)
    return all(fold(e) in folded for e in q.expect_all) and all(
        any(fold(x) in folded for x in grp) for grp in q.expect_any)


def _cites_gold(q: Question, rec: Record) -> bool:
    golds = [fold(g) for g in q.gold_quote]
    for c in rec.get("citations") or []:
        if c.get("doc_id") == q.doc:
            quote = fold(c.get("quote") or c.get("text") or "")
            if any(g in quote for g in golds):
                return True
    return False


def judge(q: Question, rec: Record | None) -> Judgement:
    """Judge one answer record like score.py: right = content + gold citation + ≤700 chars + not abstained."""
    if rec is None:
        return Judgement(False, False, False, False, concise=True, abstained=False, has_record=False)
    abst = bool(rec.get("abstained"))
    if not q.answerable:
        return Judgement(abst, abst, abst, abst, concise=True, abstained=abst)
    text = _answer_text(rec)
    ans = _content_ok(q, text)
    cited = _cites_gold(q, rec)
    concise = len(text) <= MAX_ANSWER_CHARS
    return Judgement(answer=ans and not abst, cited=cited, abstain_ok=not abst,
                     right=ans and cited and concise and not abst, concise=concise, abstained=abst)


def confident_wrong(q: Question, rec: Record | None) -> bool:
    """CRAG's hallucination: answered (not abstained) but the content is wrong."""
    if rec is None or rec.get("abstained"):
        return False
    return (not q.answerable) or not judge(q, rec).answer


def failure_reasons(q: Question, rec: Record | None) -> list[str]:
    """Why a question is not right, in words a reader of the report understands."""
    if rec is None:
        return ["no answer record"]
    abst = bool(rec.get("abstained"))
    if not q.answerable:
        return [] if abst else ["answered a question the documents do not answer"]
    reasons: list[str] = []
    if abst:
        reasons.append("abstained on an answerable question")
    folded = fold(_answer_text(rec))
    missing = [e for e in q.expect_all if fold(e) not in folded]
    if missing:
        reasons.append("answer lacks: " + "; ".join(missing))
    for grp in q.expect_any:
        if not any(fold(x) in folded for x in grp):
            reasons.append("answer lacks one of: " + " | ".join(grp))
    if not _cites_gold(q, rec):
        docs = sorted({str(c.get("doc_id")) for c in rec.get("citations") or []})
        where = f" (cited: {', '.join(docs)})" if docs else " (no citations)"
        reasons.append(f"no citation of {q.doc} quoting the gold text{where}")
    n = len(_answer_text(rec))
    if n > MAX_ANSWER_CHARS:
        reasons.append(f"answer too long ({n} > {MAX_ANSWER_CHARS} characters)")
    return reasons


def expected_text(q: Question) -> str:
    """The expectation of a question as one readable line."""
    if not q.answerable:
        return "abstain (the documents do not answer)"
    parts = []
    if q.expect_all:
        parts.append("all of: " + "; ".join(q.expect_all))
    parts.extend("one of: " + " | ".join(g) for g in q.expect_any)
    parts.append(f"cite {q.doc} quoting: " + " | ".join(q.gold_quote))
    return " — ".join(parts)


# --------------------------------------------------------------------------- retrieval


@dataclass(frozen=True)
class Ranks:
    """Where retrieval put the gold evidence of one question (1-based; None = not retrieved)."""

    gold_rank: int | None
    doc_rank: int | None
    n_hits: int = 0
    latency_ms: float | None = None
    error: str | None = None


def gold_rank(q: Question, hits: Sequence[Hit]) -> int | None:
    """Rank of the first hit of the gold doc whose text holds one gold quote (folded)."""
    golds = [fold(g) for g in q.gold_quote]
    for i, h in enumerate(hits, start=1):
        if h.doc_id == q.doc and any(g in fold(h.text) for g in golds):
            return i
    return None


def doc_rank(q: Question, hits: Sequence[Hit]) -> int | None:
    """Rank of the first hit from the gold document (a weaker signal than :func:`gold_rank`)."""
    return next((i for i, h in enumerate(hits, start=1) if h.doc_id == q.doc), None)


def rank_question(q: Question, hits: Sequence[Hit], latency_ms: float | None = None) -> Ranks:
    """Both ranks of one question's ranked hits."""
    return Ranks(gold_rank(q, hits), doc_rank(q, hits), len(hits), latency_ms)


@dataclass
class Retrieval:
    """Recall@k and MRR over answerable questions, for the gold span and the gold document."""

    n: int
    recall: dict[int, float | None]
    mrr: float | None
    doc_recall: dict[int, float | None]
    doc_mrr: float | None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"n": self.n}
        out.update({f"recall@{k}": v for k, v in self.recall.items()})
        out["mrr"] = self.mrr
        out.update({f"doc_recall@{k}": v for k, v in self.doc_recall.items()})
        out["doc_mrr"] = self.doc_mrr
        return out


def _recall(ranks: list[int | None], cutoffs: Sequence[int]) -> tuple[dict[int, float | None], float | None]:
    n = len(ranks)
    if not n:
        return {k: None for k in cutoffs}, None
    recall = {k: sum(1 for r in ranks if r is not None and r <= k) / n for k in cutoffs}
    return recall, sum(1.0 / r for r in ranks if r is not None) / n


def retrieval_metrics(ranks: Iterable[Ranks | None], cutoffs: Sequence[int] = CUTOFFS) -> Retrieval:
    """Aggregate per-question ranks (None = question not searched or failed → a miss)."""
    rs = list(ranks)
    recall, mrr = _recall([r.gold_rank if r else None for r in rs], cutoffs)
    doc_recall, doc_mrr = _recall([r.doc_rank if r else None for r in rs], cutoffs)
    return Retrieval(len(rs), recall, mrr, doc_recall, doc_mrr)


# --------------------------------------------------------------------------- aggregates


@dataclass
class Shares:
    """Share of questions right, and of each partial verdict, in one group."""

    n: int
    right: float
    answer: float
    cited: float
    abstain_ok: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def shares(judgements: Sequence[Judgement]) -> Shares:
    """Mean of each verdict over a group (the numbers score.py prints per line)."""
    n = len(judgements)
    if not n:
        return Shares(0, 0.0, 0.0, 0.0, 0.0)
    return Shares(n, *(sum(getattr(j, m) for j in judgements) / n for m in ("right", "answer", "cited", "abstain_ok")))


@dataclass
class Abstention:
    """Did the assistant abstain exactly when it should? (positive class: unanswerable)."""

    abstained: int
    unanswerable: int
    correct: int
    precision: float | None
    recall: float | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def abstention(questions: Sequence[Question], judgements: Sequence[Judgement]) -> Abstention:
    """Precision = abstained & unanswerable / abstained; recall = … / unanswerable."""
    abst = sum(j.abstained for j in judgements)
    unans = sum(not q.answerable for q in questions)
    correct = sum(j.abstained and not q.answerable for q, j in zip(questions, judgements))
    return Abstention(abst, unans, correct, correct / abst if abst else None, correct / unans if unans else None)


def percentile(values: Iterable[float], p: float) -> float | None:
    """The p-th percentile (0–100) with linear interpolation (numpy's default)."""
    xs = sorted(values)
    if not xs:
        return None
    pos = (len(xs) - 1) * p / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


@dataclass
class Latency:
    """Latency summary in milliseconds."""

    n: int
    p50: float | None
    p95: float | None
    mean: float | None
    max: float | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def latency(values: Iterable[float]) -> Latency:
    """p50/p95/mean/max of latencies (ms)."""
    xs = [float(v) for v in values]
    if not xs:
        return Latency(0, None, None, None, None)
    return Latency(len(xs), percentile(xs, 50), percentile(xs, 95), sum(xs) / len(xs), max(xs))


@dataclass
class QuestionResult:
    """Per-question outcome (what ``--baseline`` compares question by question)."""

    id: str
    kind: str
    lang: str
    answerable: bool
    right: bool | None
    answer: bool | None
    cited: bool | None
    abstain_ok: bool | None
    concise: bool | None
    abstained: bool | None
    confident_wrong: bool | None
    gold_rank: int | None
    doc_rank: int | None
    latency_ms: float | None


@dataclass
class Failure:
    """A question not right, with everything needed to see why."""

    id: str
    kind: str
    lang: str
    question: str
    expected: str
    answer: str
    abstained: bool
    citations: list[dict[str, Any]]
    reasons: list[str]
    gold_rank: int | None = None


@dataclass
class Metrics:
    """Everything the terminal summary, the HTML report and metrics.json show."""

    n: int
    retrieval_only: bool
    score: float | None
    confident_wrong: int | None
    truthfulness: float | None
    overall: Shares | None
    by_kind: dict[str, Shares]
    by_lang: dict[str, Shares]
    abstention: Abstention | None
    retrieval: Retrieval | None
    retrieval_by_lang: dict[str, Retrieval]
    retrieval_by_kind: dict[str, Retrieval]
    latency: Latency
    search_latency: Latency
    questions: list[QuestionResult] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)

    @property
    def headline(self) -> float:
        """The single number gated by ``--min-score``: share right, or recall@10 when retrieval-only."""
        if self.retrieval_only:
            return (self.retrieval.recall.get(max(self.retrieval.recall)) or 0.0) if self.retrieval else 0.0
        return self.score or 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (metrics.json)."""
        return {
            "n": self.n,
            "retrieval_only": self.retrieval_only,
            "score": self.score,
            "confident_wrong": self.confident_wrong,
            "truthfulness": self.truthfulness,
            "overall": self.overall.to_dict() if self.overall else None,
            "by_kind": {k: v.to_dict() for k, v in self.by_kind.items()},
            "by_lang": {k: v.to_dict() for k, v in self.by_lang.items()},
            "abstention": self.abstention.to_dict() if self.abstention else None,
            "retrieval": self.retrieval.to_dict() if self.retrieval else None,
            "retrieval_by_lang": {k: v.to_dict() for k, v in self.retrieval_by_lang.items()},
            "retrieval_by_kind": {k: v.to_dict() for k, v in self.retrieval_by_kind.items()},
            "latency": self.latency.to_dict(),
            "search_latency": self.search_latency.to_dict(),
            "questions": [asdict(q) for q in self.questions],
            "failures": [asdict(f) for f in self.failures],
        }


def _ordered(keys: Iterable[str], order: Sequence[str]) -> list[str]:
    present = set(keys)
    return [k for k in order if k in present] + sorted(present - set(order))


def index_records(records: Mapping[str, Record] | Iterable[Record] | None) -> dict[str, Record]:
    """Answer records by id (the last record of an id wins, as in score.py)."""
    if records is None:
        return {}
    if isinstance(records, Mapping):
        return dict(records)
    return {r["id"]: r for r in records}


def _citations(rec: Record | None) -> list[dict[str, Any]]:
    keys = ("doc_id", "title", "section", "task_id", "page", "quote")
    return [{k: c.get(k) for k in keys} for c in (rec or {}).get("citations") or []]


def compute_metrics(questions: Sequence[Question],
                    records: Mapping[str, Record] | Iterable[Record] | None,
                    ranks: Mapping[str, Ranks] | None = None, *,
                    retrieval_only: bool = False, cutoffs: Sequence[int] = CUTOFFS) -> Metrics:
    """Judge every question and aggregate. ``ranks`` None = retrieval was not measured."""
    recs = index_records(records)
    qs = list(questions)
    by_id_rank = dict(ranks or {})
    answerable = [q for q in qs if q.answerable]

    def retr(group: Iterable[Question]) -> Retrieval:
        return retrieval_metrics((by_id_rank.get(q.id) for q in group), cutoffs)

    retrieval = retr(answerable) if ranks is not None else None
    r_by_lang = {l: retr(q for q in answerable if q.lang == l)
                 for l in _ordered((q.lang for q in answerable), LANGS)} if ranks is not None else {}
    r_by_kind = {k: retr(q for q in answerable if q.kind == k)
                 for k in _ordered((q.kind for q in answerable), KINDS)} if ranks is not None else {}
    search_lat = latency(r.latency_ms for r in by_id_rank.values() if r.latency_ms is not None)

    results: list[QuestionResult] = []
    failures: list[Failure] = []
    if retrieval_only:
        for q in qs:
            rk = by_id_rank.get(q.id)
            results.append(QuestionResult(q.id, q.kind, q.lang, q.answerable, None, None, None, None, None,
                                          None, None, rk.gold_rank if rk else None,
                                          rk.doc_rank if rk else None, rk.latency_ms if rk else None))
            top = max(cutoffs)
            if q.answerable and (rk is None or rk.gold_rank is None or rk.gold_rank > top):
                why = [rk.error] if rk and rk.error else [f"gold span of {q.doc} not in the top {top} hits"]
                failures.append(Failure(q.id, q.kind, q.lang, q.question, expected_text(q), "", False, [], why,
                                        rk.gold_rank if rk else None))
        lat = search_lat
        return Metrics(len(qs), True, None, None, None, None, {}, {}, None, retrieval, r_by_lang, r_by_kind,
                       lat, search_lat, results, failures, [r.latency_ms for r in by_id_rank.values()
                                                            if r.latency_ms is not None])

    judgements = [judge(q, recs.get(q.id)) for q in qs]
    wrong_flags = [confident_wrong(q, recs.get(q.id)) for q in qs]
    for q, j, cw in zip(qs, judgements, wrong_flags):
        rec = recs.get(q.id)
        rk = by_id_rank.get(q.id)
        lat_ms = rec.get("latency_ms") if rec else None
        results.append(QuestionResult(q.id, q.kind, q.lang, q.answerable, j.right, j.answer, j.cited, j.abstain_ok,
                                      j.concise, j.abstained, cw, rk.gold_rank if rk else None,
                                      rk.doc_rank if rk else None, lat_ms))
        if not j.right:
            failures.append(Failure(q.id, q.kind, q.lang, q.question, expected_text(q), _answer_text(rec or {}),
                                    j.abstained, _citations(rec), failure_reasons(q, rec),
                                    rk.gold_rank if rk else None))
    n = len(qs)
    right = sum(j.right for j in judgements)
    wrong = sum(wrong_flags)
    kinds = _ordered((q.kind for q in qs), KINDS)
    langs = _ordered((q.lang for q in qs), LANGS)
    lat_values = [float(r["latency_ms"]) for r in (recs.get(q.id) for q in qs)
                  if r is not None and isinstance(r.get("latency_ms"), (int, float))]
    return Metrics(
        n=n, retrieval_only=False,
        score=right / n if n else 0.0,
        confident_wrong=wrong,
        truthfulness=(right - wrong) / n if n else 0.0,
        overall=shares(judgements),
        by_kind={k: shares([j for q, j in zip(qs, judgements) if q.kind == k]) for k in kinds},
        by_lang={l: shares([j for q, j in zip(qs, judgements) if q.lang == l]) for l in langs},
        abstention=abstention(qs, judgements),
        retrieval=retrieval, retrieval_by_lang=r_by_lang, retrieval_by_kind=r_by_kind,
        latency=latency(lat_values), search_latency=search_lat,
        questions=results, failures=failures, latencies_ms=lat_values,
    )
