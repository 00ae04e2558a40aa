"""Submissions: what a township sent for a year, however many files it took.

The one home of two notions the batch outputs rest on:

- **Which documents are scored and compared.** Only annual rule-of-law reports
  (:func:`is_scored`); a notice or a work summary keeps its record (document
  type, title, why it was judged so: :func:`non_report_why`) but no
  completeness score, and stays out of the matrix, the mean, ``compare`` and
  the default exports.
- **One submission per township and year.** Files whose text is the same
  report (identical after normalisation, or near-identical with the same
  entity and year: the same report sent as TXT, DOCX and PDF) are one
  submission (:func:`group`): its *primary* document stands for it in metrics
  and comparisons, the others are *copies* listed with it. Two different
  reports of one entity and year stay two submissions, flagged for the
  reviewer to choose (:data:`SEVERAL_ID`).

The grouping runs in the batch's similarity pass (``similarity_pass.similarity_pass``)
and is stored in the ``submissions`` table (``store.py``).
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline.types import Report

# Check items the grouping adds to a primary's verdict (status info: they cost no score).
RESUBMITTED_ID = "resubmitted"  # 重复报送: the same report came in several files
SEVERAL_ID = "several_reports"  # 同年度多份报告: different reports of one entity and year
RESUBMITTED_LABEL = "重复报送"
SEVERAL_LABEL = "同年度多份报告"

# Shingle Jaccard (digits kept: other figures make another report) from which two texts
# of the same entity and year are one report; renderings of one text (PDF page numbers,
# line breaks, a lost heading) stay above 0.9, two drafts of one report fall below it.
NEAR_IDENTICAL = 0.9
_SHINGLE = 5

# Which file stands for a submission when their analyses tie: the formats whose structure
# survives best first (a PDF may glue lines, a scan may misread).
_FORMAT_ORDER = ("docx", "txt", "html", "pdf", "image")

_NOT_TEXT = re.compile(r"[\W_]+")
_PAGE_NUMBER = re.compile(r"(?m)^\s*[-—–]\s*\d+\s*[-—–]\s*$|^\s*第\s*\d+\s*页.*$")


def is_scored(doc: dict[str, Any]) -> bool:
    """A document that gets a completeness score and enters comparisons: an ok report (unknown counts as one)."""
    flag = doc.get("is_report")
    return (doc.get("status") or "ok") == "ok" and flag is not False and flag != 0


def not_report_title(record: dict[str, Any]) -> str | None:
    """The title a non-report was found with, in records written before non-reports kept their title
    (the report-type stage then moved it to the provenance)."""
    for p in record.get("provenance") or []:
        if p.get("field") == "title" and p.get("source") == "not_report":
            return p.get("evidence")
    return None


def non_report_why(record: dict[str, Any]) -> str:
    """Why a document was judged not to be an annual report: its R14 verdict, else its type."""
    for item in (record.get("completeness") or {}).get("items") or []:
        if item.get("id") == "R14" and item.get("message"):
            return str(item["message"])
    return f"识别为：{record.get('doc_type') or '其他文件'}"


def compact(text: str) -> str:
    """The text as a report's content: page numbers, whitespace and punctuation dropped."""
    return _NOT_TEXT.sub("", _PAGE_NUMBER.sub("", text))


def _shingles(text: str) -> set[str]:
    return {text[i : i + _SHINGLE] for i in range(max(1, len(text) - _SHINGLE + 1))}


@dataclass
class Candidate:
    """What the grouping needs of one ok document."""

    sha256: str
    text: str  # normalised text
    entity: str | None
    year: int | None
    is_report: bool
    score: float
    n_metrics: int
    format: str | None
    name: str


@dataclass
class Grouping:
    """The outcome: copies mapped to their primary, and the primaries of each entity-year with several reports."""

    copies: dict[str, tuple[str, str]] = field(default_factory=dict)  # copy -> (primary, identical|near_identical)
    members: dict[str, list[str]] = field(default_factory=dict)  # primary -> every member, primary first
    several: dict[str, list[str]] = field(default_factory=dict)  # primary -> the other primaries of its entity-year


