"""The owned jieba tokenizer and the spaCy pipeline around it (fictional places of 明川县)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.nlp import JiebaTokenizer


@pytest.fixture(scope="module")
def tok() -> JiebaTokenizer:
    t = JiebaTokenizer()
    t.warm()
    return t


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # jieba alone cuts these as 苍 / 柏乡 and 东 / 柏乡 (柏乡 is a real county it knows).
        ("苍柏乡人民政府关于2024年法治政府建设情况的报告", "苍柏乡"),
        ("东柏乡人民政府关于2023年法治政府建设情况的报告", "东柏乡"),
        ("中共明川县青石镇委员会", "青石镇"),
        ("明川县松岭镇人民政府", "松岭镇"),
        ("关于云岭街道2024年法治政府建设情况的报告", "云岭街道"),
        ("柳溪乡2024年法治政府建设工作报告", "柳溪乡"),
        ("明川縣蒼柏鄉人民政府關於2024年法治政府建設情況的報告", "蒼柏鄉"),  # traditional characters
    ],
)
def test_township_name_in_its_context_is_one_token(tok: JiebaTokenizer, text: str, name: str) -> None:
    assert name in tok.cut(text)


def test_learnt_name_stays_whole_in_later_sentences() -> None:
    t = JiebaTokenizer()
    assert "苍柏乡" not in t.cut("现将苍柏乡2024年法治政府建设情况报告如下")
    t.cut("苍柏乡人民政府关于2024年法治政府建设情况的报告")  # the title teaches the name
    assert "苍柏乡" in t.cut("现将苍柏乡2024年法治政府建设情况报告如下")


@pytest.mark.parametrize(
    ("text", "merged"),
    [
        ("青石镇、柳溪乡和云岭街道的调委会开展联合调解", ["青石镇", "云岭街道"]),
        ("松岭镇司法所", ["松岭镇"]),
    ],
)
def test_bare_place_word_joins_its_name(tok: JiebaTokenizer, text: str, merged: list[str]) -> None:
    tokens = tok.cut(text)
    for word in merged:
        assert word in tokens


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("全县各乡镇人民政府", []),
        ("现将本镇2024年工作报告如下", []),
        ("明川县青石镇人民政府\n中共柳溪乡委员会", ["青石镇", "柳溪乡"]),
        ("关于云岭街道2024年法治政府建设情况的报告", ["云岭街道"]),
    ],
)
def test_names_are_learnt_only_in_unambiguous_contexts(text: str, names: list[str]) -> None:
    assert JiebaTokenizer().learn_names(text) == names


def test_quantifier_before_place_word_is_not_merged(tok: JiebaTokenizer) -> None:
    assert "全区街道" not in tok.cut("全区街道统一部署")


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("每个村配备法律明白人3名", "法律明白人"),
        ("新增办理行政执法证的人员", "行政执法证"),
        ("乡级调委会和村级调委会共同参与", "调委会"),
        ("压实第一责任人职责", "第一责任人"),
        ("对规范性文件开展合法性审查", "合法性审查"),
        ("组织会前学法", "会前学法"),
        ("创建民主法治示范村", "民主法治示范村"),
    ],
)
def test_domain_terms_are_one_token(tok: JiebaTokenizer, text: str, term: str) -> None:
    assert term in tok.cut(text)


@pytest.mark.parametrize(
    "text",
    ["", "柳溪乡 2024 年\n全年开展普法活动12场。", "Word 2020  版本\t说明", "（一）加强组织领导，压实第一责任人职责。"],
)
def test_tokens_concatenate_back_to_the_text(tok: JiebaTokenizer, text: str) -> None:
    assert "".join(tok.cut(text)) == text


def test_instances_are_isolated_from_each_other_and_from_jieba_global() -> None:
    import jieba

    a, b = JiebaTokenizer(), JiebaTokenizer()
    a.add_words(["苍柏乡"])
    assert "苍柏乡" in a.cut("现将苍柏乡2024年的情况报告如下")
    assert "苍柏乡" not in b.cut("现将苍柏乡2024年的情况报告如下")
    assert "苍柏乡" not in jieba.lcut("现将苍柏乡2024年的情况报告如下")
    # The domain dictionary is ours only: jieba's global dictionary does not know it.
    assert "法律明白人" in a.cut("法律明白人")
    assert "法律明白人" not in jieba.lcut("法律明白人")


def test_dictionary_cache_goes_to_the_given_cache_dir(tmp_path: Path) -> None:
    t = JiebaTokenizer(cache=tmp_path)
    t.warm()
    assert t.tokenizer.tmp_dir == str(tmp_path)
    assert list(tmp_path.glob("jieba-*.cache"))


def test_default_cache_is_the_user_cache_dir() -> None:
    from platformdirs import user_cache_dir

    t = JiebaTokenizer()
    t.warm()
    assert Path(t.tokenizer.tmp_dir).is_relative_to(Path(user_cache_dir("govreport")))


def test_names_learnt_in_a_document_are_forgotten_after_it() -> None:
    tok = JiebaTokenizer()
    other = "县司法局走访东柏乡群众开展普法宣传。"
    fresh = tok.cut(other)
    with tok.document():
        tok.cut("东柏乡人民政府2024年法治政府建设情况报告")
        assert "东柏乡" in tok.cut(other)  # learnt inside the document
    assert tok.cut(other) == fresh  # and forgotten after it


def test_document_scope_forgets_names_learnt_before_the_dictionary_loads() -> None:
    tok = JiebaTokenizer()
    with tok.document():
        tok.add_words(["东柏乡"])  # waits for the load
        assert "东柏乡" in tok.cut("走访东柏乡群众")
    assert "东柏乡" not in tok.cut("走访东柏乡群众")
