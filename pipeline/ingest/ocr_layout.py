"""OCR page layout: the engine's boxes of one page -> lines -> paragraphs.

Pure geometry (plus the page image for seals): undo the page's skew, join
boxes on one baseline into lines, drop seal legends and page numbers, and
join lines into paragraphs and titles by indentation, line ends and size.
:mod:`pipeline.ingest.ocr` runs the engine and calls :func:`layout_page`.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pipeline.dates import OCR_DATE_LINE
from pipeline.furniture import OCR_PAGE_NUMBER
from pipeline.markers import OCR_LINE_MARKER
from pipeline.sentences import OCR_LINE_ENDS

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image

    from pipeline.ingest.ocr import OcrEngine

# A line whose recognition score is below this is "low confidence". PP-OCRv4
# scores clean print at 0.97-1.00; lines with a misread character mostly
# fall to 0.6-0.85 (see benchmarks/eval_ocr.py for the measured effect).
LOW_CONFIDENCE = 0.80
DEFAULT_DPI = 200
# The legend of a stamp (also read from black-and-white copies of a seal).
# Only an organisation's name followed by the kind of seal, or the bare word: a body line
# that happens to end in "…规范使用公章" must stay.
_SEAL_LEGEND = re.compile(
    r"^(?:[\u4e00-\u9fff（）()]{0,24}(?:政府|委员会|办公室|办事处|司法所|局|所|中心|法院|院|委|队|站|室|部|会|社区|村|公司)"
    r"[\u4e00-\u9fff]{0,4})?(?:专用章|公章|印章|合同章|财务章|业务章)$"
)


# -- data ------------------------------------------------------------------


@dataclass
class OcrLine:
    """One text line of a page: boxes on the same baseline joined left to right.

    ``box`` is ``(x0, y0, x1, y1)`` in pixels of the page image, axis-aligned
    after undoing the page's skew.
    """

    text: str
    box: tuple[float, float, float, float]
    confidence: float


@dataclass
class OcrParagraph:
    """Lines joined into one paragraph (or a title / heading line)."""

    text: str
    lines: list[OcrLine]
    confidence: float
    kind: str = "paragraph"  # paragraph | title
    font_size: float | None = None  # points, from the line height and the render resolution
    continues: bool = False  # the first line continues the previous page's last paragraph
    line_offsets: list[int] = field(default_factory=list)  # start of each line in ``text``


@dataclass
class OcrPage:
    """The OCR result of one page: text in reading order, paragraphs one per line of ``text``."""

    text: str
    confidence: float  # character-weighted mean of the lines; 0.0 when nothing was read
    lines: list[OcrLine]
    paragraphs: list[OcrParagraph] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # seal legends, page numbers: not in ``text``
    width: int = 0
    height: int = 0
    dpi: float = DEFAULT_DPI

    @property
    def low_confidence_lines(self) -> list[OcrLine]:
        return [ln for ln in self.lines if ln.confidence < LOW_CONFIDENCE]


@dataclass
class RawBox:
    """One box as the engine returned it (points in image pixels)."""

    points: list[tuple[float, float]]
    text: str
    score: float


# -- image helpers -------------------------------------------------------------


def to_rgb_array(image: Image.Image) -> np.ndarray:
    """An RGB uint8 array of any Pillow image (transparency flattened onto white)."""
    import numpy as np
    from PIL import Image as PILImage

    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        bg = PILImage.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = PILImage.alpha_composite(bg, rgba)
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit greyscale scans: scale to 8 bits rather than clip.
        arr = np.asarray(image, dtype=np.float64)
        top = float(arr.max()) or 1.0
        image = PILImage.fromarray((arr * (255.0 / top)).astype(np.uint8))
    return np.asarray(image.convert("RGB"), dtype=np.uint8)


def _red_mask(rgb: np.ndarray) -> np.ndarray:
    """Pixels of red ink (stamps): red well above green and blue."""
    import numpy as np

    r = rgb[:, :, 0].astype(np.int16)
    g = rgb[:, :, 1].astype(np.int16)
    b = rgb[:, :, 2].astype(np.int16)
    return (r > 120) & (r - g > 50) & (r - b > 40)


def _ink_mask(rgb: np.ndarray) -> np.ndarray:
    return rgb.min(axis=2) < 150


# -- geometry --------------------------------------------------------------


@dataclass
class _Box:
    text: str
    score: float
    x0: float
    y0: float
    x1: float
    y1: float
    angle: float  # degrees, of the box's top edge

    @property
    def h(self) -> float:
        return self.y1 - self.y0

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


def _angle(points: Sequence[tuple[float, float]]) -> float:
    (xa, ya), (xb, yb) = points[0], points[1]
    return math.degrees(math.atan2(yb - ya, xb - xa)) if xb != xa else 90.0


def _page_skew(raw: Sequence[RawBox]) -> float:
    """Median top-edge angle of the long boxes: the page's skew in degrees."""
    angles = []
    for rb in raw:
        xs = [p[0] for p in rb.points]
        ys = [p[1] for p in rb.points]
        if (max(xs) - min(xs)) > 3 * (max(ys) - min(ys)):
            angles.append(_angle(rb.points))
    return statistics.median(angles) if angles else 0.0