def group(candidates: Sequence[Candidate]) -> Grouping:
    """Fold copies of one report into one submission; name entity-years that have several different reports."""
    parent = {c.sha256: c.sha256 for c in candidates}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        parent[find(b)] = find(a)

    compacted = {c.sha256: compact(c.text) for c in candidates}
    by_key: dict[str, str] = {}
    for c in candidates:
        key = hashlib.sha256(compacted[c.sha256].encode("utf-8")).hexdigest()
        if key in by_key:
            union(by_key[key], c.sha256)
        else:
            by_key[key] = c.sha256
    by_identity: dict[tuple[str, int], list[Candidate]] = defaultdict(list)
    for c in candidates:
        if c.is_report and c.entity and c.year:
            by_identity[(c.entity, c.year)].append(c)
    shingles: dict[str, set[str]] = {}
    for members in by_identity.values():
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                if find(a.sha256) == find(b.sha256):
                    continue
                sa = shingles.setdefault(a.sha256, _shingles(compacted[a.sha256]))
                sb = shingles.setdefault(b.sha256, _shingles(compacted[b.sha256]))
                if len(sa & sb) / max(1, len(sa | sb)) >= NEAR_IDENTICAL:
                    union(a.sha256, b.sha256)
    clusters: dict[str, list[Candidate]] = defaultdict(list)
    for c in candidates:
        clusters[find(c.sha256)].append(c)
    out = Grouping()
    primaries: list[Candidate] = []
    for members in clusters.values():
        members.sort(key=_preference)
        primary = members[0]
        primaries.append(primary)
        out.members[primary.sha256] = [m.sha256 for m in members]
        for m in members[1:]:
            out.copies[m.sha256] = (primary.sha256, "identical" if _same(compacted, m, primary) else "near_identical")
    by_identity_primary: dict[tuple[str, int], list[str]] = defaultdict(list)
    for p in primaries:
        if p.is_report and p.entity and p.year:
            by_identity_primary[(p.entity, p.year)].append(p.sha256)
    for shas in by_identity_primary.values():
        if len(shas) > 1:
            for sha in shas:
                out.several[sha] = [o for o in shas if o != sha]
    return out


def _same(compacted: dict[str, str], a: Candidate, b: Candidate) -> bool:
    return compacted[a.sha256] == compacted[b.sha256]


def _preference(c: Candidate) -> tuple[Any, ...]:
    """The best analysis first: highest score, most metrics, the most faithful format, then the name."""
    fmt = _FORMAT_ORDER.index(c.format) if c.format in _FORMAT_ORDER else len(_FORMAT_ORDER)
    return (-c.score, -c.n_metrics, fmt, c.name)


def verdict_items(grouping: Grouping, names: dict[str, str], formats: dict[str, str | None],
                  identity: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    """The check items (as dicts of ``CheckItem`` fields) each primary gets: 重复报送 and 同年度多份报告.

    ``names``/``formats``/``identity`` map a sha256 to its file name, format and "entity year" label.
    """
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for primary, members in grouping.members.items():
        if len(members) > 1:
            kinds = "、".join(sorted({(formats.get(m) or "?").upper() for m in members}))
            out[primary].append({
                "id": RESUBMITTED_ID, "label": RESUBMITTED_LABEL, "status": "info", "severity": "info",
                "message": f"同一份报告以{len(members)}个文件报送（{kinds}）："
                + "；".join(names[m] for m in members) + "；按一份统计，不作雷同比对",
            })
    for primary, others in grouping.several.items():
        out[primary].append({
            "id": SEVERAL_ID, "label": SEVERAL_LABEL, "status": "info", "severity": "info",
            "message": f"{identity.get(primary, '')}另有{len(others)}份内容不同的报告（"
            + "；".join(names[o] for o in others) + "），请审核人确定采用哪一份",
        })
    return out


def group_reports(reports: Sequence[Report]) -> Grouping:
    """:func:`group` over analysed reports (``govreport check``): the ok ones, named by source."""
    return group([
        Candidate(r.sha256 or r.source, r.norm or r.text, r.entity, r.year, r.is_report is not False,
                  r.completeness.score if r.completeness else 0.0, len(r.metrics), r.format, r.source)
        for r in reports if r.status == "ok" and r.text.strip()
    ])


def compared(reports: Sequence[Report], grouping: Grouping) -> list[Report]:
    """The reports to compare with each other: one per submission, annual reports only."""
    return [r for r in reports if r.status == "ok" and r.is_report is not False
            and (r.sha256 or r.source) not in grouping.copies]
