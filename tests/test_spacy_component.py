"""The metrics as a spaCy component in a user's own blank ``zh`` pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest

spacy = pytest.importorskip("spacy")

import pipeline.spacy_component  # noqa: E402,F401  (registers the factory)
from pipeline.spacy_component import FACTORY  # noqa: E402


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    nlp = spacy.blank("zh")
    nlp.add_pipe(FACTORY)
    return nlp


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "云岭街道全年开展会前学法12次，发放宣传资料3000余份。",
            [
                ("12次", "law_study_sessions", 12, "次", "exact", None),
                ("3000余份", "publicity_materials", 3000, "份", "more_than", None),
            ],
        ),
        ("“法治明川”平台推广已近2000人。", [("近2000人", "publicity_reach", 2000, "人", "nearly", None)]),
        ("法律明白人每个村已配备3人。", [("3人", "legal_literates", 3, "人", "exact", "村")]),
        ("柳溪鄉主動公開政府信息８８條。", [("８８條", "gov_info_disclosures", 88, "條", "exact", None)]),
        ("2025年，青石镇落实“一村一法律顾问”制度。", []),
    ],
)
def test_spans_with_attributes(nlp, text: str, expected: list[tuple]) -> None:  # type: ignore[no-untyped-def]
    doc = nlp(text)
    got = [(s.text, s.label_, s._.value, s._.unit, s._.qualifier, s._.per) for s in doc.spans["metrics"]]
    assert got == expected
    assert all(s._.indicator == s.label_ for s in doc.spans["metrics"])


def test_placeholders_are_listed(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("全年开展法治讲座*次。")
    assert list(doc.spans["metrics"]) == []
    assert [d["text"] for d in doc._.metric_defects] == ["*次"]


def test_config_lexicon_path_and_span_key(tmp_path: Path) -> None:
    lex = tmp_path / "lex.toml"
    lex.write_text(
        '[indicator.publicity_events]\nname = "普法宣传活动"\nunits = ["场"]\ndirection = "up"\ncues = ["法治赶集"]\n',
        "utf-8",
    )
    nlp = spacy.blank("zh")
    nlp.add_pipe(FACTORY, config={"lexicon_path": str(lex), "span_key": "govreport"})
    doc = nlp("开展法治赶集3场。")
    assert [(s.text, s.label_) for s in doc.spans["govreport"]] == [("3场", "publicity_events")]
