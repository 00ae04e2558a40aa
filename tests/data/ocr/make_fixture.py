"""Build ``qingshi_2024.pdf``, the text-layer PDF the OCR tests scan.

The report text (``qingshi_2024.txt``, a fictional township) is laid out like a
printed government report: a centred two-line title, headings and paragraphs
with the two-character first-line indent, a right-aligned signature with a red
seal stamped over it, and a page number in the footer. The PDF embeds a subset
of the font, so the committed file renders identically anywhere; re-running
this script needs a CJK TrueType font (Debian: ``apt-get install
fonts-wqy-microhei``) and reportlab.

Usage: python tests/data/ocr/make_fixture.py [--font PATH]
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

HERE = Path(__file__).resolve().parent
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)

PAGE_W, PAGE_H = 595.0, 842.0  # A4 in points
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 78.0, 90.0, 80.0
BODY_SIZE, TITLE_SIZE, LEADING = 15.0, 20.0, 27.0


def _wrap(text: str, first_indent: float, width: float, font: str, size: float) -> list[tuple[str, float]]:
    """Greedy wrap by glyph widths; returns (line, x offset) pairs."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines: list[tuple[str, float]] = []
    cur, indent = "", first_indent
    for ch in text:
        if stringWidth(cur + ch, font, size) > width - indent and cur:
            # Keep closing punctuation on the line it closes (no line starts with ，。).
            if ch in "，。；：、”）％%":
                cur += ch
                continue
            lines.append((cur, indent))
            cur, indent = ch, 0.0
        else:
            cur += ch
    if cur:
        lines.append((cur, indent))
    return lines


def _seal(c: object, cx: float, cy: float, legend: str, font: str) -> None:
    """A round red seal: ring, five-pointed star, legend along the upper arc."""
    c.saveState()  # type: ignore[attr-defined]
    c.setFillAlpha(0.75)  # type: ignore[attr-defined]
    c.setStrokeAlpha(0.75)  # type: ignore[attr-defined]
    c.setStrokeColorRGB(0.86, 0.08, 0.1)  # type: ignore[attr-defined]
    c.setFillColorRGB(0.86, 0.08, 0.1)  # type: ignore[attr-defined]
    c.setLineWidth(2.6)  # type: ignore[attr-defined]
    r = 46.0
    c.circle(cx, cy, r, stroke=1, fill=0)  # type: ignore[attr-defined]
    star = c.beginPath()  # type: ignore[attr-defined]
    for k in range(10):
        rad = 14.0 if k % 2 == 0 else 5.6
        ang = math.pi / 2 + k * math.pi / 5
        x, y = cx + rad * math.cos(ang), cy + rad * math.sin(ang)
        star.moveTo(x, y) if k == 0 else star.lineTo(x, y)
    star.close()
    c.drawPath(star, stroke=0, fill=1)  # type: ignore[attr-defined]
    size = 10.5
    span = math.radians(220)
    for i, ch in enumerate(legend):
        ang = math.pi / 2 + span / 2 - span * (i + 0.5) / len(legend)
        x, y = cx + (r - 12) * math.cos(ang), cy + (r - 12) * math.sin(ang)
        c.saveState()  # type: ignore[attr-defined]
        c.translate(x, y)  # type: ignore[attr-defined]
        c.rotate(math.degrees(ang) - 90)  # type: ignore[attr-defined]
        c.setFont(font, size)  # type: ignore[attr-defined]
        c.drawCentredString(0, -size / 3, ch)  # type: ignore[attr-defined]
        c.restoreState()  # type: ignore[attr-defined]
    c.restoreState()  # type: ignore[attr-defined]


def build(out: Path, text_path: Path, font_path: str) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("CJK", font_path, subfontIndex=0))
    font = "CJK"
    lines = text_path.read_text("utf-8").strip().split("\n")
    title, body, signature = lines[:2], lines[2:-2], lines[-2:]
    width = PAGE_W - 2 * MARGIN_X
    c = canvas.Canvas(str(out), pagesize=(PAGE_W, PAGE_H), invariant=1)
    c.setTitle("")  # no metadata hints: the tool must read the page
    page = 1
    y = PAGE_H - MARGIN_TOP

    def footer() -> None:
        c.setFont(font, 12)
        c.drawCentredString(PAGE_W / 2, MARGIN_BOTTOM - 40, f"— {page} —")

    def need(h: float) -> None:
        nonlocal y, page
        if y - h < MARGIN_BOTTOM:
            footer()
            c.showPage()
            page += 1
            y = PAGE_H - MARGIN_TOP

    c.setFont(font, TITLE_SIZE)
    for t in title:
        c.drawCentredString(PAGE_W / 2, y, t)
        y -= TITLE_SIZE * 1.6
    y -= LEADING * 0.6
    for i, para in enumerate(body):
        indent = 0.0 if i == 0 else 2 * BODY_SIZE  # the addressee line sits flush left
        for line, x in _wrap(para, indent, width, font, BODY_SIZE):
            need(LEADING)
            c.setFont(font, BODY_SIZE)
            c.drawString(MARGIN_X + x, y, line)
            y -= LEADING
    y -= LEADING
    need(LEADING * 2)
    right = PAGE_W - MARGIN_X - 2 * BODY_SIZE
    for s in signature:
        c.setFont(font, BODY_SIZE)
        c.drawRightString(right, y, s)
        y -= LEADING
    _seal(c, right - 70, y + LEADING * 1.5, signature[0], font)
    footer()
    c.save()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--font", default=next((f for f in FONT_CANDIDATES if Path(f).exists()), None))
    ap.add_argument("--out", type=Path, default=HERE / "qingshi_2024.pdf")
    args = ap.parse_args()
    if not args.font:
        raise SystemExit("no CJK TrueType font found; pass --font or install fonts-wqy-microhei")
    build(args.out, HERE / "qingshi_2024.txt", args.font)


if __name__ == "__main__":
    main()
