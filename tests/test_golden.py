"""Golden end-to-end test: `govreport analyze` on a project-written report, checked field by field.

The fixture (tests/data/golden/) is a fictional township report annotated by
hand under gold-format.md. Quotes are matched by overlap, since where a quote
starts is a judgement call; everything else must match exactly.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app

GOLDEN = Path(__file__).resolve().parent / "data" / "golden"


@pytest.fixture(scope="module")
def result() -> tuple[dict, dict]:
    expected = json.loads((GOLDEN / "songlin-2024.json").read_text("utf-8"))
    run = CliRunner().invoke(app, ["analyze", str(GOLDEN / "songlin-2024.txt"), "--format", "json"])
    assert run.exit_code == 0, run.output
    (record,) = [json.loads(line) for line in run.stdout.splitlines() if line.strip()]
    return record, expected


def test_text_is_the_file(result: tuple[dict, dict]) -> None:
    record, expected = result
    assert record["status"] == "ok"
    assert record["text"] == expected["text"]


@pytest.mark.parametrize("field", ["is_report", "title", "entity", "entity_full", "county", "level", "year"])
def test_metadata(result: tuple[dict, dict], field: str) -> None:
    record, expected = result
    assert record[field] == expected["gold"][field]


def test_headings(result: tuple[dict, dict]) -> None:
    record, expected = result
    got = [(h["text"], h["level"], h["category"]) for h in record["headings"]]
    want = [(h["text"], h["level"], h["category"]) for h in expected["gold"]["headings"]]
    assert got == want


def test_metrics(result: tuple[dict, dict]) -> None:
    record, expected = result
    fields = ("value", "unit", "qualifier", "per", "indicator")
    got = Counter(tuple(m[f] for f in fields) for m in record["metrics"])
    want = Counter(tuple(m[f] for f in fields) for m in expected["gold"]["metrics"])
    assert got == want


def test_metric_evidence_points_into_the_text(result: tuple[dict, dict]) -> None:
    record, expected = result
    text = record["text"]
    gold_quotes = [m["quote"] for m in expected["gold"]["metrics"]]
    for m in record["metrics"]:
        assert m["quote"] in text and m["quote"] in m["sentence"]
        number = text[m["start"]:m["end"]]
        assert number and number in m["quote"]
        # the quote overlaps the hand-made one that holds the same number
        assert any(number in q and (q in m["quote"] or m["quote"] in q or q[-4:] in m["quote"]) for q in gold_quotes), m


def test_completeness_verdict(result: tuple[dict, dict]) -> None:
    record, _ = result
    comp = record["completeness"]
    assert comp is not None and comp["missing"] == []
    assert 0.0 < comp["score"] <= 1.0 and comp["summary"]
