"""Presentation (pipeline.present): the progress line, the verdict table, the check record."""

from __future__ import annotations

import io

import pytest

from pipeline.batch import Progress
from pipeline.present import ProgressPrinter, check_record, format_verdict
from pipeline.run import analyze_text
from tests.test_completeness import BASE, direct


@pytest.mark.parametrize(
    ("tty", "expected"),
    [
        (True, "\r[1/4]  25.0%  失败 1  未变化 2  0.5 个/秒  剩余 0分06秒  a.txt"),
        (False, "[1/4]  25.0%  失败 1  未变化 2  0.5 个/秒  剩余 0分06秒\n"),
    ],
)
def test_progress_printer_degrades_off_a_terminal(tty: bool, expected: str) -> None:
    out = io.StringIO()
    printer = ProgressPrinter(out, tty=tty)
    printer(Progress(total=4, done=1, failed=1, cached=2, elapsed=2.0, name="a.txt", error="is empty", rate=0.5))
    assert "✗ a.txt: is empty\n" in out.getvalue()
    assert out.getvalue().endswith(expected)


def test_verdict_table_lists_every_item() -> None:
    r = direct(BASE.replace("6次", "*次"))
    table = format_verdict(r)
    assert "R05" in table and "✗" in table and "*次" in table


def test_check_record_keeps_identity_and_verdict() -> None:
    report = analyze_text(BASE, "qingshi.txt")
    record = check_record(report, [])
    assert record["source"] == "qingshi.txt" and record["status"] == "ok"
    assert record["entity"] == report.entity and record["year"] == report.year
    assert record["completeness"]["score"] == report.completeness.score  # type: ignore[union-attr]
    assert record["similar"] == []
