"""A small SVG writer: shapes and text appended in order, serialized with fixed number formatting
so that the same data always gives the same bytes. No styling beyond attributes; no dependencies.
"""

from xml.sax.saxutils import escape, quoteattr


def num(x):
    """A coordinate: at most 2 decimals, no trailing zeros, never '-0'."""
    s = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


class Svg:
    def __init__(self, width, height, title=""):
        self.width = width
        self.height = height
        self.title = title
        self.items = []

    def _attrs(self, attrs):
        out = []
        for key, value in attrs.items():
            if value is None:
                continue
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                value = num(value)
            out.append(f" {key.rstrip('_').replace('_', '-')}={quoteattr(str(value))}")
        return "".join(out)

    def line(self, x1, y1, x2, y2, stroke="#000", width=1, dash=None, **attrs):
        self.items.append(f"<line{self._attrs(dict(x1=x1, y1=y1, x2=x2, y2=y2, stroke=stroke, stroke_width=width, stroke_dasharray=dash, **attrs))}/>")

    def polyline(self, points, stroke="#000", width=1.5, **attrs):
        pts = " ".join(f"{num(x)},{num(y)}" for x, y in points)
        self.items.append(f"<polyline{self._attrs(dict(points=pts, fill='none', stroke=stroke, stroke_width=width, stroke_linejoin='round', **attrs))}/>")

    def rect(self, x, y, w, h, fill="#ccc", stroke=None, **attrs):
        self.items.append(f"<rect{self._attrs(dict(x=x, y=y, width=w, height=h, fill=fill, stroke=stroke, **attrs))}/>")

    def circle(self, cx, cy, r, fill="#000", stroke=None, **attrs):
        self.items.append(f"<circle{self._attrs(dict(cx=cx, cy=cy, r=r, fill=fill, stroke=stroke, **attrs))}/>")

    def text(self, x, y, s, size=12, anchor="start", weight=None, fill="#222"):
        attrs = self._attrs(dict(x=x, y=y, font_size=size, text_anchor=anchor, font_weight=weight,
                                 fill=fill))
        self.items.append(f"<text{attrs}>{escape(str(s))}</text>")

    def to_string(self):
        head = (f'<?xml version="1.0" encoding="UTF-8"?>\n'
                f'<svg xmlns="http://www.w3.org/2000/svg" width="{num(self.width)}" '
                f'height="{num(self.height)}" viewBox="0 0 {num(self.width)} {num(self.height)}" '
                f'font-family="DejaVu Sans, Helvetica, Arial, sans-serif">\n')
        title = f"<title>{escape(self.title)}</title>\n" if self.title else ""
        background = f'<rect x="0" y="0" width="{num(self.width)}" height="{num(self.height)}" fill="#fff"/>\n'
        return head + title + background + "\n".join(self.items) + "\n</svg>\n"
