"""Section categories: keyword rules, the trained model, and their combination (fictional 明川县 texts)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from pipeline.classify import (
    classify_headings,
    classify_report,
    heading_core,
    rule_category,
    viterbi,
)
from pipeline.section_model import SectionClassifier, default_model_path, load_classifier, save_classifier
from pipeline.nlp import JiebaTokenizer
from pipeline.train_sections import train_classifier
from pipeline.types import Heading, Paragraph, Report


@pytest.fixture(scope="module")
def tok() -> JiebaTokenizer:
    return JiebaTokenizer()


# ---------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("一、2024年度推进法治政府建设的主要举措和成效", "achievements"),
        ("一、主要举措及成效", "achievements"),
        ("主要举措和成效", "achievements"),
        ("一、工作开展情况", "achievements"),
        ("一、基本情况和主要成效", "achievements"),
        ("一、上一年度推进法治政府建设的主要举措和成效", "achievements"),
        ("一、上一年度问题整改“回头看”", "achievements"),
        ("一、2024年法治建設主要舉措和成效", "achievements"),  # traditional characters
        ("二、2024年度推进法治政府建设存在的不足和原因", "shortcomings"),
        ("二、存在的问题", "shortcomings"),
        ("（二）存在问题及原因", "shortcomings"),
        ("二、短板和不足", "shortcomings"),
        ("三、存在的问题及下一步打算", "shortcomings"),  # the first-named part decides
        ("三、党政主要负责人履行推进法治建设第一责任人职责情况", "responsibility"),
        ("（二）压紧压实责任，切实履行第一责任人职责。", "responsibility"),
        ("一、镇长履行法治建设第一责任人职责，加强法治政府建设的有关情况", "responsibility"),
        ("四、2025年度推进法治政府建设的主要安排", "plans"),
        ("三、下一年度工作的主要安排", "plans"),
        ("三、下一步工作打算", "plans"),
        ("四、下步工作思路", "plans"),
        ("三、整改措施", "plans"),
        ("五、其他需要报告的情况", "other"),
        ("五、其他事项", "other"),
        # Thematic headings name no section: the rules leave them to the model.
        ("一、强化组织保障，夯实法治建设根基", None),
        ("二、创新普法形式，营造尊法学法氛围", None),
        # A plan or a problem mentioned in a later clause does not name the section.
        ("（二）定期研究部署法治工作，把法治建设纳入年度工作计划情况", None),
        ("（三）聚焦群众关切，研究解决突出问题", None),
        # Invisible marks and full-width forms copied from a web page do not hide the words.
        ("五、其他\u200b需要报告的情况", "other"),
        ("二、存在的\u200c问题", "shortcomings"),
        ("三、下\u2060步打算", "plans"),
        ("三、党政主要负责人履行第一\ufeff责任人职责情况", "responsibility"),
        ("四、２０２５年度工作安排", "plans"),
        # Word's one-character markers are stripped like written ones.
        ("㈣下步工作思路", "plans"),
        ("⒉存在的不足", "shortcomings"),
        ("⑶其他事项", "other"),
    ],
)
def test_rule_category(text: str, category: str | None) -> None:
    assert rule_category(text, year=2024) == category


@pytest.mark.parametrize(
    ("text", "core"),
    [
        ("一、主要举措和成效", "主要举措和成效"),
        ("（二）提升 执法\u3000质效", "提升执法质效"),
        ("五、其他\u200b需要报告的\u00ad情况", "其他需要报告的情况"),
        ("三、主要舉措和成效", "主要举措和成效"),
        ("１．强化组织领导", "强化组织领导"),
        ("㈠ 健全领导机制", "健全领导机制"),
        ("⒈深化普法宣传", "深化普法宣传"),
        ("⑴落实学法制度", "落实学法制度"),
        ("⑤规范合同审查", "规范合同审查"),
    ],
)
def test_heading_core_is_normalised_without_marker(text: str, core: str) -> None:
    assert heading_core(text) == core


@pytest.mark.parametrize(
    ("text", "year", "category"),
    [
        ("四、2025年法治政府建设重点", 2024, "plans"),  # the year after the reported one
        ("一、2024年法治政府建设要点落实", 2024, None),
        ("一、2024年法治政府建设要点落实", None, None),
    ],
)
def test_rule_category_uses_the_reported_year(text: str, year: int | None, category: str | None) -> None:
    assert rule_category(text, year=year) == category


# ---------------------------------------------------------------------------
# Headings in context
# ---------------------------------------------------------------------------


def _heads(*items: tuple[int, str]) -> list[Heading]:
    return [Heading(text=t, level=lvl, start=i * 100, end=i * 100 + len(t)) for i, (lvl, t) in enumerate(items)]


@pytest.mark.parametrize(
    ("headings", "expected"),
    [
        # Thematic top-level headings before any named section describe work done.
        (
            [(1, "一、强化组织保障，夯实法治建设根基"), (2, "（一）健全领导机制"), (1, "二、创新普法宣传，营造守法氛围"),
             (1, "三、存在的问题"), (1, "四、下一步工作打算"), (2, "（一）加强队伍建设")],
            ["achievements", "achievements", "achievements", "shortcomings", "plans", "plans"],
        ),
        # A lower heading names its own section: the first-responsible-person duty inside the results.
        (
            [(1, "一、2024年度推进法治政府建设的主要举措和成效"), (2, "（一）加强组织领导"),
             (2, "（二）切实履行推进法治建设第一责任人职责"), (3, "1.带头学法"), (2, "（三）规范行政执法")],
            ["achievements", "achievements", "responsibility", "achievements", "achievements"],
        ),
        # ... but not inside plans or shortcomings, and results words never override.
        (
            [(1, "三、下一步工作安排"), (2, "（一）进一步压实第一责任人职责"), (2, "（二）巩固普法工作成效"),
             (1, "二、存在的不足"), (2, "（一）第一责任人职责履行不够到位")],
            ["plans", "plans", "plans", "shortcomings", "shortcomings"],
        ),
        # Three-part reports: problems and next steps under one heading.
        (
            [(1, "一、工作开展情况"), (1, "二、存在的问题及下一步打算"), (2, "（一）存在问题"), (2, "（二）下一步打算")],
            ["achievements", "shortcomings", "shortcomings", "plans"],
        ),
        # Sub-headings under a responsibility part inherit it.
        (
            [(1, "一、党政主要负责人履行推进法治建设第一责任人职责情况"), (2, "（一）强化组织领导，压实主体责任"),
             (1, "二、推进法治政府建设的主要举措和成效")],
            ["responsibility", "responsibility", "achievements"],
        ),
        # A report whose top level is （一）: the top level is the smallest level present.
        ([(2, "（一）坚持依法决策"), (3, "1.完善决策程序"), (2, "（二）存在的短板")], ["achievements", "achievements", "shortcomings"]),
    ],
)
def test_heading_categories_in_context(headings: list[tuple[int, str]], expected: list[str]) -> None:
    got = classify_headings(_heads(*headings), None, year=2024)
    assert [d.category for d in got] == expected


# ---------------------------------------------------------------------------
# Paragraphs
# ---------------------------------------------------------------------------


def _report(lines: list[tuple[str, str | int | None]]) -> Report:
    """Lines of ("H<level>", text) headings and (None, text) paragraphs -> a structured Report."""
    report = Report(source="<test>")
    pos = 0
    current: int | None = None
    texts = []
    for kind, text in lines:
        assert isinstance(text, str)
        if kind and str(kind).startswith("H"):
            report.headings.append(Heading(text=text, level=int(str(kind)[1:]), start=pos, end=pos + len(text)))
            current = len(report.headings) - 1
        elif kind == "T":
            report.title, report.title_span = text, (pos, pos + len(text))
        else:
            report.paragraphs.append(Paragraph(text=text, start=pos, end=pos + len(text), heading=current))
        texts.append(text)
        pos += len(text) + 1
    report.text = "\n".join(texts)
    return report


FICTIONAL = [
    ("T", "柳溪乡人民政府关于2024年法治政府建设情况的报告"),
    (None, "明川县人民政府："),
    (None, "2024年，柳溪乡在县委、县政府的领导下，扎实推进法治政府建设，现将有关情况报告如下："),
    ("H1", "一、主要举措和成效"),
    (None, "健全学法制度，全年组织干部集中学法10次，开展法治讲座3场。"),
    (None, "乡党委书记作为第一责任人，带头讲法治课2次，亲自协调解决重点问题。"),
    ("H1", "二、存在的不足和原因"),
    (None, "普法方式较为单一，偏远村组覆盖不够，执法人员专业素质有待提高。"),
    ("H1", "三、2025年工作安排"),
    (None, "2025年，我乡将继续完善学法制度，力争实现村级法律顾问全覆盖。"),
    (None, "特此报告。"),
    (None, "柳溪乡人民政府"),
    (None, "2025年1月20日"),
]
FICTIONAL_EXPECTED = ["other", "other", "achievements", "achievements", "shortcomings", "plans", "other", "other", "other"]


def test_paragraphs_inherit_and_preamble_and_closing_are_other(tok: JiebaTokenizer) -> None:
    report = _report(FICTIONAL)
    report.year = 2024
    classify_report(report, None, tok)
    assert [p.category for p in report.paragraphs] == FICTIONAL_EXPECTED
    assert [h.category for h in report.headings] == ["achievements", "shortcomings", "plans"]


def _zero_width(text: str) -> str:
    """A zero-width space after every fourth character, as text copied from a web page carries."""
    return "".join(ch + ("\u200b" if i % 4 == 3 else "") for i, ch in enumerate(text))


@pytest.mark.parametrize(
    "messy",
    [
        _zero_width,
        lambda t: t.replace("2", "２").replace("0", "０"),  # full-width digits
        lambda t: "\u3000\u3000" + t.replace("，", "， "),  # indentation and stray spaces
    ],
    ids=["zero_width", "fullwidth_digits", "spaces"],
)
def test_messy_copies_classify_like_the_clean_text(tok: JiebaTokenizer, messy: Any) -> None:
    """Preamble, headings, closing lines are read on the normalised text: the copy's marks change nothing."""
    report = _report([(k, messy(t) if k != "T" else t) for k, t in FICTIONAL])
    report.year = 2024
    classify_report(report, None, tok)
    assert [p.category for p in report.paragraphs] == FICTIONAL_EXPECTED
    assert [h.category for h in report.headings] == ["achievements", "shortcomings", "plans"]


