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

__all__ = ["ProgressPrinter", "check_record", "duplicate_note", "format_verdict", "table_row"]


# --- analyze -------------------------------------------------------------------------
def table_row(report: Report) -> str:
    """One document as a reviewer reads it (Chinese labels, values as written)."""
    from pipeline.compare import indicator_name
    from pipeline.labels import category, column, text, value
    from pipeline.submissions import is_scored

    if report.status != "ok":
        err = report.error or {}
        return f"✗ {report.source}\n    {column('error_code')} [{err.get('code')}]：{err.get('message')}"
    comp = report.completeness
    scored = is_scored({"status": report.status, "is_report": report.is_report})
    lines = [
        f"✓ {report.source}",
        f"    {column('title')}：{report.title or '—'}",
        f"    {column('township')}：{report.entity or '—'}（{value(report.level) if report.level else '?'}），"
        f"{column('county')} {report.county or '—'}，{column('year')} {report.year or '—'}"
        + ("" if scored else f"   ⚠ 不是法治政府建设年度报告（{value(report.doc_type)}），不评分"),
        f"    {column('format')}：{report.format}（{report.extractor}）"
        + (f"，{column('encoding')} {report.encoding}" if report.encoding else "")
        + f"，{len(report.text)} 字"
        + (f"，OCR 识别置信度 {report.ocr_confidence:.0%}" if report.ocr_confidence is not None else ""),
        f"    {column('n_headings')} {len(report.headings)}   {column('n_paragraphs')} {len(report.paragraphs)}   "
        f"{column('n_metrics')} {len(report.metrics)}",
    ]
    if comp is not None and scored:
        lines.append(f"    {column('completeness_score')}：{comp.score:.0%}"
                     + (f"  {column('missing_parts')}：{'、'.join(category(m) for m in comp.missing)}" if comp.missing else ""))
        if comp.summary:
            lines.append(f"    {comp.summary}")
    for m in report.metrics[:50]:
        written = m.value_text or f"{m.value:g}{m.unit}"
        per = f"{text('per_prefix')}{m.per}" if m.per else ""
        lines.append(f"      · {indicator_name(m.indicator)}（{m.indicator}）：{per}{written}   「{m.quote}」")
    if len(report.metrics) > 50:
        lines.append(f"      … 另有 {len(report.metrics) - 50} 个指标（用 --format json 查看全部）")
    for w in report.warnings:
        lines.append(f"    提示：{w}")
    return "\n".join(lines)


# --- check ---------------------------------------------------------------------------
def check_record(report: Report, findings: list[SimilarityFinding], duplicate_of: str | None = None) -> dict[str, Any]:
    """The JSON record of ``govreport check``: identity, verdict, the report's similarity findings,
    and the file it repeats when it is a copy of another submission."""
    return {
        "source": report.source, "status": report.status, "error": report.error,
        "title": report.title, "entity": report.entity, "year": report.year,
        "completeness": asdict(report.completeness) if report.completeness else None,
        "similar": [asdict(f) for f in findings if f.source == report.source],
        "duplicate_of": duplicate_of,
    }


def duplicate_note(duplicate_of: str | None) -> str:
    """The line under a verdict that says the file repeats another one (empty when it does not)."""
    return f"  ℹ 重复报送：与 {duplicate_of} 是同一份报告，按一份统计，不作雷同比对\n" if duplicate_of else ""


_MARK = {"ok": "✓", "missing": "✗", "error": "✗", "warning": "!", "info": "·"}


def format_verdict(report: Report, *, width: int = 60) -> str:
    """A report's verdict as readable lines (the ``govreport check`` table)."""
    if report.status != "ok":
        err = report.error or {}
        return f"✗ {report.source}\n    错误 [{err.get('code')}]：{err.get('message')}"
    comp = report.completeness
    if comp is None:
        return f"· {report.source}\n    （未检查）"
    score = "不评分" if comp.score is None else f"{comp.score:.2f}"
    lines = [f"{report.source}  完整性得分 {score}", f"  {comp.summary}"]
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
    return f"{s // 3600}时{s % 3600 // 60:02d}分" if s >= 3600 else f"{s // 60}分{s % 60:02d}秒"


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
        return (f"[{p.done}/{p.total}] {pct}  失败 {p.failed}  未变化 {p.cached}  "
                f"{p.rate:.1f} 个/秒  剩余 {_fmt_seconds(p.eta)}")

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
