"""The two plots of the results page, drawn with svg.Svg: learning curves (dev F1 and training
loss per epoch, one line per seed) and a horizontal bar chart of test F1 per variant with error
bars (one standard deviation), the single seeds as dots and published anchors as dashed lines.
Deterministic: the same numbers give the same bytes.
"""

import math

from svg import Svg, num

# Tableau 10: distinguishable, also in grey-scale print, the usual choice for categorical lines.
PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
           "#ff9da7", "#9c755f", "#bab0ac")
AXIS = "#444"
GRID = "#e4e4e4"


def nice_step(span, target=5):
    if span <= 0:
        return 1.0
    raw = span / target
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * mag:
            return m * mag
    return 10 * mag


def nice_range(lo, hi, target=5):
    """Axis limits on tick multiples and the ticks between them."""
    if hi <= lo:
        lo, hi = lo - 1, hi + 1
    step = nice_step(hi - lo, target)
    start = math.floor(lo / step + 1e-9) * step
    stop = math.ceil(hi / step - 1e-9) * step
    count = int(round((stop - start) / step))
    return start, stop, [start + i * step for i in range(count + 1)], step


def tick_label(v, step):
    if step >= 1000:
        return f"{v / 1000:g}k" if v else "0"
    decimals = next((d for d in range(7) if abs(round(step, d) - step) < 1e-9), 6)
    return f"{v:.{decimals}f}"


class Panel:
    """A plot area inside an Svg with linear x and y scales."""

    def __init__(self, svg, x, y, w, h, xlim, ylim):
        self.svg, self.x, self.y, self.w, self.h = svg, x, y, w, h
        self.x0, self.x1 = xlim
        self.y0, self.y1 = ylim

    def px(self, v):
        return self.x + (v - self.x0) / (self.x1 - self.x0) * self.w

    def py(self, v):
        return self.y + self.h - (v - self.y0) / (self.y1 - self.y0) * self.h

    def axes(self, xticks, xstep, yticks, ystep, xlabel, title):
        """Grid lines, ticks, the x label under the axis; the title above the panel names the
        y quantity (rotated labels render unreliably across SVG viewers)."""
        s = self.svg
        for t in yticks:
            s.line(self.x, self.py(t), self.x + self.w, self.py(t), stroke=GRID)
            s.text(self.x - 6, self.py(t) + 4, tick_label(t, ystep), size=11, anchor="end")
        for t in xticks:
            s.line(self.px(t), self.y + self.h, self.px(t), self.y + self.h + 4, stroke=AXIS)
            s.text(self.px(t), self.y + self.h + 17, tick_label(t, xstep), size=11, anchor="middle")
        s.line(self.x, self.y + self.h, self.x + self.w, self.y + self.h, stroke=AXIS)
        s.line(self.x, self.y, self.x, self.y + self.h, stroke=AXIS)
        s.text(self.x + self.w / 2, self.y + self.h + 34, xlabel, size=12, anchor="middle")
        s.text(self.x, self.y - 8, title, size=13, weight="bold")


