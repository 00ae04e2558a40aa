"""normalise: folding for matching, with an exact map back to the visible text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.normalise import normalise, to_simplified


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("全年开展学法１２次", "全年开展学法12次"),  # full-width digits
        ("２０２３年", "2023年"),
        ("调解成功率９８．５％", "调解成功率98.5%"),
        ("一、2025 年推进法治政府建设", "一、2025年推进法治政府建设"),  # space inside a Chinese line
        ("\u3000\u3000我镇全年化解纠纷", "我镇全年化解纠纷"),  # ideographic indentation
        ("法治政府建設年度情況報告", "法治政府建设年度情况报告"),  # traditional -> simplified
        ("Word 2020 版", "Word 2020版"),  # a space between ASCII words survives
        ("第一行\r\n第二行", "第一行\n第二行"),
        ("零\u200b宽", "零宽"),
        ("（一）加强组织领导", "（一）加强组织领导"),  # Chinese brackets kept
        ("合肥市司法局發(fā)布報(bào)告", "合肥市司法局发布报告"),  # ruby annotations of a mirror site
        ("见图(x)和附件(a)", "见图(x)和附件"),  # a bracketed letter without a vowel is no pinyin
        ("Word(ok)", "Word(ok)"),  # only after a Chinese character
    ],
)
def test_normalise_text(text: str, expected: str) -> None:
    assert normalise(text).text == expected


@pytest.mark.parametrize(
    ("text", "needle", "visible"),
    [
        ("全年开展学法１２次，效果好", "12次", "１２次"),
        ("一、2025 年推进", "2025年", "2025 年"),
        ("\u3000\u3000化解纠纷３０１件", "301件", "３０１件"),
        ("第一行\r\n調解成功率９８％", "调解成功率98%", "調解成功率９８％"),
    ],
)
def test_offsets_point_into_visible_text(text: str, needle: str, visible: str) -> None:
    norm = normalise(text)
    i = norm.text.index(needle)
    s, e = norm.span(i, i + len(needle))
    assert text[s:e] == visible


def test_to_simplified_keeps_length() -> None:
    s = "北京市2020年法治政府建設年度情況報告，１２個"
    assert len(to_simplified(s)) == len(s)
    assert to_simplified(s).endswith("12个")


@given(st.text(max_size=200))
def test_offsets_are_monotonic_and_in_range(text: str) -> None:
    norm = normalise(text)
    assert len(norm.offsets) == len(norm.text)
    assert all(0 <= o < len(text) for o in norm.offsets)
    assert all(a < b for a, b in zip(norm.offsets, norm.offsets[1:]))


def test_a_report_span_ending_on_a_character_keeps_its_ruby_annotation() -> None:
    from pipeline.types import Report

    text = "一、全面加強(qiáng)組織領(lǐng)導(dǎo)\n"
    norm = normalise(text)
    report = Report(source="t.txt", text=text, norm=norm.text, norm_map=norm.offsets)
    i = norm.text.index("全面加强")
    assert report.text_of(i, i + 4) == "全面加強(qiáng)"
    assert report.text_of(i, i + 2) == "全面"
