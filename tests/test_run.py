"""run: bad input never stops a run; each failure is a record with a stable code."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.run import Resources, analyze_path, analyze_text, report_record

GOOD = "云岭街道2024年法治政府建设情况报告\n一、主要举措和成效\n全年开展集中学法10次。\n"


def _write(tmp: Path, name: str, data: bytes) -> Path:
    path = tmp / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", "   \n\u3000\n".encode(), "empty"),
        ("junk.txt", bytes(range(256)) * 8, "bad_encoding"),
        ("nul.txt", b"abc\x00\x00def" * 50, "bad_encoding"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "unsupported_format"),
        ("renamed.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "unsupported_format"),
        ("locked.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 600, "encrypted"),
        ("report.wps", b"some wps bytes", "unsupported_format"),
        ("sheet.xlsx", b"PK\x03\x04" + b"xl/workbook.xml" + b"\x00" * 100, "unsupported_format"),
        ("notes.rtf", b"{\\rtf1\\ansi hello}", "unsupported_format"),
    ],
)
def test_bad_input_is_recorded(tmp_path: Path, resources: Resources, name: str, data: bytes, code: str) -> None:
    report = analyze_path(_write(tmp_path, name, data), resources)
    assert report.status == "error"
    assert report.error is not None and report.error["code"] == code
    assert name in report.error["message"]  # the message names the file


def test_vanished_file(tmp_path: Path, resources: Resources) -> None:
    report = analyze_path(tmp_path / "gone.txt", resources)
    assert report.error == {"code": "file_not_found", "message": f"{tmp_path / 'gone.txt'}: does not exist (moved or deleted?)"}


def test_folder_given_as_file(tmp_path: Path, resources: Resources) -> None:
    report = analyze_path(tmp_path, resources)
    assert report.error is not None and report.error["code"] == "unreadable"


def test_good_text_is_ok_and_keeps_text(tmp_path: Path, resources: Resources) -> None:
    path = _write(tmp_path, "云岭街道.txt", GOOD.encode("gb18030"))
    report = analyze_path(path, resources)
    assert report.status == "ok" and report.error is None
    assert report.text == GOOD and report.encoding == "gb18030"
    assert len(report.sha256) == 64


def test_record_has_the_contract_keys(resources: Resources) -> None:
    record = report_record(analyze_text(GOOD, resources=resources))
    for key in ("source", "sha256", "status", "error", "is_report", "title", "entity", "entity_full", "county",
                "level", "year", "headings", "paragraphs", "metrics", "completeness", "text", "pipeline_version"):
        assert key in record


def test_metrics_from_low_confidence_ocr_text_are_marked(resources: Resources) -> None:
    from pipeline.ingest.base import Extracted, blocks_from_lines
    from pipeline.run import process
    from pipeline.types import Report

    text = "柳溪乡2024年法治政府建设情况报告\n一、主要举措和成效\n全年开展会前学法12次。\n化解矛盾纠纷86件。\n"
    weak = text.index("化解矛盾纠纷86件")
    extracted = Extracted(text=text, format="pdf", blocks=blocks_from_lines(text), ocr_confidence=0.9,
                          page_confidence=[0.9], low_confidence_spans=[(weak, weak + 9)])
    report = process(Report(source="scan.pdf"), extracted, resources)
    flags = {m.value: m.low_confidence for m in report.metrics}
    assert flags == {12: False, 86: True}
    assert any("low confidence" in w for w in report.warnings)
    assert report.to_dict()["low_confidence_spans"] == [[weak, weak + 9]]


# Two townships whose names jieba splits wrongly until it learns them from a report's title.
_ORDER_TEXTS = {
    "dongbai.txt": (
        "东柏乡人民政府关于2024年法治政府建设情况的报告\n一、主要举措和成效\n"
        "东柏乡全年开展集中学法10次，化解矛盾纠纷23件。\n二、存在的不足和原因\n西柳镇与东柏乡交界处普法阵地偏少。\n"
    ),
    "xiliu.txt": (
        "西柳镇人民政府关于2024年法治政府建设情况的报告\n一、主要举措和成效\n"
        "会同东柏乡开展联合执法4次，西柳镇调解纠纷18件。\n二、下一步工作安排\n走访东柏乡群众，继续开展普法宣传。\n"
    ),
}


def _records(order: list[str]) -> dict[str, dict[str, object]]:
    res = Resources()  # one process-wide set of resources, as in a batch
    out = {}
    for name in order:
        record = report_record(analyze_text(_ORDER_TEXTS[name], name, res))
        record.pop("timings", None)
        out[name] = record
    return out


def test_records_do_not_depend_on_the_order_of_the_files() -> None:
    names = sorted(_ORDER_TEXTS)
    assert _records(names) == _records(names[::-1])


def test_a_report_leaves_no_learnt_names_behind() -> None:
    # What makes order matter: a township name learnt from one report would change how the
    # next report is segmented (and so its section categories).
    res = Resources()
    probe = "会同东柏乡开展联合执法。"
    before = res.tokenizer.cut(probe)
    assert "东柏乡" not in before
    analyze_text(_ORDER_TEXTS["dongbai.txt"], "dongbai.txt", res)
    assert res.tokenizer.cut(probe) == before
