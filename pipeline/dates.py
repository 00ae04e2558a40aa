"""Date patterns: one home for how a report writes a date (2024年3月1日, 2024-03-01,
二〇二四年三月一日) and for the fields that carry one (成文日期, 发布日期 …)."""

from __future__ import annotations

import re

from pipeline.quantities import parse_number

__all__ = ["CLOSING_DATE", "CN_DATE", "CN_YEAR", "DATE", "DATE_FIELD", "cn_iso", "cn_years_as_digits", "iso_date"]

DATE = re.compile(r"(20\d\d)\s*[-年./]\s*(\d{1,2})\s*[-月./]\s*(\d{1,2})")

CN_DATE = re.compile(r"(二〇|二零)([〇零一二三四五六七八九]{2})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")

DATE_FIELD = re.compile(r"(成文日期|成文时间|公文生成日期|发文时间|发文日期|发布日期|发布时间|日期|时间)[:：\]】|\s]*(20\d\d[-年./]\d{1,2}[-月./]\d{1,2})")

# The closing date of a signature block: the whole line, or the end of the organ's line.
CLOSING_DATE = re.compile(
    r"(?:20\d\d[-年./]\d{1,2}[-月./]\d{1,2}日?|(?:二〇|二零)[〇零一二三四五六七八九]{2}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日)$"
)


def iso_date(s: str) -> str | None:
    m = DATE.search(s)
    if not m:
        return None
    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def cn_iso(m: re.Match[str]) -> str | None:
    """ISO date of a date in Chinese numerals (二〇二五年一月十六日); groups 2-4: year tail, month, day."""
    try:
        y, mo, d = 2000 + int(parse_number(m.group(2))), int(parse_number(m.group(3))), int(parse_number(m.group(4)))
    except ValueError:
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}" if 1 <= mo <= 12 and 1 <= d <= 31 else None


# A year in Chinese numerals, as official documents write it (二〇二四年; 〇 also typed 零 or ○).
CN_YEAR = re.compile(r"二[〇零○]([〇零○一二三四五六七八九]{2})年")
_CN_DIGIT = str.maketrans("〇零○一二三四五六七八九", "000123456789")


def cn_years_as_digits(text: str) -> str:
    """``text`` with each Chinese-numeral year written in digits (二〇二四年 → 2024年); same length."""
    return CN_YEAR.sub(lambda m: "20" + m.group(1).translate(_CN_DIGIT) + "年", text)
