"""TXT ingestion: every common Chinese encoding, strictly, with the codec recorded; hard-wrapped text re-joined."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pipeline.errors import EmptyDocument, EncodingError
from pipeline.ingest.txt import (
    HARD_WRAP_WARNING,
    decode_text,
    read_txt,
)

SIMPLIFIED = "柳溪乡人民政府关于2024年法治政府建设情况的报告\n一、主要举措和成效\n全年开展会前学法12次，化解矛盾纠纷86件。\n"
TRADITIONAL = "柳溪鄉人民政府關於2024年法治政府建設情況的報告\n一、主要舉措和成效\n全年開展會前學法12次，化解矛盾糾紛86件。\n"


@pytest.mark.parametrize(
    ("data", "text", "codec"),
    [
        (SIMPLIFIED.encode("utf-8"), SIMPLIFIED, "utf-8"),
        (b"\xef\xbb\xbf" + SIMPLIFIED.encode("utf-8"), SIMPLIFIED, "utf-8-sig"),
        (SIMPLIFIED.encode("utf-16"), SIMPLIFIED, "utf-16"),  # BOM written by the codec
        (SIMPLIFIED.encode("utf-16-be").join([b"\xfe\xff", b""]), SIMPLIFIED, "utf-16"),
        (SIMPLIFIED.encode("gb18030"), SIMPLIFIED, "gb18030"),
        (SIMPLIFIED.encode("gbk"), SIMPLIFIED, "gb18030"),  # GBK is a subset of GB18030
        (TRADITIONAL.encode("big5"), TRADITIONAL, "big5"),
        (TRADITIONAL.encode("utf-8"), TRADITIONAL, "utf-8"),
    ],
)
def test_decode_round_trips(data: bytes, text: str, codec: str) -> None:
    assert decode_text(data, "x.txt") == (text, codec)


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\x01\x02\x03binary\x00junk" * 20,
        bytes(range(256)) * 4,
        b"\xff\xfe\x00\xd8",  # UTF-16 BOM followed by a lone surrogate
    ],
)
def test_binary_junk_is_rejected(data: bytes) -> None:
    with pytest.raises(EncodingError) as info:
        decode_text(data, "junk.txt")
    assert info.value.code == "bad_encoding"
    assert "junk.txt" in str(info.value)


def test_read_txt_records_codec_and_blocks() -> None:
    ex = read_txt(SIMPLIFIED.encode("gb18030"), Path("柳溪乡.txt"))
    assert ex.encoding == "gb18030" and ex.format == "txt"
    assert [ex.text[b.start:b.end] for b in ex.blocks] == [line for line in SIMPLIFIED.split("\n") if line]


def test_whitespace_only_is_empty() -> None:
    with pytest.raises(EmptyDocument):
        read_txt("  \n\u3000\n".encode(), Path("blank.txt"))


# --- hard-wrapped text -------------------------------------------------------------
# A fictional report, one paragraph a line, blank lines between paragraphs.
REPORT = """明川县柳溪乡人民政府关于2025年度法治政府建设情况的报告

中共明川县委、明川县人民政府：

2025年，柳溪乡围绕“依法治乡、平安柳溪”的目标，把法治政府建设与乡村治理同部署、同落实，各项工作稳步推进。现将有关情况报告如下：

一、推进法治政府建设的主要举措和成效

（一）加强学法用法，提升干部法治素养。乡党委理论学习中心组全年集中学法5次，乡政府常务会议会前学法11次，组织干部参加法治专题培训320人次，干部学法考试参考率100%。

（二）规范行政执法，维护群众合法权益。乡综合行政执法队持证人员9名，全年办理简易程序案件47件、一般程序案件6件，案卷评查合格率98.5%，没有发生行政复议被纠错的案件。

（三）化解矛盾纠纷，守住基层平安底线。依托乡综治中心和12个村调解室，全年排查各类矛盾纠纷138件，调解成功131件，群众来信来访按期办结率保持在较高水平。

二、存在的不足

一是个别村对法治工作重视程度还不够，学法活动形式比较单一；二是执法人员专业背景不足，难以完全适应综合执法的要求。

三、下一年度工作安排

2026年，柳溪乡将继续完善会前学法制度，加强执法人员培训，推进“八五”普法规划落实，力争群众对法治建设的满意度进一步提高。

