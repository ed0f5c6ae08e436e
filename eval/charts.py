"""Figures for the HTML report, returned as self-contained ``<img>``/``<svg>`` markup.

Matplotlib (Agg, no pyplot global state) renders base64 PNGs; when it is not installed a
plain inline SVG keeps the report working, so the report never needs a CDN or side files.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Mapping, Sequence

try:  # optional: the report still works without it
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
except ImportError:  # pragma: no cover - exercised only where matplotlib is absent
    Figure = None  # type: ignore[assignment,misc]

COLORS = ("#2b6cb0", "#38a169", "#d69e2e", "#805ad5")


def _png(fig: "Figure", alt: str) -> str:
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'<img class="chart" alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def bars(series: Mapping[str, Mapping[str, float]], *, title: str, alt: str) -> str:
    """Grouped horizontal bars: ``series[metric][group] = share`` (0–1)."""
    metrics = list(series)
    groups = list(dict.fromkeys(g for m in metrics for g in series[m]))
    if not groups:
        return ""
    if Figure is None:
        return _svg_bars(series, groups, title=title, alt=alt)
    fig = Figure(figsize=(7, 0.28 * len(groups) * max(len(metrics), 1) + 1.4))
    ax = fig.add_subplot()
    height = 0.8 / max(len(metrics), 1)
    for i, m in enumerate(metrics):
        ys = [g + height * (i - (len(metrics) - 1) / 2) for g in range(len(groups))]
        ax.barh(ys, [series[m].get(g, 0.0) for g in groups], height=height, label=m, color=COLORS[i % len(COLORS)])
    ax.set_yticks(range(len(groups)), groups)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of questions")
    ax.set_title(title)
    ax.grid(axis="x", alpha=0.3)
    if len(metrics) > 1:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small", frameon=False)
    return _png(fig, alt)


def histogram(values: Sequence[float], *, marks: Mapping[str, float | None], title: str, alt: str) -> str:
    """Latency distribution (ms) with vertical lines at the ``marks`` (e.g. p50, p95)."""
    if not values:
        return ""
    if Figure is None:
        return _svg_hist(values, title=title, alt=alt)
    fig = Figure(figsize=(7, 3))
    ax = fig.add_subplot()
    ax.hist(list(values), bins=min(30, max(5, len(values) // 2)), color=COLORS[0], alpha=0.85)
    for i, (name, x) in enumerate(marks.items()):
        if x is not None:
            ax.axvline(x, color=COLORS[(i + 2) % len(COLORS)], linestyle="--", label=f"{name} {x:.1f} ms" if x < 10 else f"{name} {x:.0f} ms")
    ax.set_xlabel("latency (ms)")
    ax.set_ylabel("questions")
    ax.set_title(title)
    ax.legend(fontsize="small")
    return _png(fig, alt)


def _svg_bars(series: Mapping[str, Mapping[str, float]], groups: list[str], *, title: str, alt: str) -> str:
    metrics = list(series)
    row, width, label_w = 14, 360, 130
    rows = [(g, m) for g in groups for m in metrics]
    h = row * len(rows) + 30
    parts = [f'<svg class="chart" role="img" aria-label="{html.escape(alt)}" width="{label_w + width + 60}" '
             f'height="{h}"><title>{html.escape(title)}</title>']
    for i, (g, m) in enumerate(rows):
        y = 20 + i * row
        v = series[m].get(g, 0.0)
        color = COLORS[metrics.index(m) % len(COLORS)]
        parts.append(f'<text x="0" y="{y + 10}" font-size="11">{html.escape(g)} · {html.escape(m)}</text>'
                     f'<rect x="{label_w}" y="{y}" width="{v * width:.1f}" height="{row - 3}" fill="{color}"/>'
                     f'<text x="{label_w + v * width + 4:.1f}" y="{y + 10}" font-size="11">{v:.2f}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _svg_hist(values: Sequence[float], *, title: str, alt: str) -> str:
    lo, hi = min(values), max(values)
    nb = 20
    step = (hi - lo) / nb or 1.0
    counts = [0] * nb
    for v in values:
        counts[min(int((v - lo) / step), nb - 1)] += 1
    top = max(counts)
    parts = [f'<svg class="chart" role="img" aria-label="{html.escape(alt)}" width="440" height="140">'
             f'<title>{html.escape(title)}</title>']
    for i, c in enumerate(counts):
        bh = 100 * c / top
        parts.append(f'<rect x="{20 + i * 20}" y="{110 - bh:.1f}" width="18" height="{bh:.1f}" fill="{COLORS[0]}"/>')
    parts.append(f'<text x="20" y="128" font-size="11">{lo:.0f} ms</text>'
                 f'<text x="380" y="128" font-size="11">{hi:.0f} ms</text></svg>')
    return "".join(parts)
