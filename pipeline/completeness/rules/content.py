"""Content rules: the required parts, causes of shortcomings (R02), concrete and copied plans (R03, R03B), figures (R11) and county extras."""

from __future__ import annotations

import re

from pipeline.completeness.document import (
    Doc,
    Unit,
    compile_body,
    first_match,
    make_item,
    sentence_around,
    skipped_item,
    text_to_norm,
    unit_sentences,
)
from pipeline.completeness.schema import ExtraSpec, PartSpec, RuleSpec
from pipeline.quantities import COUNTED_QUANTITY
from pipeline.types import CheckItem


def check_part(doc: Doc, part: PartSpec) -> CheckItem:
    """Is the part there: a heading, a substantive passage or the classifier's label."""
    item = CheckItem(id=part.id, label=part.label, status="ok", present=False, severity=part.severity)
    units = doc.units
    found: tuple[str, Unit, tuple[int, int]] | None = None
    if doc.part_heads.get(part.id):
        u = units[doc.part_heads[part.id][0]]
        found = ("heading", u, (u.start, u.end))
    # "other" is also the classifier's label for anything else: only cues find that part.
    by_category = part.id != "other"
    if found is None and by_category:
        for u in units:
            if u.kind == "heading" and u.category == part.id and u.category_source != "inherited":
                found = ("heading", u, (u.start, u.end))
                break
    if found is None and part.body:
        # The opening summary ("…取得积极成效。现将…报告如下") is not the part itself.
        first_heading = next((u.start for u in units if u.kind == "heading" or u.heading_like), 0)
        pats = [compile_body(raw, doc.year + 1 if doc.year else None) for raw in part.body]
        for u in units:
            if u.kind != "paragraph" and not (u.kind == "heading" and len(u.text) > 30):
                continue
            if u.start < doc.body_start or (u.start < first_heading and not part.preamble):
                continue
            m = first_match(pats, u.text)
            if m:
                found = ("paragraph", u, sentence_around(doc, u, u.start + m.start()))
                break
    if found is None and by_category:
        for u in units:
            if (
                u.kind == "paragraph"
                and u.category == part.id
                and u.category_source in ("rules", "model")
                and len(u.text) >= 20
            ):
                found = ("paragraph", u, sentence_around(doc, u, u.start))
                break
    if found is None:
        item.present = False
        if part.required:
            item.status = "missing"
            item.message = f"未找到“{part.label}”部分"
        else:
            item.status = "info"
            item.message = f"未单列“{part.label}”（可选）"
        return item
    where, u, span = found
    item.present, item.where, item.own_section = True, where, where == "heading"
    item.evidence, item.start = doc.quote(*span), doc.text_pos(span[0])
    item.message = "单列为标题" if where == "heading" else "在正文段落中报告，未单列标题"
    if where == "heading" and u.level > 1:
        item.message = f"作为第{u.level}级标题报告"
    if part.actions:
        # Thin content: a bare statement of the duty without one concrete action, looking at
        # the section (found as a heading) or the paragraph and the one after it.
        if where == "heading":
            text = "".join(x.text for x in doc.regions.get(part.id, []) if x is not u)
        else:
            text = u.text
            if len(u.text) - (span[1] - span[0]) < 15:
                # The duty stated as a paragraph of its own: the details follow in the next one.
                i = next(k for k, x in enumerate(units) if x is u)
                nxt = next((x for x in units[i + 1 :] if x.kind in ("paragraph", "heading")), None)
                text += nxt.text if nxt else ""
        # Too little text to judge (a truncated copy): no verdict on thinness.
        if len(text) >= 25 and not first_match(part.actions, text):
            item.status = "warning"
            item.severity = "warning"
            item.message += "；只有原则性表述，没有具体履职行动"
    return item


def check_causes(doc: Doc, spec: RuleSpec, present: bool) -> CheckItem:
    if not present:
        return skipped_item(spec, "没有找到问题部分")
    units = doc.body_units("shortcomings")
    ignore = spec.pats("ignore")
    for u in units:
        text = u.text
        for m in (p.search(text) for p in spec.pats("cues")):
            if m is None:
                continue
            if any(ig.search(text[max(0, m.start() - 4) : m.end() + 2]) for ig in ignore):
                continue
            span = sentence_around(doc, u, u.start + m.start())
            return make_item(spec, False, "问题部分分析了原因", doc=doc, span=span, where="paragraph")
    if not units:
        # Found only through a passage: look at that paragraph.
        return skipped_item(spec, "问题部分没有可检查的正文")
    first = next((u for u in units if u.kind == "paragraph"), units[0])
    return make_item(
        spec,
        True,
        "问题部分只列举问题，没有分析原因（无“原因、由于、导致”等表述）",
        doc=doc,
        span=(first.start, min(first.end, first.start + 60)),
        where="paragraph",
    )


