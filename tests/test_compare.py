"""Comparison: one value per report and indicator, year-on-year change, ranks among peers, gaps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pipeline.compare import (
    CompareRow,
    _rank,
    cell_text,
    combine,
    compare,
    compare_store,
    format_tables,
    indicator_catalogue,
    parse_years,
)
from pipeline.store import Store
from tests.test_store import make_record, put


def m(value: float, unit: str = "次", qualifier: str = "exact", per: str | None = None) -> dict[str, Any]:
    return {"value": value, "unit": unit, "qualifier": qualifier, "per": per, "quote": f"开展{value:g}{unit}"}


@pytest.mark.parametrize(
    ("metrics", "value", "unit", "rule"),
    [
        ([m(12)], 12, "次", "single"),
        ([m(12), m(12)], 12, "次", "single"),  # the same figure restated
        ([m(30, "场"), m(12, "场"), m(8, "次")], 30, "次", "total"),  # a total and its parts; 场 counts as 次
        ([m(4), m(9), m(6)], 19, "次", "sum"),  # distinct activities
        ([m(4), m(9), m(6), m(9)], 19, "次", "sum"),  # a repeated part counts once
        ([m(98.5, "%"), m(100, "%")], 100, "%", "max"),  # rates are never added
        ([m(1.2, "万元"), m(3000, "元")], 12000, "元", "total"),  # scaled units are converted
        ([m(5, "次"), m(4, "次"), m(3, "件"), m(6, "次")], 15, "次", "sum; other units left out"),
        ([m(3, "件"), m(5, "次")], 3, "件", "single; other units left out"),  # tie: the report's first unit
        ([m(12, "名"), m(12, "人")], 12, "人", "single"),  # 名 and 人 count the same people
    ],
)
def test_combine(metrics: list[dict[str, Any]], value: float, unit: str, rule: str) -> None:
    got = combine(metrics)
    assert got is not None
    assert (got.value, got.unit, got.rule) == (value, unit, rule)


def test_combine_marks_approximate_values_and_ignores_empty() -> None:
    got = combine([m(20, qualifier="more_than"), m(5)])
    assert got is not None and got.approx and got.value == 20
    assert combine([]) is None


@pytest.mark.parametrize(
    ("spec", "expected"),
    [(None, None), ("2023-2024", (2023, 2024)), ("2024", (2024, 2024)), ("2022–2024", (2022, 2024))],
)
def test_parse_years(spec: str | None, expected: tuple[int, int] | None) -> None:
    assert parse_years(spec) == expected


@pytest.mark.parametrize("spec", ["2024-2023", "二〇二四", "2022-2023-2024", "x-2024"])
def test_parse_years_refuses(spec: str) -> None:
    with pytest.raises(ValueError):
        parse_years(spec)


def _store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "g.db")
    put(s, make_record("青石镇", 2023, [("law_study_sessions", 10, "次"), ("enforcement_cases", 25, "件")]))
    put(s, make_record("青石镇", 2024, [("law_study_sessions", 12, "次"), ("law_study_sessions", 4, "次"),
                                        ("enforcement_cases", 31, "件")]))
    put(s, make_record("柳溪乡", 2023, [("law_study_sessions", 8, "次")]))
    # 柳溪乡 2024 states no law study figure, only a plan and an unlinked quantity
    put(s, make_record("柳溪乡", 2024, [("other", 7, "个")]))
    put(s, make_record("柳溪乡", 2024, [("law_study_sessions", 30, "次")], category="plans", salt="plan",
                       score=0.1))
    put(s, make_record("云岭街道", 2024, [("law_study_sessions", 16, "次"), ("enforcement_cases", 44, "件")]))
    put(s, make_record("松山乡", 2024, [("law_study_sessions", 9, "次")]))
    # another county: its own peers
    put(s, make_record("白沙镇", 2024, [("law_study_sessions", 99, "次")], county="东岳县"))
    # a county-level report is not a township peer
    put(s, make_record("明川县", 2024, [("law_study_sessions", 50, "次")], level="county"))
    return s


def _row(rows: list[CompareRow], ind: str, town: str, year: int) -> CompareRow:
    (row,) = [r for r in rows if (r.indicator, r.township, r.year) == (ind, town, year)]
    return row


def test_compare_values_changes_ranks_and_gaps(tmp_path: Path) -> None:
    with _store(tmp_path) as s:
        rows = compare_store(s)
    assert {r.indicator for r in rows} == {"law_study_sessions", "enforcement_cases"}  # `other` never compared
    assert all(r.level == "township" for r in rows)

    q24 = _row(rows, "law_study_sessions", "青石镇", 2024)
    assert (q24.status, q24.value, q24.rule) == ("reported", 12, "total")
    assert (q24.previous, q24.change, q24.change_pct) == (10, 2, 20.0)
    assert (q24.rank, q24.peers) == (2, 3)  # 云岭街道 16 is first, 松山乡 9 third; 白沙镇 is in another county
    assert _row(rows, "law_study_sessions", "云岭街道", 2024).rank == 1
    # fewer than three peers: no rank (#1/1 and #2/2 say nothing)
    assert _row(rows, "law_study_sessions", "白沙镇", 2024).rank is None
    assert _row(rows, "law_study_sessions", "柳溪乡", 2023).rank is None

    # the plan figure is not a result, and the better-scored report of 柳溪乡 2024 is the one used
    gap = _row(rows, "law_study_sessions", "柳溪乡", 2024)
    assert (gap.status, gap.value) == ("not_stated", None)
    assert _row(rows, "law_study_sessions", "云岭街道", 2023).status == "no_report"

    cases = _row(rows, "enforcement_cases", "青石镇", 2024)
    assert (cases.change, cases.rank) == (6, None)  # "~": context only, never ranked


def test_compare_filters(tmp_path: Path) -> None:
    with _store(tmp_path) as s:
        rows = compare_store(s, indicators=["enforcement_cases"], years=(2024, 2024))
        assert {(r.indicator, r.year) for r in rows} == {("enforcement_cases", 2024)}
        assert _row(rows, "enforcement_cases", "青石镇", 2024).previous is None  # 2023 is outside the range
        county = compare_store(s, level="county")
        assert {(r.township, r.value) for r in county} == {("明川县", 50)}
        both = compare_store(s, level=None)
        assert {r.level for r in both} == {"township", "county"}


def test_missing_county_is_the_only_county_named(tmp_path: Path) -> None:
    docs = [
        {"sha256": "a", "status": "ok", "entity": "青石镇", "county": "明川县", "level": "township", "year": 2024, "sources": ["a"]},
        {"sha256": "b", "status": "ok", "entity": "柳溪乡", "county": None, "level": "township", "year": 2024, "sources": ["b"]},
    ]
    docs.append({**docs[1], "sha256": "d", "entity": "松山乡", "sources": ["d"]})
    metrics = [{"sha256": k, "indicator": "publicity_events", "value": v, "unit": "场", "category": "achievements"}
               for k, v in (("a", 10), ("b", 20), ("d", 5))]
    rows = compare(docs, metrics)
    assert {(r.township, r.county, r.rank) for r in rows} == {
        ("青石镇", "明川县", 2), ("柳溪乡", "明川县", 1), ("松山乡", "明川县", 3)}
    docs.append({**docs[0], "sha256": "c", "entity": "白沙镇", "county": "东岳县", "sources": ["c"]})
    rows = compare(docs, metrics)
    assert {r.county for r in rows} == {"明川县", "东岳县", ""}  # two counties: no guessing
    # an unknown county is no peer group: its two townships are not ranked against each other
    assert {(r.township, r.rank) for r in rows if r.county == ""} == {("柳溪乡", None), ("松山乡", None)}


def test_a_total_wins_over_a_per_unit_figure() -> None:
    per = {**m(4, "名", per="村"), "value_text": "4名"}
    total = {**m(28, "名"), "value_text": "28名"}
    got = combine([per, total])
    assert got is not None and (got.value, got.per) == (28, None)
    got = combine([total, per])  # whatever the order
    assert got is not None and (got.value, got.per) == (28, None)
    only = combine([per])  # no total: the per-unit figure, marked as such
    assert only is not None and (only.value, only.per, only.value_text) == (4, "村", "4")


def _peers(values: dict[str, list[dict[str, Any]]], county: str | None = "明川县") -> list[CompareRow]:
    docs = [{"sha256": t, "status": "ok", "is_report": 1, "entity": t, "county": county, "level": "township",
             "year": 2024, "sources": [t]} for t in values]
    metrics = [{**x, "sha256": t, "indicator": "legal_literates", "category": "achievements"}
               for t, xs in values.items() for x in xs]
    return compare(docs, metrics)


def test_compare_never_ranks_a_per_unit_value_and_prints_it_as_such() -> None:
    rows = _peers({
        "青石镇": [{**m(4, "名", per="村"), "value_text": "4名"}, {**m(28, "名"), "value_text": "28名"}],
        "柳溪乡": [{**m(3, "名", per="村"), "value_text": "3名"}],  # no total
        "云岭街道": [{**m(40, "名"), "value_text": "40名"}],
        "松山乡": [{**m(20, "名", qualifier="more_than"), "value_text": "20余名"}],
    })
    by = {r.township: r for r in rows}
    assert (by["青石镇"].value, by["青石镇"].rank, by["青石镇"].peers) == (28, 2, 3)
    assert (by["柳溪乡"].value, by["柳溪乡"].per, by["柳溪乡"].rank) == (3, "村", None)
    assert cell_text(by["柳溪乡"]) == "每村3"
    assert cell_text(by["松山乡"]) == "20余 第3/3名"  # as written, not ≈20
    assert cell_text(by["松山乡"], "en") == "20余 #3/3"


@pytest.mark.parametrize("county", ["明川县", None])
def test_no_rank_with_fewer_than_three_peers(county: str | None) -> None:
    two = _peers({"青石镇": [m(5, "名")], "柳溪乡": [m(9, "名")]}, county)
    assert [r.rank for r in two] == [None, None]
    three = _peers({"青石镇": [m(5, "名")], "柳溪乡": [m(9, "名")], "云岭街道": [m(7, "名")]}, county)
    # a single unknown county is taken as the batch's county only when some report names one
    assert sorted(r.rank or 0 for r in three) == ([1, 2, 3] if county else [0, 0, 0])


@pytest.mark.parametrize(
    ("direction", "values", "ranks"),
    [
        ("↑", [5, 9, 9, 1], [3, 1, 1, 4]),
        ("↓", [5, 9, 9, 1], [2, 3, 3, 1]),
    ],
)
def test_rank_direction_and_ties(direction: str, values: list[float], ranks: list[int]) -> None:
    rows = [CompareRow("x", "x", direction, "明川县", "township", f"镇{i}", 2024, "reported", value=v, unit="次")
            for i, v in enumerate(values)]
    _rank(rows)
    assert [r.rank for r in rows] == ranks and {r.peers for r in rows} == {4}


def test_catalogue_reads_the_lexicon_file(tmp_path: Path) -> None:
    from importlib import resources

    packaged = resources.files("pipeline").joinpath("data/indicators.toml").read_text("utf-8")
    lex = tmp_path / "indicators.toml"
    # A county's copy renames one indicator and marks another "fewer is better".
    lex.write_text(packaged.replace('name = "会前学法、集体学法、专题学法"', 'name = "学法次数"')
                   .replace('[indicator.petitions_handled]\nname = "信访事项"\nunits = ["件", "批", "人次"]\ndirection = "context"',
                            '[indicator.petitions_handled]\nname = "信访事项"\nunits = ["件", "批", "人次"]\ndirection = "down"'),
                   "utf-8")
    cat = indicator_catalogue(lex)
    assert (cat["law_study_sessions"].name, cat["law_study_sessions"].direction) == ("学法次数", "↑")
    assert cat["petitions_handled"].direction == "↓"
    assert cat["enforcement_cases"].direction == "~"
    assert indicator_catalogue(tmp_path / "absent.toml")["publicity_events"].name == "普法宣传活动"  # taxonomy fallback


def test_format_tables(tmp_path: Path) -> None:
    with _store(tmp_path) as s:
        rows = compare_store(s, indicators=["law_study_sessions"])
    zh = format_tables(rows)
    assert "会前学法、集体学法、专题学法（law_study_sessions）  ↑  [次]  — 明川县 乡镇" in zh
    assert "  乡镇 " in zh and "12 (+2, +20%) 第2/3名" in zh and "— 未提及" in zh and "· 未报送" in zh
    en = format_tables(rows, "en")
    assert "law_study_sessions  会前学法、集体学法、专题学法  ↑  [次]  — 明川县 township" in en
    assert "12 (+2, +20%) #2/3" in en and "— not stated" in en and "· no report" in en
    assert format_tables([]).startswith("没有可比的指标")
    assert format_tables([], "en").startswith("no comparable metrics")


def test_indicator_catalogue_is_read_only() -> None:
    from pipeline.compare import indicator_catalogue

    catalogue = indicator_catalogue()
    with pytest.raises(TypeError):
        catalogue["legal_aid_cases"] = catalogue["petitions_handled"]  # type: ignore[index]
