"""Date and year patterns (pipeline.dates): fictional dates, one table per reader."""

from __future__ import annotations

import pytest

from pipeline.dates import (
    CLOSING_DATE,
    CN_DATE,
    DATE,
    DATE_FIELD,
    DATE_LINE_START,
    FULL_DATE,
    REPORT_YEAR,
    cn_iso,
    cn_years_as_digits,
    date_number,
    iso_date,
)


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
    assert DATE.search("成文日期：2024-03-01").groups() == ("2024", "03", "01")  # type: ignore[union-attr]
    assert CN_DATE.search("二〇二四年三月一日").groups() == ("二〇", "二四", "三", "一")  # type: ignore[union-attr]
    assert [m.group(1) for m in REPORT_YEAR.finditer("柳溪乡2024年度法治政府建设情况报告")] == ["2024"]


@pytest.mark.parametrize(
    ("written", "iso"),
    [("二〇二五年一月十六日", "2025-01-16"), ("二零二四年十二月三十一日", "2024-12-31"), ("二〇二五年十三月一日", None)],  # no 13th month
)
def test_dates_in_chinese_numerals(written: str, iso: str | None) -> None:
    m = CN_DATE.match(written)
    assert m is not None and cn_iso(m) == iso


@pytest.mark.parametrize(
    ("written", "iso"),
    [("2025年1月16日", "2025-01-16"), ("2025-01-16", "2025-01-16"), ("2025.1.6", "2025-01-06"), ("2025年13月1日", None), ("2025年", None)],
)
def test_dates_in_digits(written: str, iso: str | None) -> None:
    assert iso_date(written) == iso


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("关于二〇二四年法治政府建设情况的报告", "关于2024年法治政府建设情况的报告"),
        ("二零二三年，柳溪乡", "2023年，柳溪乡"),
        ("二○二五年工作打算", "2025年工作打算"),
        ("二〇二五年一月十日", "2025年一月十日"),  # the year only
        ("第二十二年", "第二十二年"),  # not a year in this form
    ],
)
def test_years_in_chinese_numerals_as_digits(text: str, digits: str) -> None:
    assert cn_years_as_digits(text) == digits
    assert len(cn_years_as_digits(text)) == len(text)  # offsets still hold


@pytest.mark.parametrize(
    ("line", "closing"),
    [("青石镇人民政府 2025年1月10日", True), ("二〇二五年一月十日", True), ("2025年1月10日召开会议", False)],
)
def test_closing_date_ends_the_line(line: str, closing: bool) -> None:
    assert (CLOSING_DATE.search(line) is not None) is closing


@pytest.mark.parametrize(
    ("header", "field", "date"),
    [("成文日期：2025-01-10", "成文日期", "2025-01-10"), ("发布时间】2025年1月12日", "发布时间", "2025年1月12")],
)
def test_date_fields(header: str, field: str, date: str) -> None:
    m = DATE_FIELD.search(header)
    assert m is not None and (m.group(1), m.group(2)) == (field, date)
