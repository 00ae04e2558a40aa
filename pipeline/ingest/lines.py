"""Lines of text with their page geometry, and re-joining hard-wrapped lines into paragraphs.

One home for the line joiner that the PDF reader (lines with positions), the
plain-text reader (a fixed-width wrap, no positions) and OCR share: a line
continues the previous one unless it starts with a heading marker, the
previous one ends a sentence, or the geometry says the previous one stopped
short of the right margin.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise

from pipeline.markers import LINE_MARKER
from pipeline.sentences import CLOSERS, LINE_ENDS

__all__ = ["Geometry", "Line", "continues", "ends_sentence", "join_lines", "page_geometry", "starts_with_marker"]


@dataclass
class Line:
    """One text line of a page; coordinates in points from the top-left corner (None when unknown)."""

    text: str
    x0: float | None = None
    x1: float | None = None
    top: float | None = None
    size: float | None = None
    bold: bool | None = None
    page: int = 1  # 1-based
    kind: str = "paragraph"
    wrap: bool | None = None  # known to continue (True) / not continue (False) the previous line; None: decide





def starts_with_marker(text: str) -> bool:
    """Does the line start with a heading or list marker (一、 （一） 三） 1. ㈠ ⒈ 第二章 …)?"""
    return LINE_MARKER.match(text.lstrip()) is not None


def ends_sentence(text: str) -> bool:
    """Does the line end a sentence (or introduce a list), closing quotes and brackets aside?"""
    return text.rstrip(CLOSERS + " ").endswith(LINE_ENDS)


def _is_ascii_word(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


@dataclass
class Geometry:
    """Where the body text of a page size sits: left margin, right margin, usual font size,
    and the usual line pitch as a multiple of the font size."""

    left: float
    right: float
    size: float
    width: float
    pitch: float | None = None


def page_geometry(lines: list[Line], width: float) -> Geometry | None:
    xs = [(ln.x0, ln.x1) for ln in lines if ln.x0 is not None and ln.x1 is not None]
    if len(xs) < 3:
        return None
    # The most common left edge is the margin (paragraph first lines are indented,
    # centred titles are not many); the right margin is where full lines end.
    lefts = Counter(round(x0) for x0, _ in xs)
    left = float(min(x for x, c in lefts.items() if c >= max(lefts.values()) * 0.5))
    rights = sorted(x1 for _, x1 in xs)
    right = rights[int(0.9 * (len(rights) - 1))]
    sizes = [ln.size for ln in lines if ln.size]
    size = statistics.median(sizes) if sizes else 12.0
    pitches = [
        (b.top - a.top) / a.size
        for a, b in pairwise(lines)
        if a.page == b.page and a.top is not None and b.top is not None and a.size and b.top > a.top
    ]
    pitch = statistics.median(pitches) if len(pitches) >= 3 else None
    return Geometry(left=left, right=right, size=size, width=width, pitch=pitch)


def _centred(line: Line, g: Geometry) -> bool:
    assert line.x0 is not None and line.x1 is not None
    size = line.size or g.size
    # Indented on the left AND short of the right margin, by about as much.
    return (
        line.x0 > g.left + 2 * size
        and line.x1 < g.right - 1.5 * size
        and abs((line.x0 + line.x1) / 2 - (g.left + g.right) / 2) < size
    )


def continues(cur: Line, nxt: Line, g: Geometry | None, typical_len: int) -> bool:
    """Does ``nxt`` continue the paragraph that ``cur`` ends (a hard wrap, not a new paragraph)?"""
    text, nxt_text = cur.text.rstrip(), nxt.text.lstrip()
    if nxt.wrap is not None:
        return nxt.wrap
    if not text or not nxt_text or LINE_MARKER.match(nxt_text):
        return False
    ends = ends_sentence(text)
    if g is None or None in (cur.x0, cur.x1, nxt.x0, nxt.x1):
        # Text only: a long line that does not end a sentence wraps.
        return not ends and len(text) >= 0.8 * typical_len
    assert cur.x0 is not None and cur.x1 is not None and nxt.x0 is not None
    size = cur.size or g.size
    if cur.size and nxt.size and abs(cur.size - nxt.size) > 1.5:
        return False  # a title above body text, body text above a table
    if cur.page == nxt.page and cur.top is not None and nxt.top is not None:
        step = nxt.top - cur.top
        if step < -0.5 * size:
            return False  # the text stream went back up the page: another block
        if g.pitch is not None and step > 1.7 * g.pitch * size:
            return False  # a blank gap: paragraph spacing
    if _centred(nxt, g):
        # A centred line continues only a title set in centred lines of one size
        # (the first line of a long title may fill the measure).
        same = cur.size is not None and nxt.size is not None and abs(cur.size - nxt.size) < 0.5
        mid = (cur.x0 + cur.x1) / 2
        return not ends and same and abs(mid - (g.left + g.right) / 2) < size
    if _centred(cur, g):
        return False
    if nxt.x0 > g.left + 1.2 * size:
        return False  # an indented first line starts a new paragraph
    if cur.x1 >= g.right - 1.5 * size:
        # A full line ending with a colon ("…报告如下：") over a short line with no sentence
        # end is a lead-in and an unnumbered heading ("主要举措和成效"), not one wrapped line.
        if text.rstrip(CLOSERS + " ").endswith(("：", ":")) and nxt.x1 is not None \
                and nxt.x1 < g.right - 5 * size and not ends_sentence(nxt_text):
            return False
        return True  # the line runs to the right margin: wrapped
    # Stopped short: a paragraph end, unless a long word/number did not fit.
    return not ends and cur.x1 >= g.right - 5 * size and cur.x0 <= g.left + 2.5 * size


def join_lines(lines: list[Line], geometry: Callable[[Line], Geometry | None] | None = None) -> list[tuple[str, Line]]:
    """Re-join hard-wrapped lines into paragraphs; return ``(text, first line)`` pairs."""
    lengths = sorted(len(ln.text.strip()) for ln in lines if ln.text.strip())
    typical = lengths[int(0.75 * (len(lengths) - 1))] if lengths else 0
    paragraphs: list[tuple[list[str], Line]] = []
    prev: Line | None = None
    for ln in lines:
        text = ln.text.strip()
        if not text:
            prev = None
            continue
        g = geometry(prev) if (geometry is not None and prev is not None) else None
        if prev is not None and paragraphs and continues(prev, ln, g, typical):
            parts = paragraphs[-1][0]
            # A space only between two Latin words: Chinese has none, and a number
            # wrapped mid-way ("30" / "1件") is one number.
            left, right = parts[-1][-1], text[0]
            sep = " " if _is_ascii_word(left) and _is_ascii_word(right) and not (left.isdigit() and right.isdigit()) else ""
            parts.append(sep + text)
        else:
            paragraphs.append(([text], ln))
        prev = ln
    return [("".join(parts), first) for parts, first in paragraphs]
