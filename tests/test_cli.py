"""cli: exit codes 0 / 1 / 2, JSON Lines on stdout or --output, a readable table."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cli import app

runner = CliRunner()
GOOD = "青石镇人民政府关于2024年法治政府建设情况的报告\n一、主要举措和成效\n全年开展会前学法12次。\n"


def test_all_ok_exits_0(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    result = runner.invoke(app, ["analyze", str(tmp_path)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert len(records) == 1 and records[0]["status"] == "ok"


def test_some_failed_exits_1_and_goes_on(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"")
    (tmp_path / "c.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["analyze", str(tmp_path), "--output", str(out)])
    assert result.exit_code == 1
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert {Path(r["source"]).name: r["status"] for r in records} == {"a.txt": "ok", "b.txt": "error", "c.doc": "error"}
    assert {r["error"]["code"] for r in records if r["error"]} == {"empty", "unsupported_format"}


def test_missing_path_is_a_failed_document(tmp_path: Path) -> None:
    result = runner.invoke(app, ["analyze", str(tmp_path / "nope.pdf")])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["error"]["code"] == "file_not_found"


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert runner.invoke(app, ["analyze", "--format", "xml", str(tmp_path)]).exit_code == 2
    assert runner.invoke(app, ["analyze", str(tmp_path)]).exit_code == 2  # an empty folder
    assert runner.invoke(app, ["frobnicate"]).exit_code == 2


def test_table_format_is_readable(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    result = runner.invoke(app, ["analyze", str(tmp_path), "--format", "table"])
    assert result.exit_code == 0
    assert "a.txt" in result.stdout and "字" in result.stdout and "完整性得分" in result.stdout


def test_ocr_progress_is_shown_per_page(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Scans take seconds a page: `analyze` reports each OCR'd page on standard error."""
    import cli as cli_module

    def fake_analyze(path, res, progress=None):  # type: ignore[no-untyped-def]
        from pipeline.run import analyze_text

        for done in (1, 2, 3):
            progress(done, 3)
        return analyze_text(GOOD, name=str(path), resources=res)

    monkeypatch.setattr("pipeline.run.analyze_path", fake_analyze)
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4 stand-in")
    result = runner.invoke(cli_module.app, ["analyze", str(tmp_path / "scan.pdf"), "--format", "table"])
    assert result.exit_code == 0, result.output
    assert "OCR scan.pdf: page 3/3" in result.stderr


def test_files_that_are_not_reports_are_named_not_dropped(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "统计表.xlsx").write_bytes(b"PK\x03\x04")
    (tmp_path / "notes").write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["analyze", str(tmp_path)])
    assert result.exit_code == 0
    assert "2个文件未读取" in result.stderr and "统计表.xlsx" in result.stderr and "notes" in result.stderr


def test_no_model_runs_on_rules_and_a_missing_model_warns(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    rules = runner.invoke(app, ["analyze", str(tmp_path / "a.txt"), "--no-model"])
    assert rules.exit_code == 0 and json.loads(rules.stdout)["headings"][0]["category"] == "achievements"
    missing = runner.invoke(app, ["analyze", str(tmp_path / "a.txt"), "--model", str(tmp_path / "none.pkl.gz")])
    assert missing.exit_code == 0
    assert any("rules" in w for w in json.loads(missing.stdout)["warnings"])


def test_train_gold_must_be_a_folder(tmp_path: Path) -> None:
    (tmp_path / "dev").mkdir()
    result = CliRunner().invoke(app, ["train", "--dev", str(tmp_path / "dev"), "--gold", str(tmp_path / "nope")])
    assert result.exit_code == 2 and "not a folder of gold files" in result.output


def test_evaluate_perturb(tmp_path: Path) -> None:
    from tests.test_perturb import SAMPLE

    (tmp_path / "mc-qingshi-2024.json").write_text(json.dumps(SAMPLE, ensure_ascii=False), encoding="utf-8")
    one = runner.invoke(app, ["evaluate", str(tmp_path), "--perturb", "traditional", "--no-errors"])
    assert one.exit_code == 0, one.output
    assert "perturbation: traditional" in one.output and "quantity" in one.output
    table = runner.invoke(app, ["evaluate", str(tmp_path), "--perturb", "all"])
    assert table.exit_code == 0, table.output
    rows = [ln.split()[0] for ln in table.output.splitlines()[1:] if ln.strip()]
    assert rows[0] == "none" and "combined" in rows and "web_furniture" in rows
    bad = runner.invoke(app, ["evaluate", str(tmp_path), "--perturb", "nonsense"])
    assert bad.exit_code != 0 and "unknown perturbation" in bad.output
