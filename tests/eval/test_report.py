"""Reports: terminal tables, Markdown, self-contained HTML, metrics.json."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rich.console import Console

from eval import charts
from eval.metrics import Ranks, compute_metrics
from eval.report import print_summary, to_markdown, write_html, write_metrics_json

RANKS = {"q1": Ranks(1, 1, 1, 5.0), "q2": Ranks(3, 2, 3, 7.0), "q3": Ranks(7, 1, 7, 9.0), "q4": Ranks(None, None, 1, 11.0)}
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.I)


@pytest.fixture
def metrics(questions, records):
    return compute_metrics(questions, records, RANKS)


def test_html_is_self_contained(tmp_path: Path, metrics) -> None:
    pytest.importorskip("matplotlib")
    path = write_html(tmp_path / "out" / "report.html", metrics, meta={"questions": "q.jsonl"})
    assert path.exists()
    html = path.read_text(encoding="utf-8")
    assert not EXTERNAL.search(html)
    assert "<link" not in html and "<script" not in html  # no stylesheet/script files, no injected script
    assert 'alt="Share right per kind" src="data:image/png;base64,' in html  # the per-kind bars
    assert 'alt="Latency distribution" src="data:image/png;base64,' in html
    assert html.count("data:image/png;base64,") == 4


def test_html_escapes_all_text(tmp_path: Path, metrics) -> None:
    html = write_html(tmp_path / "r.html", metrics).read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # q6's answer
    assert "bệnh viện &lt;tỉnh&gt;?" in html  # q6's question
    for fid in ("q2", "q3", "q4", "q6"):
        assert f'id="q-{fid}"' in html
    assert 'id="q-q1"' not in html
    assert "answer too long (704 &gt; 700 characters)" in html
    assert "abstained on an answerable question" in html


def test_html_without_matplotlib_uses_inline_svg(tmp_path: Path, metrics, monkeypatch) -> None:
    monkeypatch.setattr(charts, "Figure", None)
    html = write_html(tmp_path / "r.html", metrics).read_text(encoding="utf-8")
    assert '<svg class="chart" role="img" aria-label="Share right per kind"' in html
    assert "data:image/png" not in html and not EXTERNAL.search(html)


def test_retrieval_only_html(tmp_path: Path, questions) -> None:
    m = compute_metrics(questions, None, RANKS, retrieval_only=True)
    html = write_html(tmp_path / "r.html", m).read_text(encoding="utf-8")
    assert "Retrieval only" in html and "Share right per kind" not in html and "Failures (1)" in html


def test_metrics_json_has_per_question_verdicts(tmp_path: Path, metrics) -> None:
    path = write_metrics_json(tmp_path / "m.json", metrics, {"questions": "q.jsonl"})
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["version"] == 1 and doc["meta"] == {"questions": "q.jsonl"}
    assert doc["score"] == pytest.approx(1 / 3) and doc["by_kind"]["task_lookup"]["right"] == 0.5
    assert doc["retrieval"]["recall@5"] == 0.5 and doc["retrieval_by_lang"]["en"]["mrr"] == pytest.approx(1 / 7)
    per_q = {q["id"]: q for q in doc["questions"]}
    assert per_q["q1"]["right"] is True and per_q["q2"]["right"] is False and per_q["q2"]["gold_rank"] == 3
    assert doc["abstention"]["precision"] == 0.5 and doc["latency"]["p95"] == 10.0


def test_terminal_summary_and_markdown(metrics) -> None:
    console = Console(record=True, width=120)
    print_summary(metrics, console)
    text = console.export_text()
    for needle in ("Share right per kind", "Share right per lang", "task_lookup", "vi-noaccent",
                   "Retrieval of the gold span", "Latency (ms)", "abstention: precision 0.500",
                   "confident_wrong: 1/6  truthfulness: +0.167", "failures (4): q2, q3, q4, q6"):
        assert needle in text
    md = to_markdown(metrics)
    assert "| task_lookup | 2 | 0.500 | 1.000 | 0.500 | 1.000 |" in md and "## Retrieval" in md