明川县柳溪乡人民政府
2026年1月12日
"""

_TOKEN = re.compile(r"[0-9A-Za-z.%]+|.")
_NO_START = set("，。、；：？！）》”%")


def _display(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def wrap(text: str, width: int, measure: Callable[[str], int] = len) -> str:
    """Hard-wrap every line longer than ``width`` as an export does: numbers whole, no line
    starting with closing punctuation, an indentation counted in the width."""
    out: list[str] = []
    for line in text.split("\n"):
        if measure(line) <= width:
            out.append(line)
            continue
        cur = ""
        for tok in _TOKEN.findall(line):
            if cur and measure(cur) + measure(tok) > width and tok[0] not in _NO_START:
                out.append(cur)
                cur = ""
            cur += tok
        out.append(cur)
    return "\n".join(out)


def no_blank_lines(text: str) -> str:
    return re.sub(r"\n\n+", "\n", text)


def indented(text: str) -> str:
    return "\n".join("\u3000\u3000" + ln if ln else ln for ln in text.split("\n"))


@pytest.mark.parametrize(
    ("clean", "width", "measure"),
    [
        (REPORT, 24, len),
        (REPORT, 30, len),
        (REPORT, 40, len),
        (REPORT, 60, _display),  # a wrap at 60 display columns, CJK counted as two
        (REPORT, 76, _display),
        (indented(no_blank_lines(REPORT)), 30, len),  # indented first lines, no blank lines
        (no_blank_lines(REPORT), 22, len),  # nothing marks a paragraph but where a line stops
        (no_blank_lines(REPORT), 26, len),
        (indented(REPORT), 34, len),
    ],
)
def test_hard_wrapped_text_is_rejoined(clean: str, width: int, measure: Callable[[str], int]) -> None:
    wrapped = wrap(clean, width, measure)
    assert wrapped != clean
    ex = read_txt(wrapped.encode("gb18030"), Path("柳溪乡.txt"))
    assert ex.text == clean
    assert ex.warnings == [HARD_WRAP_WARNING]
    # Blocks are the paragraphs of the re-joined text.
    assert [ex.text[b.start:b.end] for b in ex.blocks] == [ln.strip() for ln in clean.split("\n") if ln.strip()]


@pytest.mark.parametrize(
    ("width", "whole"),
    [
        (23, "组织干部参加法治专题培训320人次"),  # "320人" / "次" at the wrap
        (17, "（二）规范行政执法，维护群众合法权益。"),  # a heading cut at the wrap
        (30, "案卷评查合格率98.5%"),
        (17, "一、推进法治政府建设的主要举措和成效"),
        (26, "一般程序案件6件"),
    ],
)
def test_rejoined_text_keeps_figures_and_headings_whole(width: int, whole: str) -> None:
    wrapped = wrap(REPORT, width)
    assert whole not in wrapped  # the wrap cuts it
    assert whole in read_txt(wrapped.encode(), Path("柳溪乡.txt")).text


def test_line_left_whole_by_the_wrapper_ends_its_paragraph() -> None:
    # The title was not wrapped (it runs past the width); the paragraph under it starts with a number.
    lines = no_blank_lines(REPORT).split("\n")
    clean = "\n".join([lines[0], *lines[2:]])
    wrapped = lines[0] + "\n" + wrap("\n".join(lines[2:]), 20)
    assert read_txt(wrapped.encode(), Path("x.txt")).text == clean


@pytest.mark.parametrize(
    "text",
    [
        REPORT,
        no_blank_lines(REPORT),
        indented(REPORT),
        REPORT.replace("\n", "\r\n"),
        # Sentences of one length, each closed: a list, not a wrap.
        "\n".join(f"第{n}村调解委员会全年调解纠纷{n + 10}件，调解成功率百分之百。" for n in range(1, 10)),
        # Short lines of one length (a roster): too short to be a wrap.
        "\n".join(f"青石村网格员{n:02d}号" for n in range(1, 30)),
        # Long paragraphs of every length, with one short line per heading.
        "\n".join(("一、主要做法", REPORT.split("\n")[8] * 2, REPORT.split("\n")[10], "二、下一步打算", REPORT.split("\n")[20])),
    ],
)
def test_normal_text_is_untouched(text: str) -> None:
    ex = read_txt(text.encode(), Path("x.txt"))
    assert ex.text == text.replace("\r\n", "\n")
    assert ex.warnings == []


def test_short_text_is_never_rejoined() -> None:
    text = wrap("\n".join(REPORT.split("\n")[:5]), 20)
    assert read_txt(text.encode(), Path("x.txt")).text == text


def test_dev_texts_are_not_hard_wrapped(dev_docs: list[dict[str, Any]]) -> None:
    wrapped = [d["id"] for d in dev_docs if HARD_WRAP_WARNING in read_txt(d["text"].encode(), Path("x.txt")).warnings]
    assert wrapped == []