def test_unmarked_heading_line_left_as_paragraph_opens_its_section(tok: JiebaTokenizer) -> None:
    # The structure stage did not take "主要举措和成效" for a heading: the rules still open the section.
    lines = [(k, t) for k, t in FICTIONAL if t != "一、主要举措和成效"]
    lines.insert(3, (None, "主要举措和成效"))
    report = _report(lines)
    classify_report(report, None, tok)
    assert [p.category for p in report.paragraphs] == ["other", "other", "achievements", "achievements", "achievements", "shortcomings", "plans", "other", "other", "other"]


def test_paragraphs_before_a_shortcomings_heading_are_results_without_a_model(tok: JiebaTokenizer) -> None:
    lines = [(k, t) for k, t in FICTIONAL if t != "一、主要举措和成效"]
    report = _report(lines)
    classify_report(report, None, tok)
    assert [p.category for p in report.paragraphs][:4] == ["other", "other", "achievements", "achievements"]


@pytest.mark.parametrize(
    ("probs", "state", "end", "expected"),
    [
        # One noisy paragraph does not flip a section back and forth.
        ([{"achievements": 0.8}, {"plans": 0.55, "achievements": 0.45}, {"achievements": 0.8}], None, None,
         ["achievements"] * 3),
        # Sections move forward: results, then problems, then plans.
        ([{"achievements": 0.9}, {"shortcomings": 0.9}, {"shortcomings": 0.8}, {"plans": 0.9}], None, None,
         ["achievements", "shortcomings", "shortcomings", "plans"]),
        # Paragraphs before a shortcomings heading cannot be plans.
        ([{"achievements": 0.6, "plans": 0.4}, {"plans": 0.9, "achievements": 0.1}], None, "shortcomings",
         ["achievements", "achievements"]),
    ],
)
def test_viterbi_follows_the_section_order(
    probs: list[dict[str, float]], state: str | None, end: str | None, expected: list[str]
) -> None:
    assert viterbi(probs, state, end) == expected


