"""Document type: the annual report or a look-alike, from the title and the opening."""

from __future__ import annotations

import pytest

from pipeline.doctype import detect_doc_type
from pipeline.types import Report

OPENING = "2024年，柳溪乡坚持依法行政，推进法治政府建设。现将有关情况报告如下："


@pytest.mark.parametrize(
    ("title", "head", "kind"),
    [
        ("柳溪乡2024年法治政府建设情况报告", OPENING, "annual_report"),
        ("关于印发明川县2025年依法行政工作要点的通知", "各乡镇人民政府：现印发给你们，请认真贯彻执行。", "notice"),
        ("明川县法治政府建设实施方案（2021—2025年）", "为深入推进依法行政，制定本方案。", "plan"),
        ("《柳溪乡2024年法治政府建设情况报告》解读", "一、起草背景", "interpretation"),
        ("明川县人民政府2024年政府信息公开工作年度报告", "本报告根据条例编制。", "info_disclosure_report"),
        ("明川县人民政府工作报告", "各位代表：现在，我代表县人民政府向大会报告工作。", "work_report"),
        ("", "本报讯 近日，明川县召开法治政府建设推进会。", "news"),
        ("XX镇2024年法治政府建设情况报告", "2024年，XX镇开展学法XX次。", "template"),
        ("柳溪乡2024年工作总结", "2024年，柳溪乡经济平稳增长，各项工作取得新进展。", "work_summary"),
        # a plan word inside a report's title does not make it a plan
        ("柳溪乡2024年法治政府建设情况和2025年工作计划的报告", OPENING, "annual_report"),
        ("县级法治政府建设示范指标体系（2024年版）", "一级指标 二级指标 三级指标", "plan"),
        ("乡镇法治政府建设考核评分标准", "一、组织领导（10分）", "plan"),
    ],
)
def test_detect_doc_type(title: str, head: str, kind: str) -> None:
    assert detect_doc_type(Report(source="doc.txt"), title, head, "") == kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # masks, and nobody named in the title: an anonymised template
        ("2024年镇法治政府建设工作总结\n2024年，*镇坚持依法行政，开展学法**次，化解纠纷**件。", "template"),
        # masks in a report whose title names its body: a redacted copy of a published report
        ("柳溪乡人民政府2024年法治政府建设情况报告\n****年，柳溪乡坚持依法行政，开展学法*次，化解纠纷**件。"
         "现将有关情况报告如下：", "annual_report"),
    ],
)
def test_masks_make_a_template_only_when_the_title_names_nobody(text: str, kind: str) -> None:
    from pipeline.run import analyze_text

    assert analyze_text(text, name="doc.txt", stages=("structure", "metadata")).doc_type == kind


# --- the learned report-type stage --------------------------------------------

from pipeline.doctype import features as doctype_features  # noqa: E402


@pytest.mark.parametrize(
    ("title", "head", "headings", "signs"),
    [
        ("柳溪乡2024年法治政府建设情况报告", OPENING, ["一、主要举措和成效", "二、存在的不足和原因", "三、下一步工作打算"],
         {"sign_h:report_as_follows", "sign_head:part_results", "sign_head:part_gaps", "sign_head:part_plans"}),
        ("关于印发明川县依法行政工作要点的通知", "各乡镇人民政府：现印发给你们，请认真贯彻执行。", [],
         {"sign_h:addressed_to_many", "sign_h:issued"}),
        ("XX镇2024年法治政府建设情况报告", "2024年，XX镇开展学法XX次。", [], {"sign_t:masked", "sign_h:masked"}),
        ("镇长2024年述法报告", "今年以来，我认真履行法治建设职责。", [], {"sign_t:personal"}),
        ("明川县召开法治政府建设推进会", "3月5日，明川县召开全县法治政府建设推进会。", [], {"sign_h:news_lead"}),
        ("乡镇法治建设工作总结范文", "下面是小编整理的范文【3篇】，供大家参考。", [], {"sign_t:web_template", "sign_h:web_template"}),
        (None, "2024年，明川县司法局坚持依法行政，各项工作取得了明显成效。", ["一、2024年主要工作及成效"],
         {"sign_h:year_opening", "sign_h:achieved", "sign_head:part_results"}),
    ],
)
def test_report_type_features_name_general_signs(title: str | None, head: str, headings: list[str], signs: set[str]) -> None:
    feats = set(doctype_features(title, head, None, headings))
    assert signs <= {f for f in feats if f.startswith("sign_")}


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("柳溪乡人民政府2024年法治政府建设情况报告\n2024年，我乡坚持依法行政。", True),
        ("2024年，云岭街道党工委、办事处坚持依法行政。现将有关情况报告如下：", True),
        ("2024年，镇以新时代思想为指导，坚持依法行政。现将我镇有关情况报告如下：", False),
    ],
)
def test_the_named_feature_says_whether_the_text_names_its_body(text: str, named: bool) -> None:
    from pipeline.doctype import report_features
    from pipeline.run import analyze_text

    report = analyze_text(text, name="doc.txt", stages=("structure", "metadata"))
    assert f"named={'yes' if named else 'no'}" in report_features(report)


@pytest.mark.parametrize(
    ("text", "is_report"),
    [
        ("柳溪乡人民政府2024年法治政府建设情况报告\n2024年，柳溪乡坚持依法行政。现将有关情况报告如下：\n"
         "一、主要举措和成效\n全年开展会前学法12次。\n二、存在的不足和原因\n学法形式较单一。\n三、2025年工作打算\n深化普法宣传。", True),
        ("关于印发明川县2025年依法行政工作要点的通知\n各乡镇人民政府，县政府各部门：\n现将要点印发给你们，请认真贯彻执行。", False),
        ("明川县召开法治政府建设工作推进会\n3月5日，明川县召开全县法治政府建设工作推进会，各乡镇汇报了2024年工作情况。", False),
    ],
)
def test_learned_stage_decides_is_report(text: str, is_report: bool, resources: object) -> None:
    from pipeline.run import analyze_text

    report = analyze_text(text, name="doc.txt", resources=resources)  # type: ignore[arg-type]
    if resources.doctype is None:  # type: ignore[attr-defined]
        pytest.skip("no trained report-type classifier in models/")
    assert report.is_report is is_report
    assert (report.doc_type == "annual_report") is is_report


def test_headings_are_read_without_the_spaces_a_page_leaves_in_them() -> None:
    from pipeline.doctype import report_features
    from pipeline.run import analyze_text

    report = analyze_text("一、工 作开展情况\n全乡开展学法12次。\n二、存在的 问题\n学法形式单一。", name="doc.txt",
                          stages=("structure", "metadata"))
    assert {"sign_head:part_results", "sign_head:part_gaps"} <= set(report_features(report))
