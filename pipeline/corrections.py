"""Reviewers' corrections: record them, and apply them to what the pipeline extracted.

A correction is data (store tables ``reviews`` and ``corrections``, schema v3):
who, when, what was there (``old``), what the reviewer decided (``new``) and
why (``comment``). The log is append-only; for each (document, target, key)
the latest decision is in force, so an undo is one more row and the history
stays.

Keys survive re-analysis: a document is its content hash, a metric is the
span of its number in the document's text (``start:end``), a heading is its
span (``start:end``), a finding is its checklist item id. ``batch --force`` replaces the extracted rows but never
these tables; when a re-analysis moves a metric, the decision follows its
quote and value; an edit whose metric the pipeline no longer finds is kept as
the reviewer's own metric (the reviewer's word wins). A heading's category
follows its text the same way; one whose heading the pipeline no longer finds
at all stays in the log without effect (there is no section to put it on). A file whose content
changed after review is a new document: it is shown as changed and starts
unreviewed (the old decisions were about other text).

:func:`apply_to_metrics` is the one place that turns extracted metrics into
reviewed ones; export, compare, review and the web app all read
:func:`reviewed_metrics`. Every row says where its value comes from
(``origin``: ``extracted`` or ``corrected``).

A heading's category (:func:`apply_to_headings`) carries to what took it
from that heading: lower headings that inherited it, the paragraphs and the
metrics of its section (:func:`apply_to_metrics` with the record), and the
required parts (:func:`apply_to_checks` with the headings: a part found
missing is present when a reviewer gave a heading its category; a part whose
only heading a reviewer re-categorised is missing). The reviewed score
(:func:`reviewed_score`) follows these and the overruled findings.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from pipeline.compare import indicator_catalogue
from pipeline import labels
from pipeline.completeness.schema import load_checklist
from pipeline.completeness.verdict import deduction, score_of
from pipeline.errors import GovReportError
from pipeline.store import Store
from pipeline.types import CATEGORIES

# Stable ids for scripts -> what reviewers read (labels.toml is the one home of the Chinese).
STATUSES: dict[str, str] = {k: labels.value(k) for k in ("pending", "reviewed", "returned")}
QUALIFIERS: dict[str, str] = {k: labels.value(k) for k in ("exact", "more_than", "nearly", "approx", "less_than", "at_least")}
CORRECTION_LABELS: dict[str, str] = {
    "edit": "更正", "reject": "判为非指标", "add": "补充漏提指标", "restore": "恢复提取值", "accept": "确认",
    "overrule": "否决", "comment": "意见", "status": "审核状态", "category": "更正章节类别",
}
METRIC_ACTIONS = ("edit", "reject", "add", "restore")
FINDING_ACTIONS = ("accept", "overrule", "restore")
HEADING_ACTIONS = ("category", "restore")
# The required parts a heading's category can stand for ("other" is also the label of anything else).
PART_CATEGORIES: tuple[str, ...] = ("achievements", "shortcomings", "plans", "responsibility")
# The fields of a metric a reviewer may set.
METRIC_FIELDS: tuple[str, ...] = ("indicator", "value", "unit", "qualifier", "per")


class ReviewConflict(GovReportError):
    """Someone else saved a decision on this report since the form was loaded."""

    code = "review_conflict"

    def __init__(self, sha256: str, expected: int, current: int) -> None:
        super().__init__(
            f"此报告已被其他审核人修改（您打开时为第 {expected} 版，现在是第 {current} 版）。"
            "您的修改尚未保存，下面列出了您提交的内容；请查看最新内容后再提交。"
        )
        self.sha256, self.expected, self.current = sha256, expected, current


class CorrectionError(GovReportError):
    """A correction that does not fit the report (unknown target, span not in the text, bad value)."""

    code = "bad_correction"


def metric_key(metric: dict[str, Any]) -> str:
    """A metric's identity across re-analysis: the span of its number in the text."""
    return f"{metric.get('start')}:{metric.get('end')}"


def heading_key(heading: dict[str, Any]) -> str:
    """A heading's identity across re-analysis: its span in the text."""
    return f"{heading.get('start')}:{heading.get('end')}"


def _loads(value: str | None) -> Any:
    return None if value is None else json.loads(value)


