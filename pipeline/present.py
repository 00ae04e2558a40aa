"""Presentation: how reports, verdicts and progress are shown (text tables, records, progress lines).

The library computes; this module only formats, and ``cli.py`` is the only
caller that writes the result to a terminal or file.
"""

from __future__ import annotations

import time
from dataclasses import asdict
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline.batch import Progress
    from pipeline.similarity import SimilarityFinding
    from pipeline.types import Report

__all__ = ["ProgressPrinter", "check_record", "format_verdict", "table_row"]


# --- analyze -------------------------------------------------------------------------
def table_row(report: Report) -> str:
    """A report as readable lines (the ``analyze --format table`` row)."""
    if report.status != "ok":
        err = report.error or {}
        return f"✗ {report.source}\n    error [{err.get('code')}]: {err.get('message')}"
    comp = report.completeness
    lines = [
        f"✓ {report.source}",
        f"    title:    {report.title or '—'}",
        f"    entity:   {report.entity or '—'} ({report.level or '?'}), county {report.county or '—'}, year {report.year or '—'}"
        + ("" if report.is_report in (True, None) else f"   ⚠ not an annual rule-of-law report ({report.doc_type})"),
        f"    format:   {report.format} via {report.extractor}"
        + (f", encoding {report.encoding}" if report.encoding else "")
        + f", {len(report.text)} characters"
        + (f", OCR confidence {report.ocr_confidence:.0%}" if report.ocr_confidence is not None else ""),
        f"    headings: {len(report.headings)}   paragraphs: {len(report.paragraphs)}   metrics: {len(report.metrics)}",
    ]
    if comp is not None:
        lines.append(f"    completeness: {comp.score:.0%}" + (f"  missing: {', '.join(comp.missing)}" if comp.missing else ""))
        if comp.summary:
            lines.append(f"    {comp.summary}")
    for m in report.metrics[:50]:
        q = "" if m.qualifier == "exact" else f" ({m.qualifier})"
        per = f" per {m.per}" if m.per else ""
        lines.append(f"      · {m.indicator:<28} {m.value:>10g} {m.unit}{q}{per}   「{m.quote}」")
    if len(report.metrics) > 50:
        lines.append(f"      … {len(report.metrics) - 50} more metrics (use --format json)")
    for w in report.warnings:
        lines.append(f"    warning: {w}")
    return "\n".join(lines)


# --- check ---------------------------------------------------------------------------
def check_record(report: Report, findings: list[SimilarityFinding]) -> dict[str, Any]:
    """The JSON record of ``govreport check``: identity, verdict and the report's similarity findings."""
    return {
        "source": report.source, "status": report.status, "error": report.error,
        "title": report.title, "entity": report.entity, "year": report.year,
        "completeness": asdict(report.completeness) if report.completeness else None,
        "similar": [asdict(f) for f in findings if f.source == report.source],
    }


_MARK = {"ok": "✓", "missing": "✗", "error": "✗", "warning": "!", "info": "·"}


def format_verdict(report: Report, *, width: int = 60) -> str:
    """A report's verdict as readable lines (the ``govreport check`` table)."""
    if report.status != "ok":
        err = report.error or {}
        return f"✗ {report.source}\n    error [{err.get('code')}]: {err.get('message')}"
    comp = report.completeness
    if comp is None:
        return f"· {report.source}\n    (not checked)"
    lines = [f"{report.source}  score {comp.score:.2f}", f"  {comp.summary}"]
    for i in comp.items:
        ev = f"「{i.evidence if len(i.evidence) <= width else i.evidence[: width - 1] + '…'}」" if i.evidence else ""
        where = f" [{i.where}]" if i.where else ""
        lines.append(
            f"  {_MARK.get(i.status, '?')} {i.id:<14} {i.status:<8} {i.label}：{i.message}{where} {ev}".rstrip()
        )
    return "\n".join(lines)


# --- batch ---------------------------------------------------------------------------
def _fmt_seconds(s: float | None) -> str:
    if s is None:
        return "--"
    s = int(round(s))
    return f"{s // 3600}h{s % 3600 // 60:02d}m" if s >= 3600 else f"{s // 60}m{s % 60:02d}s"


class ProgressPrinter:
    """Render :class:`Progress` events on a stream: one rewritten line on a terminal, plain lines elsewhere.

    Off a terminal (a log, CI, a pipe) it writes a line at most every
    ``interval`` seconds plus one per failing file, so logs stay short.
    """

    def __init__(self, stream: IO[str], *, tty: bool | None = None, interval: float = 5.0) -> None:
        self.stream = stream
        self.tty = stream.isatty() if tty is None else tty
        self.interval = interval
        self._last = -1e9
        self._width = 0

    def line(self, p: Progress) -> str:
        pct = f"{p.done / p.total:6.1%}" if p.total else "  100%"
        return (f"[{p.done}/{p.total}] {pct}  failed {p.failed}  cached {p.cached}  "
                f"{p.rate:.1f} files/s  left {_fmt_seconds(p.eta)}")

    def __call__(self, p: Progress) -> None:
        if p.error and p.name:
            self._clear()
            self.stream.write(f"✗ {p.name}: {p.error}\n")
        now = time.monotonic()
        last = p.done == p.total
        if self.tty:
            text = self.line(p) + (f"  {p.name}" if p.name and not last else "")
            self.stream.write("\r" + text.ljust(self._width))
            self._width = len(text)
            if last:
                self.stream.write("\n")
                self._width = 0
        elif last or now - self._last >= self.interval:
            self.stream.write(self.line(p) + "\n")
            self._last = now
        self.stream.flush()

    def close(self) -> None:
        """End a progress line left open on a terminal (after Ctrl-C), so what follows starts clean."""
        if self.tty and self._width:
            self.stream.write("\n")
            self.stream.flush()
            self._width = 0

    def _clear(self) -> None:
        if self.tty and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self._width = 0
