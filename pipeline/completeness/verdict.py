"""The verdict: runs the part checks and the rule registry, then scores and summarises."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pipeline.completeness.document import build_doc
from pipeline.completeness.rules import RULES
from pipeline.completeness.rules.content import (
    check_extra,
    check_part,
)
from pipeline.completeness.schema import Checklist
from pipeline.types import CheckItem, Completeness, Report

_SHORT_LABEL = {
    "achievements": "主要举措和成效",
    "shortcomings": "存在的不足和原因",
    "responsibility": "第一责任人履职情况",
    "plans": "下一年度安排",
    "other": "其他需要报告的情况",
}


def deduction(statuses: Iterable[str | None], scoring: Mapping[str, float]) -> float:
    """What the checklist takes off the score for items in these statuses (missing, error, warning)."""
    out = 0.0
    for status in statuses:
        if status == "missing":
            out += scoring["missing_required"]
        elif status in ("error", "warning"):
            out += scoring[status]
    return out


def score_of(statuses: Iterable[str | None], scoring: Mapping[str, float]) -> float:
    """The completeness score: 1 less the deductions, never below 0 (the reviewed score uses it too)."""
    return round(max(0.0, 1.0 - deduction(statuses, scoring)), 2)


def finish(report: Report, checklist: Checklist) -> None:
    """Recompute score, missing, warnings and summary from ``report.completeness.items``.

    A document that is not the annual report gets no verdict: no score, no missing
    parts; its items (R14 says what it is) stay for the reviewer."""
    comp = report.completeness
    if comp is None:
        return
    part_ids = {p.id for p in checklist.parts}
    required = {p.id for p in checklist.parts if p.required}
    sc = checklist.scoring  # every deduction is given by the checklist (schema: required)
    comp.missing = [i.id for i in comp.items if i.id in required and i.status == "missing"]
    comp.warnings = []
    problems: list[str] = []
    for i in comp.items:
        if i.status in ("error", "warning"):
            comp.warnings.append(f"{i.id} {i.label}：{i.message}" + (f"（“{i.evidence}”）" if i.evidence else ""))
            problems.append(
                i.message.split("，疑为")[0]
                if i.id not in part_ids
                else f"{_SHORT_LABEL.get(i.id, i.label)}{i.message.split('；')[-1]}"
            )
    comp.score = score_of((i.status for i in comp.items), sc)
    entity, year = report.entity, report.year
    who = "".join(x for x in (entity or "", f"{year}年" if year else "") if x) or "本"
    n_req = len(required)
    missing_labels = "、".join(_SHORT_LABEL.get(m, m) for m in comp.missing)
    if report.is_report is False:
        # Not scored: the summary says what the document is, not which parts it lacks.
        comp.score, comp.missing = None, []
        comp.summary = f"{'' if who == '本' else who}此文件不是法治政府建设年度报告，不评分。"
        return
    head = f"{who}法治政府建设情况报告"
    if comp.missing:
        text = f"{head}规定的{n_req}项内容缺{len(comp.missing)}项（{missing_labels}）"
    else:
        text = f"{head}规定内容齐全"
    if problems:
        text += f"；需改进{len(problems)}处：" + "；".join(problems[:4]) + ("等" if len(problems) > 4 else "")
    elif not comp.missing:
        text += "，未发现明显问题"
    comp.summary = text + "。"


def check_report(report: Report, checklist: Checklist) -> None:
    """Set ``report.completeness``: parts present, quality rules, score and summary."""
    if report.status != "ok" or not report.text.strip():
        return
    doc = build_doc(report, checklist)
    items: list[CheckItem] = []
    present: dict[str, bool] = {}
    for part in checklist.parts:
        it = check_part(doc, part)
        present[part.id] = bool(it.present)
        items.append(it)
    for rule_id, check in RULES:
        if (spec := checklist.rule(rule_id)) is not None:
            items.append(check(doc, spec, present))
    for extra in checklist.extras:
        items.append(check_extra(doc, extra))
    report.completeness = Completeness(items=items)
    finish(report, checklist)
