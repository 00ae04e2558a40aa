"""Form rules: the title year (R04), stray years (R04B), placeholders (R05), level (R08), deadline (R09), heading format (R10) and document type (R14)."""

from __future__ import annotations

import re
from datetime import date

from pipeline.completeness.document import (
    Doc,
    Unit,
    first_match,
    heading_text,
    make_item,
    masked_years,
    sentence_around,
    skipped_item,
    text_to_norm,
)
from pipeline.completeness.schema import SEVERITIES, RuleSpec
from pipeline.dates import (
    FULL_DATE,
    ISSUE_CUE,
    PUBLICATION_CUE,
    date_number,
)
from pipeline.markers import GBT_EXAMPLE, L1_HALF_BRACKET, numbered_heading
from pipeline.types import CheckItem


def check_title_year(doc: Doc, spec: RuleSpec) -> CheckItem:
    if not doc.title or doc.title_year is None:
        return skipped_item(spec, "没有找到带年份的标题")
    # The body's own years are independent of the title; metadata's year may come from the title.
    others = [(doc.body_year, "正文所述年度")] if doc.body_year is not None else []
    if not others and doc.report.year is not None:
        others = [(doc.report.year, "报告年度")]
    for y, src in others:
        if y != doc.title_year:
            span = doc.title_span or (0, 0)
            msg = f"标题年份{doc.title_year}年与{src}{y}年不一致"
            return make_item(spec, True, msg, doc=doc, span=span if doc.title_span else None, where="title")
    if not others:
        return skipped_item(spec, "正文没有足够的年份可以核对")
    return make_item(spec, False, f"标题年份{doc.title_year}年与报告年度一致", doc=doc, span=doc.title_span, where="title")


def check_stray_years(doc: Doc, spec: RuleSpec) -> CheckItem:
    """Years that betray a copied report: last year's opener, a wrong year in a part heading, plans for the reported year."""
    r = doc.year
    if r is None:
        return skipped_item(spec, "不知道报告年度")
    allow_before = tuple(spec.opts.get("allow_before", ()))
    allow_after = tuple(spec.opts.get("allow_after", ()))
    hits: list[tuple[int, int, str]] = []
    plans = {id(u) for u in doc.regions.get("plans", [])}
    heads = {i: pid for pid, idxs in doc.part_heads.items() for i in idxs}
    first = doc.units[0].start if doc.units else len(doc.norm)
    pre = Unit("paragraph", doc.body_start, first, doc.norm[doc.body_start : first])
    for i, u in [(-1, pre), *enumerate(doc.units)]:
        if u.start < doc.body_start:
            continue
        for y, s, e in masked_years(u.text):
            before, after = u.text[max(0, s - 4) : s], u.text[e:]
            if (
                before.endswith(allow_before)
                or after.lstrip("年度").startswith(allow_after)
                or re.match(r"\s*年\s*\d{1,2}\s*月", after)
                and y == r + 1
            ):
                continue
            pid = heads.get(i)
            if pid in ("achievements", "shortcomings", "responsibility") and y != r:
                hits.append((u.start + s, u.start + e, f"“{heading_text(u)}”的年份是{y}年"))
            elif pid == "plans" and y != r + 1:
                hits.append((u.start + s, u.start + e, f"下一年度安排标题的年份是{y}年"))
            elif id(u) in plans:
                if y <= r and re.match(r"年度?[，,]?\s*(我|全)?[^。]{0,8}(将|要|计划|拟)", after):
                    hits.append((u.start + s, u.start + e, f"下一年度安排写的是{y}年"))
            elif pid is None:
                opener = s == 0 or u.text[s - 1] in "，。：；:;"
                report_line = re.search(r"现将[^。]{0,30}$", u.text[:s]) is not None
                if (y < r or y > r + 1) and (
                    report_line or (opener and re.match(r"年度?(，|,|以来，|是|我|全)", after))
                ):
                    hits.append((u.start + s, u.start + e, f"正文出现{y}年（报告年度为{r}年）"))
    if hits:
        s, e, why = hits[0]
        u = next((x for x in doc.units if x.start <= s < x.end), None)
        span = sentence_around(doc, u, s) if u else (s, e)
        more = f"等{len(hits)}处" if len(hits) > 1 else ""
        return make_item(spec, True, f"{why}{more}，疑为沿用旧报告", doc=doc, span=span, where="paragraph")
    return make_item(spec, False, "正文年份与报告年度一致")


