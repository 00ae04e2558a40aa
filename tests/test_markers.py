"""Heading and list markers (pipeline.markers): each reader's view, one table each."""

from __future__ import annotations

import pytest

from pipeline.markers import HEADING_MARKERS, LINE_MARKER, MARKER_PREFIX, OCR_LINE_MARKER, numbered_heading


def _structure_level(line: str) -> int | None:
    for level, pat in HEADING_MARKERS:
        if pat.match(line):
            return level
    return None


@pytest.mark.parametrize(
    ("line", "level"),
    [
        ("一、主要举措和成效", 1),
        ("第二部分 存在的不足", 1),
        ("（一）加强组织领导", 2),
        ("(二)规范行政执法", 2),
        ("三）推进依法决策", 2),
        ("1.完善制度建设", 3),
        ("（1）开展集中学法", 4),
        ("㈡强化监督", 2),
        ("⒊深化普法", 3),
        ("⑷落实责任", 4),
        ("2024年，青石镇", None),
        ("5.4%的增幅", None),
    ],
)
def test_structure_levels(line: str, level: int | None) -> None:
    assert _structure_level(line) == level


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("一、主要举措和成效", (1, "一、")),
        ("（二）存在的不足", (2, "（二）")),
        ("3.下一步打算", (3, "3.")),
        ("（4）其他情况", (4, "（4）")),
        ("二）半括号的一级标题", (1, "二）")),
        ("第三部分", (1, "第三部分")),
        ("5.4%的增幅", None),
        ("全年开展学法6次。", None),
    ],
)
def test_numbered_heading_reads_the_gbt_level(line: str, expected: tuple[int, str] | None) -> None:
    assert numbered_heading(line) == expected


@pytest.mark.parametrize(
    ("heading", "stripped"),
    [("一、主要举措和成效", "主要举措和成效"), ("（三）下一步工作安排", "下一步工作安排"), ("第一部分：基本情况", "基本情况"), ("⑵强化监督", "强化监督")],
)
def test_marker_prefix_is_stripped_for_the_rules(heading: str, stripped: str) -> None:
    assert MARKER_PREFIX.sub("", heading, count=1) == stripped


@pytest.mark.parametrize(
    ("line", "starts"),
    [("一、主要举措", True), ("（二）规范执法", True), ("3、完善制度", True), ("第四章 附则", True), ("附件：", True), ("5.4%，高于全县", False), ("柳溪乡全年", False)],
)
def test_line_markers_start_a_paragraph(line: str, starts: bool) -> None:
    assert (LINE_MARKER.match(line) is not None) is starts
    if "附件" not in line:  # OCR lines never carry an attachment label as a marker
        assert (OCR_LINE_MARKER.match(line) is not None) is starts
