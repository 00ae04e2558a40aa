"""Document type: is this the annual rule-of-law report, or a look-alike (a notice, a plan,
an interpretation, a news item, a yearbook entry, a template, another annual report)?

Two layers. ``detect_doc_type`` (rules) is what the metadata stage calls; it
reads the title, the opening of the body and the page header (all normalised
text) and names a kind. The report-type stage (``decide_report_type``) then
decides ``is_report`` with a learned classifier: many look-alikes defeat
rules on the next site (a news item about a report, a 工作方案, a speech, a
guide asking for reports, an indicator system, a 述职报告). It is a logistic
regression over general signs of each kind in the title, the opening and the
headings (the parts the 2019 规定 asks for, a circular's addressees, masked or
web-template text, a news lead, a personal 述职) and the rules' kind; a
non-report keeps the rules' kind (or ``other``), its title and its sender.
Fitted by :mod:`pipeline.training`, applied with numpy.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pipeline.modelio import LinearModel, load_or_warn, model_dir
from pipeline.types import Report

__all__ = ["REPORT_SENTENCE", "decide_report_type", "detect_doc_type", "load_doctype", "names_itself", "report_features"]

# Document types that look like the annual report but are not.
_TYPE_TITLE: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"解读"), "interpretation"),
    (re.compile(r"信息公开.{0,6}年度报告|信息公开工作"), "info_disclosure_report"),
    (re.compile(r"述法|述职"), "other"),
    (re.compile(r"年鉴"), "yearbook"),
    (re.compile(r"召开|审议|调研|座谈|部署会|研讨会|发布会"), "news"),
    (re.compile(r"(?:通知|通报|公告|批复|函|决定)$"), "notice"),
    (re.compile(r"(?:方案|要点|规划|计划|意见|办法|细则|指引|清单|指标体系|标准)(?:[（(][^）)]*[）)])?$"), "plan"),
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
    if len(_TEMPLATE.findall(t + header + head[:1500])) >= 2 and _entity_source(report) != "title":
        # Masks in a report whose title names its body are a redacted copy of a published
        # report (a year or the counts starred out); a template names nobody.
        return "template"
    if re.match(r"各[\u4e00-\u9fff]", head) or re.search(r"(?:^|\n)各[^\n]{4,120}[:：]\n", head[:300]):
        return "notice"
    m = REPORT_SENTENCE.search(head[:1500])
    if m and _OTHER_SUBJECT.search(m.group(1)):
        return "other"
    if not _TOPIC.search(t + head[:1000]):
        return "work_summary"
    return "annual_report"


def _entity_source(report: Report) -> str | None:
    """Where the metadata stage found the reporting body (title, body, issuer, filename…), if it did."""
    return next((p.source for p in report.provenance if p.field == "entity"), None)


# --- the learned report-type classifier -------------------------------------

KIND = "report_type"
MODEL_FILE = "report_type.npz"
# The opening read by the model: enough for a title, a lead sentence and a first heading.
HEAD_CHARS = 300


# General signs of what a text is (simplified characters), each a feature of its own:
# the five parts the 2019 规定 asks a report for, the shapes of look-alikes.
_SIGNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("part_results", re.compile(r"(?:主要)?(?:工作|举措|措施|做法)(?:和|及|与)?(?:成效|成绩)|工作(?:开展)?情况|主要成效")),
    ("part_gaps", re.compile(r"(?:存在|面临)的?(?:主要)?(?:问题|不足|短板|差距)|不足(?:和|及|之处)")),
    ("part_plans", re.compile(r"下一?(?:步|年度?)(?:工作)?(?:打算|计划|安排|思路)|(?:工作)?(?:打算|思路)$")),
    ("part_duty", re.compile(r"第一责任人|主要负责人.{0,8}(?:职责|履职)")),
    ("report_as_follows", re.compile(r"(?:报告|汇报)如下|现将.{0,40}(?:报告|汇报)")),
    ("first_person_body", re.compile(r"我(?:镇|乡|街道|区|县|市|局|委|办|单位)")),
    ("addressed_to_many", re.compile(r"^各[^\n]{1,80}[:：]")),
    ("masked", re.compile(r"[XＸ×]{2}|[（(]略[)）]|\*\*|[*＊Xx×](?:省|市|县|区|乡|镇|街道|村)")),
    ("web_template", re.compile(r"范文|网友投稿|小编|[【\[]\d+篇[】\]]|第[一二三]篇")),
    ("news_lead", re.compile(r"(?m)^(?:\d{1,2}月\d{1,2}日|日前|近日|记者)")),
    ("issued", re.compile(r"印发|现(?:予|将).{0,10}(?:印发|发布)|请认真(?:贯彻|组织|抓好)")),
    ("personal", re.compile(r"述职|述法|述责|个人")),
    # An annual report opens on the year it reviews ("2023年，…") and says what it achieved.
    ("year_opening", re.compile(r"^(?:20\d\d|二[〇○零][一二]\S)年(?:度|以来)?[，,]")),
    ("achieved", re.compile(r"取得了?[^。，；]{0,8}(?:成效|进展|成绩|成果)")),
)


def features(
    title: str | None, head: str, rule_type: str | None, headings: Sequence[str] = (), named: bool | None = None
) -> list[str]:
    """Features of one document: general signs in the title, the opening and the headings, the
    title's length, the rules' type, whether the text names the body that writes it (``named``:
    an anonymised template or a masked copy does not). (The title's and the opening's own
    characters were tried: under grouped cross-validation they learn each site's wording and
    lose 0.5 to 1.5 points.)"""
    f = [f"rule={rule_type or 'none'}"]
    if named is not None:
        f.append(f"named={'yes' if named else 'no'}")
    if title:
        f.append(f"tlen={min(len(title) // 10, 6)}")
        f.extend(f"sign_t:{name}" for name, rx in _SIGNS if rx.search(title))
    else:
        f.append("t:<none>")
    opening = head[:HEAD_CHARS]
    f.extend(f"sign_h:{name}" for name, rx in _SIGNS if rx.search(opening.lstrip()))
    for h in headings:
        f.extend(f"sign_head:{name}" for name, rx in _SIGNS[:4] if rx.search(h))
    f.append(f"headings={min(len(headings), 4)}")
    return sorted(set(f))


def report_features(report: Report) -> list[str]:
    """:func:`features` of an analysed report (the head is the normalised text after the title)."""
    from pipeline.normalise import to_simplified
    from pipeline.segment import norm_pos

    norm = report.norm or report.text
    start = norm_pos(report, report.title_span[1]) if report.title_span is not None else 0
    # Title and headings are quoted from the text: read them as the stages match, without the
    # spaces a web page or a PDF leaves inside ("一、工 作开展情况").
    title = "".join(to_simplified(report.title).split()) if report.title is not None else None
    heads = ["".join(to_simplified(h.text).split()) for h in report.headings[:12]]
    return features(title, norm[start : start + HEAD_CHARS], report.doc_type, heads, names_itself(report))


def names_itself(report: Report) -> bool:
    """Whether the text itself names the reporting body (title, body or signature: not the
    file name or the page title); an anonymised template names nobody."""
    return report.entity is not None and _entity_source(report) in ("title", "body", "issuer")


def default_model_path() -> Path:
    return model_dir() / MODEL_FILE


def load_doctype(path: Path | None = None, warn: Any = None) -> LinearModel | None:
    """The saved classifier, or None (with a warning) when missing or unreadable."""
    path = Path(path) if path is not None else default_model_path()
    return load_or_warn(path, KIND, "report-type classifier", "the document-type rules decide alone", warn)


def decide_report_type(report: Report, model: LinearModel | None) -> None:
    """Decide ``is_report`` (the model over the rules' kind; the rules alone without one).

    A non-report keeps its kind, its title and who sent it (entity, level, year):
    the reviewer must see which township filed a 工作要点 or a 述职报告 instead of
    its report. It gets no completeness verdict, and comparisons leave it out.
    """
    if model is not None and report.norm:
        p = model.proba(report_features(report))
        report.is_report = float(p[model.classes.index("report")]) >= float(model.meta.get("threshold", 0.5))
        if report.is_report:
            report.doc_type = "annual_report"
        elif report.doc_type in (None, "annual_report"):
            report.doc_type = "other"
