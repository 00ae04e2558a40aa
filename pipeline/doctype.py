"""Document type: is this the annual rule-of-law report, or a look-alike (a notice, a plan,
an interpretation, a news item, a yearbook entry, a template, another annual report)?

``detect_doc_type`` is the one function the metadata stage calls; it reads the
title, the opening of the body and the page header (all normalised text).
"""

from __future__ import annotations

import re

from pipeline.types import Report

__all__ = ["REPORT_SENTENCE", "detect_doc_type"]

# Document types that look like the annual report but are not.
_TYPE_TITLE: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"解读"), "interpretation"),
    (re.compile(r"信息公开.{0,6}年度报告|信息公开工作"), "info_disclosure_report"),
    (re.compile(r"述法|述职"), "other"),
    (re.compile(r"年鉴"), "yearbook"),
    (re.compile(r"召开|审议|调研|座谈|部署会|研讨会|发布会"), "news"),
    (re.compile(r"(?:通知|通报|公告|批复|函|决定)$"), "notice"),
    (re.compile(r"(?:方案|要点|规划|计划|意见|办法|细则|指引|清单)(?:[（(][^）)]*[）)])?$"), "plan"),
    (re.compile(r"(?<!法治)政府工作报告"), "work_report"),
)

_TYPE_BODY: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"本报讯|本报.{1,8}讯|本网讯|[（(]记者|通讯员|记者\s"), "news"),
    (re.compile(r"解读如下|议题解读|政策解读|文件解读"), "interpretation"),
    (re.compile(r"现印发给你们|请认真(?:贯彻|组织|遵照)|通报如下|现予通报|特此通知|通知如下"), "notice"),
    (re.compile(r"^20\d\d卷$|^【[^】:：]{4,30}】[^\n【]{20}", re.MULTILINE), "yearbook"),
    (re.compile(r"(?<!法治)政府工作报告"), "work_report"),
    (re.compile(r"信息公开工作年度报告"), "info_disclosure_report"),
)

_TEMPLATE = re.compile(
    r"[（(]略[）)]|(?<![A-Za-z])[xX×]{1,3}(?=[\u4e00-\u9fff\d])|[*＊]{1,3}(?=[\u4e00-\u9fff\d次名个])|"
    r"某(?:乡|镇|街道|县|区|市)|范文|小编|下载本文档|文档简介"
)

_TOPIC = re.compile(r"法治政府|依法行政|法治建设|法治工作")

_OTHER_SUBJECT = re.compile(r"统计分析|执法数据|述法|述职|审计|信息公开")

REPORT_SENTENCE = re.compile(r"现(?:将|就)([^。：:]{0,60}?)(?:报告|汇报|总结|通报)如下")


def detect_doc_type(report: Report, title_norm: str, head: str, header: str) -> str:
    """The document's kind: ``annual_report`` or a look-alike's kind (notice, plan, news, …).

    ``title_norm`` is the title, ``head`` the opening of the body and ``header``
    the lines above it (page furniture), all normalised. The rules read the
    title first (a notice or a plan says so at its end), then the opening.
    ``report`` is passed for classifiers that read more of it.
    """
    t = title_norm
    if t:
        for pat, kind in _TYPE_TITLE:
            if pat.search(t):
                if kind in ("plan", "notice") and re.search(r"报告|总结|情况", t):
                    continue
                return kind
    first = head[:400]
    for pat, kind in _TYPE_BODY:
        if pat.search(first if kind != "yearbook" else (header + "\n" + head[:300])):
            return kind
    if len(_TEMPLATE.findall(t + header + head[:1500])) >= 2:
        return "template"
    if re.match(r"各[\u4e00-\u9fff]", head) or re.search(r"(?:^|\n)各[^\n]{4,120}[:：]\n", head[:300]):
        return "notice"
    m = REPORT_SENTENCE.search(head[:1500])
    if m and _OTHER_SUBJECT.search(m.group(1)):
        return "other"
    if not _TOPIC.search(t + head[:1000]):
        return "work_summary"
    return "annual_report"
