"""Dates and years: the one home of the date and year patterns every stage reads.

How a report writes a date (2024年3月1日, 2024-03-01, 二〇二四年三月一日), the fields that carry
one (成文日期, 发布日期 …), and the years of titles, bodies and closing lines.

Each pattern is named for what it finds and used by the stage its comment
names; they differ on purpose (a title's year is 20xx; a body may cite 1990s
laws; a closing date may be written in Chinese numerals). A new date reader
belongs here, next to the ones it resembles.
"""

from __future__ import annotations

import re

from pipeline.quantities import parse_number

__all__ = [
    "CLOSING_DATE", "CLOSING_DATE_LINE", "CN_DATE", "CN_YEAR", "DATE", "DATE_FIELD",
    "DATE_LINE_START", "FULL_DATE", "ISSUE_CUE", "OCR_DATE_LINE", "PUBLICATION_CUE", "PUBLICATION_STAMP", "REPORT_YEAR",
    "REPORT_YEAR_RANGE", "YEAR_IN_TEXT", "YEAR_LEAD_IN", "YEAR_MENTION", "YEAR_MONTH", "YEAR_SPAN",
    "ZERO_FORMS", "cn_iso", "cn_years_as_digits", "date_number", "iso_date",
]

# structure: a line that opens with a year and month ("2024年3月…") is a date line, never a heading or title.
DATE_LINE_START = re.compile(r"^(?:\d{4}|[〇零一二三四五六七八九十]{4})年\d{0,2}[一二三四五六七八九十]{0,3}月")
# structure: a publication date (and time) a web page prints after the title on its line.
PUBLICATION_STAMP = re.compile(r"\s*20\d\d[-./]\d{1,2}[-./]\d{1,2}(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?\s*$")
# classify: a year in a heading or sentence ("2024年").
YEAR_MENTION = re.compile(r"((?:19|20)\d\d)\s*年")
# classify: a closing date line ("2024年12月30日", "二〇二四年…").
CLOSING_DATE_LINE = re.compile(r"^\s*(?:(?:19|20)\d\d|[二〇零○一二三四五六七八九]{4})\s*年.{1,3}月.{1,4}日\s*$")
# classify: a sentence that opens with the year ("2024年，…"): the preamble.
YEAR_LEAD_IN = re.compile(r"^\s*(?:19|20)\d\d\s*年度?\s*[，,]")
# completeness: a year mention (1950-2099) not inside a number or a code.
YEAR_IN_TEXT = re.compile(r"(?<![\d.\-])((?:19[5-9]|20\d)\d)\s*年")
# completeness: a span of years ("2021-2025年"), not a reported year.
YEAR_SPAN = re.compile(r"(?:19|20)\d\d\s*年?\s*[-—–~～至到]\s*(?:19|20)?\d\d")
# completeness: a full date in digits or Chinese numerals ("2024年3月1日", "二〇二四年三月一日").
FULL_DATE = re.compile(
    r"((?:19|20)\d\d|[二][〇○零O][一二三四五六七八九〇○零O]{2})\s*[年\-./]\s*"
    r"(\d{1,2}|[一二三四五六七八九十]{1,3})\s*[月\-./]\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*日?"
)
# completeness: labels before a publication or issue date on a web page.
PUBLICATION_CUE = re.compile(r"(发布(日期|时间)|公开日期|发文日期|日期|时间)[\]】\s]*[:：]?\s*$")
ISSUE_CUE = re.compile(r"(成文日期|公文生成日期|印发日期)[\]】\s]*[:：]?\s*$")
# metadata: the report year in a title or heading ("2024年", "2024法治…", "2024年度").
REPORT_YEAR = re.compile(r"(20\d\d)(?:年|(?=法治|年度))(?!\d)")
# metadata: a span of years in a title ("2021-2025").
REPORT_YEAR_RANGE = re.compile(r"20\d\d\s*(?:年)?\s*[-—–~至到]+\s*20\d\d")
# OCR: a line that is only a date (a signature date under a seal).
OCR_DATE_LINE = re.compile(r"^\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$")
# HTML: a year and month on a CMS info line ("2024-03", "2024年3").
YEAR_MONTH = re.compile(r"\d{4}\s*[-年/.]\s*\d{1,2}")


# metadata: a date in digits ("2024-03-01", "2024年3月1日"); a date in Chinese numerals; a dated
# field of a web page ("成文日期：2024-03-01"); the closing date of a signature block.
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


# Zero as typed in dates: the circle ○ and a Latin O stand for 〇.
ZERO_FORMS = str.maketrans({"○": "〇", "O": "〇"})


def date_number(s: str) -> int | None:
    """Digits or a Chinese numeral of a date (月/日 values, 二〇二四 years); None when not a number."""
    try:
        value = parse_number(s.translate(ZERO_FORMS))
    except ValueError:
        return None
    return int(value) if value == int(value) else None