def _deskewed(rb: RawBox, skew: float, cx: float, cy: float) -> _Box:
    """The axis-aligned box of ``rb`` after rotating the page by ``-skew`` about its centre."""
    t = math.radians(-skew)
    cos_t, sin_t = math.cos(t), math.sin(t)
    xs, ys = [], []
    for x, y in rb.points:
        dx, dy = x - cx, y - cy
        xs.append(cx + dx * cos_t - dy * sin_t)
        ys.append(cy + dx * sin_t + dy * cos_t)
    return _Box(rb.text, rb.score, min(xs), min(ys), max(xs), max(ys), _angle(rb.points) - skew)


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


_ASCII_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
# ASCII punctuation touching a Chinese character: the recogniser often cannot
# tell "，" from ",", and Chinese documents use the full-width forms. Commas
# and colons between digits (1,000 / 8:30) are left alone.
_MIXED_PUNCT = re.compile(r"(?<=[\u3400-\u9fff）])[,;:?!(]|[,;:?!)](?=[\u3400-\u9fff（“])|(?<=[\u3400-\u9fff])\)|\((?=[\u3400-\u9fff])")


def _fix_punctuation(text: str) -> str:
    """Full-width punctuation next to Chinese characters; brackets of one pair made to match."""
    text = _MIXED_PUNCT.sub(lambda m: _ASCII_TO_FULL[m.group()], text)
    # "（一)" -> "（一）": a bracket pair read half one way, half the other.
    return re.sub(r"（([^（）()]{1,12})\)", r"（\1）", re.sub(r"\(([^（）()]{1,12})）", r"（\1）", text))


def joint(left: str, right: str) -> str:
    """What goes between two pieces of one line or paragraph: nothing, except between Latin words."""
    if left and right and left[-1].isascii() and right[0].isascii() and left[-1].isalpha() and right[0].isalpha():
        return " "
    return ""


# -- seals -----------------------------------------------------------------


