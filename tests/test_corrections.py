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
    apply_to_metrics,
    changed_files,
    decisions,
    gold_documents,
    metric_decision,
    record_decisions,
    review_state,
    reviewed_metrics,
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