# ---------------------------------------------------------------------------
# The model: contract, training, saving, loading, fallback
# ---------------------------------------------------------------------------

TRAIN_TEXTS = {
    "achievements": [
        "全年组织干部集中学法12次，开展法治讲座4场",
        "成立法治建设领导小组，召开专题会议3次",
        "调委会共化解矛盾纠纷85件，调解成功率98%",
        "开展宪法宣传周活动，发放宣传资料2000余份",
    ],
    "shortcomings": [
        "普法形式较为单一，缺乏创新，覆盖面不够",
        "执法人员专业素质有待提高，培训力度不足",
        "法律顾问作用发挥不够充分，制度落实相对滞后",
        "基层法治力量薄弱，专业人才短缺",
    ],
    "plans": [
        "我乡将继续深化普法宣传，力争实现全覆盖",
        "下一步将进一步规范行政执法程序",
        "2025年将持续推进法治示范村创建",
        "着力加强执法队伍建设，确保持证上岗",
    ],
}


def _xy() -> tuple[list[str], list[str]]:
    X = [t for texts in TRAIN_TEXTS.values() for t in texts]
    y = [c for c, texts in TRAIN_TEXTS.items() for _ in texts]
    return X, y


@pytest.fixture(scope="module")
def small_model(tok: JiebaTokenizer) -> SectionClassifier:
    X, y = _xy()
    return SectionClassifier(n_features=2**12).set_tokenizer(tok).fit(X, y)