def _filter_seals(
    raw: list[RawBox], rgb: np.ndarray | None, skew: float, engine: OcrEngine | None
) -> tuple[list[RawBox], list[str]]:
    """Drop stamp boxes; re-read boxes partly covered by red ink with the red removed."""
    import numpy as np

    kept: list[RawBox] = []
    dropped: list[str] = []
    heights = sorted(max(p[1] for p in rb.points) - min(p[1] for p in rb.points) for rb in raw)
    body_h = heights[len(heights) // 2] if heights else 0.0
    page_h = rgb.shape[0] if rgb is not None else 0
    red = _red_mask(rgb) if rgb is not None else None
    ink = _ink_mask(rgb) if rgb is not None else None
    has_red = red is not None and bool(red.any())
    for rb in raw:
        text = rb.text.strip()
        if not text:
            continue
        tilt = abs(_angle(rb.points) - skew)
        tilt = min(tilt, abs(180 - tilt))
        if _SEAL_LEGEND.search(text):
            dropped.append(text)
            continue
        red_share = 0.0
        if has_red and red is not None and ink is not None:
            xs = [p[0] for p in rb.points]
            ys = [p[1] for p in rb.points]
            x0, x1 = max(0, int(min(xs))), min(rgb.shape[1], math.ceil(max(xs)))  # type: ignore[union-attr]
            y0, y1 = max(0, int(min(ys))), min(page_h, math.ceil(max(ys)))
            r_count = int(red[y0:y1, x0:x1].sum())
            i_count = int((ink[y0:y1, x0:x1] | red[y0:y1, x0:x1]).sum())
            red_share = r_count / i_count if i_count else 0.0
            if red_share >= 0.5:
                # Red text is kept only when it looks like a letterhead (红头): large,
                # level, confidently read and near the top of the page. Stamps are
                # small curved legends and stars.
                letterhead = tilt < 3 and rb.score >= 0.9 and y0 < page_h * 0.3 and (y1 - y0) >= body_h
                if not letterhead:
                    dropped.append(text)
                    continue
            elif red_share > 0.03 and engine is not None and rgb is not None:
                # Part of a stamp lies over the line: read it again without the red ink.
                pad = max(2, (y1 - y0) // 8)
                ya, yb = max(0, y0 - pad), min(page_h, y1 + pad)
                xa, xb = max(0, x0 - pad), min(rgb.shape[1], x1 + pad)
                crop = rgb[ya:yb, xa:xb].copy()
                crop[red[ya:yb, xa:xb]] = 255
                text2, score2 = engine.read(np.ascontiguousarray(crop[:, :, ::-1]))
                if text2.strip() and score2 >= rb.score - 0.02:
                    rb = RawBox(rb.points, text2.strip(), score2)
                    text = rb.text
        # A short, steeply tilted box is a character of a round stamp (copies lose the colour).
        if tilt > 12 and len(text) <= 6:
            dropped.append(text)
            continue
        kept.append(RawBox(rb.points, text, rb.score))
    return kept, dropped


# -- layout ----------------------------------------------------------------


def _group_lines(boxes: list[_Box]) -> list[list[_Box]]:
    """Boxes -> lines by vertical overlap (at least half the smaller height)."""
    lines: list[list[_Box]] = []
    spans: list[tuple[float, float]] = []
    for b in sorted(boxes, key=lambda b: (b.cy, b.x0)):
        best, best_ov = -1, 0.0
        # Only the last few lines can overlap a box further down the page.
        for k in range(max(0, len(lines) - 3), len(lines)):
            y0, y1 = spans[k]
            ov = min(y1, b.y1) - max(y0, b.y0)
            need = 0.5 * min(b.h, y1 - y0)
            if ov >= need and ov > best_ov:
                best, best_ov = k, ov
        if best < 0:
            lines.append([b])
            spans.append((b.y0, b.y1))
        else:
            lines[best].append(b)
            y0, y1 = spans[best]
            # Keep the line's span from growing with a tall box (a stamp remnant).
            spans[best] = (min(y0, b.y0) if b.h <= 1.5 * (y1 - y0) else y0, max(y1, b.y1) if b.h <= 1.5 * (y1 - y0) else y1)
    order = sorted(range(len(lines)), key=lambda k: spans[k][0])
    return [sorted(lines[k], key=lambda b: b.x0) for k in order]


def _make_line(boxes: list[_Box]) -> OcrLine:
    heights = sorted(b.h for b in boxes)
    char_h = heights[len(heights) // 2]
    parts: list[str] = []
    prev: _Box | None = None
    for b in boxes:
        if prev is not None:
            gap = b.x0 - prev.x1
            # A wide gap inside a line (a table row, "签名    日期") keeps a space.
            parts.append(" " if gap > 1.5 * char_h else joint(parts[-1], b.text))
        parts.append(b.text)
        prev = b
    text = _fix_punctuation("".join(parts))
    n = sum(len(b.text) for b in boxes) or 1
    conf = sum(b.score * len(b.text) for b in boxes) / n
    return OcrLine(
        text=text,
        box=(min(b.x0 for b in boxes), min(b.y0 for b in boxes), max(b.x1 for b in boxes), max(b.y1 for b in boxes)),
        confidence=conf,
    )


def _line_h(line: OcrLine) -> float:
    return line.box[3] - line.box[1]


def weighted_confidence(lines: Iterable[OcrLine]) -> float:
    lines = list(lines)
    n = sum(len(ln.text) for ln in lines)
    return sum(ln.confidence * len(ln.text) for ln in lines) / n if n else 0.0


@dataclass(frozen=True)
class _Frame:
    """The text frame of a page: body margins, character size."""

    left: float
    right: float
    char_h: float
    char_w: float

    @property
    def centre(self) -> float:
        return (self.left + self.right) / 2


def _frame(lines: list[OcrLine], page_w: float) -> _Frame:
    """Margins and character size of the body text of a page.

    The body character height is the median over characters (not lines), so a
    large two-line title does not outweigh the body. The margins are where body
    lines start and end: a flush-left line starts at the left margin, a full
    line ends at the right one; with ten or more lines the outermost one is
    ignored (a margin note, a stray box).
    """
    by_char = sorted((_line_h(ln), len(ln.text)) for ln in lines)
    total = sum(n for _, n in by_char)
    char_h, seen = 20.0, 0
    for h, n in by_char:
        seen += n
        if seen * 2 >= total:
            char_h = h
            break
    body = [ln for ln in lines if abs(_line_h(ln) - char_h) < 0.25 * char_h and len(ln.text) >= 2] or lines
    # Width of a full-width character, from lines of (almost) only Chinese characters.
    widths = [
        (ln.box[2] - ln.box[0]) / len(ln.text)
        for ln in body
        if len(ln.text) >= 6 and sum(_is_cjk(c) for c in ln.text) >= 0.85 * len(ln.text)
    ]
    char_w = statistics.median(widths) if widths else char_h
    xs0 = sorted(ln.box[0] for ln in body)
    xs1 = sorted(ln.box[2] for ln in body)
    left = xs0[1] if len(xs0) >= 10 else xs0[0]
    right = xs1[-2] if len(xs1) >= 10 else xs1[-1]
    if len(body) < 3 or right - left < 10 * char_w:
        # Too few lines to see the margins (a signature page): assume symmetric margins.
        right = max(right, page_w - left)
    return _Frame(left, right, char_h, char_w)


def _centred(ln: OcrLine, frame: _Frame) -> bool:
    cw = frame.char_w
    mid = (ln.box[0] + ln.box[2]) / 2
    return abs(mid - frame.centre) < 1.5 * cw and ln.box[0] - frame.left > 2.5 * cw and frame.right - ln.box[2] > 2.5 * cw


# A line never starts a paragraph with closing punctuation (a quote closed on the next line).
_CONTINUATION_START = tuple("”’）)》」』，,。、；;：:！？%％")


def _starts_paragraph(prev: OcrLine, ln: OcrLine, frame: _Frame) -> bool:
    """Whether ``ln`` starts a new paragraph after ``prev`` (the rules of the module docstring)."""
    cw = frame.char_w
    ph, h = _line_h(prev), _line_h(ln)
    tall = max(ph, h)
    gap = ln.box[1] - prev.box[3]
    same_size = abs(ph - h) < 0.2 * tall
    if _centred(prev, frame) and _centred(ln, frame):
        # A title (or a centred heading) broken over two lines is one paragraph.
        return not (
            same_size and gap < 1.2 * tall and not prev.text.endswith(OCR_LINE_ENDS)
            and not OCR_DATE_LINE.match(ln.text) and not OCR_LINE_MARKER.match(ln.text)
        )
    if _centred(prev, frame) or _centred(ln, frame):
        return True
    if gap > 1.2 * tall or abs(ph - h) > 0.3 * tall:
        return True  # a blank line, or another font size
    if ln.text.startswith(_CONTINUATION_START):
        return False
    if (ln.box[0] - frame.left) / cw >= 1.2:
        return True  # the two-character first-line indent
    if OCR_LINE_MARKER.match(ln.text) or OCR_DATE_LINE.match(ln.text):
        return True
    short_by = (frame.right - prev.box[2]) / cw
    # A short line ends its paragraph when it ends a sentence, or when it is clearly short
    # (not just a number or a word pushed to the next line).
    return short_by > 1.5 and (prev.text.endswith(OCR_LINE_ENDS) or short_by > 4)


def _size_ratio(ln: OcrLine, frame: _Frame) -> float:
    """Font size of a line relative to the body text, 1.0 unless clearly different.

    The pitch of a line of Chinese characters (width per character) measures
    its font size well; box heights vary by a point or two with the glyphs of
    a line (quotes, brackets, digits) and are used only for other lines, with
    a wider margin for short ones. The structure stage reads any size above
    the body's as a heading hint, so noise must not get through.
    """
    n = len(ln.text)
    if n >= 6 and sum(_is_cjk(c) for c in ln.text) >= 0.85 * n:
        ratio = (ln.box[2] - ln.box[0]) / n / frame.char_w
        margin = 0.15
    else:
        ratio = _line_h(ln) / frame.char_h
        margin = 0.25 if n >= 6 else 0.45
    return ratio if abs(ratio - 1.0) > margin else 1.0


def _paragraphs(lines: list[OcrLine], frame: _Frame, dpi: float, first_page: bool) -> list[OcrParagraph]:
    """Join wrapped lines into paragraphs (see the module docstring for the rules)."""
    paras: list[list[OcrLine]] = []
    kinds: list[str] = []
    body_started = False
    prev: OcrLine | None = None
    for ln in lines:
        new = prev is None or _starts_paragraph(prev, ln, frame)
        if new:
            kind = "paragraph"
            if first_page and not body_started and _centred(ln, frame) and _line_h(ln) > 1.15 * frame.char_h:
                kind = "title"
            paras.append([ln])
            kinds.append(kind)
            if kind != "title":
                body_started = True
        else:
            paras[-1].append(ln)
        prev = ln

    out: list[OcrParagraph] = []
    for group, kind in zip(paras, kinds):
        text = ""
        offsets: list[int] = []
        for ln in group:
            text += joint(text, ln.text)
            offsets.append(len(text))
            text += ln.text
        ratio = statistics.median(_size_ratio(ln, frame) for ln in group)
        size = round(frame.char_w * ratio * 72.0 / dpi, 1) if dpi else None
        out.append(
            OcrParagraph(
                text=text,
                lines=group,
                confidence=weighted_confidence(group),
                kind=kind,
                font_size=size,
                line_offsets=offsets,
            )
        )
    return out


def layout_page(
    raw: list[RawBox],
    width: int,
    height: int,
    *,
    dpi: float = DEFAULT_DPI,
    first_page: bool = False,
    rgb: np.ndarray | None = None,
    engine: OcrEngine | None = None,
) -> OcrPage:
    """Engine boxes of one page -> :class:`OcrPage` (seals dropped, lines, paragraphs).

    Pure geometry when ``rgb`` is None (the unit tests feed boxes directly).
    """
    skew = _page_skew(raw)
    raw, dropped = _filter_seals(raw, rgb, skew, engine)
    boxes = [_deskewed(rb, skew, width / 2, height / 2) for rb in raw]
    lines = [_make_line(g) for g in _group_lines(boxes)]
    # Page numbers in the top or bottom margin are furniture, not text.
    kept: list[OcrLine] = []
    for ln in lines:
        in_margin = ln.box[1] > 0.88 * height or ln.box[3] < 0.08 * height
        if in_margin and OCR_PAGE_NUMBER.match(ln.text):
            dropped.append(ln.text)
            continue
        kept.append(ln)
    lines = kept
    paras = _paragraphs(lines, _frame(lines, width), dpi, first_page) if lines else []
    if paras:
        first = paras[0]
        frame = _frame(lines, width)
        indent = (first.lines[0].box[0] - frame.left) / frame.char_w
        first.continues = (
            first.kind == "paragraph" and indent < 1.2 and not OCR_LINE_MARKER.match(first.text)
        )
    return OcrPage(
        text="\n".join(p.text for p in paras),
        confidence=weighted_confidence(lines),
        lines=lines,
        paragraphs=paras,
        dropped=dropped,
        width=width,
        height=height,
        dpi=dpi,
    )
