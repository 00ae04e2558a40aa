"""Perturbations (pipeline.perturb): the gold stays true, the run is reproducible, and the
pipeline's figures hold up under each one on the dev corpus."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from pipeline.evaluate import evaluate_perturbed, perturbation_figures
from pipeline.perturb import COMBINED, PERTURBATIONS, locate, perturb_doc, perturbation_names
from pipeline.run import Resources

TITLE = "明川县青石镇人民政府关于2024年度法治政府建设情况的报告"
TEXT = (
    f"{TITLE}\n"
    "明川县人民政府：\n"
    "2024年，青石镇在明川县委、县政府的坚强领导下，深入推进法治政府建设，现将有关情况报告如下。\n"
    "一、主要举措和成效\n"
    "（一）强化组织领导。镇党委召开专题会议4次，研究部署法治政府建设工作，压实各方责任。\n"
    "（二）深化普法宣传。全年开展送法进村活动18场，发放宣传资料1200余份，覆盖柳溪村、云岭社区等12个村（社区）。\n"
    "二、存在的不足和原因\n"
    "部分干部运用法治思维解决问题的能力还不够强，基层执法力量较为薄弱，执法规范化水平有待提高。\n"
    "三、下一步工作安排\n"
    "青石镇将继续加强法治队伍建设，组织执法人员参加专题培训不少于3次，推动法治政府建设再上新台阶。\n"
)
GOLD: dict[str, Any] = {
    "is_report": True, "title": TITLE, "entity": "青石镇", "entity_full": "明川县青石镇人民政府", "county": "明川县",
    "level": "township", "year": 2024,
    "headings": [
        {"text": "一、主要举措和成效", "level": 1, "category": "achievements"},
        {"text": "（一）强化组织领导。", "level": 2, "category": "achievements"},
        {"text": "（二）深化普法宣传。", "level": 2, "category": "achievements"},
        {"text": "二、存在的不足和原因", "level": 1, "category": "shortcomings"},
        {"text": "三、下一步工作安排", "level": 1, "category": "plans"},
    ],
    "metrics": [
        {"quote": "召开专题会议4次", "number_text": "4", "value": 4, "unit": "次", "qualifier": "exact", "per": None, "indicator": "other"},
        {"quote": "开展送法进村活动18场", "number_text": "18", "value": 18, "unit": "场", "qualifier": "exact", "per": None, "indicator": "other"},
        {"quote": "发放宣传资料1200余份", "number_text": "1200", "value": 1200, "unit": "份", "qualifier": "more_than", "per": None, "indicator": "other"},
        {"quote": "12个村（社区）", "number_text": "12", "value": 12, "unit": "个", "qualifier": "exact", "per": None, "indicator": "other"},
        {"quote": "参加专题培训不少于3次", "number_text": "3", "value": 3, "unit": "次", "qualifier": "at_least", "per": None, "indicator": "other"},
    ],
}
SAMPLE: dict[str, Any] = {"id": "mc-qingshi-2024", "text": TEXT, "gold": GOLD}
NAMES = perturbation_names()


def _squash(s: str) -> str:
    return "".join(s.split())


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("seed", [0, 1, 7])
def test_gold_stays_true(name: str, seed: int) -> None:
    doc = perturb_doc(copy.deepcopy(SAMPLE), name, seed=seed)
    text, gold = doc["text"], doc["gold"]
    # The title, the names, every heading and every figure's quote still stand in the text
    # (whitespace and line breaks aside); the values do not change.
    for field in ("title", "entity", "entity_full", "county"):
        assert locate(text, gold[field]) is not None, (field, gold[field])
    pos = 0
    for h in gold["headings"]:
        span = locate(text, h["text"], pos)
        assert span is not None, h["text"]
        pos = span[1]
    for m in gold["metrics"]:
        assert locate(text, m["quote"]) is not None, m["quote"]
        assert m["value"] in {4, 18, 1200, 12, 3}
    assert gold["year"] == 2024 and gold["level"] == "township"
    assert SAMPLE["gold"] == GOLD  # the input is not changed


@pytest.mark.parametrize("name", NAMES)
def test_deterministic_for_a_seed(name: str) -> None:
    a = perturb_doc(SAMPLE, name, seed=3)
    b = perturb_doc(copy.deepcopy(SAMPLE), name, seed=3)
    assert a == b


@pytest.mark.parametrize("name", [p.name for p in PERTURBATIONS if p.name not in ("cut_off", "broken_title")])
def test_each_changes_the_text(name: str) -> None:
    assert perturb_doc(SAMPLE, name)["text"] != TEXT


def test_broken_title_breaks_the_title_line_only() -> None:
    doc = perturb_doc(SAMPLE, "broken_title")
    lines = doc["text"].split("\n")
    assert lines[0] != TITLE and _squash(lines[0] + lines[1]) == _squash(TITLE)
    assert lines[2:] == TEXT.split("\n")[1:]


def test_broken_title_leaves_a_report_without_title_alone() -> None:
    gold = {**GOLD, "title": None}
    assert perturb_doc({**SAMPLE, "gold": gold}, "broken_title")["text"] == TEXT


def test_traditional_converts_the_gold_names() -> None:
    gold = perturb_doc(SAMPLE, "traditional")["gold"]
    assert gold["entity"] == "青石鎮" and gold["county"] == "明川縣"
    assert gold["title"] == "明川縣青石鎮人民政府關於2024年度法治政府建設情況的報告"


def test_cut_off_drops_what_is_gone() -> None:
    text = TEXT + "\n".join(f"云岭街道第{i}项工作稳步推进，群众满意度持续提升，各项任务按期完成，取得良好成效。" for i in range(5))
    doc = perturb_doc({**SAMPLE, "text": text}, "cut_off", seed=2)
    assert len(doc["text"]) < len(text) and text.startswith(doc["text"])
    kept = doc["gold"]["metrics"]
    assert len(kept) < len(GOLD["metrics"]) or doc["text"].startswith(TEXT)
    for m in kept:  # each kept figure's quote, up to its measure word, is still there
        q = m["quote"]
        assert locate(doc["text"], q[: q.index(m["unit"], q.index(m["number_text"])) + len(m["unit"])]) is not None


def test_full_width_digits_keep_values() -> None:
    doc = perturb_doc(SAMPLE, "fullwidth_digits")
    assert "２０２４" in doc["text"] and doc["gold"]["title"].count("２０２４") == 1
    assert [m["value"] for m in doc["gold"]["metrics"]] == [4, 18, 1200, 12, 3]


def test_combined_applies_every_perturbation() -> None:
    assert COMBINED in NAMES
    text = perturb_doc(SAMPLE, COMBINED)["text"]
    assert "首頁" in text  # furniture first, then the whole page in traditional characters
    assert "２０２４" in text or "２０２５" in text
    assert "關於" in _squash(text)


# Largest drop of each figure under a perturbation, measured on the dev corpus after the
# fixes (the worst drop seen was 0.006 of entity, from the entity stage's traditional-text
# test); a larger drop is a regression in how the pipeline takes real copies.
MARGINS = {
    "is_report": 0.01, "title": 0.01, "entity": 0.01, "level": 0.01, "year": 0.01,
    "headings F1": 0.005, "quantity F1": 0.005, "indicator F1": 0.01,
}


def test_dev_corpus_holds_up_under_every_perturbation(dev_docs: list[dict[str, Any]], resources: Resources) -> None:
    rows = evaluate_perturbed(dev_docs, NAMES, resources=resources)
    base = perturbation_figures(rows[0][1])
    failures = []
    for name, card in rows[1:]:
        figs = perturbation_figures(card)
        for head, margin in MARGINS.items():
            if base[head] is not None and figs[head] is not None and figs[head] < base[head] - margin:
                failures.append(f"{name}: {head} {figs[head]:.3f} < {base[head]:.3f} - {margin}")
    assert not failures, failures
