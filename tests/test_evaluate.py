"""evaluate: the scorecard's matching rules, and render parity on the real corpus."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipeline.errors import GoldFormatError
from pipeline.evaluate import evaluate_dir, evaluate_docs, format_scorecard, load_gold
from pipeline.run import Resources

TEXT = (
    "柳溪乡人民政府关于2024年法治政府建设情况的报告\n"
    "一、主要举措和成效\n"
    "全年开展会前学法12次，化解矛盾纠纷86件。\n"
    "二、存在的不足和原因\n"
    "部分干部法治意识不强，原因是培训不够。\n"
)


def _doc(**gold: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "is_report": True, "title": "柳溪乡人民政府关于2024年法治政府建设情况的报告", "entity": "柳溪乡",
        "entity_full": "柳溪乡人民政府", "county": None, "level": "township", "year": 2024,
        "headings": [
            {"text": "一、主要举措和成效", "level": 1, "category": "achievements"},
            {"text": "二、存在的不足和原因", "level": 1, "category": "shortcomings"},
        ],
        "metrics": [
            {"quote": "开展会前学法12次", "number_text": "12", "value": 12, "unit": "次", "qualifier": "exact", "per": None, "indicator": "law_study_sessions"},
            {"quote": "化解矛盾纠纷86件", "number_text": "86", "value": 86, "unit": "件", "qualifier": "exact", "per": None, "indicator": "disputes_resolved"},
        ],
    }
    base.update(gold)
    return {"id": "t", "text": TEXT, "gold": base}


@pytest.fixture(scope="module")
def res() -> Resources:
    return Resources()


def test_perfect_gold_scores_high(res: Resources) -> None:
    card = evaluate_docs([_doc()], resources=res)
    assert card["quantity"]["f1"] == 1.0
    assert card["headings"]["f1"] == 1.0


@pytest.mark.parametrize(
    ("gold", "score", "expected"),
    [
        ({"year": 2023}, ("accuracy", "year"), 0.0),  # a wrong gold year is an error of the run
        ({"metrics": []}, ("quantity", "precision"), 0.0),  # everything found is spurious
        ({"headings": [{"text": "一、主要举措和成效", "level": 2, "category": "achievements"}]}, ("headings", "recall"), 0.0),  # level must match
    ],
)
def test_mismatches_are_counted(res: Resources, gold: dict[str, Any], score: tuple[str, str], expected: float) -> None:
    card = evaluate_docs([_doc(**gold)], resources=res)
    assert card[score[0]][score[1]] == expected
    assert card["errors"]["t"]  # and listed


def test_scorecard_lists_errors(res: Resources) -> None:
    card = evaluate_docs([_doc(year=2023)], resources=res)
    text = format_scorecard(card)
    assert "year: got 2024, want 2023" in text


def test_bad_gold_file(tmp_path: Path) -> None:
    bad = tmp_path / "x.json"
    bad.write_text(json.dumps({"text": "x"}), encoding="utf-8")
    with pytest.raises(GoldFormatError):
        load_gold(bad)
    with pytest.raises(GoldFormatError):
        evaluate_dir(tmp_path / "empty")


@pytest.mark.slow
@pytest.mark.parametrize("render", ["docx", "pdf"])
def test_renderings_score_like_text(dev_docs: list[dict[str, Any]], res: Resources, render: str) -> None:
    """The same figures hold when the dev texts are fed as DOCX and PDF (issue 3 and 4: within 0.02)."""
    pytest.importorskip("reportlab")
    base = evaluate_docs(dev_docs, resources=res)
    other = evaluate_docs(dev_docs, render=render, resources=res)
    for field in ("title", "entity", "year", "level", "is_report", "heading_category", "top_heading_category"):
        assert other["accuracy"][field] >= base["accuracy"][field] - 0.02, field
    for name in ("headings", "quantity", "qualifier", "indicator"):
        assert other[name]["f1"] >= base[name]["f1"] - 0.02, name
