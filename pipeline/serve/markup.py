"""A report's text as HTML with its sections, headings and metrics marked in place.

Every character of the text is escaped; markup comes only from here. Each run
of text is a ``<span data-o="N">`` holding the characters from offset N, so
the page script can turn a reviewer's selection back into offsets of the
stored text (to add a metric the pipeline missed).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from pipeline import labels
from pipeline.types import CATEGORIES

# The legend and the block titles: labels.toml [categories] is the one home of the Chinese.
CATEGORY_LABELS: dict[str, str] = {c: labels.category(c) for c in CATEGORIES}


def _blocks(text: str, record: dict[str, Any]) -> list[tuple[int, int, str, str]]:
    """Non-overlapping (start, end, kind, category) blocks covering the whole text."""
    spans: list[tuple[int, int, str, str]] = []
    for h in record.get("headings") or []:
        if h.get("start") is not None and h.get("end") is not None:
            spans.append((int(h["start"]), int(h["end"]), f"h{h.get('level') or 1}", str(h.get("category") or "other")))
    for p in record.get("paragraphs") or []:
        if p.get("start") is not None and p.get("end") is not None:
            spans.append((int(p["start"]), int(p["end"]), "p", str(p.get("category") or "other")))
    spans.sort(key=lambda s: (s[0], 0 if s[2].startswith("h") else 1))
    out: list[tuple[int, int, str, str]] = []
    pos = 0
    for start, end, kind, cat in spans:
        start, end = max(0, start), min(len(text), end)
        if start < pos or end <= start:
            continue  # overlaps a block already placed (a run-in heading inside its paragraph)
        if start > pos:
            out.append((pos, start, "gap", ""))
        out.append((start, end, kind, cat))
        pos = end
    if pos < len(text):
        out.append((pos, len(text), "gap", ""))
    return out


def _run(text: str, start: int, end: int) -> str:
    return f'<span data-o="{start}">{escape(text[start:end])}</span>' if end > start else ""


def marked_text(text: str, record: dict[str, Any], metrics: Sequence[dict[str, Any]]) -> str:
    """The whole text as escaped HTML: blocks per heading/paragraph, a ``<mark>`` per metric number."""
    marks = sorted(
        (m for m in metrics if isinstance(m.get("start"), int) and isinstance(m.get("end"), int)
         and 0 <= m["start"] < m["end"] <= len(text)),
        key=lambda m: (m["start"], m["end"]),
    )
    html: list[str] = []
    i = 0
    for start, end, kind, cat in _blocks(text, record):
        if kind == "gap":
            html.append('<span class="gap">')
        else:
            html.append(f'<span class="blk {kind} sec-{escape(cat)}" title="{escape(CATEGORY_LABELS.get(cat, cat))}">')
        pos = start
        while i < len(marks) and marks[i]["start"] < end:
            m = marks[i]
            i += 1
            if m["start"] < pos or m["end"] > end:
                continue  # crosses a block edge or overlaps the previous mark: listed in the table only
            html.append(_run(text, pos, m["start"]))
            origin = escape(str(m.get("origin") or "extracted"))
            html.append(f'<mark class="m m-{origin}" id="t-{escape(str(m.get("key")))}" '
                        f'title="{escape(str(m.get("indicator_name") or m.get("indicator") or ""))}">'
                        f'{_run(text, m["start"], m["end"])}</mark>')
            pos = m["end"]
        html.append(_run(text, pos, end))
        html.append("</span>")
    return "".join(html)