def test_estimator_contract(small_model: SectionClassifier) -> None:
    from sklearn.base import clone

    params = small_model.get_params()
    assert params["n_features"] == 2**12
    twin = clone(small_model)
    assert twin.get_params() == params and not hasattr(twin, "coef_")
    X, _ = _xy()
    proba = small_model.predict_proba(X)
    assert proba.shape == (len(X), 3)
    assert np.allclose(proba.sum(axis=1), 1.0)
    assert set(small_model.predict(X)) <= {"achievements", "shortcomings", "plans"}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("全年开展法治培训5场，化解纠纷30件", "achievements"),
        ("普法宣传覆盖不够，形式单一", "shortcomings"),
        ("下一步将继续加强普法宣传", "plans"),
    ],
)
def test_small_model_learns_the_cues(small_model: SectionClassifier, text: str, category: str) -> None:
    assert small_model.predict([text])[0] == category


def test_numpy_prediction_equals_scikit_learn(small_model: SectionClassifier, tok: JiebaTokenizer) -> None:
    """The numpy-only predictor reproduces the fitted scikit-learn transformer + classifier."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.feature_extraction.text import TfidfTransformer
    from sklearn.linear_model import SGDClassifier

    X, y = _xy()
    H = small_model.hash_features(X)
    tfidf = TfidfTransformer(sublinear_tf=True).fit(H)
    clf = SGDClassifier(loss="log_loss", alpha=small_model.alpha, class_weight="balanced", max_iter=50, tol=1e-4, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(tfidf.transform(H), y)
    assert np.allclose(small_model.predict_proba(X), clf.predict_proba(tfidf.transform(H)), atol=1e-5)


def test_training_is_deterministic(tok: JiebaTokenizer) -> None:
    X, y = _xy()
    a = SectionClassifier(n_features=2**12).set_tokenizer(tok).fit(X, y)
    b = SectionClassifier(n_features=2**12).set_tokenizer(tok).fit(X, y)
    assert np.array_equal(a.coef_, b.coef_) and np.array_equal(a.intercept_, b.intercept_)


def test_saved_model_round_trips_without_the_tokenizer(small_model: SectionClassifier, tmp_path: Path) -> None:
    path = tmp_path / "m.npz"
    save_classifier(small_model, path)
    warnings: list[str] = []
    loaded = load_classifier(path, warn=warnings.append)
    assert loaded is not None and warnings == []
    assert getattr(loaded, "_tokenizer", None) is None
    X, _ = _xy()
    # Weights are stored rounded (modelio.DECIMALS): the same decisions, probabilities within 1e-4.
    assert np.allclose(loaded.predict_proba(X), small_model.predict_proba(X), atol=1e-4)
    assert list(loaded.predict(X)) == list(small_model.predict(X))


def test_missing_model_falls_back_with_a_warning(tmp_path: Path) -> None:
    warnings: list[str] = []
    assert load_classifier(tmp_path / "nothing.npz", warn=warnings.append) is None
    assert len(warnings) == 1 and "falling back to rules" in warnings[0]


def _edit_header(path: Path, **changes: Any) -> None:
    header_file = path.with_suffix(".json")
    header = json.loads(header_file.read_text("utf-8"))
    header.update(changes)
    header_file.write_text(json.dumps(header), "utf-8")


def test_model_from_another_scikit_learn_still_loads(small_model: SectionClassifier, tmp_path: Path) -> None:
    """Weights and parameters only: a different scikit-learn version is no reason to refuse them."""
    path = tmp_path / "m.npz"
    save_classifier(small_model, path)
    _edit_header(path, sklearn="0.24.2")
    warnings: list[str] = []
    loaded = load_classifier(path, warn=warnings.append)
    assert loaded is not None and warnings == []
    X, _ = _xy()
    assert np.allclose(loaded.predict_proba(X), small_model.predict_proba(X), atol=1e-4)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"kind": "indicator_linker"}, "is not a section_classifier model"),
        ({"classes": ["achievements"]}, "do not match"),
        ({"params": {"n_features": 16}}, "do not match"),
    ],
)
def test_incompatible_model_falls_back_with_a_warning(
    small_model: SectionClassifier, tmp_path: Path, changes: dict[str, Any], message: str
) -> None:
    path = tmp_path / "m.npz"
    save_classifier(small_model, path)
    _edit_header(path, **changes)
    warnings: list[str] = []
    assert load_classifier(path, warn=warnings.append) is None
    assert len(warnings) == 1 and message in warnings[0] and "falling back to rules" in warnings[0]


def test_saved_model_file_holds_no_pickle(small_model: SectionClassifier, tmp_path: Path) -> None:
    path = tmp_path / "m.npz"
    save_classifier(small_model, path)
    with np.load(path, allow_pickle=False) as npz:  # raises if any array needed pickle
        assert sorted(npz.files) == ["coef", "idf", "intercept"]


def test_corrupt_model_falls_back_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "m.npz"
    path.write_bytes(b"not a zip file")
    warnings: list[str] = []
    assert load_classifier(path, warn=warnings.append) is None
    assert "falling back to rules" in warnings[0]


def test_pipeline_without_model_warns_and_still_classifies(tmp_path: Path) -> None:
    from pipeline.run import Resources, analyze_text

    res = Resources(classifier_path=tmp_path / "absent.npz")
    text = "\n".join(t for _, t in FICTIONAL)
    report = analyze_text(text, name="doc.txt", resources=res)
    assert any("falling back to rules" in w for w in report.warnings)
    assert [h.category for h in report.headings] == ["achievements", "shortcomings", "plans"]


def test_shipped_model_loads() -> None:
    if not default_model_path().is_file():
        pytest.skip("no trained model in models/")
    warnings: list[str] = []
    model = load_classifier(warn=warnings.append)
    assert model is not None, warnings
    card = default_model_path().with_name("section_classifier.card.json")
    data = json.loads(card.read_text("utf-8"))
    assert {"python", "scikit-learn", "jieba"} <= set(data["versions"])
    assert data["held_out_scores"]["headings_dev_in_context"]["top_level"]["accuracy"] >= 0.95


def _gold_doc(doc_id: str, lines: list[tuple[str, str]], headings: list[tuple[str, int, str]]) -> dict[str, Any]:
    return {
        "id": doc_id,
        "text": "\n".join(t for _, t in lines),
        "gold": {
            "is_report": True,
            "year": 2024,
            "headings": [{"text": t, "level": lvl, "category": c} for t, lvl, c in headings],
        },
    }


def test_train_classifier_saves_model_and_card(tmp_path: Path, tok: JiebaTokenizer) -> None:
    dev = tmp_path / "dev"
    dev.mkdir()
    places = ["柳溪乡", "青石镇", "云岭街道", "松岭镇"]
    for n, place in enumerate(places):
        doc = _gold_doc(
            f"doc{n}",
            [(None, f"2024年，{place}扎实推进法治政府建设，现将有关情况报告如下："),
             (None, "一、主要举措和成效"), (None, TRAIN_TEXTS["achievements"][n] + "。"),
             (None, "二、存在的不足"), (None, TRAIN_TEXTS["shortcomings"][n] + "。"),
             (None, "三、下一步工作打算"), (None, TRAIN_TEXTS["plans"][n] + "。")],
            [("一、主要举措和成效", 1, "achievements"), ("二、存在的不足", 1, "shortcomings"), ("三、下一步工作打算", 1, "plans")],
        )
        (dev / f"doc{n}.json").write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    out = tmp_path / "models" / "section_classifier.npz"
    _, card = train_classifier(dev, None, out, folds=2, tokenizer=tok)
    assert out.is_file() and (out.parent / "section_classifier.card.json").is_file()
    assert card["held_out_scores"]["headings_dev_in_context"]["all"]["accuracy"] == 1.0
    assert card["data"]["counts"]["dev_paragraphs"]["other"] == len(places)
    assert set(card["versions"]) >= {"python", "scikit-learn", "jieba", "numpy"}
    assert load_classifier(out) is not None


# ---------------------------------------------------------------------------
# The seed report (real corpus, when present)
# ---------------------------------------------------------------------------


def test_seed_report_every_paragraph(dev_docs: list[dict[str, Any]], resources: Any) -> None:
    """Every paragraph of the seed report gets the category of the section it is in."""
    from pipeline.run import analyze_text

    doc = next(d for d in dev_docs if d["id"].startswith("seed-"))
    report = analyze_text(doc["text"], name="doc.txt", resources=resources)
    assert report.paragraphs
    starts = []
    for h in doc["gold"]["headings"]:
        i = report.text.find(h["text"].strip())
        assert i >= 0
        starts.append((i, h["category"]))
    for p in report.paragraphs:
        want = "other"
        for s, cat in starts:
            if s <= p.start:
                want = cat
        assert p.category == want, p.text[:20]


THEMATIC_REPORT = """云岭街道办事处关于2024年法治政府建设情况的报告

