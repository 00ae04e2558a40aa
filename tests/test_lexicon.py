"""The indicator lexicon (data/indicators.toml or a reviewer's copy): loading, validation, sharing."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import ConfigError
from pipeline.indicators import extract_metrics
from pipeline.lexicon import INDICATOR_IDS, load_lexicon
from pipeline.normalise import normalise
from pipeline.types import Report


def test_lexicon_covers_every_indicator() -> None:
    lex = load_lexicon()
    assert set(lex.indicators) == set(INDICATOR_IDS) - {"other"}
    for ind in lex.indicators.values():
        assert ind.units and ind.cues and ind.direction in ("up", "down", "context")


GOOD_ROW = """
[indicator.publicity_events]
name = "普法宣传活动"
units = ["次", "场"]
direction = "up"
cues = ["普法宣传", "法治赶集"]
"""


def test_custom_lexicon_extends_cues(tmp_path: Path) -> None:
    path = tmp_path / "lex.toml"
    path.write_text(GOOD_ROW, "utf-8")
    norm = normalise("开展法治赶集3场。")
    report = Report(source="t.txt", text="开展法治赶集3场。", norm=norm.text, norm_map=norm.offsets)
    extract_metrics(report, load_lexicon(path))
    assert [(m.indicator, m.value) for m in report.metrics] == [("publicity_events", 3)]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("[indicator.publicity_events\nname = 1", "malformed TOML"),
        ('version = 1\n', "no [indicator"),
        (GOOD_ROW.replace("publicity_events", "made_up_id"), "unknown indicator id"),
        (GOOD_ROW.replace('direction = "up"', 'direction = "sideways"'), "direction"),
        (GOOD_ROW.replace('units = ["次", "场"]', "units = []"), "units"),
        (GOOD_ROW.replace('cues = ["普法宣传", "法治赶集"]', 'cues = "普法"'), "cues"),
        (GOOD_ROW + 'colour = "red"\n', "unknown field"),
    ],
)
def test_bad_lexicon_raises_config_error(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(content, "utf-8")
    with pytest.raises(ConfigError) as err:
        load_lexicon(path)
    assert problem in str(err.value) and "bad.toml" in str(err.value)


def test_missing_lexicon_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_lexicon(tmp_path / "absent.toml")


def test_loaded_lexicon_is_read_only() -> None:
    lexicon = load_lexicon()
    with pytest.raises(TypeError):
        lexicon.indicators["other"] = lexicon.indicators["legal_aid_cases"]  # type: ignore[index]
    cues = next(iter(lexicon.by_unit.values()))
    with pytest.raises(TypeError):
        cues.strong_map["法律援助"] = ("legal_aid_cases",)  # type: ignore[index]
    assert load_lexicon() is lexicon  # the cached one is shared, hence read-only
