"""Date patterns: dates and years as reports write them."""

from __future__ import annotations

import pytest

from pipeline.dates import CLOSING_DATE, CN_DATE, DATE_FIELD, cn_iso, cn_years_as_digits, iso_date


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