明川县委、县人民政府：
2024年，云岭街道坚持依法行政，各项工作稳步推进，现将有关情况报告如下：
一、夯实组织基础，凝聚法治建设合力
（一）健全工作机制
街道成立法治建设领导小组，全年召开专题会议4次，研究解决难点问题9个。
（二）抓实干部学法
组织机关干部集中学法8次，开展法治专题讲座2场，参学人员达150人次。
二、深化普法宣传，厚植尊法守法土壤
辖区开展“法律进社区”活动24场，发放宣传资料3000余份，覆盖居民5000余人。
三、“一把手”履行推进法治建设第一责任人职责情况
街道党工委书记、主任带头学法述法，亲自部署重要工作，亲自协调解决重点问题。
四、存在的问题
普法宣传的针对性还不够强，社区法律顾问作用发挥不够充分。
五、2025年工作打算
（一）持续提升普法实效
将继续开展分众化普法，力争法治宣传覆盖所有小区。
（二）巩固法治创建成效
进一步做好民主法治示范社区复核工作。

云岭街道办事处
2025年1月15日
"""


def test_thematic_report_end_to_end(resources: Any) -> None:
    from pipeline.run import analyze_text

    report = analyze_text(THEMATIC_REPORT, name="doc.txt", resources=resources)
    cats = {h.text: h.category for h in report.headings}
    assert cats.get("一、夯实组织基础，凝聚法治建设合力") == "achievements"
    assert cats.get("二、深化普法宣传，厚植尊法守法土壤") == "achievements"
    assert cats.get("三、“一把手”履行推进法治建设第一责任人职责情况") == "responsibility"
    assert cats.get("四、存在的问题") == "shortcomings"
    assert cats.get("五、2025年工作打算") == "plans"
    assert cats.get("（二）巩固法治创建成效") == "plans"  # results words do not override under plans

    def category_of(start: str) -> str:
        return next(p.category for p in report.paragraphs if p.text.strip().startswith(start))

    assert category_of("2024年，云岭街道") == "other"
    assert category_of("街道成立法治") == "achievements"
    assert category_of("街道党工委书记") == "responsibility"
    assert category_of("普法宣传的针对性") == "shortcomings"
    assert category_of("进一步做好") == "plans"
    assert category_of("2025年1月15日") == "other"
    assert category_of("云岭街道办事处") == "other"


@pytest.mark.parametrize(
    ("content", "problem"),
    [("achievements = [", "malformed TOML"), ('[plans]\nheading = ["(未闭合"]', "bad heading pattern")],
)
def test_a_broken_rules_file_names_itself(tmp_path: Path, content: str, problem: str) -> None:
    from pipeline.classify import load_rules
    from pipeline.errors import ConfigError

    path = tmp_path / "rules.toml"
    path.write_text(content, "utf-8")
    with pytest.raises(ConfigError) as info:
        load_rules(path)
    assert problem in str(info.value) and str(path) in str(info.value)
