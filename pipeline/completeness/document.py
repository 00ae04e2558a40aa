"""The checker's view of a report: units (headings and paragraphs), the title, the parts' regions and the reported year."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from pipeline.completeness.schema import Checklist, RuleSpec
from pipeline.dates import (
    YEAR_IN_TEXT,
    YEAR_SPAN,
)
from pipeline.markers import numbered_heading
from pipeline.normalise import normalise
from pipeline.sentences import SENTENCE_END_RE
from pipeline.types import CheckItem, Report

_QUOTED = re.compile(r"《[^》\n]{0,80}》|“[^”\n]{0,40}”")



@dataclass
class Unit:
    """A heading or paragraph as the checker sees it (offsets into ``norm``)."""

    kind: str  # heading | paragraph
    start: int
    end: int
    text: str  # normalised text
    level: int = 1
    category: str = "other"
    category_source: str = "inherited"
    marker: str | None = None
    heading_like: bool = False  # a short paragraph that reads as an unnumbered heading


@dataclass
class Doc:
    """What the checks share about one report."""

    report: Report
    norm: str
    units: list[Unit]
    title: str | None
    title_span: tuple[int, int] | None  # norm offsets
    body_start: int  # norm offset where the body starts (after the title)
    regions: dict[str, list[Unit]] = field(default_factory=dict)
    part_heads: dict[str, list[int]] = field(default_factory=dict)  # unit indexes of part headings
    year: int | None = None  # the reported year the checks use
    body_year: int | None = None
    title_year: int | None = None

    def quote(self, start: int, end: int, *, limit: int = 80) -> str:
        """User-visible text behind a norm span, clipped."""
        q = self.report.text_of(start, end) if self.report.norm else self.norm[start:end]
        # A line break inside Chinese text (a title broken over lines) is no space at all.
        q = _CJK_GAP.sub("", q)
        q = " ".join(q.split())
        return q if len(q) <= limit else q[: limit - 1] + "…"

    def text_pos(self, norm_pos: int) -> int:
        return self.report.to_text_pos(norm_pos) if self.report.norm_map else norm_pos

    def body_units(self, part: str) -> list[Unit]:
        """The part's units without its own part heading(s): sub-headings often carry the items."""
        own = {id(self.units[i]) for i in self.part_heads.get(part, [])}
        return [u for u in self.regions.get(part, []) if id(u) not in own and u.start >= self.body_start]


def text_to_norm(report: Report, start: int, end: int) -> tuple[int, int]:
    """Inverse of ``norm_map``: the norm span covering a text span."""
    if not report.norm_map:
        return start, end
    return bisect_left(report.norm_map, start), bisect_left(report.norm_map, end)


def _units_from_report(report: Report) -> list[Unit]:
    units: list[Unit] = []
    for h in report.headings:
        s, e = text_to_norm(report, h.start, h.end)
        units.append(
            Unit(
                "heading",
                s,
                e,
                report.norm[s:e],
                level=h.level,
                category=h.category,
                category_source=h.category_source,
                marker=h.marker,
            )
        )
    for p in report.paragraphs:
        s, e = text_to_norm(report, p.start, p.end)
        units.append(Unit("paragraph", s, e, report.norm[s:e], category=p.category, category_source=p.category_source))
    units.sort(key=lambda u: (u.start, 0 if u.kind == "heading" else 1))
    return units


_CJK_GAP = re.compile(r"(?<=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])\s+(?=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])")


def _find_title(report: Report, norm: str) -> tuple[str | None, tuple[int, int] | None]:
    """The title the structure stage set, as a norm span."""
    if report.title_span:
        s, e = text_to_norm(report, *report.title_span)
        # A title broken over lines spans a line break: quote the joined title, not the raw span.
        return (normalise(report.title).text if report.title else norm[s:e]), (s, e)
    if report.title:
        t = normalise(report.title).text
        i = norm.find(t)
        return t, ((i, i + len(t)) if i >= 0 else None)
    return None, None


def _year_of(text: str) -> int | None:
    m = YEAR_IN_TEXT.search(text)
    return int(m.group(1)) if m else None


def masked_years(text: str) -> list[tuple[int, int, int]]:
    """(year, start, end) of every year mention outside ranges and quoted names."""
    blocked = [(m.start(), m.end()) for m in YEAR_SPAN.finditer(text)] + [
        (m.start(), m.end()) for m in _QUOTED.finditer(text)
    ]
    out = []
    for m in YEAR_IN_TEXT.finditer(text):
        if any(s <= m.start() < e for s, e in blocked):
            continue
        out.append((int(m.group(1)), m.start(1), m.end(1)))
    return out


def first_match(patterns: Iterable[re.Pattern[str]], text: str) -> re.Match[str] | None:
    best: re.Match[str] | None = None
    for p in patterns:
        m = p.search(text)
        if m and (best is None or m.start() < best.start()):
            best = m
    return best


@lru_cache(maxsize=256)
def compile_body(raw: str, next_year: int | None) -> re.Pattern[str]:
    return re.compile(raw.replace("{next_year}", str(next_year) if next_year else r"20\d\d"))


def _is_heading_like(u: Unit) -> bool:
    """A short unnumbered paragraph without final punctuation reads as a heading."""
    s = u.text.strip()
    return (
        u.kind == "paragraph"
        and 2 <= len(s) <= 30
        and not re.search(r"[。，,；;！？]", s)
        and not re.search(r"[:：]$", s)
    )


