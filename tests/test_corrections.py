"""Reviewers' corrections: the log, applying it to extracted metrics, surviving re-analysis, gold export."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipeline.corrections import (
    CorrectionError,
    ReviewConflict,
    apply_to_checks,
    apply_to_headings,
    apply_to_metrics,
    changed_files,
    decisions,
    effective_status,
    gold_documents,
    heading_decision,
    metric_decision,
    record_decisions,
    review_state,
    reviewed_checks,
    reviewed_findings,
    reviewed_metrics,
    reviewed_score,
    reviewed_sections,
)
from pipeline.export import export
from pipeline.store import SCHEMA_VERSION, Store
from tests.test_store import make_record, put

def copy_sample_corpus(dest: Path) -> Path:
    """The reports of the sample corpus (corpus/2024, corpus/2025) copied to ``dest``, a folder to batch."""
    for p in (Path(__file__).resolve().parents[1] / "corpus").glob("20*/*"):
        if p.is_file():
            (dest / p.parent.name).mkdir(parents=True, exist_ok=True)
            (dest / p.parent.name / p.name).write_bytes(p.read_bytes())
    return dest


TEXT = "柏岭镇2024年法治政府建设情况报告\n全年召开党委会专题研究法治工作4次，开展集体学法12次，调解纠纷三十件。\n"


def metric(start: int, end: int, value: float, quote: str, indicator: str = "law_study_sessions",
           unit: str = "次") -> dict[str, Any]:
    return {"indicator": indicator, "value": value, "unit": unit, "qualifier": "exact", "per": None,
            "quote": quote, "sentence": quote, "category": "achievements", "start": start, "end": end}


def log_row(key: str, action: str, new: dict[str, Any] | None = None, old: dict[str, Any] | None = None,
            target: str = "metric", i: int = 1) -> dict[str, Any]:
    return {"id": i, "sha256": "x", "target": target, "key": key, "action": action, "new": new, "old": old,
            "comment": None, "reviewer": "甲", "created_at": 0.0, "version": i}


M4 = metric(38, 39, 4, "专题研究法治工作4次", "rol_meetings")
M12 = metric(44, 46, 12, "集体学法12次")


@pytest.mark.parametrize(
    ("log", "expected"),
    [
        # no decision: what was extracted, marked so
        ([], [("38:39", 4, "rol_meetings", "extracted"), ("44:46", 12, "law_study_sessions", "extracted")]),
        # an edit changes the fields the reviewer set, and says so
        ([log_row("44:46", "edit", {"value": 13, "unit": "次", "indicator": "law_study_sessions"})],
         [("38:39", 4, "rol_meetings", "extracted"), ("44:46", 13, "law_study_sessions", "corrected")]),
        # "not a metric" drops it
        ([log_row("38:39", "reject")], [("44:46", 12, "law_study_sessions", "extracted")]),
        # the latest decision wins; restore goes back to the extraction
        ([log_row("38:39", "reject", i=1), log_row("38:39", "restore", i=2)],
         [("38:39", 4, "rol_meetings", "extracted"), ("44:46", 12, "law_study_sessions", "extracted")]),
        # an added metric takes its place in text order
        ([log_row("53:56", "add", {"value": 30, "unit": "件", "indicator": "disputes_resolved", "quote": "调解纠纷三十件"})],
         [("38:39", 4, "rol_meetings", "extracted"), ("44:46", 12, "law_study_sessions", "extracted"),
          ("53:56", 30, "disputes_resolved", "corrected")]),
        # an added metric the pipeline now finds too is that metric, with the reviewer's fields
        ([log_row("44:46", "add", {"value": 12, "unit": "次", "indicator": "legal_training_sessions",
                                   "quote": "学法12次"})],
         [("38:39", 4, "rol_meetings", "extracted"), ("44:46", 12, "legal_training_sessions", "corrected")]),
        # re-analysis moved the metric: the decision follows its quote and value
        ([log_row("40:42", "edit", {"value": 14}, old={"quote": "集体学法12次", "value": 12})],
         [("38:39", 4, "rol_meetings", "extracted"), ("44:46", 14, "law_study_sessions", "corrected")]),
        # an edit whose metric is gone for good: the reviewer's word stands as a metric of its own
        ([log_row("90:91", "edit", {"value": 2, "unit": "次", "indicator": "rol_meetings"},
                  old={"quote": "旧句子2次", "value": 3})],
         [("38:39", 4, "rol_meetings", "extracted"), ("44:46", 12, "law_study_sessions", "extracted"),
          ("90:91", 2, "rol_meetings", "corrected")]),
    ],
)
def test_apply_to_metrics(log: list[dict[str, Any]], expected: list[tuple[str, float, str, str]]) -> None:
    got = apply_to_metrics([M4, M12], log)
    assert [(m["key"], m["value"], m["indicator"], m["origin"]) for m in got] == expected


def test_rejected_metrics_are_kept_for_the_page_when_asked() -> None:
    got = apply_to_metrics([M4], [log_row("38:39", "reject")], keep_rejected=True)
    assert [m["origin"] for m in got] == ["rejected"]


def test_findings_accept_and_overrule() -> None:
    items = [{"id": "shortcomings", "status": "missing"}, {"id": "R05", "status": "warning"}, {"id": "R02", "status": "ok"}]
    log = [log_row("shortcomings", "overrule", target="finding"), log_row("R05", "accept", target="finding", i=2)]
    got = apply_to_checks(items, log)
    assert [c["review"] for c in got] == ["overruled", "accepted", None]


@pytest.mark.parametrize(
    ("key", "fields", "error"),
    [
        ("0:3", {"value": "3"}, "没有数字"),                 # the place name alone: no number in it
        ("9999:10001", {"value": "3"}, "不在报告正文中"),    # outside the text
        ("38:39", {"value": "四"}, "不是数字"),              # the value must be a number
        ("38:39", {"value": "4", "indicator": "no_such_id"}, "未知的指标"),
    ],
)
def test_bad_additions_are_refused_in_chinese(key: str, fields: dict[str, Any], error: str) -> None:
    with pytest.raises(CorrectionError, match=error):
        metric_decision({}, TEXT, "add", key, fields, None, None)


def test_an_added_metric_is_keyed_by_its_number() -> None:
    start = TEXT.index("调解纠纷三十件")
    item = metric_decision({"paragraphs": [{"start": 20, "end": len(TEXT), "category": "achievements"}]}, TEXT, "add",
                           f"{start}:{start + 7}", {"value": "30", "unit": "件", "indicator": "disputes_resolved"},
                           None, "漏提")
    assert item["new"]["quote"] == "调解纠纷三十件"
    assert item["new"]["number_text"] == "三十"
    assert item["key"] == f"{start + 4}:{start + 6}"
    assert item["new"]["category"] == "achievements" and item["new"]["value"] == 30.0


def _store(tmp_path: Path) -> tuple[Store, dict[str, Any]]:
    store = Store(tmp_path / "g.db")
    rec = make_record("柏岭镇", 2024, [("rol_meetings", 4, "次"), ("law_study_sessions", 12, "次")])
    rec["text"] = TEXT
    put(store, rec)
    return store, rec


def test_decisions_are_logged_with_who_when_old_new_and_versioned(tmp_path: Path) -> None:
    store, rec = _store(tmp_path)
    sha = rec["sha256"]
    m = rec["metrics"][1]
    v = record_decisions(store, sha, 0, "王审核", [{"target": "metric", "key": "101:103", "action": "edit",
                                                   "old": m, "new": {"value": 13.0}, "comment": "原文为13次"}])
    assert v == 1
    with pytest.raises(ReviewConflict, match="其他审核人"):  # a second reviewer with the page of version 0
        record_decisions(store, sha, 0, "李审核", [], status="reviewed")
    record_decisions(store, sha, 1, "李审核", [], status="reviewed")
    log = decisions(store, sha)
    assert [(d["reviewer"], d["action"], d["version"]) for d in log] == [("王审核", "edit", 1), ("李审核", "status", 2)]
    assert log[0]["old"]["value"] == 12 and log[0]["new"] == {"value": 13.0} and log[0]["comment"] == "原文为13次"
    assert log[0]["created_at"] > 0
    assert review_state(store, sha)["status"] == "reviewed"
    rows = reviewed_metrics(store)
    assert [(r["value"], r["origin"]) for r in rows] == [(4, "extracted"), (13.0, "corrected")]
    store.close()


def test_corrections_survive_reanalysis_and_show_in_exports(tmp_path: Path) -> None:
    store, rec = _store(tmp_path)
    sha = rec["sha256"]
    record_decisions(store, sha, 0, "王审核", [
        {"target": "metric", "key": "101:103", "action": "edit", "old": rec["metrics"][1], "new": {"value": 13.0}},
        {"target": "metric", "key": "100:102", "action": "reject", "old": rec["metrics"][0]},
    ], status="reviewed")
    put(store, rec)  # what batch --force does: the same content analysed again
    assert [(r["value"], r["origin"]) for r in reviewed_metrics(store)] == [(13.0, "corrected")]
    assert review_state(store, sha)["status"] == "reviewed"
    out = export(store, "csv", tmp_path / "csv", lang="en")
    text = (tmp_path / "csv" / "metrics.csv").read_text("utf-8-sig")
    header, row = text.splitlines()[:2]
    assert "value_source" in header.split(",") and ",corrected," in row and ",13," in row
    assert len(out) == 5
    store.close()


def test_a_changed_file_is_shown_as_changed_and_starts_unreviewed(tmp_path: Path) -> None:
    store, rec = _store(tmp_path)
    record_decisions(store, rec["sha256"], 0, "王审核", [], status="reviewed")
    new = {**make_record("柏岭镇", 2024, [("rol_meetings", 5, "次")], salt="v2"), "text": TEXT + "补充。"}
    put(store, new)  # the same path now holds other content
    store.forget_missing("/in", {"/in/柏岭镇2024.txt"})
    flagged = changed_files(store)
    assert list(flagged) == [new["sha256"]] and flagged[new["sha256"]][0]["old_sha256"] == rec["sha256"]
    assert review_state(store, new["sha256"])["status"] == "pending"
    # the old decision is still in the log (a document dropped from the folder keeps its history)
    assert decisions(store, rec["sha256"])[0]["action"] == "status"
    store.close()


def test_gold_export_has_the_corrected_metrics_and_only_reviewed_reports(tmp_path: Path) -> None:
    store, rec = _store(tmp_path)
    other = {**make_record("石门乡", 2024, [("rol_meetings", 2, "次")]), "text": "石门乡报告，开会2次。"}
    put(store, other)
    start = TEXT.index("调解纠纷三十件")
    add = metric_decision({}, TEXT, "add", f"{start}:{start + 7}",
                          {"value": "30", "unit": "件", "indicator": "disputes_resolved"}, None, None)
    record_decisions(store, rec["sha256"], 0, "王审核", [add], status="reviewed")
    docs = gold_documents(store)
    assert len(docs) == 1 and docs[0]["text"] == TEXT
    gold = docs[0]["gold"]
    assert gold["entity"] == "柏岭镇" and gold["year"] == 2024
    # the sender stands for the website, so cross-validation keeps a township's years together
    assert docs[0]["site"].endswith("柏岭镇")
    assert {"quote": "调解纠纷三十件", "number_text": "三十", "value": 30, "unit": "件", "qualifier": "exact",
            "per": None, "indicator": "disputes_resolved"} in gold["metrics"]
    json.dumps(docs, ensure_ascii=False)
    store.close()


def test_a_v3_store_gets_the_review_tables_and_keeps_its_data(tmp_path: Path) -> None:
    from tests.test_store import _downgrade_to_v3

    store, rec = _store(tmp_path)
    store.close()
    _downgrade_to_v3(tmp_path / "g.db")
    with Store(tmp_path / "g.db") as s:
        assert s.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 4
        assert s.text(rec["sha256"]) == TEXT and review_state(s, rec["sha256"])["version"] == 0


def test_gold_export_of_a_corrected_store_round_trips_through_evaluate(tmp_path: Path) -> None:
    """Reviewed reports exported as gold score the pipeline; a correction shows up as exactly one error."""
    import subprocess
    import sys

    from pipeline.batch import run_batch

    root = Path(__file__).resolve().parents[1]
    folder = copy_sample_corpus(tmp_path / "subs")
    db = tmp_path / "g.db"
    with Store(db) as store:
        run_batch(folder, store, workers=1)
        docs = [d for d in store.documents() if d["status"] == "ok"]
        for d in docs:
            record_decisions(store, d["sha256"], 0, "王审核", [], status="reviewed")

    def evaluate(name: str) -> dict[str, Any]:
        out = subprocess.run([sys.executable, "-m", "cli", "export", "--format", "gold", "--db", str(db),
                              "--output", str(tmp_path / name)], capture_output=True, text=True, cwd=root, timeout=300)
        assert out.returncode == 0, out.stderr
        assert len(list((tmp_path / name).glob("*.json"))) == len(docs)
        out = subprocess.run([sys.executable, "-m", "cli", "evaluate", str(tmp_path / name), "--no-errors",
                              "--json", str(tmp_path / f"{name}.json")], capture_output=True, text=True, cwd=root,
                             timeout=600)
        assert out.returncode == 0, out.stderr
        return dict(json.loads((tmp_path / f"{name}.json").read_text("utf-8")))

    before = evaluate("gold-before")
    assert before["documents"] == len(docs) and before["accuracy"]["entity"] == 1.0
    with Store(db) as store:
        sha = docs[0]["sha256"]
        m = next(m for m in (store.record(sha) or {})["metrics"] if m["indicator"] != "other")
        record_decisions(store, sha, 1, "王审核", [{"target": "metric", "key": f"{m['start']}:{m['end']}",
                                                    "action": "edit", "old": m, "new": {"value": m["value"] + 1000}}])
    after = evaluate("gold-after")
    # the pipeline still reads the old value: one false positive and one miss more than before
    assert after["quantity"]["fp"] == before["quantity"]["fp"] + 1
    assert after["quantity"]["fn"] == before["quantity"]["fn"] + 1
    assert after["quantity"]["tp"] == before["quantity"]["tp"] - 1


def test_report_rows_carry_the_review_status_and_overruled_missing_parts(tmp_path: Path) -> None:
    from pipeline.export import report_rows

    store, rec = _store(tmp_path)  # make_record: responsibility is missing
    assert [r["missing_parts"] for r in report_rows(store)] == ["responsibility"]
    record_decisions(store, rec["sha256"], 0, "王审核", [
        {"target": "finding", "key": "responsibility", "action": "overrule", "old": None, "new": None,
         "comment": "第三部分已写明"}], status="reviewed")
    rows = report_rows(store)
    assert [(r["missing_parts"], r["review_status"]) for r in rows] == [("", "reviewed")]
    store.close()


def test_compare_uses_the_corrected_values(tmp_path: Path) -> None:
    from pipeline.compare import compare_store, format_tables

    store, rec = _store(tmp_path)
    m = rec["metrics"][1]
    record_decisions(store, rec["sha256"], 0, "王审核", [{"target": "metric", "key": metric_key_of(m), "action": "edit",
                                                         "old": m, "new": {"value": 20.0}}])
    rows = {r.indicator: r for r in compare_store(store) if r.township == "柏岭镇"}
    assert (rows["law_study_sessions"].value, rows["law_study_sessions"].value_source) == (20.0, "corrected")
    assert (rows["rol_meetings"].value, rows["rol_meetings"].value_source) == (4, "extracted")
    assert "20✎" in format_tables(list(rows.values()))
    store.close()


def metric_key_of(m: dict[str, Any]) -> str:
    return f"{m['start']}:{m['end']}"


def test_the_html_review_shows_overruled_parts_as_present_and_corrected_values(tmp_path: Path) -> None:
    from pipeline.corrections import reviewed_checks
    from pipeline.review import render_review

    store, rec = _store(tmp_path)
    m = rec["metrics"][1]
    record_decisions(store, rec["sha256"], 0, "王审核", [
        {"target": "finding", "key": "responsibility", "action": "overrule", "old": None, "new": None,
         "comment": "第三部分已写明"},
        {"target": "metric", "key": metric_key_of(m), "action": "edit", "old": m, "new": {"value": 21.0}}])
    resp = next(c for c in reviewed_checks(store) if c["item"] == "responsibility")
    assert (resp["status"], resp["present"]) == ("ok", 1) and "第三部分已写明" in resp["message"]
    page = render_review(store)
    assert 'data-part="第一责任人职责" data-state="有"' in page and "人工更正" in page and ">21<" in page
    store.close()


# -- heading categories ------------------------------------------------------
# An invented report whose plans part has a heading the classifier did not recognise ("四、着力点").
QS_TEXT = """青石镇人民政府关于2024年法治政府建设情况的报告