def check_plans_concrete(doc: Doc, spec: RuleSpec, present: bool) -> CheckItem:
    if not present:
        return skipped_item(spec, "没有找到下一年度安排")
    units = doc.body_units("plans")
    if not units:
        return skipped_item(spec, "下一年度安排没有可检查的正文")
    year_only = re.compile(r"^(19|20)\d\d$")
    concrete: list[tuple[int, int]] = []
    for u in units:
        for s, e in unit_sentences(u):
            sent = doc.norm[s:e]
            hit = None
            for key in ("target", "date", "owner"):
                for p in spec.pats(key):
                    for m in p.finditer(sent):
                        if (
                            key == "target"
                            and year_only.match(re.sub(r"\D", "", m.group(0)))
                            and "年" in sent[m.end() : m.end() + 1]
                        ):
                            continue
                        hit = m
                        break
                    if hit:
                        break
                if hit:
                    break
            if hit:
                concrete.append((s, e))
    need = int(spec.opts.get("min_items", 2))
    if len(concrete) >= need:
        return make_item(
            spec,
            False,
            f"有{len(concrete)}项具体措施（目标、时限、责任单位或数量）",
            doc=doc,
            span=concrete[0],
            where="paragraph",
        )
    u = units[0]
    msg = f"下一年度安排缺少具体措施：只有{len(concrete)}项写明目标、时限、责任单位或数量（要求至少{need}项）"
    return make_item(
        spec,
        True,
        msg,
        doc=doc,
        span=concrete[0] if concrete else (u.start, min(u.end, u.start + 60)),
        where="paragraph",
    )


def _shingles(text: str, k: int) -> set[str]:
    t = re.sub(r"[\W_]+", "", text)
    return {t[i : i + k] for i in range(max(0, len(t) - k + 1))}


def check_plans_copied(doc: Doc, spec: RuleSpec, present_s: bool, present_p: bool) -> CheckItem:
    if not (present_s and present_p):
        return skipped_item(spec, "缺少问题部分或下一年度安排")
    k = int(spec.opts.get("shingle", 4))
    short = set().union(*(_shingles(u.text, k) for u in doc.body_units("shortcomings")), set())
    plans = doc.body_units("plans")
    if not short or not plans:
        return skipped_item(spec, "问题部分或下一年度安排没有正文")
    copied: list[tuple[int, int]] = []
    total = copied_chars = 0
    for u in plans:
        for s, e in unit_sentences(u):
            sh = _shingles(doc.norm[s:e], k)
            n = len(re.sub(r"[\W_]+", "", doc.norm[s:e]))
            total += n
            if n < int(spec.opts.get("min_sentence_chars", 10)) or not sh:
                continue
            if len(sh & short) / len(sh) >= float(spec.opts.get("containment", 0.7)):
                copied.append((s, e))
                copied_chars += n
    share = copied_chars / total if total else 0.0
    fired = bool(copied) and (
        share >= float(spec.opts.get("min_share", 0.3)) or len(copied) >= int(spec.opts.get("min_sentences", 2))
    )
    if fired:
        return make_item(
            spec,
            True,
            f"下一年度安排有{len(copied)}句照抄问题部分（占{share:.0%}），没有提出改进措施",
            doc=doc,
            span=copied[0],
            where="paragraph",
        )
    return make_item(spec, False, "下一年度安排没有照抄问题部分")


def check_quantities(doc: Doc, spec: RuleSpec, present: bool) -> CheckItem:
    if not present:
        return skipped_item(spec, "没有找到成效部分")
    units = doc.regions.get("achievements", [])
    n_metrics = [m for m in doc.report.metrics if m.category == "achievements"]
    if not units and not n_metrics:
        return skipped_item(spec, "成效部分没有正文")
    lo = min((u.start for u in units), default=0)
    hi = max((u.end for u in units), default=0)
    in_region = [m for m in doc.report.metrics if lo <= text_to_norm(doc.report, m.start, m.end)[0] < hi]
    found: list[tuple[int, int]] = []
    for u in units:
        for m in COUNTED_QUANTITY.finditer(u.text):
            found.append((u.start + m.start(), u.start + m.end()))
    n = max(len({id(m) for m in n_metrics + in_region}), len(found))
    need = int(spec.opts.get("min_quantities", 1))
    if n >= need:
        if found:
            return make_item(spec, False, f"成效部分有{n}处量化数据", doc=doc, span=found[0], where="paragraph")
        m0 = (n_metrics + in_region)[0]
        item = make_item(spec, False, f"成效部分有{n}处量化数据", where="paragraph")
        item.evidence, item.start = m0.quote, m0.start
        return item
    u = units[0]
    return make_item(
        spec,
        True,
        "成效部分没有任何量化数据，成效无法核实",
        doc=doc,
        span=(u.start, min(u.end, u.start + 40)),
        where="paragraph",
    )


def check_extra(doc: Doc, spec: ExtraSpec) -> CheckItem:
    units = doc.regions.get(spec.part, []) if spec.part else [u for u in doc.units if u.start >= doc.body_start]
    hit = None
    for u in units:
        m = first_match(spec.patterns, u.text)
        if m:
            hit = (u, m)
            break
    fired = (hit is not None) == (spec.when == "present")
    item = CheckItem(id=spec.id, label=spec.label, status=spec.severity if fired else "ok", severity=spec.severity)
    if hit:
        u, m = hit
        s, e = sentence_around(doc, u, u.start + m.start())
        item.evidence, item.start, item.where = doc.quote(s, e), doc.text_pos(s), u.kind
    item.message = ("出现" if hit else "未出现") + f"“{spec.label}”相关内容"
    return item


# -- R12: personal data and secrecy cues ---------------------------------------
