"""Structure stage: headings, titles, paragraphs and sections on fictional reports."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest

from pipeline.normalise import normalise
from pipeline.structure import build_structure
from pipeline.types import Block, Report

INTRO = "2024年，青石镇在明川县委、县政府的坚强领导下，认真推进法治政府建设，现将有关情况报告如下："
BODY = "全年组织干部学法6次，开展普法宣传活动12场，群众法治意识明显提升。"


def make(text: str, blocks: list[Block] | None = None) -> Report:
    report = Report(source="doc.txt", text=text, blocks=blocks or [])
    norm = normalise(text)
    report.norm, report.norm_map = norm.text, norm.offsets
    build_structure(report)
    return report


# One line placed after the title and intro: (line, heading?, level, marker, heading text).
HEADING_LINES = [
    ("一、2024年度推进法治政府建设的主要举措和成效", True, 1, "一、", "一、2024年度推进法治政府建设的主要举措和成效"),
    ("二、存在的不足和原因", True, 1, "二、", "二、存在的不足和原因"),
    ("（一）健全领导机制", True, 2, "（一）", "（一）健全领导机制"),
    ("(二)提升干部素养", True, 2, "(二)", "(二)提升干部素养"),
    ("一）纵深推进学习法治思想", True, 2, "一）", "一）纵深推进学习法治思想"),
    ("1.健全学法机制", True, 3, "1.", "1.健全学法机制"),
    ("1、深化理论学习", True, 3, "1、", "1、深化理论学习"),
    ("2. 规范行政执法行为", True, 3, "2.", "2. 规范行政执法行为"),
    ("（1）落实会前学法制度", True, 4, "（1）", "（1）落实会前学法制度"),
    ("第一部分 主要工作成效", True, 1, "第一部分", "第一部分 主要工作成效"),
    ("主要举措和成效", True, 1, None, "主要举措和成效"),
    # run-in headings end at the first 。
    ("（一）加强组织领导，强化责任落实。我镇成立由镇长任组长的领导小组，定期研究法治工作。",
     True, 2, "（一）", "（一）加强组织领导，强化责任落实。"),
    ("1.突出政治引领。镇党委切实履行法治建设领导职责，纳入理论学习中心组学习内容。",
     True, 3, "1.", "1.突出政治引领。"),
    # an enumeration inside the first sentence ends the heading
    ("1、深化法治理论学习，筑牢思想根基一是深化理论学习。将法治思想纳入学习计划。",
     True, 3, "1、", "1、深化法治理论学习，筑牢思想根基"),
    # not headings
    ("一是健全学法制度，全年组织集中学法4次。", False, None, None, None),
    ("二是规范执法程序，严格落实三项制度。", False, None, None, None),
    ("2024年1月18日", False, None, None, None),
    ("12.4宪法宣传日当天，镇司法所在集市设立咨询台。", False, None, None, None),
    ("（一）全年开展法治讲座12次，培训干部300余人次，覆盖全部村社区和镇属单位。", False, None, None, None),
    ("1.“三治融合”：自治、法治、德治相结合的基层治理方式，在全县推广。", False, None, None, None),
    ("全镇干部法治意识明显增强", False, None, None, None),
    # Word's one-character numbering markers, kept as written
    ("㈠健全领导机制", True, 2, "㈠", "㈠健全领导机制"),
    ("㈢ 规范行政执法", True, 2, "㈢", "㈢ 规范行政执法"),
    ("㈩、其他工作", True, 2, "㈩、", "㈩、其他工作"),
    ("⒈健全学法机制", True, 3, "⒈", "⒈健全学法机制"),
    ("⒛深化法治宣传", True, 3, "⒛", "⒛深化法治宣传"),
    ("⑴落实会前学法制度", True, 4, "⑴", "⑴落实会前学法制度"),
    ("⒇规范合同审查", True, 4, "⒇", "⒇规范合同审查"),
    ("㈡强化执法监督。镇司法所定期抽查执法案卷，发现问题及时整改。", True, 2, "㈡", "㈡强化执法监督。"),
    ("⒉开展法治讲座12次，覆盖全部村社区。", False, None, None, None),
    # A count in Chinese numerals makes a list item as a count in digits does
    ("（二）组织执法人员集中培训，全年不少于四次。", False, None, None, None),
    ("（二）组织执法人员集中培训，全年不少于4次。", False, None, None, None),
    ("（三）开展送法下乡活动二十余场。", False, None, None, None),
    ("（三）调解矛盾纠纷一百二十件，调解成功率显著提升。", False, None, None, None),
    ("2.举办执法培训班六期以上。", False, None, None, None),
    ("3.吸纳两名法律顾问参与重大决策。", False, None, None, None),
    # ... but numerals that are part of a name, an ordinal, an article or a phase are not counts
    ("（一）深化“三治结合”，夯实基层治理基础。", True, 2, "（一）", "（一）深化“三治结合”，夯实基层治理基础。"),
    ("（二）推行一村一法律顾问制度。", True, 2, "（二）", "（二）推行一村一法律顾问制度。"),
    ("（三）全面完成八五普法规划任务。", True, 2, "（三）", "（三）全面完成八五普法规划任务。"),
    ("（四）严格落实行政执法三项制度。", True, 2, "（四）", "（四）严格落实行政执法三项制度。"),
    ("（五）树牢四个意识，扛起两个责任。", True, 2, "（五）", "（五）树牢四个意识，扛起两个责任。"),
    ("（六）推动高效办成一件事一次办。", True, 2, "（六）", "（六）推动高效办成一件事一次办。"),
    ("（七）学习贯彻第三次工作会议精神。", True, 2, "（七）", "（七）学习贯彻第三次工作会议精神。"),
    ("（八）推进智慧司法所二期建设。", True, 2, "（八）", "（八）推进智慧司法所二期建设。"),
    ("（九）让法治走进千家万户。", True, 2, "（九）", "（九）让法治走进千家万户。"),
]


@pytest.mark.parametrize(("line", "is_heading", "level", "marker", "text"), HEADING_LINES)
def test_heading_lines(line: str, is_heading: bool, level: int | None, marker: str | None, text: str | None) -> None:
    doc = f"青石镇2024年法治政府建设情况报告\n{INTRO}\n{line}\n{BODY}\n"
    report = make(doc)
    hits = [h for h in report.headings if h.start >= doc.index(line.strip()[:4])]
    if not is_heading:
        assert hits == []
        return
    assert len(hits) == 1
    h = hits[0]
    assert (h.level, h.marker, h.text) == (level, marker, text)
    assert report.text[h.start : h.end] == h.text
    assert h.run_in == (text != line)


def test_bare_number_continues_a_series() -> None:
    doc = "\n".join([
        "柳溪乡2023年法治政府建设情况报告", INTRO,
        "1、深化理论学习，筑牢思想根基",
        BODY,
        "2优化普法阵地建设，深入推动八五普法工作。每季度开展宣传活动。",
        BODY,
    ])
    texts = [h.text for h in make(doc).headings]
    assert texts == ["1、深化理论学习，筑牢思想根基", "2优化普法阵地建设，深入推动八五普法工作。"]


def test_headings_on_one_line_after_a_sentence() -> None:
    # A page that lost its line breaks keeps spaces between the parts.
    doc = ("县委、县政府： 2024年，云岭街道认真推进法治政府建设，现将有关情况报告如下。 "
           "一、2024年度法治政府建设情况 （一）强化组织领导，统筹推进法治建设。街道成立领导小组。 "
           "（二）规范执法行为，提升执法质效。街道开展执法培训。")
    levels = [(h.level, h.text) for h in make(doc).headings]
    assert levels == [
        (1, "一、2024年度法治政府建设情况"),
        (2, "（一）强化组织领导，统筹推进法治建设。"),
        (2, "（二）规范执法行为，提升执法质效。"),
    ]


def test_enclosed_markers_number_a_series() -> None:
    """A bare number after ⒈ continues its series, as after 1、."""
    doc = f"{INTRO}\n一、主要举措和成效\n⒈深化理论学习\n{BODY}\n2优化普法阵地建设\n{BODY}"
    assert [(h.level, h.marker) for h in make(doc).headings] == [(1, "一、"), (3, "⒈"), (3, "2")]


def test_enclosed_marker_after_a_sentence_on_one_line() -> None:
    doc = ("县委、县政府： 2024年，云岭街道认真推进法治政府建设，现将有关情况报告如下。 "
           "一、2024年度法治政府建设情况 ㈠强化组织领导，统筹推进法治建设。街道成立领导小组。 "
           "㈡规范执法行为，提升执法质效。街道开展执法培训。")
    assert [(h.level, h.marker) for h in make(doc).headings] == [(1, "一、"), (2, "㈠"), (2, "㈡")]


@pytest.mark.parametrize(
    "after",
    [
        "",  # the text stops there
        "\n打印本页 关闭窗口",  # a saved page's tools under the text
        "\n【打印本页】 【关闭窗口】\n",
        "\n- 3 -",  # a print's page number
        "\n第 2 页 共 2 页\n【返回顶部】",
    ],
)
def test_cut_off_last_line_is_not_a_heading(after: str) -> None:
    doc = f"{INTRO}\n一、主要举措和成效\n{BODY}\n（二）深化柳溪乡普法宣{after}"
    assert [h.text for h in make(doc).headings] == ["一、主要举措和成效"]


def test_a_heading_above_page_tools_that_ends_the_text_is_kept() -> None:
    # A whole last section is no cut-off: its heading stays, tools or not.
    doc = f"{INTRO}\n一、主要举措和成效\n{BODY}\n二、下一步工作安排\n云岭街道将继续深化普法宣传。\n打印本页 关闭窗口"
    assert [h.text for h in make(doc).headings] == ["一、主要举措和成效", "二、下一步工作安排"]


def test_unnumbered_heading_only_before_numbered_top_level() -> None:
    doc = "\n".join([INTRO, "主要举措和成效", BODY, "二、存在的不足和原因", BODY, "法治宣传不足的原因", BODY])
    assert [(h.level, h.text) for h in make(doc).headings] == [(1, "主要举措和成效"), (1, "二、存在的不足和原因")]


TITLES = [
    # broken over lines, with a blank line between
    ("青石镇人民政府关于2023年法治政府\n\n建设情况的报告\n" + INTRO, "青石镇人民政府关于2023年法治政府建设情况的报告"),
    ("中共明川县柳溪乡委员会\n明川县柳溪乡人民政府\n关于2024年法治政府建设情况的报告\n明川县委、县政府：\n" + INTRO,
     "中共明川县柳溪乡委员会明川县柳溪乡人民政府关于2024年法治政府建设情况的报告"),
    ("云岭街道2024年度法治政府建设\n工作总结\n" + INTRO, "云岭街道2024年度法治政府建设工作总结"),
    # website furniture and a repeated page title before the document's own title
    ("首页 > 政务公开 > 法治政府建设报告\n青石镇2024年法治政府建设情况报告\n发布时间：2025-01-20 来源：青石镇\n"
     "明川县青石镇人民政府\n\n2024年法治政府建设情况报告\n" + INTRO,
     "明川县青石镇人民政府2024年法治政府建设情况报告"),
    # only the metadata table names it
    ("| 索引号：001/2025-01 | |\n| 标题：柳溪乡2024年度法治政府建设情况报告 | |\n" + INTRO, "柳溪乡2024年度法治政府建设情况报告"),
    # a 关于 line that waits for its "…的报告" joins the next line; a field's remnant above it does not
    ("- 公文生成日期:2026-01-04\n关于2025年法治政府建设情况及2026年\n推进法治政府建设工作要点的报告\n区政府：\n" + INTRO,
     "关于2025年法治政府建设情况及2026年推进法治政府建设工作要点的报告"),
    ("柳溪乡人民政府\n关于2024年法治政府建设情况及2025年\n工作安排的报告\n" + INTRO,
     "柳溪乡人民政府关于2024年法治政府建设情况及2025年工作安排的报告"),
    # ... with the value in the next cell of the row
    ("| 标题: | 柳溪乡人民政府2024年度法治政府建设情况报告 | ||\n|---|---|---|---|\n| 索引号: | 001/2025-01 | 文号: | |\n" + INTRO,
     "柳溪乡人民政府2024年度法治政府建设情况报告"),
    # traditional characters stay as written
    ("青石鎮2022年法治政府建設情況報告\n\n2022年，青石鎮堅持依法行政，扎實推進法治政府建設，取得積極成效。", "青石鎮2022年法治政府建設情況報告"),
    # a PDF reader glued the title to the first sentence
    ("柳溪乡人民政府2024年法治政府建设工作报告2024年，在明川县委的正确领导下，柳溪乡推进依法行政。\n一、主要举措和成效\n" + BODY,
     "柳溪乡人民政府2024年法治政府建设工作报告"),
    # no title at all
    (INTRO + "\n一、主要举措和成效\n" + BODY, None),
    # a leading document number is the register, not the title
    ("明政发〔2025〕2号明川县2024年度法治政府建设情况报告\n\n县政府办公室\n\n2025-01-08\n" + INTRO,
     "明川县2024年度法治政府建设情况报告"),
    ("青政〔2024〕15号 青石镇2023年法治政府建设情况报告\n" + INTRO, "青石镇2023年法治政府建设情况报告"),
    # the open-government catalogue's fields (生成日期, 公开方式) are not part of the title
    ("索引号 000001/2025-00012\n组配分类 计划总结 发布机构 云岭街道\n生成日期 2025-02-10 公开方式 主动公开\n\n"
     "（云岭街道）2024年法治政府建设年度报告\n\n" + INTRO, "（云岭街道）2024年法治政府建设年度报告"),
    # table bars left on the title's line
    ("索引号 | 001/2025-3 | ||\n生成日期 | 2025-03-01 | 公开方式 | 主动公开 |\n柳溪乡2024年度法治政府建设报告 | ||\n"
     "发布时间: 2025-03-04 信息来源: 柳溪乡 | ||\n" + INTRO, "柳溪乡2024年度法治政府建设报告"),
    # a title-like unnumbered heading below the opening is a heading, not the title
    ("青石镇2024年法治政府建设情况报告\n" + INTRO + "\n法治政府建设主要工作情况\n" + BODY, "青石镇2024年法治政府建设情况报告"),
    # a banner sentence above the title does not hide it
    ("深入学习贯彻法治思想，奋力推进法治政府建设。\n柳溪乡2024年法治政府建设情况报告\n" + INTRO + "\n一、主要举措和成效\n" + BODY,
     "柳溪乡2024年法治政府建设情况报告"),
    # broken before 法治…
    ("柳溪乡2024年\n法治政府建设年度报告\n" + INTRO, "柳溪乡2024年法治政府建设年度报告"),
    # the publication date or the page's record fields on the title's line
    ("柳溪乡2024年法治政府建设情况报告 2025-01-10 09:30\n" + INTRO, "柳溪乡2024年法治政府建设情况报告"),
    ("青石镇2024年法治政府建设情况报告 发布时间：2025-01-10 来源：青石镇\n" + INTRO, "青石镇2024年法治政府建设情况报告"),
    # the page's buttons or its site's name after the title
    ("柳溪乡2024年法治政府建设情况报告【打印】【关闭】\n" + INTRO, "柳溪乡2024年法治政府建设情况报告"),
    ("柳溪乡2024年法治政府建设情况报告 - 明川县人民政府门户网站\n" + INTRO, "柳溪乡2024年法治政府建设情况报告"),
    ("柳溪乡2024年法治政府建设情况报告_柳溪乡人民政府\n" + INTRO, "柳溪乡2024年法治政府建设情况报告"),
    # a breadcrumb is never the title
    ("您现在的位置：法治政府 › 年度报告\n" + INTRO + "\n一、主要举措和成效\n" + BODY, None),
    # cut mid-word by the page width
    ("柳溪乡人民政府关于2024年法治政府建设情\n况的报告\n" + INTRO, "柳溪乡人民政府关于2024年法治政府建设情况的报告"),
    ("中共青石镇委员会青石镇人民政府关于2024年度法治政\n府建设情况的报告\n" + INTRO,
     "中共青石镇委员会青石镇人民政府关于2024年度法治政府建设情况的报告"),
    # a column's name above the title is not its first part
    ("法治政府建设专栏\n青石镇2024年法治政府建设情况报告\n" + INTRO, "青石镇2024年法治政府建设情况报告"),
    # a site's name above the title is not its first part
    ("明川县人民政府门户网站\n2024年度法治政府建设情况报告\n" + INTRO, "2024年度法治政府建设情况报告"),
    ("青石镇人民政府网\n2024年法治政府建设情况报告\n" + INTRO, "2024年法治政府建设情况报告"),
    # set in book-title marks
    ("《柳溪乡2024年法治政府建设情况报告》\n" + INTRO, "柳溪乡2024年法治政府建设情况报告"),
    # lines lost: the title runs into the addressee
    ("中共柳溪乡委员会柳溪乡人民政府关于2024年度法治政府建设情况的报告 中共明川县委、明川县人民政府: 2024年，柳溪乡推进依法行政。"
     "\n一、主要举措和成效\n" + BODY, "中共柳溪乡委员会柳溪乡人民政府关于2024年度法治政府建设情况的报告"),
    # broken after a word no title ends on, the second line starting with a verb
    ("公文生成日期：2025-01-04\n关于2024年法治政府建设情况及2025年\n推进依法行政工作要点的报告\n县政府：\n" + INTRO,
     "关于2024年法治政府建设情况及2025年推进依法行政工作要点的报告"),
    # a page's tools box wraps its closing bracket onto the title's line
    ("下载\n打印\n【字号：\n大\n中\n小\n】2024年青石镇法治政府建设情况报告\n" + INTRO, "2024年青石镇法治政府建设情况报告"),
    # a dated byline below the title is no title, though it ends in 报告
    ("2024年明川县法治政府建设情况报告\n——2025年1月20日在明川县委全面依法治县委员会会议上的报告\n" + INTRO,
     "2024年明川县法治政府建设情况报告"),
    # a look-alike's title ends in its own kind's word: it is still the title
    ("2024年镇法治政府建设工作总结及2025年工作思路\n" + INTRO, "2024年镇法治政府建设工作总结及2025年工作思路"),
    ("县级法治政府建设示范指标体系（2024年版）\n\n发布日期：2024-09-02\n" + INTRO, "县级法治政府建设示范指标体系（2024年版）"),
]


@pytest.mark.parametrize(("text", "title"), TITLES)
def test_titles(text: str, title: str | None) -> None:
    report = make(text)
    assert report.title == title
    if title is not None:
        assert report.title_span is not None
        s, e = report.title_span
        assert re.sub(r"\s", "", report.text[s:e]) == title


def test_paragraphs_and_sections() -> None:
    doc = "\n".join([
        "柳溪乡2024年法治政府建设情况报告", INTRO,
        "一、主要举措和成效",
        "（一）加强组织领导，压实工作责任。乡党委定期研究法治工作。",
        BODY,
        "（二）深化普法宣传",
        BODY,
        "二、存在的不足和原因",
        "部分干部法治意识不强。",
    ])
    report = make(doc)
    assert [h.level for h in report.headings] == [1, 2, 2, 1]
    paras = [(p.text, p.heading) for p in report.paragraphs]
    assert paras[0] == (INTRO, None)
    assert ("乡党委定期研究法治工作。", 1) in paras
    assert (BODY, 2) in paras
    assert paras[-1] == ("部分干部法治意识不强。", 3)
    for p in report.paragraphs:
        assert report.text[p.start : p.end] == p.text
    top = [s for s in report.sections if s.heading is not None]
    assert [s.heading for s in top] == [0, 3]
    assert [c.heading for c in top[0].children] == [1, 2]
    assert top[0].end == report.headings[3].start
    assert report.sections[0].heading is None  # the preamble


def test_docx_heading_style_and_pdf_font_size() -> None:
    lines = ["青石镇2024年法治政府建设情况报告", INTRO, "强化组织保障", BODY, "深化普法宣传", BODY]
    text = "\n".join(lines)
    blocks, pos = [], 0
    for i, line in enumerate(lines):
        blocks.append(Block(start=pos, end=pos + len(line), heading_level=2 if i == 2 else None,
                            font_size=18.0 if i == 4 else 16.0))
        pos += len(line) + 1
    got = [(h.level, h.text) for h in make(text, blocks).headings]
    assert got == [(2, "强化组织保障"), (1, "深化普法宣传")]


def test_linear_cost() -> None:
    """A long report is processed line by line: every heading found, in order."""
    parts = [INTRO]
    for i in range(1, 400):
        parts.append(f"（{'一二三四五六七八九'[i % 9]}）加强组织领导，推进依法行政。{BODY}")
    report = make("\n".join(parts))
    assert len(report.headings) == 399
    assert len(report.paragraphs) == 400


def _ws(s: str) -> str:
    return re.sub(r"\s+", "", s)


def test_dev_corpus_headings_and_titles(dev_docs: list[dict[str, Any]]) -> None:
    """Heading F1 ≥ 0.95 and title accuracy ≥ 0.95 on the dev gold (reports only)."""
    tp = fp = fn = 0
    titles = total = 0
    for doc in dev_docs:
        gold = doc["gold"]
        if not gold["is_report"]:
            continue
        report = make(doc["text"])
        g = Counter((_ws(h["text"]), h["level"]) for h in gold["headings"])
        p = Counter((_ws(h.text), h.level) for h in report.headings)
        match = sum((g & p).values())
        tp, fp, fn = tp + match, fp + sum(p.values()) - match, fn + sum(g.values()) - match
        total += 1
        titles += _ws(gold["title"] or "") == _ws(report.title or "")
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert 2 * precision * recall / (precision + recall) >= 0.95
    assert titles / total >= 0.95
