"""Exports: CSV as Excel/WPS read it (BOM, comma, quoting), formula neutralisation, typed XLSX, JSONL."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from pipeline.export import (
    COMPARE_COLUMNS,
    FINDING_COLUMNS,
    METRIC_COLUMNS,
    REPORT_COLUMNS,
    SIMILARITY_COLUMNS,
    export,
    neutralise,
    write_csv,
)
from pipeline.store import Store
from tests.test_store import make_record, put


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
        ("+86 123", "'+86 123"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("＝HYPERLINK(\"http://x\")", "'＝HYPERLINK(\"http://x\")"),  # full-width forms count too
        ("＋86 123", "'＋86 123"),
        ("－1＋2", "'－1＋2"),
        ("＠SUM(A1)", "'＠SUM(A1)"),
        ("全年＝12次", "全年＝12次"),  # only at the start
        ("青石镇", "青石镇"),
        ("全年开展学法12次", "全年开展学法12次"),
        ("", ""),
        (-5, -5),  # numbers stay numbers
        (12.5, 12.5),
        (None, None),
    ],
)
def test_neutralise(cell: object, expected: object) -> None:
    assert neutralise(cell) == expected


def read_like_excel(path: Path) -> list[list[str]]:
    """What Excel does with a .csv: UTF-8 only when a BOM says so, comma separator, RFC 4180 quoting."""
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "no BOM: Excel would read the file as ANSI/GBK and garble it"
    text = raw[3:].decode("utf-8")
    assert "\r\n" in text  # Excel's own line ends
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=",", quotechar='"', doublequote=True))


def test_csv_reads_back_as_excel_does(tmp_path: Path) -> None:
    rows = [
        {"a": "青石镇", "b": "全年开展“法律明白人”培训，共3期", "c": 12},
        {"a": "柳溪乡\n（含新村）", "b": 'he said "法治"', "c": 95.5},
        {"a": "=1+1", "b": "-负数开头", "c": -3},
    ]
    path = tmp_path / "t.csv"
    write_csv(path, ["a", "b", "c"], rows)
    got = read_like_excel(path)
    assert got == [
        ["a", "b", "c"],
        ["青石镇", "全年开展“法律明白人”培训，共3期", "12"],
        ["柳溪乡\n（含新村）", 'he said "法治"', "95.5"],
        ["'=1+1", "'-负数开头", "-3"],
    ]


def _store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "g.db")
    put(s, make_record("青石镇", 2023, [("law_study_sessions", 10, "次"), ("publicity_materials", 3000, "份")]))
    put(s, make_record("青石镇", 2024, [("law_study_sessions", 12, "次"), ("legal_exam_rate", 98.5, "%")],
                       quote_prefix="=危险的"), "青石镇2024.txt", "重复提交.txt")
    put(s, make_record(status="error", entity="空文件"), "空文件.txt")
    s.save_unreadable({"path": "/in/锁住.pdf", "name": "锁住.pdf"}, "unreadable", "permission denied")
    return s


def test_csv_export_tables(tmp_path: Path) -> None:
    with _store(tmp_path) as s:
        files = export(s, "csv", tmp_path / "out", lang="en")
    assert [f.name for f in files] == ["metrics.csv", "reports.csv", "compare.csv", "similarity.csv", "findings.csv"]
    metrics = read_like_excel(tmp_path / "out" / "metrics.csv")
    assert tuple(metrics[0]) == METRIC_COLUMNS
    rows = [dict(zip(metrics[0], r)) for r in metrics[1:]]
    assert len(rows) == 4
    first = rows[0]
    assert (first["township"], first["county"], first["year"], first["indicator"], first["indicator_name"],
            first["value"], first["unit"], first["source_file"]) == (
        "青石镇", "明川县", "2023", "law_study_sessions", "会前学法、集体学法、专题学法", "10", "次", "青石镇2023.txt")
    assert {r["quote"][:1] for r in rows if r["year"] == "2024"} == {"'"}  # "=…" quotes are neutralised
    assert {r["indicator_name"] for r in rows} >= {"学法考试参考率、合格率", "发放宣传资料"}

    reports = read_like_excel(tmp_path / "out" / "reports.csv")
    assert tuple(reports[0]) == REPORT_COLUMNS
    by_file = {r[0]: dict(zip(reports[0], r)) for r in reports[1:]}
    assert set(by_file) == {"青石镇2023.txt", "重复提交.txt; 青石镇2024.txt", "空文件.txt", "锁住.pdf"}
    assert by_file["青石镇2023.txt"]["completeness_score"] == "0.8"
    assert by_file["青石镇2023.txt"]["missing_parts"] == "responsibility"
    assert by_file["青石镇2023.txt"]["n_metrics"] == "2"
    assert (by_file["空文件.txt"]["status"], by_file["空文件.txt"]["error_code"]) == ("error", "empty")
    assert by_file["锁住.pdf"]["error_code"] == "unreadable"

    compare = read_like_excel(tmp_path / "out" / "compare.csv")
    assert tuple(compare[0]) == COMPARE_COLUMNS
    row = next(dict(zip(compare[0], r)) for r in compare[1:] if r[0] == "law_study_sessions" and r[6] == "2024")
    assert by_file["重复提交.txt; 青石镇2024.txt"]["n_files"] == "2"
    assert (row["value"], row["change"], row["change_pct"], row["status"]) == ("12", "2", "20", "reported")


def test_xlsx_export_is_typed_and_frozen(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    with _store(tmp_path) as s:
        (path,) = export(s, "xlsx", tmp_path / "out", lang="en")
    wb = load_workbook(path)
    assert wb.sheetnames == ["metrics", "reports", "compare", "similarity", "findings"]
    ws = wb["metrics"]
    assert ws.freeze_panes == "A2"
    header = [c.value for c in ws[1]]
    assert tuple(header) == METRIC_COLUMNS
    values = [dict(zip(header, (c.value for c in row))) for row in ws.iter_rows(min_row=2)]
    assert {type(v["value"]) for v in values} <= {int, float}
    assert {v["value"] for v in values} == {10, 3000, 12, 98.5}
    assert isinstance(values[0]["year"], int)
    dangerous = [v["quote"] for v in values if v["year"] == 2024]
    assert all(q.startswith("=危险的") for q in dangerous)  # kept as text ...
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f"  # ... and never a formula
    assert wb["reports"].freeze_panes == "A2"


def test_jsonl_export(tmp_path: Path) -> None:
    with _store(tmp_path) as s:
        export(s, "jsonl", tmp_path / "out")
    reports = [json.loads(line) for line in (tmp_path / "out" / "reports.jsonl").read_text("utf-8").splitlines()]
    assert len(reports) == 3  # documents; the unreadable file has no record
    by_entity = {r.get("entity"): r for r in reports}
    assert by_entity["青石镇"]["source_files"] in (["青石镇2023.txt"], ["重复提交.txt", "青石镇2024.txt"])
    assert all("pipeline_version" in r and "metrics" in r for r in reports)
    metrics = [json.loads(line) for line in (tmp_path / "out" / "metrics.jsonl").read_text("utf-8").splitlines()]
    assert {m["indicator_name"] for m in metrics} >= {"会前学法、集体学法、专题学法"}


def test_unknown_format(tmp_path: Path) -> None:
    with _store(tmp_path) as s, pytest.raises(ValueError):
        export(s, "ods", tmp_path / "out")


_CJK = re.compile(r"[\u4e00-\u9fff]")


def test_headers_and_sheets_are_chinese_by_default_and_ids_in_english(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    with _store(tmp_path) as s:
        csvs = export(s, "csv", tmp_path / "zh")
        (xlsx,) = export(s, "xlsx", tmp_path / "zh")
        en = export(s, "csv", tmp_path / "en", lang="en")
    for path in csvs:
        header = read_like_excel(path)[0]
        assert all(_CJK.search(h) for h in header), (path.name, [h for h in header if not _CJK.search(h)])
    metrics = read_like_excel(tmp_path / "zh" / "metrics.csv")
    assert metrics[0][:8] == ["乡镇", "县（市、区）", "层级", "年度", "指标代码", "指标名称", "数值", "原文数值"]
    assert {r[metrics[0].index("指标代码")] for r in metrics[1:]} >= {"law_study_sessions"}  # the ids keep a column
    assert {r[metrics[0].index("限定")] for r in metrics[1:]} == {"准确数"}
    reports = read_like_excel(tmp_path / "zh" / "reports.csv")
    # the parts a report lacks, as a reviewer names them (not the ids, not a document type's label)
    assert "第一责任人职责" in {r[reports[0].index("缺少部分")] for r in reports[1:]}
    wb = load_workbook(xlsx)
    assert wb.sheetnames == ["指标明细", "报告一览", "对比", "雷同检查", "审查意见"]
    for ws in wb.worksheets:
        assert all(_CJK.search(str(c.value)) for c in ws[1])
    assert [tuple(read_like_excel(p)[0]) for p in en] == [
        METRIC_COLUMNS, REPORT_COLUMNS, COMPARE_COLUMNS, SIMILARITY_COLUMNS, FINDING_COLUMNS]


def test_localise_tells_a_section_part_from_a_document_type() -> None:
    from pipeline.export import localise

    row = {"category": "other", "doc_type": "other", "missing_parts": "plans; responsibility", "qualifier": "more_than"}
    assert localise([row], "zh") == [
        {"category": "其他", "doc_type": "其他文件", "missing_parts": "下一步安排；第一责任人职责", "qualifier": "多于"}]
    assert localise([row], "en") == [row]
