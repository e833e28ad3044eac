"""Charts drawn on the server as inline SVG: no JavaScript library, no CDN, nothing for the CSP to allow.

Two shapes serve the programme dashboard and whatever needs a picture of counts:
- `hbar_chart`: one horizontal bar per category (cities, industries), values at the bar ends, an optional
  dashed target line ("every city at least one base");
- `bar_chart`: vertical bars per category (years), one or more series stacked (grades per year) with a legend,
  the total above each bar, and optional target marks per category (≥ 5 in 2021, ≥ 50 by 2025).

Accessible by construction (WCAG 2.1 1.1.1 / 1.4.1): the `<svg>` is `role="img"` labelled by its `<title>` and
`<desc>` (a one-sentence summary), each bar has a `<title>` with its label and value, values are written as
text (colour is never the only cue), and every chart carries the same numbers as a table (`headers`/`rows`),
which `templates/pilotbase/_chart.html` renders beside the picture and an Excel export writes as it is.
Every label is escaped: category names come from the database.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

Number = int | float | Decimal

# Okabe–Ito: told apart by readers with colour-vision deficiency; each is dark enough against white for a
# graphical object (≥ 3:1, WCAG 1.4.11), and the values are written beside them anyway.
PALETTE = ("#0072B2", "#009E73", "#E69F00", "#CC79A7", "#D55E00", "#56B4E9", "#7F7F7F")
TEXT = "#212529"
MUTED = "#6C757D"
GRID = "#DEE2E6"
TARGET = "#B3100F"
FONT = 12


@dataclass
class Chart:
    """A drawn chart and its table. `svg` is safe markup; `headers`/`rows` are plain values (an export
    writes them as they are); `summary` is the sentence a screen reader hears first."""

    key: str
    title: str
    summary: str
    svg: SafeString
    headers: list[Any]
    rows: list[list[Any]]
    notes: list[str] = field(default_factory=list)


def _fmt(value: Number) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}"
    return f"{int(value):,}" if float(value).is_integer() else str(value)


def nice_ticks(top: Number, *, most: int = 5) -> list[float]:
    """Axis ticks from 0 to at least `top`, step 1, 2 or 5 × 10^k, at most `most` steps."""
    top = float(top)
    if top <= 0:
        return [0.0, 1.0]
    raw = top / most
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    if step < 1:
        step = 1.0  # counts: no half steps
    n = math.ceil(top / step - 1e-9)
    return [i * step for i in range(n + 1)]


def _text_width(text: str, size: int = FONT) -> float:
    """An estimate good enough for layout: a CJK character is one em wide, others about 0.6 em."""
    return sum(size if ord(ch) > 0x2E80 else size * 0.6 for ch in text)


def _svg(key: str, title: str, summary: str, width: int, height: int, body: list[str]) -> SafeString:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" id="{escape(key)}-svg" '
        f'viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="{escape(key)}-svg-title {escape(key)}-svg-desc" font-size="{FONT}" '
        f"font-family=\"system-ui, -apple-system, 'Segoe UI', 'PingFang SC', 'Microsoft YaHei', sans-serif\">"
        f'<title id="{escape(key)}-svg-title">{escape(title)}</title>'
        f'<desc id="{escape(key)}-svg-desc">{escape(summary)}</desc>'
    )
    return mark_safe(head + "".join(body) + "</svg>")  # every interpolated text above and in body is escaped


def hbar_chart(
    *,
    key: str,
    title: str,
    items: Sequence[tuple[str, Number]],
    label_header: str,
    value_header: str,
    target: Number | None = None,
    target_label: str = "",
    color: str = PALETTE[0],
    summary: str = "",
) -> Chart:
    """One horizontal bar per (label, value), in the given order; `target` draws a dashed line and adds the
    columns 目标 and 达成 to the table."""
    items = [(str(label), value) for label, value in items]
    label_w = int(min(max((_text_width(label) for label, _v in items), default=40) + 12, 240))
    width, row_h, bar_h, top, axis_h, right = 640, 26, 16, 8, 26, 48
    plot_w = width - label_w - right
    ticks = nice_ticks(max([float(v) for _l, v in items] + [float(target or 0), 1]))
    scale = plot_w / ticks[-1]
    height = top + row_h * max(len(items), 1) + axis_h + (16 if target is not None else 0)
    plot_bottom = top + row_h * max(len(items), 1)
    body = []
    for t in ticks:  # grid and axis labels
        x = label_w + t * scale
        body.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{plot_bottom}" stroke="{GRID}"/>'
            f'<text x="{x:.1f}" y="{plot_bottom + 16}" text-anchor="middle" fill="{MUTED}">{_fmt(t)}</text>'
        )
    for i, (label, value) in enumerate(items):
        y = top + i * row_h
        w = float(value) * scale
        tip = escape(f"{label}：{_fmt(value)}")
        body.append(
            f'<text x="{label_w - 6}" y="{y + row_h / 2 + 4:.1f}" text-anchor="end" fill="{TEXT}">'
            f"{escape(label)}</text>"
            f'<rect x="{label_w}" y="{y + (row_h - bar_h) / 2:.1f}" width="{w:.1f}" height="{bar_h}" '
            f'fill="{color}"><title>{tip}</title></rect>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + row_h / 2 + 4:.1f}" fill="{TEXT}">{_fmt(value)}</text>'
        )
    headers: list[Any] = [label_header, value_header]
    rows: list[list[Any]] = [[label, value] for label, value in items]
    if target is not None:
        x = label_w + float(target) * scale
        text = target_label or _("目标 %(n)s") % {"n": _fmt(target)}
        body.append(
            f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{plot_bottom}" stroke="{TARGET}" '
            f'stroke-width="2" stroke-dasharray="6 3"/>'
            f'<text x="{x:.1f}" y="{height - 4}" text-anchor="middle" fill="{TARGET}">{escape(text)}</text>'
        )
        headers += [_("目标"), _("是否达到")]
        rows = [[label, value, target, _("是") if value >= target else _("否")] for label, value in items]
    if not summary:
        total = sum(v for _l, v in items)
        summary = _("%(title)s：共 %(n)d 项，合计 %(total)s。") % {
            "title": title,
            "n": len(items),
            "total": _fmt(total),
        }
        if target is not None:
            short = sum(1 for _l, v in items if v < target)
            summary += _("%(short)d 项未达到目标 %(target)s。") % {"short": short, "target": _fmt(target)}
    return Chart(
        key=key,
        title=title,
        summary=summary,
        svg=_svg(key, title, summary, width, height, body),
        headers=headers,
        rows=rows,
    )


def bar_chart(
    *,
    key: str,
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[Number]]],
    category_header: str,
    colors: Sequence[str] = PALETTE,
    targets: Mapping[str, Number] | None = None,
    total_header: str = "",
    summary: str = "",
) -> Chart:
    """Vertical bars per category, the series stacked bottom-up in the given order, with a legend when there
    is more than one. `targets` (category → value): a dashed mark across that category's bar."""
    categories = [str(c) for c in categories]
    targets = {str(k): v for k, v in (targets or {}).items()}
    totals = [sum(values[i] for _n, values in series) for i in range(len(categories))]
    many = len(series) > 1
    width, left, right, bottom = 640, 44, 12, 30
    top = 34 if many else 14
    plot_h = 220
    height = top + plot_h + bottom
    ticks = nice_ticks(max([float(t) for t in totals] + [float(v) for v in targets.values()] + [1]))
    scale = plot_h / ticks[-1]
    plot_w = width - left - right
    slot = plot_w / max(len(categories), 1)
    bar_w = min(56.0, slot * 0.6)
    base_y = top + plot_h
    body = []
    for t in ticks:
        y = base_y - t * scale
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">{_fmt(t)}</text>'
        )
    if many:  # legend: a swatch and the series name, left to right
        x = left
        for j, (name, _values) in enumerate(series):
            body.append(
                f'<rect x="{x}" y="8" width="12" height="12" fill="{colors[j % len(colors)]}"/>'
                f'<text x="{x + 16}" y="18" fill="{TEXT}">{escape(name)}</text>'
            )
            x += 16 + _text_width(str(name)) + 18
    for i, category in enumerate(categories):
        cx = left + slot * i + slot / 2
        x = cx - bar_w / 2
        y = base_y
        for j, (name, values) in enumerate(series):
            h = float(values[i]) * scale
            if h <= 0:
                continue
            y -= h
            tip = escape(
                f"{category} {name}：{_fmt(values[i])}" if many else f"{category}：{_fmt(values[i])}"
            )
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{colors[j % len(colors)]}" stroke="#FFFFFF" stroke-width="1"><title>{tip}</title></rect>'
            )
        body.append(
            f'<text x="{cx:.1f}" y="{y - 4:.1f}" text-anchor="middle" fill="{TEXT}" font-weight="bold">'
            f"{_fmt(totals[i])}</text>"
            f'<text x="{cx:.1f}" y="{base_y + 18}" text-anchor="middle" fill="{TEXT}">{escape(category)}</text>'
        )
        if category in targets:
            ty = base_y - float(targets[category]) * scale
            half = min(slot / 2 - 2, bar_w / 2 + 10)
            body.append(
                f'<line x1="{cx - half:.1f}" y1="{ty:.1f}" x2="{cx + half:.1f}" y2="{ty:.1f}" '
                f'stroke="{TARGET}" stroke-width="2" stroke-dasharray="6 3"/>'
                f'<text x="{cx + half + 2:.1f}" y="{ty + 4:.1f}" fill="{TARGET}">'
                f"≥{_fmt(targets[category])}</text>"
            )
    body.append(f'<line x1="{left}" y1="{base_y}" x2="{width - right}" y2="{base_y}" stroke="{MUTED}"/>')
    headers: list[Any] = [category_header, *[name for name, _v in series]]
    if many:
        headers.append(total_header or _("合计"))
    rows: list[list[Any]] = []
    for i, category in enumerate(categories):
        row = [category, *[values[i] for _n, values in series]]
        if many:
            row.append(totals[i])
        rows.append(row)
    if targets:
        headers += [_("目标"), _("是否达到")]
        for i, row in enumerate(rows):
            t = targets.get(categories[i])
            row += [t if t is not None else "", "" if t is None else (_("是") if totals[i] >= t else _("否"))]
    if not summary:
        summary = _("%(title)s：%(parts)s。") % {
            "title": title,
            "parts": "；".join(f"{c} {_fmt(t)}" for c, t in zip(categories, totals, strict=True))
            or _("暂无数据"),
        }
    return Chart(
        key=key,
        title=title,
        summary=summary,
        svg=_svg(key, title, summary, width, height, body),
        headers=headers,
        rows=rows,
    )
