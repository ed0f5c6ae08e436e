"""Comparing a run with a baseline ``metrics.json``: what moved overall, per kind, per question.

Works on the JSON dicts (not live objects) so any earlier metrics.json can serve as the
baseline, even one written before a metric was added (missing numbers show as "—").
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

# (label, path in metrics.json, higher is better)
OVERALL_KEYS: tuple[tuple[str, tuple[str, ...], bool], ...] = (
    ("score", ("score",), True),
    ("truthfulness", ("truthfulness",), True),
    ("confident_wrong", ("confident_wrong",), False),
    ("answer", ("overall", "answer"), True),
    ("cited", ("overall", "cited"), True),
    ("abstain_ok", ("overall", "abstain_ok"), True),
    ("abstain precision", ("abstention", "precision"), True),
    ("abstain recall", ("abstention", "recall"), True),
    ("recall@1", ("retrieval", "recall@1"), True),
    ("recall@5", ("retrieval", "recall@5"), True),
    ("recall@10", ("retrieval", "recall@10"), True),
    ("MRR", ("retrieval", "mrr"), True),
    ("latency p50 ms", ("latency", "p50"), False),
    ("latency p95 ms", ("latency", "p95"), False),
)


@dataclass
class Delta:
    """One number in both runs."""

    name: str
    baseline: float | None
    current: float | None
    higher_is_better: bool = True

    @property
    def delta(self) -> float | None:
        if self.baseline is None or self.current is None:
            return None
        return self.current - self.baseline

    @property
    def better(self) -> bool | None:
        d = self.delta
        if d is None or abs(d) < 1e-9:
            return None
        return (d > 0) == self.higher_is_better


@dataclass
class Comparison:
    """Deltas and the questions that flipped between the baseline and this run."""

    overall: list[Delta]
    by_kind: list[Delta]
    by_lang: list[Delta]
    improved: list[str] = field(default_factory=list)
    regressed: list[str] = field(default_factory=list)
    retrieval_improved: list[str] = field(default_factory=list)
    retrieval_regressed: list[str] = field(default_factory=list)
    only_current: list[str] = field(default_factory=list)
    only_baseline: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        def rows(ds: list[Delta]) -> list[dict[str, Any]]:
            return [{"name": d.name, "baseline": d.baseline, "current": d.current, "delta": d.delta} for d in ds]
        return {"overall": rows(self.overall), "by_kind": rows(self.by_kind), "by_lang": rows(self.by_lang),
                "improved": self.improved, "regressed": self.regressed,
                "retrieval_improved": self.retrieval_improved, "retrieval_regressed": self.retrieval_regressed,
                "only_current": self.only_current, "only_baseline": self.only_baseline}


def load_metrics(path: Path | str) -> dict[str, Any]:
    """Read a metrics.json written by :func:`eval.report.write_metrics_json`."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _get(d: Mapping[str, Any] | None, path: tuple[str, ...]) -> float | None:
    for key in path:
        if not isinstance(d, Mapping):
            return None
        d = d.get(key)
    return float(d) if isinstance(d, (int, float)) and not isinstance(d, bool) else None


def _found(q: Mapping[str, Any], k: int) -> bool:
    r = q.get("gold_rank")
    return isinstance(r, int) and r <= k


def compare_metrics(current: Mapping[str, Any], baseline: Mapping[str, Any], *, k: int = 10) -> Comparison:
    """Overall/per-kind/per-lang deltas and per-question flips (right, and gold span in top ``k``)."""
    overall = [Delta(name, _get(baseline, p), _get(current, p), hib) for name, p, hib in OVERALL_KEYS]
    overall = [d for d in overall if d.baseline is not None or d.current is not None]

    def groups(key: str) -> list[Delta]:
        names = list(dict.fromkeys([*(current.get(key) or {}), *(baseline.get(key) or {})]))
        return [Delta(n, _get(baseline, (key, n, "right")), _get(current, (key, n, "right"))) for n in names]

    cur = {q["id"]: q for q in current.get("questions") or []}
    base = {q["id"]: q for q in baseline.get("questions") or []}
    common = [i for i in cur if i in base]
    cmp = Comparison(overall, groups("by_kind"), groups("by_lang"),
                     only_current=[i for i in cur if i not in base],
                     only_baseline=[i for i in base if i not in cur])
    for i in common:
        c, b = cur[i].get("right"), base[i].get("right")
        if c is True and b is False:
            cmp.improved.append(i)
        elif c is False and b is True:
            cmp.regressed.append(i)
        if cur[i].get("answerable", True):
            fc, fb = _found(cur[i], k), _found(base[i], k)
            if fc and not fb:
                cmp.retrieval_improved.append(i)
            elif fb and not fc:
                cmp.retrieval_regressed.append(i)
    return cmp


def fmt_delta(d: Delta) -> str:
    """``+0.050`` style, or ``—`` when either side is missing."""
    return "—" if d.delta is None else f"{d.delta:+.3f}"


def render_comparison(cmp: Comparison, console: Console) -> None:
    """Print the comparison as rich tables (green = better, red = worse)."""
    table = Table(title="Against baseline", show_lines=False)
    for col in ("metric", "baseline", "current", "delta"):
        table.add_column(col, justify="left" if col == "metric" else "right")

    def num(x: float | None) -> str:
        return "—" if x is None else f"{x:.3f}"

    for section, rows in (("", cmp.overall), ("kind ", cmp.by_kind), ("lang ", cmp.by_lang)):
        for d in rows:
            style = {True: "green", False: "red", None: ""}[d.better]
            table.add_row(section + d.name, num(d.baseline), num(d.current),
                          f"[{style}]{fmt_delta(d)}[/]" if style else fmt_delta(d))
    console.print(table)
    for label, ids, style in (("improved", cmp.improved, "green"), ("regressed", cmp.regressed, "red"),
                              ("retrieval improved", cmp.retrieval_improved, "green"),
                              ("retrieval regressed", cmp.retrieval_regressed, "red"),
                              ("new questions", cmp.only_current, ""), ("dropped questions", cmp.only_baseline, "")):
        if ids:
            console.print(f"[{style or 'default'}]{label} ({len(ids)}):[/] {escape(', '.join(ids))}", highlight=False)
