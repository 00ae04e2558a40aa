"""Date and year patterns (pipeline.dates): fictional dates, one table per reader."""

from __future__ import annotations

import pytest

from pipeline.dates import CHINESE_DATE, DATE_LINE_START, FULL_DATE, NUMERIC_DATE, REPORT_YEAR, date_number


@pytest.mark.parametrize(
    ("written", "value"),
    [("2025", 2025), ("05", 5), ("二〇二四", 2024), ("二○二四", 2024), ("二O二五", 2025), ("十二", 12), ("三十一", 31), ("号", None)],
)
def test_date_numbers_are_read_by_the_shared_parser(written: str, value: int | None) -> None:
    assert date_number(written) == value


@pytest.mark.parametrize(
    ("line", "is_date_line"),
    [("2024年3月1日", True), ("二〇二四年三月", True), ("2024年工作要点", False), ("一、主要举措", False)],
)
def test_date_line_start(line: str, is_date_line: bool) -> None:
    assert (DATE_LINE_START.match(line) is not None) == is_date_line


@pytest.mark.parametrize(
    ("text", "groups"),
    [
        ("青石镇人民政府\n2024年3月1日", ("2024", "3", "1")),
        ("二〇二四年十二月三十日", ("二〇二四", "十二", "三十")),
        ("2024.12.30", ("2024", "12", "30")),
    ],
)
def test_full_date_reads_digits_and_chinese_numerals(text: str, groups: tuple[str, str, str]) -> None:
    m = FULL_DATE.search(text)
    assert m is not None and m.groups() == groups


def test_metadata_date_patterns() -> None:
    assert NUMERIC_DATE.search("成文日期：2024-03-01").groups() == ("2024", "03", "01")  # type: ignore[union-attr]
    assert CHINESE_DATE.search("二〇二四年三月一日").groups() == ("二〇", "二四", "三", "一")  # type: ignore[union-attr]
    assert [m.group(1) for m in REPORT_YEAR.finditer("柳溪乡2024年度法治政府建设情况报告")] == ["2024"]