def learning_curves(title, runs):
    """runs: [(seed, curve, best_epoch)] with curve = [{"epoch", "dev_f1", "train_loss"}, ...];
    one line per seed in each of two panels, the best epoch marked on the dev F1 line."""
    svg = Svg(860, 340, title)
    svg.text(20, 24, title, size=14, weight="bold")
    max_epoch = max(int(r["epoch"]) for _, c, _ in runs for r in c)
    x0, x1, xticks, xstep = nice_range(1, max(max_epoch, 2), 6)
    xticks = [t for t in xticks if t >= 1] or [1]
    x0 = 1 if x0 < 1 else x0
    panels = []
    for i, (key, label) in enumerate((("dev_f1", "dev F1 per epoch (dot: best epoch)"),
                                      ("train_loss", "training loss per epoch (sum over sentences)"))):
        values = [float(r[key]) for _, c, _ in runs for r in c]
        lo, hi = min(values), max(values)
        if key == "dev_f1":
            lo, hi = max(0.0, lo - 1), min(100.0, hi + 1)
        else:
            lo = 0.0
        y0, y1, yticks, ystep = nice_range(lo, hi, 5)
        p = Panel(svg, 80 + i * 410, 60, 320, 220, (x0, x1), (y0, y1))
        p.axes(xticks, xstep, yticks, ystep, "epoch", label)
        panels.append((key, p))
    for n, (seed, curve, best) in enumerate(runs):
        color = PALETTE[n % len(PALETTE)]
        for key, p in panels:
            pts = [(p.px(int(r["epoch"])), p.py(float(r[key]))) for r in curve]
            if len(pts) == 1:
                svg.circle(pts[0][0], pts[0][1], 2.5, fill=color)
            else:
                svg.polyline(pts, stroke=color)
            if key == "dev_f1":
                for r in curve:
                    if int(r["epoch"]) == best:
                        svg.circle(p.px(best), p.py(float(r[key])), 4, fill=color, stroke="#fff")
    # Legend under the title, one entry per seed.
    for n, (seed, _, _) in enumerate(runs):
        x = 560 + (n % 5) * 58
        y = 20 + (n // 5) * 16
        svg.line(x, y - 4, x + 16, y - 4, stroke=PALETTE[n % len(PALETTE)], width=3)
        svg.text(x + 20, y, f"seed {seed}", size=11)
    return svg.to_string()


def f1_bars(title, rows, reference, anchors):
    """rows: [(variant, [f1 per seed])] in display order; reference: variant name or None;
    anchors: [(f1, label)] drawn as dashed vertical lines."""
    label_w, plot_w, row_h = 150, 480, 28
    top = 56 + 16 * len(anchors)
    height = top + row_h * len(rows) + 58
    svg = Svg(label_w + plot_w + 150, height, title)
    svg.text(20, 24, title, size=14, weight="bold")
    stats = []
    for variant, values in rows:
        m = sum(values) / len(values)
        sd = math.sqrt(sum((v - m) ** 2 for v in values) / (len(values) - 1)) if len(values) > 1 else 0.0
        stats.append((variant, values, m, sd))
    lows = [min(min(v), m - sd) for _, v, m, sd in stats] + [a for a, _ in anchors]
    highs = [max(max(v), m + sd) for _, v, m, sd in stats] + [a for a, _ in anchors]
    lo, hi = min(lows), max(highs)
    pad = max(0.5, (hi - lo) * 0.08)
    x0, x1, ticks, step = nice_range(max(0.0, lo - pad), min(100.0, hi + pad), 6)
    p = Panel(svg, label_w, top, plot_w, row_h * len(rows), (x0, x1), (0, len(rows)))
    for t in ticks:
        svg.line(p.px(t), top, p.px(t), top + p.h, stroke=GRID)
        svg.text(p.px(t), top + p.h + 17, tick_label(t, step), size=11, anchor="middle")
    svg.line(p.x, top + p.h, p.x + p.w, top + p.h, stroke=AXIS)
    svg.text(p.x + p.w / 2, top + p.h + 36,
             f"test F1 (mean \u00b1 1 std over seeds; dots: single seeds; axis starts at {tick_label(x0, step)})",
             size=12, anchor="middle")
    ref_mean = None
    for i, (variant, values, m, sd) in enumerate(stats):
        cy = top + i * row_h + row_h / 2
        is_ref = variant == reference
        if is_ref:
            ref_mean = m
        svg.text(label_w - 8, cy + 4, variant, size=12, anchor="end", weight="bold" if is_ref else None)
        svg.rect(p.px(x0), cy - 8, max(0.0, p.px(m) - p.px(x0)), 16,
                 fill="#9db6d3" if is_ref else "#c9d4e0")
        if sd > 0:
            lo_e, hi_e = max(x0, m - sd), min(x1, m + sd)
            svg.line(p.px(lo_e), cy, p.px(hi_e), cy, stroke="#222", width=1.5)
            for e in (lo_e, hi_e):
                svg.line(p.px(e), cy - 5, p.px(e), cy + 5, stroke="#222", width=1.5)
        for k, v in enumerate(values):
            svg.circle(p.px(v), cy - 4 + 8 * k / max(1, len(values) - 1), 2.2, fill="#222",
                       opacity=0.7)
        svg.text(p.x + p.w + 8, cy + 4, f"{m:.2f}" + (f" \u00b1 {sd:.2f}" if len(values) > 1 else ""),
                 size=11)
    if ref_mean is not None:
        svg.line(p.px(ref_mean), top - 4, p.px(ref_mean), top + p.h, stroke="#4e79a7", width=1,
                 dash="2,3")
    for k, (a, label) in enumerate(anchors):
        y = top - 10 - 16 * (len(anchors) - 1 - k)
        svg.line(p.px(a), y + 2, p.px(a), top + p.h, stroke="#c0392b", width=1.2, dash="5,4")
        right_half = p.px(a) > p.x + p.w / 2
        svg.text(p.px(a) + (-4 if right_half else 4), y, f"{label}: {a:g}", size=11,
                 anchor="end" if right_half else "start", fill="#c0392b")
    return svg.to_string()


__all__ = ["learning_curves", "f1_bars", "nice_range", "num"]