一、主要举措和成效
（一）抓实领导干部学法
全年组织镇党委理论学习中心组集体学法9次。
二、工作中的短板
（一）普法方式比较单一
部分村居普法仍以发放资料为主，原因是基层普法力量薄弱。
三、镇党委书记履行第一责任人职责情况
镇党委书记主持召开专题会议4次。
四、着力点
（一）继续抓好学法用法
计划组织集体学法不少于10次。
青石镇人民政府
"""
# (text, level, category the classifier gave it)
QS_HEADINGS = [("一、主要举措和成效", 1, "achievements"), ("（一）抓实领导干部学法", 2, "achievements"),
               ("二、工作中的短板", 1, "shortcomings"), ("（一）普法方式比较单一", 2, "shortcomings"),
               ("三、镇党委书记履行第一责任人职责情况", 1, "responsibility"), ("四、着力点", 1, "achievements"),
               ("（一）继续抓好学法用法", 2, "achievements")]


def _span(text: str, part: str, after: int = 0) -> tuple[int, int]:
    start = text.index(part, after)
    return start, start + len(part)


def qs_headings(text: str = QS_TEXT) -> list[dict[str, Any]]:
    out, pos = [], 0
    for t, level, cat in QS_HEADINGS:
        s, e = _span(text, t, pos)
        pos = e
        out.append({"text": t, "level": level, "category": cat, "start": s, "end": e})
    return out


def qs_record(text: str = QS_TEXT, salt: str = "") -> dict[str, Any]:
    """The invented report as the pipeline would store it (plans found missing)."""
    heads = qs_headings(text)
    paras = []
    for body, under, cat in [("全年组织镇党委理论学习中心组集体学法9次。", 1, "achievements"),
                             ("部分村居普法仍以发放资料为主，原因是基层普法力量薄弱。", 3, "shortcomings"),
                             ("镇党委书记主持召开专题会议4次。", 4, "responsibility"),
                             ("计划组织集体学法不少于10次。", 6, "achievements"),
                             ("青石镇人民政府", 6, "other")]:
        s, e = _span(text, body, heads[under]["end"])
        paras.append({"text": body, "start": s, "end": e, "heading": under, "category": cat})
    metrics = []
    for quote, value, unit, ind, cat in [("集体学法9次", 9, "次", "law_study_sessions", "achievements"),
                                          ("召开专题会议4次", 4, "次", "rol_meetings", "responsibility"),
                                          ("集体学法不少于10次", 10, "次", "law_study_sessions", "achievements")]:
        s, _ = _span(text, quote)
        n = s + quote.index(str(value))
        metrics.append({**metric(n, n + len(str(value)), value, quote, ind, unit), "category": cat})
    rec = make_record("青石镇", 2024, salt=salt, score=0.8,
                      parts={"achievements": True, "shortcomings": True, "responsibility": True, "plans": False})
    items = rec["completeness"]["items"]
    for it in items:
        h = next((h for h in heads if h["category"] == it["id"] and h["level"] == 1), None)
        if it["present"] and h is not None:
            it.update(where="heading", start=h["start"], evidence=h["text"])
    return {**rec, "text": text, "headings": heads, "paragraphs": paras, "metrics": metrics}


def heading_row(key: str, action: str, category: str | None = None, text: str | None = None,
                i: int = 1) -> dict[str, Any]:
    return log_row(key, action, None if category is None else {"category": category},
                   old=None if text is None else {"text": text}, target="heading", i=i)


def _key(text: str, i: int = 0) -> str:
    h = [h for h in qs_headings() if h["text"] == text][i]
    return f"{h['start']}:{h['end']}"


@pytest.mark.parametrize(
    ("log", "expected"),
    [
        # no decision: the classifier's categories
        ([], {}),
        # the top heading of the plans part, and the sub-heading that inherited its category
        ([heading_row(_key("四、着力点"), "category", "plans")],
         {"四、着力点": ("plans", "corrected"), "（一）继续抓好学法用法": ("plans", "corrected")}),
        # a sub-heading alone: its parent stays
        ([heading_row(_key("（一）普法方式比较单一"), "category", "plans")],
         {"（一）普法方式比较单一": ("plans", "corrected")}),
        # restore: back to what was extracted; the latest decision wins
        ([heading_row(_key("四、着力点"), "category", "plans", i=1), heading_row(_key("四、着力点"), "restore", i=2)],
         {}),
        ([heading_row(_key("四、着力点"), "category", "other", i=1),
          heading_row(_key("四、着力点"), "category", "plans", i=2)],
         {"四、着力点": ("plans", "corrected"), "（一）继续抓好学法用法": ("plans", "corrected")}),
        # re-analysis moved the heading: the decision follows its text
        ([heading_row("900:905", "category", "plans", text="四、着力点")],
         {"四、着力点": ("plans", "corrected"), "（一）继续抓好学法用法": ("plans", "corrected")}),
        # a heading the pipeline no longer finds at all: no effect (the decision stays in the log)
        ([heading_row("900:905", "category", "plans", text="五、其他事项")], {}),
    ],
)
def test_apply_to_headings(log: list[dict[str, Any]], expected: dict[str, tuple[str, str]]) -> None:
    got = apply_to_headings(qs_headings(), log)
    want = [(t, *expected.get(t, (cat, "extracted"))) for t, _level, cat in QS_HEADINGS]
    assert [(h["text"], h["category"], h["origin"]) for h in got] == want
    assert all(h["extracted_category"] == cat for h, (_t, _l, cat) in zip(got, QS_HEADINGS))


def test_a_sub_heading_with_its_own_category_keeps_it() -> None:
    heads = qs_headings()
    heads[6] = {**heads[6], "category": "shortcomings", "category_source": "rules"}  # its own words said so
    heads[5] = {**heads[5], "category_source": "model"}
    got = apply_to_headings(heads, [heading_row(_key("四、着力点"), "category", "plans")])
    assert [(h["category"], h["origin"]) for h in got[5:]] == [("plans", "corrected"), ("shortcomings", "extracted")]


def test_paragraphs_and_metrics_follow_their_section() -> None:
    rec = qs_record()
    log = [heading_row(_key("四、着力点"), "category", "plans")]
    paras = reviewed_sections(rec, log)["paragraphs"]
    # the closing line under the last heading is "other" by its own rule and stays so
    assert [p["category"] for p in paras] == ["achievements", "shortcomings", "responsibility", "plans", "other"]
    got = apply_to_metrics(rec["metrics"], log, record=rec)
    assert [(m["quote"], m["category"], m["origin"]) for m in got] == [
        ("集体学法9次", "achievements", "extracted"), ("召开专题会议4次", "responsibility", "extracted"),
        ("集体学法不少于10次", "plans", "extracted")]
    assert [m["category"] for m in apply_to_metrics(rec["metrics"], [], record=rec)][-1] == "achievements"


@pytest.mark.parametrize(
    ("log", "statuses", "missing"),
    [
        ([], {"plans": "missing", "shortcomings": "ok"}, ["plans"]),
        # the reviewer says "四、着力点" is the plans part: present, decided by the reviewer
        ([heading_row(_key("四、着力点"), "category", "plans")], {"plans": "ok", "shortcomings": "ok"}, []),
        # the only shortcomings heading re-categorised away: that part is missing now
        ([heading_row(_key("二、工作中的短板"), "category", "achievements")],
         {"plans": "missing", "shortcomings": "missing"}, ["shortcomings", "plans"]),
        # ... unless a heading below it keeps the category on its own
        ([heading_row(_key("二、工作中的短板"), "category", "plans"),
          heading_row(_key("（一）普法方式比较单一"), "category", "shortcomings", i=2)],
         {"plans": "ok", "shortcomings": "ok"}, []),
        # a heading moved to "other" says nothing about a part
        ([heading_row(_key("四、着力点"), "category", "other")], {"plans": "missing", "shortcomings": "ok"}, ["plans"]),
    ],
)
def test_required_parts_follow_the_reviewed_headings(log: list[dict[str, Any]], statuses: dict[str, str],
                                                     missing: list[str]) -> None:
    rec = qs_record()
    items = rec["completeness"]["items"]
    got = {c["id"]: c for c in apply_to_checks(items, log, headings=rec["headings"])}
    assert {k: got[k]["status"] for k in statuses} == statuses
    assert [c["id"] for c in got.values() if c["status"] == "missing"] == missing
    for k, status in statuses.items():
        changed = status != next(i["status"] for i in items if i["id"] == k)
        assert (got[k].get("heading_review") is not None) == changed
        if changed:
            assert got[k]["message"].startswith("审核人 甲 将标题")
    # the score follows (the packaged checklist: 0.2 for each required part missing)
    score = reviewed_score(0.8, [i["status"] for i in items], [effective_status(c) for c in got.values()])
    assert score == round(1 - 0.2 * len(missing), 2)


def test_an_overrule_still_applies_on_top_of_a_part_the_headings_left_missing() -> None:
    rec = qs_record()
    log = [heading_row(_key("二、工作中的短板"), "category", "achievements"),
           log_row("shortcomings", "overrule", target="finding", i=2)]
    got = {c["id"]: c for c in apply_to_checks(rec["completeness"]["items"], log, headings=rec["headings"])}
    assert (got["shortcomings"]["status"], got["shortcomings"]["review"]) == ("missing", "overruled")
    assert effective_status(got["shortcomings"]) == "ok"


def _qs_store(tmp_path: Path) -> tuple[Store, dict[str, Any]]:
    store = Store(tmp_path / "g.db")
    rec = qs_record()
    put(store, rec, "青石镇2024.txt")
    return store, rec


@pytest.mark.parametrize(
    ("items", "error"),
    [
        ([{"target": "heading", "key": _key("四、着力点"), "action": "category", "new": {"category": "future"}}],
         "未知的章节类别"),
        ([{"target": "heading", "key": "1:3", "action": "category", "new": {"category": "plans"}}], "不是本报告的标题"),
        ([{"target": "heading", "key": "1:3", "action": "restore"}], "不是本报告的标题"),
        ([{"target": "heading", "key": _key("四、着力点"), "action": "edit", "new": {"category": "plans"}}],
         "不能对 heading 执行 edit"),
    ],
)
def test_bad_heading_decisions_are_refused_in_chinese(tmp_path: Path, items: list[dict[str, Any]], error: str) -> None:
    store, rec = _qs_store(tmp_path)
    with pytest.raises(CorrectionError, match=error):
        record_decisions(store, rec["sha256"], 0, "王审核", items)
    assert decisions(store, rec["sha256"]) == []  # nothing written
    store.close()


def test_a_heading_category_reaches_verdicts_exports_and_gold(tmp_path: Path) -> None:
    from pipeline.export import report_rows

    store, rec = _qs_store(tmp_path)
    sha = rec["sha256"]
    assert [(r["missing_parts"], r["completeness_score"]) for r in report_rows(store)] == [("plans", 0.8)]
    item = heading_decision(apply_to_headings(rec["headings"], []), "category", _key("四、着力点"), "plans", "第四部分是明年安排")
    assert item["old"]["text"] == "四、着力点" and item["old"]["category"] == "achievements"
    record_decisions(store, sha, 0, "王审核", [item], status="reviewed")
    # completeness: the part is present, said by whom; the score and missing parts follow
    plans = next(c for c in reviewed_checks(store) if c["item"] == "plans")
    assert (plans["status"], plans["present"]) == ("ok", 1) and "王审核" in plans["message"]
    assert [(r["missing_parts"], r["completeness_score"]) for r in report_rows(store)] == [("", 1.0)]
    assert [f["item"] for f in reviewed_findings(store)] == []
    # metrics carry their section's category
    assert [m["category"] for m in reviewed_metrics(store)] == ["achievements", "responsibility", "plans"]
    # the gold export carries the reviewer's categories
    (doc,) = gold_documents(store)
    assert [(h["text"], h["category"]) for h in doc["gold"]["headings"]][-2:] == [
        ("四、着力点", "plans"), ("（一）继续抓好学法用法", "plans")]
    # the other way round: a part's only heading re-categorised away becomes a finding to send back
    record_decisions(store, sha, 1, "王审核", [heading_decision(
        apply_to_headings(rec["headings"], decisions(store, sha)), "category", _key("二、工作中的短板"), "achievements",
        None)])
    assert [(f["item"], f["status"], f["entity"]) for f in reviewed_findings(store)] == [
        ("shortcomings", "missing", "青石镇")]
    assert [(r["missing_parts"], r["completeness_score"]) for r in report_rows(store)] == [("shortcomings", 0.8)]
    # restore is logged on the span the decision was made on, and undoes it
    heads = apply_to_headings(rec["headings"], decisions(store, sha))
    undo = heading_decision(heads, "restore", _key("二、工作中的短板"), None, None)
    record_decisions(store, sha, 2, "王审核", [undo])
    assert [r["missing_parts"] for r in report_rows(store)] == [""]
    store.close()


def qs_batch(tmp_path: Path) -> tuple[Path, Path]:
    """The invented report in a folder, analysed by the batch into a store: (folder, store path)."""
    from pipeline.batch import run_batch

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "青石镇2024.txt").write_text(QS_TEXT, encoding="utf-8")
    with Store(tmp_path / "g.db") as store:
        run_batch(folder, store, workers=1)
    return folder, tmp_path / "g.db"


def test_heading_categories_survive_batch_force(tmp_path: Path) -> None:
    from pipeline.batch import run_batch

    folder, db = qs_batch(tmp_path)
    with Store(db) as store:
        (doc,) = store.documents()
        sha, record = doc["sha256"], store.record(doc["sha256"]) or {}
        heads = apply_to_headings(record["headings"], [])
        target = next(h for h in heads if h["text"] == "四、着力点")
        other = "plans" if target["category"] != "plans" else "other"
        record_decisions(store, sha, 0, "王审核", [heading_decision(heads, "category", target["key"], other, None)],
                         status="reviewed")
        run_batch(folder, store, workers=1, force=True)  # batch --force: everything analysed again
        after = {h["text"]: h for h in apply_to_headings((store.record(sha) or {})["headings"], decisions(store, sha))}
        assert (after["四、着力点"]["category"], after["四、着力点"]["origin"]) == (other, "corrected")
        (gold,) = gold_documents(store)
        assert ("四、着力点", other) in [(h["text"], h["category"]) for h in gold["gold"]["headings"]]


@pytest.mark.parametrize(
    ("statuses", "reviews", "summary"),
    [
        (["ok", "missing", "warning"], [None, None, None], None),  # nothing decided: the pipeline's summary stands
        (["ok", "missing", "warning"], [None, "overruled", None], "规定内容齐全，仍有1处需改进。"),
        (["ok", "missing", "warning"], [None, None, "overruled"], "缺1项（下一步安排），无待改进项。"),
        (["ok", "ok", "ok"], [None, "accepted", None], None),  # accepting a finding changes nothing
    ],
)
def test_reviewed_summary(statuses: list[str], reviews: list[str | None], summary: str | None) -> None:
    from pipeline.corrections import reviewed_summary

    ids = ["achievements", "plans", "R03"]
    items = [{"id": i, "status": s} for i, s in zip(ids, statuses)]
    checks = [{**it, "review": r} for it, r in zip(items, reviews)]
    assert reviewed_summary(items, checks) == summary