def _dumps(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# -- reading -----------------------------------------------------------------
def decisions(store: Store, sha256: str | None = None) -> list[dict[str, Any]]:
    """The correction log (oldest first), of one document or of all; ``old``/``new`` parsed."""
    sql = "SELECT * FROM corrections" + (" WHERE sha256 = ?" if sha256 else "") + " ORDER BY id"
    rows = store.conn.execute(sql, (sha256,) if sha256 else ()).fetchall()
    out = []
    for r in rows:
        d = dict(r)
        d["old"], d["new"] = _loads(d["old"]), _loads(d["new"])
        out.append(d)
    return out


def in_force(log: Iterable[dict[str, Any]], target: str) -> dict[str, dict[str, Any]]:
    """The latest decision per key for ``target`` (``restore`` means: back to what was extracted)."""
    latest: dict[str, dict[str, Any]] = {}
    for d in log:
        if d["target"] == target:
            latest[d["key"]] = d
    return {k: d for k, d in latest.items() if d["action"] != "restore"}


def review_state(store: Store, sha256: str) -> dict[str, Any]:
    """Status, version and who decided last; a document never reviewed is ``pending`` at version 0."""
    row = store.conn.execute("SELECT * FROM reviews WHERE sha256 = ?", (sha256,)).fetchone()
    if row is None:
        return {"sha256": sha256, "status": "pending", "version": 0, "paths": [], "updated_by": None, "updated_at": None}
    d = dict(row)
    d["paths"] = json.loads(d["paths"] or "[]")
    return d


def review_states(store: Store) -> dict[str, dict[str, Any]]:
    out = {}
    for row in store.conn.execute("SELECT * FROM reviews").fetchall():
        d = dict(row)
        d["paths"] = json.loads(d["paths"] or "[]")
        out[d["sha256"]] = d
    return out


def changed_files(store: Store) -> dict[str, list[dict[str, Any]]]:
    """Documents whose file was reviewed with other content: new sha256 -> the earlier reviews of that path."""
    current = {r["path"]: r["sha256"] for r in store.conn.execute("SELECT path, sha256 FROM sources").fetchall()}
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for state in review_states(store).values():
        for path in state["paths"]:
            now = current.get(path)
            if now and now != state["sha256"]:
                out[now].append({"path": path, "old_sha256": state["sha256"], "status": state["status"],
                                 "updated_by": state["updated_by"], "updated_at": state["updated_at"]})
    return dict(out)


# -- applying ----------------------------------------------------------------
def apply_to_metrics(metrics: Sequence[dict[str, Any]], log: Iterable[dict[str, Any]], *,
                     keep_rejected: bool = False, record: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """One document's extracted metrics with the decisions in force applied, in text order.

    Each row gets ``origin`` (``extracted`` or ``corrected``), ``key`` and, when
    a decision touched it, ``correction`` (the log row). A metric ruled "not a
    metric" is left out (kept with ``origin='rejected'`` when ``keep_rejected``).
    With the document's ``record``, a metric in a section whose heading a
    reviewer re-categorised takes the section's new category.
    """
    log = list(log)
    decided = in_force(log, "metric")
    rows = [{**m, "key": metric_key(m), "origin": "extracted"} for m in metrics]
    by_key = {r["key"]: r for r in rows}
    for key, d in decided.items():
        row = by_key.get(key)
        if row is None and d["action"] != "add":
            row = _follow(rows, d)  # re-analysis moved the metric: find it by its quote and value
        if d["action"] == "reject":
            if row is not None:
                row["origin"], row["correction"] = "rejected", d
            continue
        new = d.get("new") or {}
        if row is None:
            # An added metric, or an edit whose metric the pipeline no longer finds: the reviewer's word stands.
            # (An added metric the pipeline now finds too is that metric, with the reviewer's fields.)
            base = {**(d.get("old") or {}), **new}
            start, _, end = key.partition(":")
            row = {**base, "start": _int(start), "end": _int(end), "key": key, "low_confidence": False}
            rows.append(row)
            by_key[key] = row
        else:
            if "value" in new and new["value"] != row.get("value"):
                row["value_text"] = None  # the value as written is no longer this value
            row.update({k: new[k] for k in METRIC_FIELDS if k in new})
        row["origin"], row["correction"] = "corrected", d
    if record is not None and in_force(log, "heading"):
        sections = reviewed_sections(record, log)
        for row in rows:
            pos = row.get("start")
            # Only what the reviewer's headings changed: the pipeline's own reading of a boundary stays.
            if isinstance(pos, int) and (cat := _category_at(sections, pos)) != _category_at(record, pos):
                row["category"] = cat
    rows.sort(key=lambda r: (r.get("start") if r.get("start") is not None else 1 << 40, r.get("end") or 0))
    return [r for r in rows if keep_rejected or r["origin"] != "rejected"]


def apply_to_headings(headings: Sequence[dict[str, Any]], log: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """One document's headings with the reviewers' categories, in text order.

    Each row gets ``key``, ``origin`` (``extracted`` or ``corrected``),
    ``extracted_category`` and, when a reviewer decided it, ``correction`` (the
    log row); a lower heading that inherited its category follows the nearest
    enclosing heading a reviewer decided (``inherited_from``: that heading's key).
    ``decided_by`` is the decision behind any corrected row.
    """
    rows = [{**h, "key": heading_key(h), "origin": "extracted", "extracted_category": h.get("category")}
            for h in headings]
    # Log order, so that a decision made on a moved heading's new span wins over the older one.
    decided = sorted(in_force(log, "heading").values(), key=lambda d: d.get("id") or 0)
    if not decided:
        return rows
    by_key = {r["key"]: r for r in rows}
    for d in decided:
        row = by_key.get(d["key"]) or _follow_heading(rows, d)
        if row is None:
            continue  # the pipeline no longer finds this heading: nothing to put the category on
        row["category"] = str((d.get("new") or {}).get("category") or row.get("category") or "other")
        row["origin"], row["correction"], row["decided_by"] = "corrected", d, d
        row["category_source"] = "reviewer"
    _inherit(rows)
    return rows


def _follow_heading(rows: list[dict[str, Any]], d: dict[str, Any]) -> dict[str, Any] | None:
    # Re-analysis moved the heading: the one heading with the same text (an ambiguous text stays unplaced).
    text = (d.get("old") or {}).get("text")
    same = [r for r in rows if text and r.get("text") == text]
    return same[0] if len(same) == 1 else None


def _inherit(rows: list[dict[str, Any]]) -> None:
    """A heading that took its category from above follows the nearest enclosing heading a reviewer decided."""
    stack: list[dict[str, Any]] = []  # the enclosing headings, outermost first
    for r in rows:
        level = int(r.get("level") or 1)
        while stack and int(stack[-1].get("level") or 1) >= level:
            stack.pop()
        if r.get("correction") is None and _inherited(r, stack):
            parent = next((a for a in reversed(stack) if a.get("correction") is not None), None)
            if parent is not None:
                r.update(category=parent["category"], origin="corrected", inherited_from=parent["key"],
                         decided_by=parent["correction"])
        stack.append(r)


def _inherited(row: dict[str, Any], stack: list[dict[str, Any]]) -> bool:
    source = row.get("category_source")
    if source:
        return source == "inherited"
    # Records keep no category source: a lower heading inherited when it has its top heading's category.
    return bool(stack) and row.get("extracted_category") == stack[0].get("extracted_category")


def apply_to_paragraphs(paragraphs: Sequence[dict[str, Any]], headings: Sequence[dict[str, Any]]
                        ) -> list[dict[str, Any]]:
    """Paragraphs that took their category from their heading, with that heading's reviewed category.

    ``headings``: the output of :func:`apply_to_headings` (a paragraph's
    ``heading`` is an index into them).
    """
    out = []
    for p in paragraphs:
        i = p.get("heading")
        h = headings[i] if isinstance(i, int) and 0 <= i < len(headings) else None
        # Records keep no category source: a paragraph took its heading's category when it has it (the closing
        # lines under the last heading are "other" by their own rule and stay so).
        inherited = (p.get("category_source") == "inherited" if p.get("category_source")
                     else h is not None and p.get("category") == h.get("extracted_category"))
        if h is not None and h["origin"] == "corrected" and inherited:
            p = {**p, "category": h["category"], "origin": "corrected"}
        out.append(p)
    return out


def reviewed_sections(record: dict[str, Any], log: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The record's headings and paragraphs with the reviewers' categories (what the text view colours)."""
    headings = apply_to_headings(record.get("headings") or [], log)
    return {**record, "headings": headings, "paragraphs": apply_to_paragraphs(record.get("paragraphs") or [], headings)}


def _int(s: str) -> int | None:
    try:
        return int(s)
    except ValueError:
        return None


def _follow(rows: list[dict[str, Any]], d: dict[str, Any]) -> dict[str, Any] | None:
    old = d.get("old") or {}
    if not old.get("quote"):
        return None
    # Only an unambiguous match: a quote that occurs twice is left to the reviewer.
    same = [r for r in rows if r.get("quote") == old["quote"] and r.get("value") == old.get("value")]
    return same[0] if len(same) == 1 else None


def apply_to_checks(items: Sequence[dict[str, Any]], log: Iterable[dict[str, Any]], *,
                    headings: Sequence[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Completeness items with the reviewer's verdict: ``review`` is accepted, overruled or None.

    With the document's extracted ``headings``, the required parts follow the
    reviewers' heading categories first (:func:`_part_from_headings`; such an
    item has ``heading_review``, the decision behind it); a finding decision
    then applies on top, as to any item.
    """
    log = list(log)
    if headings is not None and in_force(log, "heading"):
        items = _part_from_headings(items, apply_to_headings(headings, log))
    decided = in_force(log, "finding")
    out = []
    for it in items:
        key = str(it.get("id") or it.get("item") or "")
        d = decided.get(key)
        out.append({**it, "review": None if d is None else ("accepted" if d["action"] == "accept" else "overruled"),
                    "review_comment": None if d is None else d.get("comment"), "correction": d})
    return out


def _part_from_headings(items: Sequence[dict[str, Any]], headings: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Required parts as the reviewers' heading categories say.

    Kept simple on purpose: a part found missing is present when a heading a
    reviewer decided now has its category; a part found through a heading that
    a reviewer re-categorised away is missing unless another heading still has
    its category (a passage in the body that might also report it is not looked
    for again: the reviewer can overrule that finding).
    """
    corrected = [h for h in headings if h["origin"] == "corrected"]
    if not corrected:
        return list(items)
    required = {p.id: p.required for p in load_checklist().parts}
    out = []
    for it in items:
        pid = str(it.get("id") or it.get("item") or "")
        if pid in PART_CATEGORIES:
            if it.get("status") == "missing":
                h = next((h for h in corrected if h["category"] == pid), None)
                if h is not None:
                    d = h["decided_by"]
                    it = {**it, "status": "ok", "present": _yes(it, True), "where": "heading",
                          "evidence": _compact(h.get("text")), "start": h.get("start"), "heading_review": d,
                          "message": f"审核人 {d['reviewer']} 将标题“{_compact(h.get('text'))}”归为"
                                     f"“{labels.category(pid)}”"}
            elif it.get("present") and it.get("where") == "heading":
                h = next((h for h in corrected if _is_evidence(it, h)), None)
                if h is not None and h["category"] != pid and not any(
                        o["category"] == pid for o in headings if o is not h):
                    d = h["decided_by"]
                    it = {**it, "status": "missing" if required.get(pid, True) else "info",
                          "present": _yes(it, False), "where": None, "heading_review": d,
                          "message": f"审核人 {d['reviewer']} 将标题“{_compact(h.get('text'))}”改归"
                                     f"“{labels.category(h['category'])}”，未找到“{it.get('label') or pid}”部分"}
        out.append(it)
    return out


def _yes(item: dict[str, Any], value: bool) -> bool | int:
    # Record items say present as a bool, the store's check rows as 0/1: keep each one's form.
    return value if isinstance(item.get("present"), bool) else int(value)


def _compact(text: Any) -> str:
    return "".join(str(text or "").split())


def _is_evidence(item: dict[str, Any], heading: dict[str, Any]) -> bool:
    """Whether ``heading`` is the heading a part was found by (its start, else its quoted text)."""
    if item.get("start") is not None and item.get("start") == heading.get("start"):
        return True
    return bool(item.get("evidence")) and _compact(item.get("evidence")) == _compact(heading.get("text"))


def effective_status(item: dict[str, Any]) -> str | None:
    """An item's status once reviewed: an overruled finding counts as fulfilled."""
    return "ok" if item.get("review") == "overruled" else item.get("status")


def reviewed_summary(items: Sequence[dict[str, Any]], checks: Sequence[dict[str, Any]]) -> str | None:
    """One line on what the reviewers' decisions leave of the verdict (``items`` as extracted,
    ``checks`` from :func:`apply_to_checks`), when they changed any item; the pipeline's own
    summary stays as what it found. Names the required parts still missing and counts the
    problems still open."""
    if [i.get("status") for i in items] == [effective_status(c) for c in checks]:
        return None
    missing = [labels.category(str(c.get("id"))) for c in checks if effective_status(c) == "missing"]
    problems = sum(effective_status(c) in ("warning", "error") for c in checks)
    text = f"缺{len(missing)}项（{'、'.join(missing)}）" if missing else "规定内容齐全"
    return text + (f"，仍有{problems}处需改进" if problems else "，无待改进项") + "。"


def reviewed_score(score: float | None, before: Sequence[str | None], after: Sequence[str | None]) -> float | None:
    """The completeness score after the reviewers' decisions (``before``/``after``: the items' statuses).

    Recomputed as ``finish`` does with the packaged checklist's deductions; when
    the stored score was made with other deductions (a county checklist), the
    difference the reviewers made is applied to it instead.
    """
    if score is None or list(before) == list(after):
        return score
    scoring = load_checklist().scoring
    if score_of(before, scoring) == score:
        return score_of(after, scoring)
    return round(max(0.0, min(1.0, score + deduction(before, scoring) - deduction(after, scoring))), 2)


def _logs(store: Store) -> dict[str, list[dict[str, Any]]]:
    """Every document's correction log (oldest first), by sha256."""
    logs: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for d in decisions(store):
        logs[d["sha256"]].append(d)
    return logs


def _has(log: Iterable[dict[str, Any]], target: str) -> bool:
    return bool(in_force(log, target))


def reviewed_metrics(store: Store) -> list[dict[str, Any]]:
    """Every current document's metrics with the reviewers' decisions applied (rows as :meth:`Store.metrics`).

    Export, compare and review read this instead of ``store.metrics()``.
    """
    by_doc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for m in store.metrics():
        by_doc[m["sha256"]].append(m)
    logs = _logs(store)
    out: list[dict[str, Any]] = []
    for doc in store.documents():
        sha = doc["sha256"]
        if sha not in by_doc and sha not in logs:
            continue
        meta = {"sha256": sha, "entity": doc.get("entity"), "county": doc.get("county"), "level": doc.get("level"),
                "year": doc.get("year"), "title": doc.get("title"), "is_report": doc.get("is_report"),
                "doc_type": doc.get("doc_type"), "source": doc["sources"][0] if doc["sources"] else None}
        log = logs.get(sha, [])
        # The record only when a heading was re-categorised: the sections then give the metrics' categories.
        record = (store.record(sha) or {}) if _has(log, "heading") else None
        for row in apply_to_metrics(by_doc.get(sha, []), log, record=record):
            row.pop("correction", None)
            out.append({**meta, **row} if row.get("origin") == "corrected" else row)
    return out


def _reviewed_verdicts(store: Store) -> dict[str, list[dict[str, Any]]]:
    """sha256 -> its check rows (as :meth:`Store.checks`) once reviewed, for documents with a finding or heading decision.

    An overruled finding becomes ``ok`` (a part counts as present) saying who
    overruled it; the parts follow the reviewers' heading categories. Each row
    keeps the status it had before as ``extracted_status``.
    """
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in store.checks(include_copies=True):
        rows[c["sha256"]].append(c)
    out = {}
    for sha, log in _logs(store).items():
        if sha not in rows or not (_has(log, "finding") or _has(log, "heading")):
            continue
        headings = (store.record(sha) or {}).get("headings") or [] if _has(log, "heading") else None
        reviewed = []
        for before, c in zip(rows[sha], apply_to_checks(rows[sha], log, headings=headings)):
            d = c.pop("correction", None)
            review, comment = c.pop("review", None), c.pop("review_comment", None)
            c.pop("heading_review", None)
            if review == "overruled" and d is not None:
                c = {**c, "status": "ok", "present": None if c.get("present") is None else 1,
                     "message": f"审核人 {d['reviewer']} 否决了此项结论" + (f"：{comment}" if comment else "")}
            reviewed.append({**c, "extracted_status": before.get("status")})
        out[sha] = reviewed
    return out


def reviewed_checks(store: Store) -> list[dict[str, Any]]:
    """:meth:`Store.checks` with the reviewers' decisions: overruled findings and heading categories (see above)."""
    verdicts = _reviewed_verdicts(store)
    out = []
    for c in store.checks():
        sha = c["sha256"]
        if sha in verdicts:
            c = next(r for r in verdicts[sha] if r["idx"] == c["idx"])
            c = {k: v for k, v in c.items() if k != "extracted_status"}
        out.append(c)
    return out


def reviewed_findings(store: Store, *, include_all: bool = False) -> list[dict[str, Any]]:
    """:meth:`Store.findings` as reviewed: less what a reviewer overruled, plus parts a re-categorised heading left missing."""
    verdicts = _reviewed_verdicts(store)
    issues = ("missing", "warning", "error")
    status = {(sha, c["item"]): c for sha, rows in verdicts.items() for c in rows}
    out = [f for f in store.findings(include_all=include_all)
           if (f["sha256"], f["item"]) not in status or status[(f["sha256"], f["item"])]["status"] in issues]
    new = [(sha, c) for (sha, _item), c in status.items()
           if c["status"] in issues and c["extracted_status"] not in issues]
    if not new:
        return out
    docs = {d["sha256"]: d for d in store.documents()}
    for sha, c in new:
        doc = docs.get(sha)
        if doc is None or doc["status"] != "ok" or (not include_all and doc.get("is_report") == 0):
            continue  # what store.findings leaves out (a copy, a failed document, a non-report)
        out.append({"sha256": sha, **{k: c.get(k) for k in ("item", "label", "status", "severity", "evidence",
                                                              "where", "start", "message", "idx")},
                    **{k: doc.get(k) for k in ("entity", "county", "year", "is_report", "doc_type")},
                    "source": doc["sources"][0] if doc["sources"] else None})
    # The order of store.findings (SQL sorts NULL first).
    out.sort(key=lambda f: tuple((f.get(k) is not None, f.get(k) or z) for k, z in
                                 (("county", ""), ("entity", ""), ("year", 0), ("source", ""), ("idx", 0))))
    return out


def reviewed_documents(store: Store) -> list[dict[str, Any]]:
    """:meth:`Store.documents` with ``review_status``, and the missing parts and score as reviewed."""
    states = review_states(store)
    verdicts = _reviewed_verdicts(store)
    out = []
    for doc in store.documents():
        sha = doc["sha256"]
        doc = {**doc, "review_status": states.get(sha, {}).get("status", "pending")}
        rows = verdicts.get(sha)
        if rows is not None and doc.get("completeness_score") is not None:
            doc["missing"] = [c["item"] for c in rows if c["status"] == "missing"]
            doc["completeness_score"] = reviewed_score(doc["completeness_score"],
                                                       [c["extracted_status"] for c in rows],
                                                       [c["status"] for c in rows])
        out.append(doc)
    return out


# -- recording ---------------------------------------------------------------
def record_decisions(store: Store, sha256: str, expected_version: int, reviewer: str,
                     items: Sequence[dict[str, Any]], *, status: str | None = None) -> int:
    """Append decisions for one document in one transaction; return its new review version.

    ``items``: dicts with target, key, action, old, new, comment. ``status``
    (pending/reviewed/returned) is recorded as a ``report``/``status`` decision.
    Raises :class:`ReviewConflict` when the document's version is no longer
    ``expected_version`` (nothing is written).
    """
    reviewer = (reviewer or "").strip()[:60] or "审核人"
    if status is not None and status not in STATUSES:
        raise CorrectionError(f"未知的审核状态：{status}")
    for it in items:
        allowed = {"metric": METRIC_ACTIONS, "finding": FINDING_ACTIONS, "heading": HEADING_ACTIONS,
                   "report": ("comment",)}.get(it["target"], ())
        if it["action"] not in allowed:
            raise CorrectionError(f"不能对 {it['target']} 执行 {it['action']}")
    if any(it["target"] == "heading" for it in items):
        _check_headings(store, sha256, items)
    now = time.time()
    paths = [r[0] for r in store.conn.execute("SELECT path FROM sources WHERE sha256 = ? ORDER BY path", (sha256,))]
    with store.transaction() as c:
        row = c.execute("SELECT status, version FROM reviews WHERE sha256 = ?", (sha256,)).fetchone()
        current = 0 if row is None else int(row["version"])
        old_status = "pending" if row is None else str(row["status"])
        if current != expected_version:
            raise ReviewConflict(sha256, expected_version, current)
        version = current + 1
        log = [dict(it) for it in items]
        if status is not None and status != old_status:
            log.append({"target": "report", "key": "", "action": "status", "old": old_status, "new": status,
                        "comment": None})
        c.executemany(
            "INSERT INTO corrections (sha256, target, key, action, old, new, comment, reviewer, created_at, version) "
            "VALUES (?,?,?,?,?,?,?,?,?,?)",
            [(sha256, it["target"], it.get("key") or "", it["action"], _dumps(it.get("old")), _dumps(it.get("new")),
              (it.get("comment") or None), reviewer, now, version) for it in log],
        )
        c.execute(
            """INSERT INTO reviews (sha256, status, version, paths, updated_by, updated_at) VALUES (?,?,?,?,?,?)
            ON CONFLICT(sha256) DO UPDATE SET status=excluded.status, version=excluded.version,
            paths=excluded.paths, updated_by=excluded.updated_by, updated_at=excluded.updated_at""",
            (sha256, status or old_status, version, json.dumps(paths, ensure_ascii=False), reviewer, now),
        )
    return version


def _check_headings(store: Store, sha256: str, items: Sequence[dict[str, Any]]) -> None:
    """Refuse a heading decision on a span that is no heading of the report, or to an unknown category."""
    keys = {heading_key(h) for h in (store.record(sha256) or {}).get("headings") or []}
    decided = {d["key"] for d in decisions(store, sha256) if d["target"] == "heading"}
    for it in items:
        if it["target"] != "heading":
            continue
        if it["action"] == "category":
            category = (it.get("new") or {}).get("category")
            if category not in CATEGORIES:
                raise CorrectionError(f"未知的章节类别“{category}”（可选：{'、'.join(labels.category(c) for c in CATEGORIES)}）")
        # A restore may name the span a decision was made on before a re-analysis moved the heading.
        if it.get("key") not in keys and not (it["action"] == "restore" and it.get("key") in decided):
            raise CorrectionError(f"位置 {it.get('key')} 不是本报告的标题（报告可能已重新分析）：请刷新页面")


def heading_decision(headings: Sequence[dict[str, Any]], action: str, key: str, category: str | None,
                     comment: str | None) -> dict[str, Any]:
    """The log item of a reviewer's decision on a heading's category.

    ``headings``: as the reviewer saw them (:func:`apply_to_headings`); ``key``
    the heading's span. ``old`` keeps its text (a re-analysis that moves the
    heading finds it by that) and the category it had; a restore is logged on
    the span its decision was made on.
    """
    current = next((h for h in headings if h.get("key") == key), None)
    if current is None:
        raise CorrectionError("这个标题已不存在（报告可能已重新分析）：请刷新页面")
    old = {"text": current.get("text"), "level": current.get("level"), "category": current.get("category")}
    if action == "restore":
        d = current.get("correction")
        if d is None:
            raise CorrectionError("这个标题的类别没有人工更正，无需恢复")
        return {"target": "heading", "key": d["key"], "action": "restore", "old": old, "new": None, "comment": comment}
    if action != "category":
        raise CorrectionError(f"不能对标题执行 {action}")
    return {"target": "heading", "key": key, "action": "category", "old": old, "new": {"category": category},
            "comment": comment}


def metric_decision(record: dict[str, Any], text: str, action: str, key: str, fields: dict[str, Any],
                    current: dict[str, Any] | None, comment: str | None) -> dict[str, Any]:
    """Check a reviewer's metric decision against the document and build its log item.

    ``current``: the metric as the reviewer saw it (None when adding). An added
    metric's span must be a number inside ``text``; its quote is the text
    around it that the reviewer selected.
    """
    new: dict[str, Any] | None = None
    if action in ("edit", "add"):
        new = {}
        for name in METRIC_FIELDS:
            if name in fields:
                new[name] = fields[name]
        try:
            new["value"] = float(str(new.get("value", "")).replace(",", "").strip())
        except ValueError as exc:
            raise CorrectionError(f"数值“{fields.get('value')}”不是数字") from exc
        if new.get("qualifier") not in QUALIFIERS:
            new["qualifier"] = "exact"
        new["unit"] = str(new.get("unit") or "").strip()[:20]
        new["indicator"] = str(new.get("indicator") or "other").strip() or "other"
        if new["indicator"] != "other" and new["indicator"] not in indicator_catalogue():
            raise CorrectionError(f"未知的指标“{new['indicator']}”")
        new["per"] = (str(new.get("per") or "").strip() or None)
    if action == "add":
        start, _, end = key.partition(":")
        s, e = _int(start), _int(end)
        if s is None or e is None or not 0 <= s < e <= len(text) or e - s > 200:
            raise CorrectionError("所选文字不在报告正文中（请在正文里选中含数字的一段文字）")
        quote = text[s:e]
        digits = [i for i, ch in enumerate(quote) if ch.isdigit() or ch in "〇零一二两三四五六七八九十百千万亿"]
        if not digits:
            raise CorrectionError(f"所选文字“{quote}”里没有数字")
        assert new is not None
        new.update(quote=quote, number_text=quote[digits[0]:digits[-1] + 1], sentence=_sentence(text, s, e),
                   category=_category_at(record, s))
        # The key of an added metric is the span of its number, like an extracted one.
        key = f"{s + digits[0]}:{s + digits[-1] + 1}"
        new.update(start=s + digits[0], end=s + digits[-1] + 1)
    return {"target": "metric", "key": key, "action": action, "old": current, "new": new, "comment": comment}


def _sentence(text: str, start: int, end: int) -> str:
    stops = "。！？；\n"
    s = max(text.rfind(ch, 0, start) for ch in stops) + 1
    ends = [i for i in (text.find(ch, end) for ch in stops) if i >= 0]
    return text[s:(min(ends) + 1 if ends else len(text))].strip()


def _category_at(record: dict[str, Any], pos: int) -> str:
    # The section a position falls in: the paragraph holding it, else the last heading before it.
    for p in record.get("paragraphs") or []:
        if (p.get("start") or 0) <= pos < (p.get("end") or 0):
            return str(p.get("category") or "other")
    cat = "other"
    for h in record.get("headings") or []:
        if (h.get("start") or 0) <= pos:
            cat = str(h.get("category") or cat)
    return cat


# -- gold export (gold-format.md) ----------------------------------------------
GOLD_METRIC_FIELDS: tuple[str, ...] = ("quote", "number_text", "value", "unit", "qualifier", "per", "indicator")


def gold_documents(store: Store, *, statuses: Sequence[str] = ("reviewed",)) -> list[dict[str, Any]]:
    """Reviewed reports as gold documents: the stored text, metadata and headings, and the corrected metrics.

    Only documents whose review status is in ``statuses`` (default: 已审)
    are written: unreviewed extraction is not gold.
    """
    states = review_states(store)
    out = []
    for doc in store.documents():
        sha = doc["sha256"]
        if doc["status"] != "ok" or states.get(sha, {}).get("status", "pending") not in statuses:
            continue
        record, text = store.record(sha) or {}, store.text(sha)
        if text is None:
            continue
        log = decisions(store, sha)
        extracted = [m for m in (record.get("metrics") or [])]
        metrics = []
        for m in apply_to_metrics(extracted, log):
            number_text = m.get("number_text") or (text[m["start"]:m["end"]] if m.get("start") is not None else "")
            value = m.get("value")
            metrics.append({
                "quote": m.get("quote") or "", "number_text": number_text,
                "value": int(value) if isinstance(value, float) and value.is_integer() else value,
                "unit": m.get("unit") or "", "qualifier": m.get("qualifier") or "exact", "per": m.get("per"),
                "indicator": m.get("indicator") or "other",
            })
        is_report = bool(record.get("is_report", True))
        out.append({
            "id": f"store-{sha[:16]}",
            "url": None,
            # The body that sent it stands for the website: grouped cross-validation keeps one
            # township's reports (which share their wording year to year) in one fold.
            "site": "".join(str(record.get(k) or "") for k in ("county", "entity")) or None,
            "source_files": doc["sources"],
            "text": text,
            "truncated": False,
            "reviewed_by": states[sha].get("updated_by"),
            "gold": {
                "is_report": is_report,
                **{k: record.get(k) if is_report else None
                   for k in ("title", "entity", "entity_full", "county", "level", "year")},
                # The reviewers' categories: retraining must not learn the classifier's error again.
                "headings": [{"text": h.get("text"), "level": h.get("level"), "category": h.get("category")}
                             for h in apply_to_headings(record.get("headings") or [], log)] if is_report else [],
                "metrics": metrics if is_report else [],
            },
        })
    return out

