"""Presenting a scored run: rich tables for the terminal, Markdown, a self-contained HTML page, metrics.json.

The HTML report is one file people can mail or attach to an issue: CSS inline, figures
embedded as data URIs, every piece of question/answer text HTML-escaped.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timezone
from html import escape
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape as rich_escape
from rich.table import Table

from eval import charts
from eval.compare import Comparison, fmt_delta
from eval.metrics import Metrics, Retrieval, Shares

METRICS_VERSION = 1


def _f(x: float | None, digits: int = 3) -> str:
    return "—" if x is None else f"{x:.{digits}f}"


def _ms(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x:.1f}" if x < 10 else f"{x:.0f}"


def _share_rows(metrics: Metrics) -> list[tuple[str, list[tuple[str, Shares]]]]:
    if metrics.overall is None:
        return []
    return [("kind", [("ALL", metrics.overall), *metrics.by_kind.items()]),
            ("lang", [("ALL", metrics.overall), *metrics.by_lang.items()])]


def _retrieval_rows(metrics: Metrics) -> list[tuple[str, Retrieval]]:
    if metrics.retrieval is None:
        return []
    return [("ALL", metrics.retrieval), *((f"lang {k}", v) for k, v in metrics.retrieval_by_lang.items()),
            *((f"kind {k}", v) for k, v in metrics.retrieval_by_kind.items())]


def _retrieval_cells(r: Retrieval) -> list[str]:
    return [str(r.n), *(_f(v) for v in r.recall.values()), _f(r.mrr), _f(r.doc_recall[max(r.doc_recall)])]


def _retrieval_header(metrics: Metrics) -> list[str]:
    r = metrics.retrieval
    assert r is not None
    return ["scope", "n", *(f"R@{k}" for k in r.recall), "MRR", f"doc R@{max(r.doc_recall)}"]


def _latency_rows(metrics: Metrics) -> list[tuple[str, Any]]:
    rows = []
    if not metrics.retrieval_only:
        rows.append(("ask", metrics.latency))
    if metrics.search_latency.n:
        rows.append(("search", metrics.search_latency))
    return rows


# --------------------------------------------------------------------------- terminal


def print_summary(metrics: Metrics, console: Console) -> None:
    """Per-kind, per-lang, retrieval and latency tables (the ``score:`` line is the caller's)."""
    for label, rows in _share_rows(metrics):
        table = Table(title=f"Share right per {label}")
        for col in (label, "n", "right", "answer", "cited", "abstain_ok"):
            table.add_column(col, justify="left" if col == label else "right")
        for name, s in rows:
            table.add_row(name, str(s.n), _f(s.right), _f(s.answer), _f(s.cited), _f(s.abstain_ok),
                          style="bold" if name == "ALL" else None)
        console.print(table)
    if metrics.abstention is not None:
        a = metrics.abstention
        console.print(f"abstention: precision {_f(a.precision)} recall {_f(a.recall)} "
                      f"({a.correct}/{a.abstained} abstained, {a.unanswerable} unanswerable)", highlight=False)
    if metrics.retrieval is not None:
        table = Table(title="Retrieval of the gold span")
        for col in _retrieval_header(metrics):
            table.add_column(col, justify="left" if col == "scope" else "right")
        for name, r in _retrieval_rows(metrics):
            table.add_row(name, *_retrieval_cells(r), style="bold" if name == "ALL" else None)
        console.print(table)
    lat_rows = _latency_rows(metrics)
    if lat_rows:
        table = Table(title="Latency (ms)")
        for col in ("call", "n", "p50", "p95", "mean", "max"):
            table.add_column(col, justify="left" if col == "call" else "right")
        for name, lat in lat_rows:
            table.add_row(name, str(lat.n), _ms(lat.p50), _ms(lat.p95), _ms(lat.mean), _ms(lat.max))
        console.print(table)
    if metrics.failures:
        ids = ", ".join(f.id for f in metrics.failures)
        console.print(f"failures ({len(metrics.failures)}): {rich_escape(ids)}", highlight=False)
    if metrics.confident_wrong is not None and metrics.truthfulness is not None:
        console.print(f"confident_wrong: {metrics.confident_wrong}/{metrics.n}  "
                      f"truthfulness: {metrics.truthfulness:+.3f}", highlight=False)


def print_calibration(cal, console: Console) -> None:
    """Expected calibration error, the reliability table and the right/wrong/abstained curve."""
    if cal.ece is None:
        return
    table = Table(title=f"Confidence of the {cal.n_answered} answers given (ECE {cal.ece:.3f})")
    for col in ("confidence from", "mean confidence", "share right", "n"):
        table.add_column(col, justify="right")
    for lo, mean_c, share, n in cal.reliability:
        table.add_row(f"{lo:.1f}", f"{mean_c:.2f}", f"{share:.2f}", str(n))
    console.print(table)
    curve = Table(title="Had it abstained below each confidence")
    for col in ("threshold", "right", "confidently wrong", "abstained"):
        curve.add_column(col, justify="right")
    for point in cal.curve[::2]:
        curve.add_row(f"{point['threshold']:.1f}", str(point["right"]), str(point["confidently_wrong"]),
                      str(point["abstained"]))
    console.print(curve)


# --------------------------------------------------------------------------- markdown


def _md_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
    return "\n".join(lines)


def to_markdown(metrics: Metrics) -> str:
    """The summary as Markdown (for a pull request or an issue comment)."""
    out = ["# cchc eval", ""]
    if metrics.score is not None:
        out += [f"**score {metrics.score:.3f}** — {metrics.n} questions, confident_wrong "
                f"{metrics.confident_wrong}/{metrics.n}, truthfulness {metrics.truthfulness:+.3f}", ""]
    for label, rows in _share_rows(metrics):
        out += [f"## Per {label}", "", _md_table(
            [label, "n", "right", "answer", "cited", "abstain_ok"],
            [[n, str(s.n), _f(s.right), _f(s.answer), _f(s.cited), _f(s.abstain_ok)] for n, s in rows]), ""]
    if metrics.abstention is not None:
        a = metrics.abstention
        out += [f"Abstention precision {_f(a.precision)}, recall {_f(a.recall)}.", ""]
    if metrics.retrieval is not None:
        out += ["## Retrieval", "", _md_table(_retrieval_header(metrics),
                                              [[n, *_retrieval_cells(r)] for n, r in _retrieval_rows(metrics)]), ""]
    if lat := _latency_rows(metrics):
        out += ["## Latency (ms)", "", _md_table(["call", "n", "p50", "p95", "mean", "max"],
                                                 [[n, str(l.n), _ms(l.p50), _ms(l.p95), _ms(l.mean), _ms(l.max)]
                                                  for n, l in lat]), ""]
    return "\n".join(out)


# --------------------------------------------------------------------------- metrics.json


def metrics_document(metrics: Metrics, meta: Mapping[str, Any] | None = None,
                     comparison: Comparison | None = None) -> dict[str, Any]:
    """The metrics.json content: version, run metadata, every number and per-question verdicts."""
    doc: dict[str, Any] = {"version": METRICS_VERSION,
                           "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                           "meta": dict(meta or {})}
    doc.update(metrics.to_dict())
    if comparison is not None:
        doc["baseline_comparison"] = comparison.to_dict()
    return doc


def write_metrics_json(path: Path | str, metrics: Metrics, meta: Mapping[str, Any] | None = None,
                       comparison: Comparison | None = None) -> Path:
    """Write metrics.json (UTF-8, readable Vietnamese); usable later as ``--baseline``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(metrics_document(metrics, meta, comparison), ensure_ascii=False, indent=2) + "\n",
                    encoding="utf-8")
    return path


# --------------------------------------------------------------------------- HTML

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:1100px;
color:#1a202c;padding:0 1rem;line-height:1.45}
h1{margin-bottom:.2rem}h2{border-bottom:1px solid #e2e8f0;padding-bottom:.2rem;margin-top:2rem}
table{border-collapse:collapse;margin:.6rem 0}th,td{border:1px solid #e2e8f0;padding:.25rem .6rem;text-align:right}
th:first-child,td:first-child{text-align:left}th{background:#f7fafc}tr.all td{font-weight:600}
.cards{display:flex;gap:1rem;flex-wrap:wrap;margin:1rem 0}.card{border:1px solid #e2e8f0;border-radius:8px;
padding:.6rem 1rem;min-width:8rem}.card b{display:block;font-size:1.6rem}.muted{color:#718096}
.chart{max-width:100%;display:block;margin:.6rem 0}.better{color:#2f855a}.worse{color:#c53030}
.fail{border:1px solid #fed7d7;border-left:4px solid #e53e3e;border-radius:6px;padding:.5rem 1rem;margin:.8rem 0}
.fail pre{white-space:pre-wrap;background:#f7fafc;padding:.4rem;margin:.2rem 0}.fail ul{margin:.2rem 0}
.quote{color:#4a5568}
"""


def _html_table(header: list[str], rows: list[list[str]], bold_first: bool = False) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join(
        ('<tr class="all">' if bold_first and i == 0 else "<tr>") + "".join(f"<td>{escape(c)}</td>" for c in row)
        + "</tr>" for i, row in enumerate(rows))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _cards(metrics: Metrics) -> str:
    items: list[tuple[str, str]] = []
    if metrics.score is not None:
        items += [("score (share right)", _f(metrics.score)), ("truthfulness", f"{metrics.truthfulness:+.3f}"),
                  ("confidently wrong", f"{metrics.confident_wrong}/{metrics.n}")]
    if metrics.retrieval is not None:
        top = max(metrics.retrieval.recall)
        items += [(f"gold recall@{top}", _f(metrics.retrieval.recall[top])), ("MRR", _f(metrics.retrieval.mrr))]
    lat = metrics.latency
    items += [("latency p50 / p95", f"{_ms(lat.p50)} / {_ms(lat.p95)} ms")]
    return '<div class="cards">' + "".join(
        f'<div class="card"><span class="muted">{escape(k)}</span><b>{escape(v)}</b></div>' for k, v in items) + "</div>"


def _comparison_html(cmp: Comparison) -> str:
    def row(prefix: str, d: Any) -> str:
        cls = {True: "better", False: "worse", None: ""}[d.better]
        return (f"<tr><td>{escape(prefix + d.name)}</td><td>{_f(d.baseline)}</td><td>{_f(d.current)}</td>"
                f'<td class="{cls}">{escape(fmt_delta(d))}</td></tr>')
    rows = "".join(row(p, d) for p, ds in (("", cmp.overall), ("kind ", cmp.by_kind), ("lang ", cmp.by_lang))
                   for d in ds)
    lists = "".join(f"<p><b>{escape(label)} ({len(ids)}):</b> {escape(', '.join(ids))}</p>"
                    for label, ids in (("Improved", cmp.improved), ("Regressed", cmp.regressed),
                                       ("Retrieval improved", cmp.retrieval_improved),
                                       ("Retrieval regressed", cmp.retrieval_regressed),
                                       ("New questions", cmp.only_current), ("Dropped questions", cmp.only_baseline))
                    if ids)
    return ("<h2>Against baseline</h2><table><thead><tr><th>metric</th><th>baseline</th><th>current</th>"
            f"<th>delta</th></tr></thead><tbody>{rows}</tbody></table>{lists}")


def _failures_html(metrics: Metrics) -> str:
    if not metrics.failures:
        return "<h2>Failures</h2><p>None — every question is right.</p>"
    parts = [f"<h2>Failures ({len(metrics.failures)})</h2>"]
    for f in metrics.failures:
        cits = "".join(
            "<li>" + escape(" · ".join(str(c[k]) for k in ("doc_id", "section", "task_id") if c.get(k)))
            + (escape(f" · p.{c['page']}") if c.get("page") is not None else "")
            + f' <span class="quote">“{escape(str(c.get("quote") or ""))}”</span></li>' for c in f.citations)
        rank = "" if f.gold_rank is None else f" · gold span at rank {f.gold_rank}"
        parts.append(
            f'<div class="fail" id="q-{escape(f.id)}"><b>{escape(f.id)}</b> '
            f'<span class="muted">{escape(f.kind)} · {escape(f.lang)}{escape(rank)}</span>'
            f"<p>{escape(f.question)}</p>"
            f"<p><b>Expected:</b> {escape(f.expected)}</p>"
            f"<p><b>Why not right:</b></p><ul>{''.join(f'<li>{escape(r)}</li>' for r in f.reasons)}</ul>"
            + ("" if metrics.retrieval_only else
               f"<p><b>Got{' (abstained)' if f.abstained else ''}:</b></p><pre>{escape(f.answer) or '∅'}</pre>"
               f"<p><b>Citations:</b></p><ul>{cits or '<li>none</li>'}</ul>")
            + "</div>")
    return "".join(parts)


def render_html(metrics: Metrics, *, title: str = "cchc eval", meta: Mapping[str, Any] | None = None,
                comparison: Comparison | None = None) -> str:
    """The whole report as one self-contained HTML string."""
    meta = dict(meta or {})
    body: list[str] = [f"<h1>{escape(title)}</h1>",
                       '<p class="muted">' + escape(" · ".join(f"{k}: {v}" for k, v in meta.items())) + "</p>",
                       _cards(metrics)]
    if metrics.retrieval_only:
        body.append("<p><b>Retrieval only:</b> the assistant was not asked; only search was scored.</p>")
    for label, rows in _share_rows(metrics):
        body.append(f"<h2>Per {escape(label)}</h2>")
        body.append(charts.bars({m: {n: getattr(s, m) for n, s in rows} for m in ("right", "answer", "cited")},
                                title=f"Share of questions per {label}", alt=f"Share right per {label}"))
        body.append(_html_table([label, "n", "right", "answer", "cited", "abstain_ok"],
                                [[n, str(s.n), _f(s.right), _f(s.answer), _f(s.cited), _f(s.abstain_ok)]
                                 for n, s in rows], bold_first=True))
    if metrics.abstention is not None:
        a = metrics.abstention
        body.append("<h2>Abstention</h2>" + _html_table(
            ["abstained", "unanswerable", "abstained & unanswerable", "precision", "recall"],
            [[str(a.abstained), str(a.unanswerable), str(a.correct), _f(a.precision), _f(a.recall)]]))
    if metrics.retrieval is not None:
        rrows = _retrieval_rows(metrics)
        body.append("<h2>Retrieval of the gold span</h2>")
        body.append('<p class="muted">A hit counts when it comes from the gold document and its text holds a '
                    "gold quote (accent-folded). doc R@k only asks for the gold document.</p>")
        body.append(charts.bars({f"R@{k}": {n: v.recall[k] or 0.0 for n, v in rrows if not n.startswith("kind")}
                                 for k in metrics.retrieval.recall},
                                title="Gold-span recall", alt="Retrieval recall per language"))
        body.append(_html_table(_retrieval_header(metrics), [[n, *_retrieval_cells(r)] for n, r in rrows],
                                bold_first=True))
    if lat_rows := _latency_rows(metrics):
        body.append("<h2>Latency</h2>")
        body.append(charts.histogram(metrics.latencies_ms, marks={"p50": metrics.latency.p50,
                                                                  "p95": metrics.latency.p95},
                                     title="Latency distribution", alt="Latency distribution"))
        body.append(_html_table(["call", "n", "p50 ms", "p95 ms", "mean ms", "max ms"],
                                [[n, str(l.n), _ms(l.p50), _ms(l.p95), _ms(l.mean), _ms(l.max)] for n, l in lat_rows]))
    if comparison is not None:
        body.append(_comparison_html(comparison))
    body.append(_failures_html(metrics))
    return ("<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{escape(title)}</title>"
            f"<style>{CSS}</style></head><body>{''.join(body)}</body></html>\n")


def write_html(path: Path | str, metrics: Metrics, *, title: str = "cchc eval",
               meta: Mapping[str, Any] | None = None, comparison: Comparison | None = None) -> Path:
    """Write the self-contained HTML report."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(metrics, title=title, meta=meta, comparison=comparison), encoding="utf-8")
    return path
