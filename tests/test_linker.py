"""The learned indicator linker: decisions on fictional sentences, the lexicon as editable prior, tokens."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pipeline.linker import Tokens, candidate_features, context_features, load_linker
from pipeline.run import Resources, analyze_text


@pytest.fixture(scope="module")
def res() -> Resources:
    r = Resources()
    if r.linker is None:
        pytest.skip("no trained linker in models/")
    return r


# (sentence, [(number, indicator), ...]): written for these tests, fictional places and figures.
CASES = [
    ("全年召开党委会专题研究法治建设工作4次。", [("4", "rol_meetings")]),
    ("开展会前学法12次，组织干部职工参加法治培训3场，参训人员达150余人次。",
     [("12", "law_study_sessions"), ("3", "legal_training_sessions"), ("150", "training_participants")]),
    ("全镇共排查矛盾纠纷86件，成功化解81件，调解成功率94.2%。",
     [("86", "disputes_screened"), ("81", "disputes_resolved"), ("94.2", "mediation_success_rate")]),
    ("发放法治宣传资料3000余份，开展普法宣传活动15场。", [("3000", "publicity_materials"), ("15", "publicity_events")]),
    ("全镇9个村均配备法律顾问，共培养法律明白人45名。", [("9", "legal_advisers"), ("45", "legal_literates")]),
    ("全年对重大行政决策事项开展合法性审查17件。", [("17", "legality_reviews")]),
    ("全镇共有网格员120名。", [("120", "grid_workers")]),
    ("全年受理信访事项23件。", [("23", "petitions_handled")]),
]


@pytest.mark.parametrize(("sentence", "expected"), CASES)
def test_linker_on_fictional_sentences(res: Resources, sentence: str, expected: list[tuple[str, str]]) -> None:
    report = analyze_text(sentence, name="doc.txt", resources=res)
    assert [(m.number_text, m.indicator) for m in report.metrics] == expected


def test_a_county_cue_still_changes_the_result(res: Resources, tmp_path: Path) -> None:
    """The lexicon is the editable prior: a cue a county adds is followed by the model too."""
    sentence = "全年新建百姓说事点5个。"
    before = analyze_text(sentence, name="doc.txt", resources=res).metrics
    assert [m.indicator for m in before] == ["other"]
    packaged = Path(__file__).resolve().parents[1] / "pipeline" / "data" / "indicators.toml"
    text = packaged.read_text("utf-8")
    anchor = '[indicator.legal_service_points]'
    head, tail = text.split(anchor, 1)
    cues_at = tail.index("cues = [") + len("cues = [")
    county = tmp_path / "county.toml"
    county.write_text(head + anchor + tail[:cues_at] + '"百姓说事点", ' + tail[cues_at:], "utf-8")
    county_res = Resources(lexicon_path=county)
    after = analyze_text(sentence, name="doc.txt", resources=county_res).metrics
    assert [m.indicator for m in after] == ["legal_service_points"]


def test_unit_is_a_hard_constraint(res: Resources) -> None:
    """A head count is never linked to an indicator counted in events, whatever the words say."""
    report = analyze_text("举办法治讲座，参加人数500人次。", name="doc.txt", resources=res)
    (m,) = report.metrics
    assert m.indicator != "legal_training_sessions"
    assert res.lexicon.accepts(m.indicator, "人次") or m.indicator == "other"


@pytest.mark.parametrize(
    ("words", "start", "end", "expected"),
    [
        (["全年", "开展", "会前", "学法"], 0, 8, ["全年", "开展", "会前", "学法"]),
        (["全年", "开展", "会前", "学法"], 1, 5, ["年", "开展", "会"]),
        (["全年", " ", "开展"], 0, 5, ["全年", "开展"]),
        (["全年"], 2, 2, []),
    ],
)
def test_tokens_between(words: list[str], start: int, end: int, expected: list[str]) -> None:
    assert Tokens.from_words(words).between(start, end) == expected


def test_report_is_segmented_into_a_doc_with_span_groups(res: Resources) -> None:
    text = "青柳镇2024年法治政府建设情况报告\n一、主要举措和成效\n全年开展会前学法12次。\n二、存在的不足\n学法形式单一。"
    from pipeline.segment import report_doc

    report = analyze_text(text, name="doc.txt", resources=res)
    assert report.doc is None  # built on demand
    doc = report_doc(report, res.nlp)
    assert doc.text == report.norm and report_doc(report, res.nlp) is doc
    assert "".join(report.tokens.words) == report.norm
    assert [(s.text, s.label_) for s in doc.spans["headings"]] == [("一、主要举措和成效", "achievements"), ("二、存在的不足", "shortcomings")]
    assert [s.label_ for s in doc.spans["sections"]] == ["achievements", "shortcomings"]
    assert [(s.text, s.label_) for s in doc.spans["metrics"]] == [("12", "law_study_sessions")]
    assert "doc" not in report.to_dict() and "tokens" not in report.to_dict()


def test_candidate_features_share_evidence_across_indicators() -> None:
    from pipeline.linker import Context

    ctx = Context(
        unit="次", before=("开展", "学法"), after=(), noun="", rule="law_study_sessions", rule_cue="学法",
        strong_before=frozenset({"law_study_sessions"}), strong_after=frozenset(), weak=frozenset(),
        category="achievements", prev="", qualifier="exact", per=False,
    )
    chosen: Any = candidate_features(ctx, "law_study_sessions")
    other = candidate_features(ctx, "rol_meetings")
    assert {"is_rule", "strong_before"} <= set(chosen)
    assert not {"is_rule", "strong_before"} & set(other)
    assert "law_study_sessions|b=学法" in chosen and "rol_meetings|b=学法" in other
    assert set(context_features(ctx)) >= {"u=次", "b=学法", "b1=学法"}


def test_missing_linker_falls_back_to_rules_with_a_warning(tmp_path: Path) -> None:
    warnings: list[str] = []
    assert load_linker(tmp_path / "none.npz", warn=warnings.append) is None
    assert "lexicon rules alone" in warnings[0]