def check_placeholders(doc: Doc, spec: RuleSpec) -> CheckItem:
    found: list[tuple[int, int]] = []
    for p in spec.pats("patterns"):
        for m in p.finditer(doc.norm, doc.body_start if doc.title_span else 0):
            found.append((m.start(), m.end()))
    if doc.title_span:
        for p in spec.pats("patterns"):
            for m in p.finditer(doc.norm, doc.title_span[0], doc.title_span[1]):
                found.append((m.start(), m.end()))
    # Placeholder defects recorded by the metrics stage count as well.
    for d in doc.report.defects:
        kind = str(d.get("kind") or d.get("type") or d.get("code") or "")
        if "placeholder" in kind and isinstance(d.get("start"), int):
            s, e = text_to_norm(doc.report, d["start"], int(d.get("end", d["start"] + 1)))
            found.append((s, max(e, s + 1)))
    if not found:
        return make_item(spec, False, "未发现占位符")
    found = sorted(set(found))
    s, e = found[0]
    ctx = (max(doc.body_start if s >= doc.body_start else 0, s - 12), min(len(doc.norm), e + 12))
    samples = "、".join(dict.fromkeys(doc.quote(a, b) for a, b in found[:5]))
    return make_item(
        spec, True, f"含{len(found)}处草稿占位符（{samples}），数据或名称未填写", doc=doc, span=ctx, where="paragraph"
    )


def check_level(doc: Doc, spec: RuleSpec) -> CheckItem:
    level = doc.report.level
    levels = tuple(spec.opts.get("levels", ("township",)))
    if level not in levels:
        return skipped_item(spec, f"只检查{'、'.join(levels)}层级的报告")
    for u in doc.units:
        if u.start < doc.body_start:
            continue
        m = first_match(spec.pats("patterns"), u.text)
        if m:
            span = sentence_around(doc, u, u.start + m.start())
            return make_item(
                spec,
                True,
                f"出现“{m.group(0)}”等乡镇无权开展的工作，疑为照搬上级模板",
                doc=doc,
                span=span,
                where=u.kind,
            )
    return make_item(spec, False, "未发现超出乡镇职权的内容")


def _find_dates(doc: Doc) -> tuple[tuple[date, int] | None, tuple[date, int] | None]:
    """(issue date, publication date), each with its norm offset, from the text."""
    issue = pub = None
    norm = doc.norm

    def parse(m: re.Match[str]) -> date | None:
        y, mo, d = (date_number(g) for g in m.groups())
        try:
            return date(y, mo, d) if y and mo and d else None  # type: ignore[arg-type]
        except ValueError:
            return None

    for m in FULL_DATE.finditer(norm):
        lead = norm[max(0, m.start() - 12) : m.start()].split("\n")[-1]
        dt = parse(m)
        if dt is None:
            continue
        if ISSUE_CUE.search(lead) and issue is None:
            issue = (dt, m.start())
        elif PUBLICATION_CUE.search(lead) and pub is None and m.start() < doc.body_start + 400:
            pub = (dt, m.start())
    if issue is None:
        # The signature date: a line of its own near the end.
        tail_start = max(0, len(norm) - 400)
        for m in FULL_DATE.finditer(norm, tail_start):
            line_start = norm.rfind("\n", 0, m.start()) + 1
            line_end = norm.find("\n", m.end())
            line = norm[line_start : line_end if line_end >= 0 else len(norm)].strip()
            if len(line) <= 16 and m.start() > doc.body_start:
                dt = parse(m)
                if dt:
                    issue = (dt, m.start())
    if doc.report.issue_date:
        try:
            issue = (date.fromisoformat(doc.report.issue_date), issue[1] if issue else 0)
        except ValueError:
            pass
    return issue, pub


