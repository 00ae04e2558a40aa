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
    ],
)
def test_detect_doc_type(title: str, head: str, kind: str) -> None:
    assert detect_doc_type(Report(source="doc.txt"), title, head, "") == kind
