"""Indicator linking and the metrics stage: phrases written for the project (fictional 明川县)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from pipeline.errors import ConfigError
from pipeline.indicators import INDICATOR_IDS, extract_metrics, load_lexicon
from pipeline.nlp import JiebaTokenizer
from pipeline.normalise import normalise, to_simplified
from pipeline.types import Paragraph, Report


class CharTokenizer:
    """Any object with .cut works; characters are the worst case."""

    def cut(self, text: str) -> list[str]:
        return list(text)


def make_report(text: str, paragraphs: list[Paragraph] | None = None) -> Report:
    norm = normalise(text)
    return Report(source="t.txt", text=text, norm=norm.text, norm_map=norm.offsets, paragraphs=paragraphs or [])


def metrics_of(text: str) -> list[tuple[str, int | float, str]]:
    report = make_report(text)
    extract_metrics(report, load_lexicon(), CharTokenizer())
    return [(m.indicator, m.value, m.unit) for m in report.metrics]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("青石镇全年开展会前学法12次。", [("law_study_sessions", 12, "次")]),
        ("镇党委理论学习中心组开展法治专题学习6次。", [("central_group_study", 6, "次")]),
        ("全年召开党委会专题研究法治建设工作4次。", [("rol_meetings", 4, "次")]),
        (
            "举办法治讲座3场，覆盖干部职工260余人次。",
            [("legal_training_sessions", 3, "场"), ("training_participants", 260, "人次")],
        ),
        ("干部职工参加学法考试，参考率、合格率均达100%。", [("legal_exam_rate", 100, "%")]),
        ("组织干部旁听庭审2次。", [("warning_education_sessions", 2, "次")]),
        ("全年完成合法性审查事项15件。", [("legality_reviews", 15, "件")]),
        ("报备行政规范性文件3件。", [("normative_documents", 3, "件")]),
        ("全镇聘请法律顾问2名。", [("legal_advisers", 2, "名")]),
        ("全镇共有18名执法人员取得行政执法证。", [("certified_enforcement_staff", 18, "名")]),
        ("办理行政处罚案件35件。", [("enforcement_cases", 35, "件")]),
        ("开展联合执法检查20次。", [("enforcement_inspections", 20, "次")]),
        ("收缴罚没款1.5万元。", [("penalty_amount", 1.5, "万元")]),
        ("办理行政复议案件2件。", [("admin_reconsideration_cases", 2, "件")]),
        ("办理行政应诉案件3件。", [("admin_litigation_cases", 3, "件")]),
        ("行政机关负责人出庭应诉率100%。", [("head_court_appearance_rate", 100, "%")]),
        ("主动公开政府信息156条。", [("gov_info_disclosures", 156, "条")]),
        ("全镇建成调解室9个。", [("mediation_organizations", 9, "个")]),
        (
            "排查矛盾纠纷120件，化解115件，调解成功率95.8%。",
            [("disputes_screened", 120, "件"), ("disputes_resolved", 115, "件"), ("mediation_success_rate", 95.8, "%")],
        ),
        ("受理信访事项14件。", [("petitions_handled", 14, "件")]),
        ("办理12345热线工单230件。", [("hotline_requests", 230, "件")]),
        ("组织队员开展治安巡逻150次。", [("security_patrols", 150, "次")]),
        ("全镇配备专职网格员46名。", [("grid_workers", 46, "名")]),
        ("建成公共法律服务工作站1个。", [("legal_service_points", 1, "个")]),
        ("为群众提供法律咨询320人次。", [("legal_consultations", 320, "人次")]),
        ("办理法律援助案件8件。", [("legal_aid_cases", 8, "件")]),
        ("在册社区矫正对象11人。", [("community_corrections", 11, "人")]),
        ("开展普法宣传活动24场。", [("publicity_events", 24, "场")]),
        (
            "发放宣传资料5000余份，受教育群众8000余人次。",
            [("publicity_materials", 5000, "份"), ("publicity_reach", 8000, "人次")],
        ),
        ("培育法律明白人42名。", [("legal_literates", 42, "名")]),
        ("全镇共有42名法律明白人。", [("legal_literates", 42, "名")]),
        ("成功创建民主法治示范村2个。", [("demonstration_villages", 2, "个")]),
        ("评选学法用法示范户15户。", [("model_households", 15, "户")]),
        ("公共法律服务工作室覆盖全镇9个村。", [("legal_service_points", 9, "个")]),
        ("法治文化阵地覆盖9个村。", [("other", 9, "个")]),
        ("行政执法人员持证率100%。", [("other", 100, "%")]),
        ("信访总量同比下降28.5%。", [("other", 28.5, "%")]),
        (
            "全年录入执法案件40件，其中普通程序5件，简易程序35件。",
            [("enforcement_cases", 40, "件"), ("enforcement_cases", 5, "件"), ("enforcement_cases", 35, "件")],
        ),
        ("召开法治专题培训会，机关干部等40余人参加。", [("training_participants", 40, "人")]),
        ("主動公開政府信息88條。", [("gov_info_disclosures", 88, "條")]),
        (
            "开展法治文艺演出3场，观看群众1500余人。",
            [("publicity_events", 3, "场"), ("publicity_reach", 1500, "人")],
        ),
        ("对辖区企业开展执法检查86家次。", [("enforcement_inspections", 86, "家次")]),
        ("化解信访积案6件。", [("petitions_handled", 6, "件")]),
        (
            "全年审查合同18份，出具法律意见书6份。",
            [("legality_reviews", 18, "份"), ("other", 6, "份")],
        ),
        (
            "开展夜间巡逻120余次，出动巡防人员600余人次。",
            [("security_patrols", 120, "次"), ("security_patrols", 600, "人次")],
        ),
    ],
)
def test_indicator_table(text: str, expected: list[tuple[str, int | float, str]]) -> None:
    assert metrics_of(text) == expected


def test_lexicon_covers_every_indicator() -> None:
    lex = load_lexicon()
    assert set(lex.indicators) == set(INDICATOR_IDS) - {"other"}
    for ind in lex.indicators.values():
        assert ind.units and ind.cues and ind.direction in ("up", "down", "context")


def test_metric_fields_offsets_and_category() -> None:
    text = "一、主要成效\n柳溪鄉全年開展會前學法１２次，法律明白人每个村已配备3人。\n二、下一步打算\n计划举办法治讲座4场。"
    body = text.index("柳溪")
    plans = text.index("计划")
    paragraphs = [
        Paragraph(text=text[body : text.index("\n二")], start=body, end=text.index("\n二"), category="achievements"),
        Paragraph(text=text[plans:], start=plans, end=len(text), category="plans"),
    ]
    report = make_report(text, paragraphs)
    extract_metrics(report, load_lexicon(), CharTokenizer())
    first, per, plan = report.metrics
    assert (first.indicator, first.value, first.unit, first.number_text) == ("law_study_sessions", 12, "次", "１２")
    assert text[first.start : first.end] == "１２"
    assert first.quote in text and "１２次" in first.quote and "學法" in first.quote
    assert first.sentence.startswith("柳溪鄉") and first.category == "achievements"
    assert (per.indicator, per.value, per.unit, per.per) == ("legal_literates", 3, "人", "村")
    assert plan.category == "plans" and isinstance(plan.value, int)


def test_placeholders_become_defects() -> None:
    report = make_report("全年开展法治讲座*次，发放资料XX份。")
    extract_metrics(report, load_lexicon(), CharTokenizer())
    assert report.metrics == []
    assert [(d["kind"], d["text"]) for d in report.defects] == [("placeholder", "*次"), ("placeholder", "XX份")]
    d = report.defects[0]
    assert report.text[d["start"] : d["end"]] == "*次" and "法治讲座" in d["sentence"]


def test_any_tokenizer_gives_the_same_links() -> None:
    text = "全镇共有28个法律明白人，7个村级调委会参与化解纠纷。"
    results = []
    for tok in (None, CharTokenizer(), JiebaTokenizer()):
        report = make_report(text)
        extract_metrics(report, load_lexicon(), tok, use_tokenizer=tok is not None)
        results.append([(m.indicator, m.value, m.quote) for m in report.metrics])
    assert results[0] == results[1] == results[2]
    assert [r[:2] for r in results[0]] == [("legal_literates", 28), ("mediation_organizations", 7)]


# --- the lexicon file ---------------------------------------------------------

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
    report = make_report("开展法治赶集3场。")
    extract_metrics(report, load_lexicon(path), CharTokenizer())
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


# --- the dev corpus -----------------------------------------------------------


def _key(value: Any, unit: str) -> tuple[float, str]:
    return round(float(value), 4), to_simplified(unit)


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / max(1, 2 * tp + fp + fn)


@pytest.mark.slow
def test_dev_corpus_targets(dev_docs: list[dict[str, Any]]) -> None:
    lex = load_lexicon()
    tok = JiebaTokenizer()
    counts = Counter()
    seed_ok = None
    for doc in dev_docs:
        gold = doc["gold"]
        if not gold.get("is_report"):
            continue
        report = make_report(doc["text"])
        extract_metrics(report, lex, tok)
        g = gold.get("metrics") or []
        pairs = {
            "q": (Counter(_key(m["value"], m["unit"]) for m in g), Counter(_key(m.value, m.unit) for m in report.metrics)),
            "l": (
                Counter((*_key(m["value"], m["unit"]), m["qualifier"]) for m in g),
                Counter((*_key(m.value, m.unit), m.qualifier) for m in report.metrics),
            ),
            "i": (
                Counter((m["indicator"], *_key(m["value"], m["unit"])) for m in g if m["indicator"] != "other"),
                Counter((m.indicator, *_key(m.value, m.unit)) for m in report.metrics if m.indicator != "other"),
            ),
        }
        for name, (want, got) in pairs.items():
            counts[name + "tp"] += sum((want & got).values())
            counts[name + "fp"] += sum((got - want).values())
            counts[name + "fn"] += sum((want - got).values())
        if doc["id"].startswith("seed-"):
            want_all = Counter((m["indicator"], *_key(m["value"], m["unit"])) for m in g)
            got_all = Counter((m.indicator, *_key(m.value, m.unit)) for m in report.metrics)
            seed_ok = not (want_all - got_all)
    scores = {n: _f1(counts[n + "tp"], counts[n + "fp"], counts[n + "fn"]) for n in "qli"}
    assert scores["q"] >= 0.95, scores
    assert scores["l"] >= 0.93, scores
    assert scores["i"] >= 0.90, scores
    assert seed_ok is not False, "a gold metric of the seed report was missed or mislinked"


def test_loaded_lexicon_is_read_only() -> None:
    from pipeline.indicators import load_lexicon

    lexicon = load_lexicon()
    with pytest.raises(TypeError):
        lexicon.indicators["other"] = lexicon.indicators["legal_aid_cases"]  # type: ignore[index]
    cues = next(iter(lexicon.by_unit.values()))
    with pytest.raises(TypeError):
        cues.strong_map["法律援助"] = ("legal_aid_cases",)  # type: ignore[index]
    assert load_lexicon() is lexicon  # the cached one is shared, hence read-only
