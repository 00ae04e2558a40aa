"""Reviewers' corrections: record them, and apply them to what the pipeline extracted.

A correction is data (store tables ``reviews`` and ``corrections``, schema v3):
who, when, what was there (``old``), what the reviewer decided (``new``) and
why (``comment``). The log is append-only; for each (document, target, key)
the latest decision is in force, so an undo is one more row and the history
stays.

Keys survive re-analysis: a document is its content hash, a metric is the
span of its number in the document's text (``start:end``), a finding is its
checklist item id. ``batch --force`` replaces the extracted rows but never
these tables; when a re-analysis moves a metric, the decision follows its
quote and value; an edit whose metric the pipeline no longer finds is kept as
the reviewer's own metric (the reviewer's word wins). A file whose content
changed after review is a new document: it is shown as changed and starts
unreviewed (the old decisions were about other text).

:func:`apply_to_metrics` is the one place that turns extracted metrics into
reviewed ones; export, compare, review and the web app all read
:func:`reviewed_metrics`. Every row says where its value comes from
(``origin``: ``extracted`` or ``corrected``).
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from pipeline.compare import indicator_catalogue
from pipeline import labels
from pipeline.errors import GovReportError
from pipeline.store import Store

# Stable ids for scripts -> what reviewers read (labels.toml is the one home of the Chinese).
STATUSES: dict[str, str] = {k: labels.value(k) for k in ("pending", "reviewed", "returned")}
QUALIFIERS: dict[str, str] = {k: labels.value(k) for k in ("exact", "more_than", "nearly", "approx", "less_than", "at_least")}
CORRECTION_LABELS: dict[str, str] = {
    "edit": "更正", "reject": "判为非指标", "add": "补充漏提指标", "restore": "恢复提取值", "accept": "确认",
    "overrule": "否决", "comment": "意见", "status": "审核状态",
}
METRIC_ACTIONS = ("edit", "reject", "add", "restore")
FINDING_ACTIONS = ("accept", "overrule", "restore")
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
                     keep_rejected: bool = False) -> list[dict[str, Any]]:
    """One document's extracted metrics with the decisions in force applied, in text order.

    Each row gets ``origin`` (``extracted`` or ``corrected``), ``key`` and, when
    a decision touched it, ``correction`` (the log row). A metric ruled "not a
    metric" is left out (kept with ``origin='rejected'`` when ``keep_rejected``).
    """
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
    rows.sort(key=lambda r: (r.get("start") if r.get("start") is not None else 1 << 40, r.get("end") or 0))
    return [r for r in rows if keep_rejected or r["origin"] != "rejected"]


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


def apply_to_checks(items: Sequence[dict[str, Any]], log: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Completeness items with the reviewer's verdict: ``review`` is accepted, overruled or None."""
    decided = in_force(log, "finding")
    out = []
    for it in items:
        key = str(it.get("id") or it.get("item") or "")
        d = decided.get(key)
        out.append({**it, "review": None if d is None else ("accepted" if d["action"] == "accept" else "overruled"),
                    "review_comment": None if d is None else d.get("comment"), "correction": d})
    return out


def reviewed_metrics(store: Store) -> list[dict[str, Any]]:
    """Every current document's metrics with the reviewers' decisions applied (rows as :meth:`Store.metrics`).

    Export, compare and review read this instead of ``store.metrics()``.
    """
    by_doc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for m in store.metrics():
        by_doc[m["sha256"]].append(m)
    logs: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for d in decisions(store):
        logs[d["sha256"]].append(d)
    out: list[dict[str, Any]] = []
    for doc in store.documents():
        sha = doc["sha256"]
        if sha not in by_doc and sha not in logs:
            continue
        meta = {"sha256": sha, "entity": doc.get("entity"), "county": doc.get("county"), "level": doc.get("level"),
                "year": doc.get("year"), "title": doc.get("title"), "is_report": doc.get("is_report"),
                "doc_type": doc.get("doc_type"), "source": doc["sources"][0] if doc["sources"] else None}
        for row in apply_to_metrics(by_doc.get(sha, []), logs.get(sha, [])):
            row.pop("correction", None)
            out.append({**meta, **row} if row.get("origin") == "corrected" else row)
    return out


def overruled_findings(store: Store) -> dict[str, dict[str, dict[str, Any]]]:
    """sha256 -> finding id -> the overrule decision in force, for every document with one."""
    logs: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for d in decisions(store):
        if d["target"] == "finding":
            logs[d["sha256"]].append(d)
    out = {}
    for sha, log in logs.items():
        found = {k: d for k, d in in_force(log, "finding").items() if d["action"] == "overrule"}
        if found:
            out[sha] = found
    return out


def reviewed_checks(store: Store) -> list[dict[str, Any]]:
    """:meth:`Store.checks` with overruled findings turned to ``ok`` (a part counts as present), saying who overruled."""
    overruled = overruled_findings(store)
    out = []
    for c in store.checks():
        d = overruled.get(c["sha256"], {}).get(c["item"])
        if d is not None:
            c = {**c, "status": "ok", "present": None if c.get("present") is None else 1,
                 "message": f"审核人 {d['reviewer']} 否决了此项结论" + (f"：{d['comment']}" if d.get("comment") else "")}
        out.append(c)
    return out


def reviewed_findings(store: Store, *, include_all: bool = False) -> list[dict[str, Any]]:
    """:meth:`Store.findings` without those a reviewer overruled (what is still to send back)."""
    overruled = overruled_findings(store)
    return [f for f in store.findings(include_all=include_all) if f["item"] not in overruled.get(f["sha256"], {})]


def reviewed_documents(store: Store) -> list[dict[str, Any]]:
    """:meth:`Store.documents` with ``review_status`` and the missing parts a reviewer did not overrule."""
    states = review_states(store)
    overruled = overruled_findings(store)
    out = []
    for doc in store.documents():
        sha = doc["sha256"]
        out.append({**doc, "missing": [m for m in doc.get("missing") or [] if m not in overruled.get(sha, {})],
                    "review_status": states.get(sha, {}).get("status", "pending")})
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
        allowed = {"metric": METRIC_ACTIONS, "finding": FINDING_ACTIONS, "report": ("comment",)}.get(it["target"], ())
        if it["action"] not in allowed:
            raise CorrectionError(f"不能对 {it['target']} 执行 {it['action']}")
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
                "headings": [{"text": h.get("text"), "level": h.get("level"), "category": h.get("category")}
                             for h in (record.get("headings") or [])] if is_report else [],
                "metrics": metrics if is_report else [],
            },
        })
    return out

