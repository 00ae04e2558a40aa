"""The SQLite store: schema and migrations, one transaction per document, sources and duplicates, cleanup."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Any

import pytest

import pipeline.store as store_mod
from pipeline.run import PIPELINE_VERSION
from pipeline.errors import StoreError
from pipeline.store import SCHEMA_VERSION, Store, default_db_path


def make_record(
    entity: str | None = "青石镇",
    year: int | None = 2024,
    metrics: list[tuple[str, float, str]] | None = None,
    *,
    county: str | None = "明川县",
    level: str | None = "township",
    status: str = "ok",
    score: float | None = 0.8,
    missing: list[str] | None = None,
    parts: dict[str, bool] | None = None,
    title: str | None = None,
    category: str = "achievements",
    quote_prefix: str = "全年开展",
    salt: str = "",
) -> dict[str, Any]:
    """A record in the shape of output.md, written by hand (no analysis)."""
    sha = hashlib.sha256(f"{entity}{year}{county}{status}{salt}".encode()).hexdigest()
    parts = parts if parts is not None else {"achievements": True, "shortcomings": True, "responsibility": False}
    return {
        "source": f"{entity}{year}.txt",
        "sha256": sha,
        "status": status,
        "error": None if status == "ok" else {"code": "empty", "message": f"{entity}{year}.txt: is empty (0 bytes)"},
        "is_report": True if status == "ok" else None,
        "title": title or (f"{entity}人民政府关于{year}年法治政府建设情况的报告" if status == "ok" else None),
        "entity": entity if status == "ok" else None,
        "county": county if status == "ok" else None,
        "level": level if status == "ok" else None,
        "year": year if status == "ok" else None,
        "headings": [{"text": "一、主要举措和成效", "level": 1, "category": "achievements", "start": 30, "end": 39}],
        "paragraphs": [],
        "metrics": [
            {"indicator": ind, "value": value, "unit": unit, "qualifier": "exact", "per": None,
             "quote": f"{quote_prefix}{ind}{value:g}{unit}", "sentence": f"{quote_prefix}{ind}{value:g}{unit}。",
             "category": category, "start": 100 + i, "end": 102 + i}
            for i, (ind, value, unit) in enumerate(metrics or [])
        ],
        "completeness": None if status != "ok" else {
            "score": score,
            "items": [{"id": k, "label": {"achievements": "主要举措和成效", "shortcomings": "存在的不足和原因",
                                          "responsibility": "第一责任人职责"}.get(k, k),
                       "status": "ok" if v else "missing", "present": v,
                       "evidence": f"{k}的证据" if v else None} for k, v in parts.items()]
            + [{"id": "R02", "label": "落款日期", "status": "ok", "present": None}],
            "missing": missing if missing is not None else [k for k, v in parts.items() if not v],
            "warnings": [],
        },
        "warnings": [],
        "pipeline_version": PIPELINE_VERSION,
    }


def put(store: Store, record: dict[str, Any], *names: str) -> None:
    names = names or (f"{record['entity']}{record['year']}.txt",)
    store.save_document(record, [{"path": f"/in/{n}", "name": n, "size": 1, "mtime_ns": 1} for n in names])


def test_new_store_has_the_current_schema(tmp_path: Path) -> None:
    with Store(tmp_path / "g.db") as s:
        assert s.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in s.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"documents", "sources", "metrics", "headings", "checks", "batches"} <= tables
    with Store(tmp_path / "g.db") as s:  # reopening migrates nothing and loses nothing
        assert s.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_migration_path_runs_each_step_once_in_a_transaction(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "g.db"
    with Store(db) as s:
        put(s, make_record(metrics=[("law_study_sessions", 12, "次")]))

    def step_next(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE documents ADD COLUMN reviewer_note TEXT")

    def broken_step_after(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE documents ADD COLUMN half_done TEXT")
        raise RuntimeError("migration bug")

    import pipeline.store_schema as schema_mod

    monkeypatch.setattr(schema_mod, "SCHEMA_VERSION", SCHEMA_VERSION + 2)
    monkeypatch.setattr(store_mod, "SCHEMA_VERSION", SCHEMA_VERSION + 2)
    monkeypatch.setitem(schema_mod.MIGRATIONS, SCHEMA_VERSION + 1, step_next)
    monkeypatch.setitem(schema_mod.MIGRATIONS, SCHEMA_VERSION + 2, broken_step_after)
    with pytest.raises(RuntimeError):
        Store(db)
    conn = sqlite3.connect(db)
    # the next step kept, the one after rolled back
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
    columns = {r[1] for r in conn.execute("PRAGMA table_info(documents)")}
    assert "reviewer_note" in columns and "half_done" not in columns
    assert conn.execute("SELECT count(*) FROM metrics").fetchone()[0] == 1
    conn.close()


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"this is not a database, just text" * 40, "not a govreport store"), (None, "newer than this govreport")],
)
def test_foreign_or_future_files_are_refused(tmp_path: Path, content: bytes | None, message: str) -> None:
    db = tmp_path / "g.db"
    if content is None:
        conn = sqlite3.connect(db)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
        conn.close()
    else:
        db.write_bytes(content)
    with pytest.raises(StoreError, match=message):
        Store(db)


def test_saving_again_replaces_children_without_duplicates(tmp_path: Path) -> None:
    rec = make_record(metrics=[("law_study_sessions", 12, "次"), ("publicity_events", 30, "场")])
    with Store(tmp_path / "g.db") as s:
        put(s, rec)
        put(s, rec)
        rec2 = {**rec, "metrics": rec["metrics"][:1]}
        put(s, rec2, "青石镇2024.txt", "重复提交.txt")
        assert s.conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
        assert s.conn.execute("SELECT count(*) FROM metrics").fetchone()[0] == 1
        assert s.conn.execute("SELECT count(*) FROM checks").fetchone()[0] == 4
        assert [d["sources"] for d in s.documents()] == [["重复提交.txt", "青石镇2024.txt"]]


def test_a_failing_write_leaves_nothing_behind(tmp_path: Path) -> None:
    rec = make_record(metrics=[("law_study_sessions", 12, "次")])
    with Store(tmp_path / "g.db") as s:
        with pytest.raises(KeyError):
            s.save_document(rec, [{"name": "no path key"}])  # fails after the document rows were written
        for table in ("documents", "metrics", "checks", "headings", "sources"):
            assert s.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table


def test_failures_cover_failed_documents_and_unreadable_files(tmp_path: Path) -> None:
    with Store(tmp_path / "g.db") as s:
        put(s, make_record())
        put(s, make_record(status="error", entity="空"), "空.txt")
        s.save_unreadable({"path": "/in/锁定.pdf", "name": "锁定.pdf"}, "unreadable", "permission denied")
        got = {(f["name"], f["code"]) for f in s.failures()}
        assert got == {("空.txt", "empty"), ("锁定.pdf", "unreadable")}
        assert s.counts() == {"files": 3, "documents": 2, "ok": 1, "submissions": 1, "non_reports": 0, "copies": 0, "duplicate_files": 0,
                          "failed_files": 2, "metrics": 0}


def test_forget_missing_only_touches_the_folder(tmp_path: Path) -> None:
    with Store(tmp_path / "g.db") as s:
        for name, path in (("a", "/in/a.txt"), ("b", "/in/sub/b.txt"), ("c", "/inbox/c.txt")):
            s.save_document(make_record(entity=name), [{"path": path, "name": name}])
        assert s.forget_missing("/in", seen={"/in/a.txt"}) == 1
        assert sorted(r[0] for r in s.conn.execute("SELECT path FROM sources")) == ["/in/a.txt", "/inbox/c.txt"]
        assert s.conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 2  # b's document went with it


def test_default_db_is_beside_the_folder(tmp_path: Path) -> None:
    assert default_db_path(tmp_path / "reports") == tmp_path.resolve() / "govreport.db"


def _downgrade_to_v3(db: Path) -> None:
    """Turn a store into what schema v3 looked like (v4 added reviews and corrections)."""
    conn = sqlite3.connect(db)
    conn.execute("DROP TABLE reviews")
    conn.execute("DROP TABLE corrections")
    conn.execute("PRAGMA user_version = 3")
    conn.commit()
    conn.close()


def _downgrade_to_v2(db: Path) -> None:
    """Turn a store into what schema v2 looked like (v3 added submissions and metrics.value_text)."""
    _downgrade_to_v3(db)
    conn = sqlite3.connect(db)
    conn.execute("DROP TABLE submissions")
    conn.execute("ALTER TABLE metrics DROP COLUMN value_text")
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()


def _downgrade_to_v1(db: Path) -> None:
    """Turn a store into what schema v1 looked like (v2 only added tables)."""
    _downgrade_to_v2(db)
    conn = sqlite3.connect(db)
    for t in ("texts", "similarity", "meta"):
        conn.execute(f"DROP TABLE {t}")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()


def test_a_v2_store_is_migrated_to_v3_and_groups_again(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    with Store(db) as s:
        put(s, make_record(metrics=[("law_study_sessions", 12, "次")]))
        s.save_similarity([], {}, "fp-of-a-v2-pass")
    _downgrade_to_v2(db)
    with Store(db) as s:
        assert s.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 4
        assert s.copies() == {} and s.metrics()[0]["value_text"] is None
        # the v2 pass never grouped copies: the next batch must run the pass again
        assert s.meta("similarity_fingerprint") is None


def test_a_v1_store_is_migrated_to_v2_and_keeps_working(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    ok, failed = make_record(metrics=[("law_study_sessions", 12, "次")]), make_record(status="error", entity="空")
    with Store(db) as s:
        put(s, ok)
        put(s, failed, "空.txt")
    _downgrade_to_v1(db)
    with Store(db) as s:
        assert s.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 4
        tables = {r[0] for r in s.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"texts", "similarity", "meta", "submissions", "reviews", "corrections"} <= tables
        assert s.counts() == {"files": 2, "documents": 2, "ok": 1, "submissions": 1, "non_reports": 0, "copies": 0, "duplicate_files": 0,
                              "failed_files": 1, "metrics": 1}
        assert s.record(ok["sha256"])["entity"] == "青石镇"
        # an ok document without its text is due for analysis again; a failed one is not retried
        assert s.document_version(ok["sha256"]) is None
        assert s.source_state("/in/青石镇2024.txt").pipeline_version is None  # type: ignore[union-attr]
        assert s.document_version(failed["sha256"]) == PIPELINE_VERSION
        assert s.text(ok["sha256"]) is None and s.similarity() == [] and s.meta("similarity_fingerprint") is None
        put(s, {**ok, "text": "青石镇人民政府关于2024年法治政府建设情况的报告"})
        assert s.document_version(ok["sha256"]) == PIPELINE_VERSION
        assert s.text(ok["sha256"]) == "青石镇人民政府关于2024年法治政府建设情况的报告"
        assert "text" not in s.record(ok["sha256"])  # type: ignore[operator]


def test_save_similarity_replaces_findings_and_verdicts_in_one_go(tmp_path: Path) -> None:
    a, b = make_record("青石镇", 2024), make_record("青石镇", 2023)
    with Store(tmp_path / "g.db") as s:
        put(s, a)
        put(s, b)
        passage = {"quote": "甲", "other_quote": "乙", "score": 1.0, "start": 0, "other_start": 0}
        comp = {**a["completeness"], "score": 0.75, "items": a["completeness"]["items"] + [
            {"id": "R06", "label": "不雷同", "status": "warning", "present": None, "message": "雷同"}]}
        finding = {"sha256": a["sha256"], "other_sha256": b["sha256"], "kind": "previous_year", "rule": "R06",
                   "share": 0.9, "jaccard": 0.8, "passages": [passage]}
        s.save_similarity([finding], {a["sha256"]: {**a, "completeness": comp}}, "fp1")
        got = s.similarity()
        assert [(f["source"], f["other_source"], f["rule"], f["passages"]) for f in got] == [
            ("青石镇2024.txt", "青石镇2023.txt", "R06", [passage])]
        assert s.meta("similarity_fingerprint") == "fp1"
        assert [c["item"] for c in s.checks() if c["sha256"] == a["sha256"]][-1] == "R06"
        assert {d["sha256"]: d["completeness_score"] for d in s.documents()}[a["sha256"]] == 0.75
        s.save_similarity([], {}, "fp2")  # a later pass with no finding clears the table
        assert s.similarity() == [] and s.meta("similarity_fingerprint") == "fp2"
