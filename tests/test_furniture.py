"""Page furniture (pipeline.furniture): what is on a page but not in the report."""

from __future__ import annotations

import pytest

from pipeline.furniture import BARE_PAGE_NUMBER, COUNTER_FURNITURE, OCR_PAGE_NUMBER, PAGE_NUMBER, WEB_FURNITURE, is_web_tool_line


@pytest.mark.parametrize(
    ("line", "tool"),
    [
        ("【打印本页】【关闭窗口】", True),
        ("字号：大 中 小", True),
        ("您当前的位置：首页 > 政务公开", True),
        ("上一篇：青石镇召开普法会议", True),
        ("索引号：MC-2024-0031", True),
        ("发布时间：2024-03-01 来源：明川县司法局", True),
        ("全年开展集中学法10次，化解矛盾纠纷23件。", False),
        ("一、主要举措和成效", False),
    ],
)
def test_web_tool_lines(line: str, tool: bool) -> None:
    assert is_web_tool_line(line) is tool


@pytest.mark.parametrize(
    ("line", "furniture"),
    [("首页 > 政务公开", True), ("发布日期：2024-03-01", True), ("浏览次数：326", True), ("柳溪乡2024年法治政府建设情况报告", False)],
)
def test_web_furniture_words(line: str, furniture: bool) -> None:
    assert (WEB_FURNITURE.search(line) is not None) is furniture


@pytest.mark.parametrize(
    ("line", "counter"),
    [("浏览次数：326次", True), ("阅读1,024次", True), ("附件（1个）", True), ("网站浏览量达5万人次", False)],
)
def test_visit_counters(line: str, counter: bool) -> None:
    assert (COUNTER_FURNITURE.search(line) is not None) is counter


@pytest.mark.parametrize(
    ("line", "pdf", "ocr"),
    [("-3-", True, True), ("—3—", True, True), ("第3页共10页", True, True), ("3/10", True, False), ("—三—", True, False), ("3", False, True), ("第3次会议", False, False)],
)
def test_page_numbers(line: str, pdf: bool, ocr: bool) -> None:
    assert (PAGE_NUMBER.match(line) is not None) is pdf
    assert (OCR_PAGE_NUMBER.match(line) is not None) is ocr
    assert (BARE_PAGE_NUMBER.match(line) is not None) is line.isdigit()
