"""Heading and list markers and their levels: the one home of this knowledge.

GB/T 9704 numbers a report's headings 一、 / （一） / 1. / （1） (levels 1-4);
published reports add variants (``一）``, ``(一)``, ``1、``, ``第一部分``,
Word's one-character markers ㈠ ⒈ ⑴). Each reader needs a slightly different
view of them, so each view is named here with the stage that uses it:

- :data:`HEADING_MARKERS`: the structure stage's table (level, pattern), the
  most complete; tried in order on a normalised line.
- :data:`MARKER_PREFIX`: a marker to strip before the classifier's rules read a
  heading.
- :data:`LINE_MARKER`: "this line starts a new paragraph", for re-joining
  hard-wrapped lines (PDF, text); :data:`OCR_LINE_MARKER` the same for OCR
  lines, which never carry Word's one-character markers.
- :func:`numbered_heading`: the completeness checker's reading of a line's GB/T
  level, used to judge the heading format (R10).
"""

from __future__ import annotations

import re
from types import MappingProxyType

__all__ = [
    "BARE_NUMBER", "CN_DIGITS", "ENCLOSED_BASE", "ENUMERATOR", "GBT_EXAMPLE", "HEADING_MARKERS",
    "L1_HALF_BRACKET", "LINE_MARKER", "MARKER_NUMBER", "MARKER_PREFIX", "OCR_LINE_MARKER",
    "numbered_heading",
]

# --- the structure stage ------------------------------------------------------
CN_DIGITS = "一二三四五六七八九十"

# Marker patterns, tried in order on the start of a normalised line. Each
# returns (level, marker length). Half- and full-width brackets are both
# accepted (normalise keeps Chinese brackets, folds nothing else here).
HEADING_MARKERS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(r"第[一二三四五六七八九十]{1,3}部分[、:：,，.\s]?")),
    (2, re.compile(r"[（(][一二三四五六七八九十]{1,3}[）)][、.]?")),
    (2, re.compile(r"[一二三四五六七八九十]{1,3}[）)]")),
    (1, re.compile(r"[一二三四五六七八九十]{1,3}[、.．]")),
    (4, re.compile(r"[（(]\d{1,2}[）)]")),
    (4, re.compile(r"\d{1,2}[）)]")),
    (3, re.compile(r"\d{1,2}(?:[.．、](?!\d)|\s)")),
    # Word's numbering leaves one-character markers that normalise keeps as
    # they are (NFKC would turn one character into several): ㈠-㈩ (一)-(十),
    # ⒈-⒛ 1.-20., ⑴-⒇ (1)-(20).
    (2, re.compile(r"[\u3220-\u3229][、.．]?")),
    (3, re.compile(r"[\u2488-\u249b]")),
    (4, re.compile(r"[\u2474-\u2487]")),
)
# The number an enclosed marker stands for (㈠ → 1, ⒈ → 1, ⑴ → 1).
ENCLOSED_BASE = ((0x3220, 0x3229), (0x2488, 0x249B), (0x2474, 0x2487))
# "2优化法治教育阵地建设" after "1、…": a bare number continuing a series.
BARE_NUMBER = re.compile(r"(\d{1,2})(?=[\u4e00-\u9fff])")
MARKER_NUMBER = re.compile(r"\d{1,2}|[一二三四五六七八九十]{1,3}")
# "一是…二是…" inside a line: an enumeration, not a heading.
ENUMERATOR = re.compile(r"[一二三四五六七八九十]是")


# --- the classifier's rules -------------------------------------------------------
# Numbering markers stripped before the rules look at a heading.
MARKER_PREFIX = re.compile(
    r"^\s*(?:第[一二三四五六七八九十]+(?:部分|章|节)[、.：:\s]*"
    r"|[（(]?[一二三四五六七八九十百〇零]+[）)、.．:：]"
    r"|[（(]?\d{1,2}[）)、.．:：](?!\d)"
    r"|[①-⑳⑴-⒇⒈-⒛㈠-㈩][、.．]?)\s*"
)


# --- re-joining hard-wrapped lines (PDF, text) and OCR lines -------------------------
LINE_MARKER_DIGITS = "一二三四五六七八九十百零〇"
LINE_MARKER = re.compile(
    rf"""^(?:
        [{LINE_MARKER_DIGITS}]+[、．.]          # 一、
      | [（(]?[{LINE_MARKER_DIGITS}]+[)）]       # （一）, and 一） without its opening bracket
      | \d{{1,2}}[、．.](?![\d.．])               # 1.  1、 (not 5.4%)
      | [（(]?\d{{1,2}}[)）]                      # （1）, 1）
      | [①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳]
      | [\u3220-\u3229\u2474-\u249b]           # Word's one-character markers: ㈠-㈩, ⑴-⒇, ⒈-⒛
      | 第[{LINE_MARKER_DIGITS}\d]+[章节条部分篇]
      | 附件\s*\d*[:：]?$
    )""",
    re.VERBOSE,
)
# A heading marker at the start of a line: 一、 （一） (一) 1. 1、 （1） 第一章/节/部分.
OCR_LINE_MARKER = re.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十]{1,3}[)）]"
    r"|\d{1,2}[、.．](?!\d)|[（(]\d{1,2}[)）]|第[一二三四五六七八九十]{1,3}[章节部分])"
)


# --- the completeness checker (GB/T 9704 levels, R10) ------------------------------
GBT_L1 = re.compile(r"^[一二三四五六七八九十]+[、.]")
L1_HALF_BRACKET = re.compile(r"^[一二三四五六七八九十]+[）)]")
GBT_L2 = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")
GBT_L3 = re.compile(r"^\d{1,2}[.、](?!\d)")
GBT_L4 = re.compile(r"^[（(]\d{1,2}[）)]")
PART_NUMBER = re.compile(r"^第[一二三四五六七八九十]+部分")
# How each level is written (R10 names the expected marker).
GBT_EXAMPLE = MappingProxyType({1: "一、", 2: "（一）", 3: "1.", 4: "（1）"})


def numbered_heading(line: str) -> tuple[int, str] | None:
    """Level and marker of a numbered heading line, or None."""
    for pat, level in (
        (GBT_L1, 1),
        (L1_HALF_BRACKET, 1),
        (GBT_L2, 2),
        (GBT_L4, 4),
        (GBT_L3, 3),
        (PART_NUMBER, 1),
    ):
        m = pat.match(line)
        if m:
            return level, m.group(0)
    return None