def heading_text(u: Unit) -> str:
    """A heading without its marker and trailing punctuation."""
    s = u.text.strip()
    lv = numbered_heading(s)
    if lv:
        s = s[len(lv[1]) :]
    return s.strip().rstrip("。：:；;，,")


def _infer_year(doc: Doc) -> None:
    """The reported year: metadata's, else the title's, else the body's; keep each for R04."""
    r = doc.report
    doc.title_year = _year_of(doc.title) if doc.title else None
    votes: Counter[int] = Counter()
    plans = {id(u) for u in doc.regions.get("plans", [])}
    for u in doc.units:
        if u.start < doc.body_start:
            continue
        for y, s, _e in masked_years(u.text):
            before = u.text[max(0, s - 3) : s]
            after = u.text[_e : _e + 4]
            if any(c in before for c in ("较", "比", "自", "从", "截至")) or after.startswith(("年以来", "年起")):
                continue
            if id(u) in plans or re.match(r"年?(度)?(工作)?(的)?(主要)?(安排|打算|计划|思路)", after[1:]):
                votes[y - 1] += 1
            else:
                weight = (
                    2
                    if (s == 0 or u.text[max(0, s - 1)] in "，。：；\n")
                    and after.startswith(("年，", "年,", "年度，", "年是"))
                    else 1
                )
                votes[y] += weight
    # The preamble (before the first heading) is part of the body too.
    first = doc.units[0].start if doc.units else len(doc.norm)
    pre = doc.norm[doc.body_start : first]
    for y, _s, _e in masked_years(pre):
        votes[y] += 1
    if votes:
        (best, n), *rest = votes.most_common(2) + [(0, 0)]
        second = rest[0][1]
        if n >= 2 and n >= 1.5 * second:
            doc.body_year = best
    # The reported year is the metadata stage's; title and body years are kept for R04.
    doc.year = r.year


def _assign_regions(doc: Doc, checklist: Checklist) -> None:
    """Units of each part: by the classifier's categories and by part headings."""
    units = doc.units
    regions: dict[str, list[Unit]] = {p.id: [] for p in checklist.parts}
    heads: dict[str, list[int]] = {p.id: [] for p in checklist.parts}
    for i, u in enumerate(units):
        if u.kind == "heading" or u.heading_like:
            ht = heading_text(u)
            if len(ht) > 40:
                # A long run-in heading is a sentence about the work, not a part title.
                continue
            for p in checklist.parts:
                if first_match(p.heading, ht) and not first_match(p.not_heading, ht):
                    heads[p.id].append(i)
                    if p.id in ("responsibility", "other", "shortcomings", "plans"):
                        # A heading is one part; earlier parts in the list are the more specific cues.
                        break
    for pid, idxs in heads.items():
        for i in idxs:
            level = units[i].level
            regions[pid].append(units[i])
            for u in units[i + 1 :]:
                if (u.kind == "heading" or u.heading_like) and u.level <= level:
                    break
                regions[pid].append(u)
    # Category labels from the classify stage (when it ran) add what the headings miss.
    # Identity sets keep this linear: a scan of each region per unit was quadratic on long reports.
    members = {pid: {id(x) for x in region} for pid, region in regions.items()}
    for u in units:
        if u.category in regions and u.category != "other" and id(u) not in members[u.category]:
            regions[u.category].append(u)
            members[u.category].add(id(u))
    for region in regions.values():
        region.sort(key=lambda u: u.start)
    doc.regions, doc.part_heads = regions, heads


def build_doc(report: Report, checklist: Checklist) -> Doc:
    """The checker's view of ``report`` (exposed for the similarity module and tests)."""
    norm = report.norm or normalise(report.text).text
    title, tspan = _find_title(report, norm)
    body_start = tspan[1] if tspan else 0
    units = _units_from_report(report)
    for u in units:
        u.heading_like = _is_heading_like(u)
        if u.heading_like:
            u.level = 1
    doc = Doc(report=report, norm=norm, units=units, title=title, title_span=tspan, body_start=body_start)
    _assign_regions(doc, checklist)
    _infer_year(doc)
    return doc


def unit_sentences(u: Unit) -> list[tuple[int, int]]:
    """Norm spans of the sentences of a unit."""
    out, s = [], 0
    for m in SENTENCE_END_RE.finditer(u.text):
        if m.end() - s > 1:
            out.append((u.start + s, u.start + m.end()))
        s = m.end()
    if len(u.text) - s > 1:
        out.append((u.start + s, u.start + len(u.text)))
    return out


def sentence_around(doc: Doc, u: Unit, pos: int) -> tuple[int, int]:
    for s, e in unit_sentences(u):
        if s <= pos < e:
            return s, e
    return u.start, u.end


def make_item(
    spec: RuleSpec,
    fired: bool,
    message: str,
    *,
    doc: Doc | None = None,
    span: tuple[int, int] | None = None,
    where: str | None = None,
) -> CheckItem:
    item = CheckItem(
        id=spec.id,
        label=spec.label,
        status=spec.severity if fired else "ok",
        severity=spec.severity,
        message=message,
        where=where,
    )
    if doc is not None and span is not None:
        item.evidence = doc.quote(*span)
        item.start = doc.text_pos(span[0])
    return item


def skipped_item(spec: RuleSpec, why: str) -> CheckItem:
    return CheckItem(id=spec.id, label=spec.label, status="info", severity=spec.severity, message=f"未检查：{why}")
