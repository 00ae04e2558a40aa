"""Quantities on the characters: tables of phrases written for the project (fictional 明川县)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.normalise import normalise
from pipeline.quantities import find_placeholders, find_quantities, format_number, parse_number


def quantities(text: str) -> list[tuple[int | float, str, str]]:
    """(value, unit as written in ``text``, qualifier) of every quantity."""
    norm = normalise(text)
    out = []
    for q in find_quantities(norm.text):
        s, e = norm.span(q.unit_start, q.unit_end)
        out.append((q.value, "%" if q.unit == "%" else text[s:e], q.qualifier))
    return out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Arabic numbers, separators, decimals, full-width digits
        ("青石镇全年开展会前学法12次", [(12, "次", "exact")]),
        ("柳溪乡累计接待群众1,250人次", [(1250, "人次", "exact")]),
        ("云岭街道调解成功率达97.5%", [(97.5, "%", "exact")]),
        ("全年举办法治讲座６场", [(6, "场", "exact")]),
        ("百分之八十五的村完成创建", [(85, "%", "exact")]),
        # Chinese numerals and mixed forms, 万/亿 scaling
        ("开展送法下乡活动十二次", [(12, "次", "exact")]),
        ("发放宣传手册两千册", [(2000, "册", "exact")]),
        ("覆盖群众一万三千人", [(13000, "人", "exact")]),
        ("受理咨询三百余件", [(300, "件", "more_than")]),
        ("线上答题1.2万人次", [(12000, "人次", "exact")]),
        ("发放明白纸3千余份", [(3000, "份", "more_than")]),
        ("惠及群众4万余人", [(40000, "人", "more_than")]),
        ("罚没款共计5.6万元", [(5.6, "万元", "exact")]),
        ("争取法治阵地建设资金五十万元", [(50, "万元", "exact")]),
        ("罚款金额3200元", [(3200, "元", "exact")]),
        # units as written (traditional characters stay)
        ("建成法治文化廣場3個", [(3, "個", "exact")]),
        ("主動公開信息118條", [(118, "條", "exact")]),
        ("开展法治宣讲60场(次)", [(60, "场(次)", "exact")]),
        # qualifiers
        ("组织干部职工20余名参加旁听", [(20, "名", "more_than")]),
        ("审核合同40多份", [(40, "份", "more_than")]),
        ("知晓率达90%以上", [(90, "%", "more_than")]),
        ("参与群众超过500人", [(500, "人", "more_than")]),
        ("培训逾千人次", []),  # 千 alone without 余/多 is not read as a number
        ("平台注册用户近2000人", [(2000, "人", "nearly")]),
        ("平台注册用户将近2000人", [(2000, "人", "nearly")]),
        ("发放资料约800份", [(800, "份", "approx")]),
        ("接待来访群众150人左右", [(150, "人", "approx")]),
        ("办理时限不足3天", [(3, "天", "less_than")]),
        ("受理案件不到10件", [(10, "件", "less_than")]),
        ("每季度开展巡查，全年巡查至少12次", [(12, "次", "at_least")]),
        ("培训百余人次", [(100, "人次", "more_than")]),
        ("辖区面积86.5平方公里", [(86.5, "平方公里", "exact")]),
        # per-unit figures
        ("法律明白人每个村已配备3人", [(3, "人", "exact")]),
        # lists: every count
        ("排查矛盾纠纷86件，化解83件", [(86, "件", "exact"), (83, "件", "exact")]),
    ],
)
def test_quantity_table(text: str, expected: list[tuple[int | float, str, str]]) -> None:
    assert quantities(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2025年，青石镇深入推进法治建设",  # a year
        "3月15日开展消费者权益日宣传",  # a date
        "根据《明川县法治政府建设实施方案（2021-2025年）》",  # a law name and a plan period
        "明委发〔2025〕37号",  # a document number
        "学习贯彻党的二十大和二十届三中全会精神",  # series names
        "省委十三届三次、四次全会",  # session ordinals continued in a list
        "深化“八五”普法，推进三治结合",  # series names
        "切实履行第一责任人职责",  # an ordinal
        "推行“一件事跑一次”改革",  # a slogan in quotes
        "落实一村一法律顾问制度",  # a slogan
        "完善一办一庭两所联调机制",  # a slogan
        "结合12·4国家宪法日和3·15开展宣传",  # commemorative days
        "结合12.4宪法宣传日开展活动",  # a commemorative day written with a dot
        "咨询电话0851-12345678",  # a phone number
        "每两月1次召开专题会议",  # a frequency
        "每季度一次听取汇报",  # a frequency
        "全年未发生一起行政诉讼",  # a zero
        "落实行政执法三项制度",  # a named set
        "从四个方面推进",  # a list's name, Chinese numeral
        "一、主要举措和成效",  # heading numbering
        "（一）强化学法用法",  # heading numbering
        "1.加强组织领导",  # heading numbering
        "打造15分钟法律服务圈",  # a slogan of distance
        "三张镇人民政府",  # a place name
        "考核位列全县前三名",  # a rank
        "完成第二、三批示范项目评审",  # ordinals continued in a list
    ],
)
def test_not_a_quantity(text: str) -> None:
    assert quantities(text) == []


def test_per_unit_and_offsets() -> None:
    text = "法律明白人每个村已配备4人，全镇共２８个法律明白人。"
    norm = normalise(text)
    qs = find_quantities(norm.text)
    assert [(q.value, q.unit, q.per) for q in qs] == [(4, "人", "村"), (28, "个", None)]
    s, e = norm.span(qs[1].start, qs[1].end)
    assert text[s:e] == "２８"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("全年开展法治讲座*次", ["*次"]),
        ("培训干部XX人次，发放资料x份", ["XX人次", "x份"]),
        ("共有**名执法人员持证", ["**名"]),
        ("全年开展法治讲座4次", []),
        ("某件事情", []),
    ],
)
def test_placeholders(text: str, found: list[str]) -> None:
    norm = normalise(text).text
    assert [p.text for p in find_placeholders(norm)] == found
    # a placeholder is never a number
    assert all(q.number_text not in ("*", "XX", "x", "**") for q in find_quantities(norm))


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("12", 12),
        ("1,200", 1200),
        ("95.8", 95.8),
        ("十二", 12),
        ("两千", 2000),
        ("一万三千", 13000),
        ("一百零五", 105),
        ("三百", 300),
        ("1.2万", 12000),
        ("36.43万", 364300),
        ("3千", 3000),
        ("2.5亿", 250000000),
        ("百分之八十五", 85),
        ("二〇二五", 2025),
        # the spoken short form: a last digit after a unit counts in the unit below it
        ("两万五", 25000),
        ("三千五", 3500),
        ("一万二", 12000),
        ("三万六千", 36000),
        ("两百五", 250),
        ("一万零五", 10005),
        ("十五", 15),
    ],
)
def test_parse_number(written: str, value: int | float) -> None:
    got = parse_number(written)
    assert got == value
    assert isinstance(got, int) == isinstance(value, int)


@pytest.mark.parametrize("bad", ["", "abc", "十十二二", "1.2.3", "万万x", "百分之"])
def test_parse_number_rejects(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_number(bad)


@given(st.text(max_size=20))
def test_parse_number_never_crashes(s: str) -> None:
    try:
        v = parse_number(s)
    except ValueError:
        return
    assert isinstance(v, (int, float))


@given(st.one_of(st.integers(min_value=-(10**18), max_value=10**18), st.floats(allow_nan=False, allow_infinity=False)))
def test_format_parse_round_trip(value: int | float) -> None:
    assert parse_number(format_number(value)) == value


# A writer of Chinese numerals, only to feed parse_number in the round trip below.
_CN_DIGIT_CHARS = "零一二三四五六七八九"


def format_chinese(value: int) -> str:
    """Chinese numeral of a whole number below 10^12 (12 -> 十二, 10005 -> 一万零五)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 10**12:
        raise ValueError("format_chinese takes a whole number in [0, 10^12)")
    if value == 0:
        return "零"
    groups = [value // 10**8, (value // 10**4) % 10**4, value % 10**4]
    suffixes = ["亿", "万", ""]
    out = ""
    pending_zero = False
    for g, suffix in zip(groups, suffixes, strict=True):
        if g == 0:
            pending_zero = bool(out)
            continue
        if out and (pending_zero or g < 1000):
            out += "零"
        out += _four_digits(g, lead=not out) + suffix
        pending_zero = False
    return out


def _four_digits(g: int, lead: bool) -> str:
    digits = [g // 1000, (g // 100) % 10, (g // 10) % 10, g % 10]
    names = ["千", "百", "十", ""]
    out = ""
    zero = False
    for d, name in zip(digits, names, strict=True):
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        if name == "十" and d == 1 and lead and not out:
            out += "十"  # 十二, not 一十二, at the start of a numeral
        else:
            out += _CN_DIGIT_CHARS[d] + name
    return out


@given(st.integers(min_value=0, max_value=10**12 - 1))
def test_chinese_round_trip(value: int) -> None:
    assert parse_number(format_chinese(value)) == value


@given(st.integers(min_value=0, max_value=10**15))
def test_thousands_separator_round_trip(value: int) -> None:
    assert parse_number(f"{value:,}") == value


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [("全年培训干部群众两万五人次", 25000, "人次"), ("发放资料三千五份", 3500, "份"), ("覆盖群众一万二人", 12000, "人"),
     ("受众三万六千人次", 36000, "人次")],
)
def test_short_numerals_in_text(text: str, value: int, unit: str) -> None:
    (q,) = find_quantities(normalise(text).text)
    assert (q.value, q.unit) == (value, unit)