def check_deadline(doc: Doc, spec: RuleSpec) -> CheckItem:
    if doc.year is None:
        return skipped_item(spec, "不知道报告年度")
    issue, pub = _find_dates(doc)
    if issue is None and pub is None:
        return skipped_item(spec, "没有找到成文或发布日期")
    problems: list[tuple[str, str, int]] = []
    y1 = doc.year + 1
    sub, pubd = spec.opts.get("submission"), spec.opts.get("publication")
    if issue and sub and issue[0] > date(y1, *sub):
        problems.append(
            (spec.severity, f"成文日期{issue[0].isoformat()}晚于报送截止日期{date(y1, *sub).isoformat()}", issue[1])
        )
    if issue and issue[0].year < doc.year:
        problems.append((spec.severity, f"成文日期{issue[0].isoformat()}早于报告年度{doc.year}年", issue[1]))
    if pub and pubd and pub[0] > date(y1, *pubd):
        sev = str(spec.opts.get("publication_severity", "warning"))
        problems.append((sev, f"发布日期{pub[0].isoformat()}晚于公开截止日期{date(y1, *pubd).isoformat()}", pub[1]))
    if problems:
        order = {s: i for i, s in enumerate(SEVERITIES)}
        problems.sort(key=lambda p: order[p[0]])
        sev, _msg, pos = problems[0]
        item = CheckItem(
            id=spec.id,
            label=spec.label,
            status=sev,
            severity=sev,
            message="；".join(p[1] for p in problems),
            where="date",
        )
        item.evidence, item.start = doc.quote(pos, min(len(doc.norm), pos + 12)), doc.text_pos(pos)
        return item
    parts = []
    if issue:
        parts.append(f"成文日期{issue[0].isoformat()}")
    if pub:
        parts.append(f"发布日期{pub[0].isoformat()}")
    pos = (issue or pub)[1]  # type: ignore[index]
    item = make_item(
        spec,
        False,
        "，".join(parts) + "，未超过截止日期",
        doc=doc,
        span=(pos, min(len(doc.norm), pos + 12)),
        where="date",
    )
    return item




def check_heading_format(doc: Doc, spec: RuleSpec) -> CheckItem:
    issues: list[tuple[Unit, str]] = []
    prev_level = 0
    brackets: set[str] = set()
    for u in doc.units:
        if u.kind != "heading":
            continue
        s = u.text.strip()
        if L1_HALF_BRACKET.match(s):
            issues.append((u, "一级标题应为“一、”，缺少顿号或多了括号"))
        elif re.match(r"^\d{1,2}、", s):
            issues.append((u, "三级标题应为“1.”而不是“1、”"))
        elif re.match(r"^[一二三四五六七八九十]+\.", s):
            issues.append((u, "一级标题应为“一、”"))
        elif re.match(r"^[（(][一二三四五六七八九十\d]+[）)][、.，]", s):
            issues.append((u, "括号序号后不应再加标点"))
        m = re.match(r"^([（(])[一二三四五六七八九十\d]+([）)])", s)
        if m:
            brackets.add("half" if m.group(1) == "(" or m.group(2) == ")" else "full")
        if numbered_heading(s) and prev_level and u.level > prev_level + 1:
            issues.append((u, f"标题层级跳级：{GBT_EXAMPLE.get(prev_level, '')}之后直接使用{GBT_EXAMPLE.get(u.level, '')}"))
        if numbered_heading(s):
            prev_level = u.level
    if len(brackets) > 1:
        first = next(u for u in doc.units if u.kind == "heading" and re.match(r"^[（(]", u.text.strip()))
        issues.append((first, "全角与半角括号混用"))
    if not issues:
        return make_item(spec, False, "标题层级符合公文格式")
    u, why = issues[0]
    more = f"等{len(issues)}处" if len(issues) > 1 else ""
    item = CheckItem(
        id=spec.id, label=spec.label, status="info", severity="info", message=f"{why}{more}", where="heading"
    )
    item.evidence, item.start = doc.quote(u.start, u.end, limit=40), doc.text_pos(u.start)
    return item


_DOC_TYPES = {
    "notice": "通知",
    "plan": "规划、方案或工作要点",
    "interpretation": "政策解读",
    "news": "新闻报道",
    "work_report": "政府工作报告",
    "work_summary": "工作总结",
    "yearbook": "年鉴条目",
    "template": "模板或范文",
    "info_disclosure_report": "政府信息公开工作年度报告",
    "other": "其他文件",
}


def check_doc_type(doc: Doc, spec: RuleSpec) -> CheckItem:
    r = doc.report
    if r.is_report is False or (r.doc_type not in (None, "annual_report")):
        kind = _DOC_TYPES.get(r.doc_type or "other", r.doc_type or "其他文件")
        return make_item(
            spec, True, f"不是法治政府建设年度报告（识别为：{kind}）", doc=doc, span=doc.title_span, where="title"
        )
    if doc.title:
        m = first_match(spec.pats("wrong_title"), doc.title)
        if m:
            return make_item(
                spec,
                True,
                f"标题显示这是“{m.group(0)}”，不是法治政府建设年度报告",
                doc=doc,
                span=doc.title_span,
                where="title",
            )
        if not first_match(spec.pats("right_title"), doc.title):
            return make_item(spec, True, "标题未表明是法治政府建设情况报告", doc=doc, span=doc.title_span, where="title")
        return make_item(spec, False, "法治政府建设年度报告", doc=doc, span=doc.title_span, where="title")
    if r.is_report:
        return make_item(spec, False, "法治政府建设年度报告")
    return skipped_item(spec, "没有找到标题")
