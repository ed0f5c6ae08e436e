"""Baseline comparison: overall/per-kind deltas and per-question improved/regressed lists."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

from eval.compare import compare_metrics, load_metrics, render_comparison
from eval.metrics import Ranks, compute_metrics
from eval.report import metrics_document, write_metrics_json

from .conftest import record


def docs(questions, records):
    base_recs = [record(r["id"]) for r in records]
    base = compute_metrics(questions, base_recs, {"q1": Ranks(1, 1), "q2": Ranks(3, 2), "q3": Ranks(None, 1)})
    cur_recs = [dict(r) for r in base_recs]
    cur_recs[1]["citations"] = [{"doc_id": "002_715e714f03913b35", "quote": "sắp xếp, tinh gọn tổ chức bộ máy"}]  # q2 fixed
    cur_recs[0]["abstained"] = True  # q1 broken
    cur_recs[5]["abstained"] = True  # q6 fixed
    cur = compute_metrics(questions, cur_recs, {"q1": Ranks(None, 1), "q2": Ranks(1, 1), "q3": Ranks(2, 1)})
    return metrics_document(cur), metrics_document(base)


def test_deltas_and_flips(questions, records) -> None:
    cur, base = docs(questions, records)
    cmp = compare_metrics(cur, base)
    assert cmp.improved == ["q2", "q6"] and cmp.regressed == ["q1"]
    assert cmp.retrieval_improved == ["q3"] and cmp.retrieval_regressed == ["q1"]
    overall = {d.name: d for d in cmp.overall}
    assert overall["score"].delta == pytest.approx(1 / 6)
    assert overall["confident_wrong"].delta == -1 and overall["confident_wrong"].better is True
    assert overall["recall@1"].delta == pytest.approx(0.0) and overall["recall@1"].better is None
    kinds = {d.name: d for d in cmp.by_kind}
    assert kinds["task_lookup"].delta == 0.0 and kinds["unanswerable"].delta == pytest.approx(0.5)
    assert {d.name for d in cmp.by_lang} == {"vi", "vi-noaccent", "en"}


def test_baseline_from_file_with_missing_numbers_and_questions(tmp_path: Path, questions, records) -> None:
    cur, base = docs(questions, records)
    base["questions"] = base["questions"][:4] + [{"id": "old", "right": True}]
    del base["retrieval"], base["by_lang"]
    path = tmp_path / "base.json"
    path.write_text(__import__("json").dumps(base), encoding="utf-8")
    cmp = compare_metrics(cur, load_metrics(path))
    assert cmp.only_current == ["q5", "q6"] and cmp.only_baseline == ["old"]
    mrr = next(d for d in cmp.overall if d.name == "MRR")
    assert mrr.baseline is None and mrr.delta is None
    console = Console(record=True, width=100)
    render_comparison(cmp, console)
    text = console.export_text()
    assert "Against baseline" in text and "regressed (1): q1" in text and "dropped questions (1): old" in text
    assert "—" in text


def test_metrics_json_roundtrip_as_baseline(tmp_path: Path, questions, records) -> None:
    m = compute_metrics(questions, records)
    path = write_metrics_json(tmp_path / "m.json", m)
    cmp = compare_metrics(metrics_document(m), load_metrics(path))
    assert not cmp.improved and not cmp.regressed and all(d.delta in (None, 0.0) for d in cmp.overall)
