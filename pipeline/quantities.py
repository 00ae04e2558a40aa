"""Quantities on the characters: numbers, measure words, qualifiers, exclusions.

Works on a normalised string (``Report.norm``: full-width digits folded,
traditional characters simplified, spaces dropped) and returns offsets into
that string; callers map them back to the text the user sees. Numbers are
found with one precompiled regex over the whole string; the Python code only
looks at the few characters around each match, so the cost is linear.

A quantity is a number followed by a measure word (``12次``, ``20余名``,
``1.2万人次``, ``95.8%``, ``百分之八十五``). Numbers without a measure word,
dates, years, ordinals, document numbers, slogans, frequencies, law names and
the numbers inside quoted names are not quantities. Draft placeholders
(``*次``, ``XX件``) are returned separately as :class:`Placeholder`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from pipeline.sentences import CLAUSE_BOUNDARY

# --- numbers -------------------------------------------------------------

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
_CN_CHARS = "零〇一二两三四五六七八九十百千万亿"

_ARABIC_RE = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")


def _parse_chinese(s: str) -> int:
    """Chinese numeral (十二, 两千, 一万三千, 三百零五, 一二三) -> int; ValueError if malformed."""
    if not s or any(c not in _CN_CHARS for c in s):
        raise ValueError(f"not a Chinese numeral: {s!r}")
    # A run of bare digits ("二〇二三") reads digit by digit.
    if all(c in _CN_DIGITS for c in s):
        if len(s) == 1:
            return _CN_DIGITS[s]
        return int("".join(str(_CN_DIGITS[c]) for c in s))
    total = 0  # completed 亿/万 groups
    section = 0  # the group below the current big unit
    digit: int | None = None
    unit: int | None = None  # the unit just written; None after a 零 (一万零五 is 10005)
    for c in s:
        if c in _CN_DIGITS:
            if digit is not None and _CN_DIGITS[c] != 0:
                raise ValueError(f"two digits in a row: {s!r}")
            digit = _CN_DIGITS[c] if _CN_DIGITS[c] != 0 else None
            if _CN_DIGITS[c] == 0:
                unit = None
        elif c in _CN_SMALL:
            section += (digit if digit is not None else 1) * _CN_SMALL[c]
            digit = None
            unit = _CN_SMALL[c]
        else:  # 万 / 亿
            unit = _CN_BIG[c]
            section += digit or 0
            digit = None
            if section == 0 and total == 0:
                section = 1  # "万" alone
            total = (total + section) * _CN_BIG[c] if c == "亿" or total < _CN_BIG[c] else total + section * _CN_BIG[c]
            section = 0
    if digit is not None and unit is not None and unit >= 100:
        # The spoken short form: a last digit right after a unit counts in the unit below it
        # (两万五 is 25000, 三千五 is 3500), never units (20005).
        digit *= unit // 10
    return total + section + (digit or 0)


def parse_number(s: str) -> int | float:
    """Parse a number as written: ``12``, ``1,200``, ``95.8``, ``十二``, ``1.2万``, ``3千``, ``百分之八十五``.

    Returns an int when the value is integral, else a float. Raises ValueError
    for anything else (never another exception).
    """
    if not isinstance(s, str):
        raise ValueError("not a string")
    t = s.strip()
    if t.startswith("百分之"):
        t = t[3:]
    if not t:
        raise ValueError("empty number")
    if _ARABIC_RE.match(t):
        return _tidy(Decimal(t.replace(",", "")))
    # Arabic mantissa with a Chinese scale: 1.2万, 3千, 2.5亿 (decimal arithmetic: 1.2万 is 12000 exactly).
    m = _SCALED_RE.match(t)
    if m:
        scale = 1
        for c in m.group(2):
            scale *= _CN_SMALL.get(c) or _CN_BIG[c]
        return _tidy(Decimal(m.group(1)) * scale)
    return _parse_chinese(t)


_SCALED_RE = re.compile(r"^(\d+(?:\.\d+)?)([十百千万亿]+)$")


def _tidy(v: Decimal) -> int | float:
    if not v.is_finite():
        raise ValueError("not a finite number")
    if v == v.to_integral_value():
        return int(v)
    f = float(v)
    if f in (float("inf"), float("-inf")):
        raise ValueError("number out of range")
    return f


def format_number(value: int | float) -> str:
    """Arabic form of a value that :func:`parse_number` reads back to the same value."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("not a number")
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("not a finite number")
        if value == int(value):
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    return str(value)


# --- quantity patterns of other readers --------------------------------------
# A quantity inside a would-be heading: "开展学法12次" / "不少于四次" reads as a
# list item. A Chinese numeral counts only where it cannot be a name: not a lone
# 一 (an article: "一件事一次办"), not an ordinal (第三次, 十届六次全会), not
# before 个/项 ("四个意识", "三项制度"), not starting with 百/千/万 ("千家万户"),
# and 期 only at a clause end ("培训三期以上。", not the phase in "二期工程").
HEADING_QUANTITY = re.compile(
    r"\d+(?:\.\d+)?(?:余|多)?(?:次|件|人|名|个|场|项|万|%|户|份|条|期|篇|家|起|元|亿|批)"
    r"|(?<![第届一二三四五六七八九十百千万两零〇])"
    r"(?:[二三四五六七八九十两][一二三四五六七八九十百千万两零〇]*|一[十百千万][一二三四五六七八九十百千万零〇]*)"
    r"(?:余|多)?(?:次|件|人|名|场|户|份|条|篇|家|起|元|批|期(?=以上|以下|左右|[^\u4e00-\u9fff]|$))"
)
# The completeness checker (R11): a counted figure ("12次", "3.5万人次", "80%") in an achievement passage.
COUNTED_QUANTITY = re.compile(
    r"(?<![\d.])(\d+(?:\.\d+)?)\s*(?:余|多)?\s*(?:万)?(人次|个百分点|万元|次|人|件|个|名|场|户|家|项|条|期|篇|份|所|批|支|元|%|起|场次|册|份次)"
)


# --- vocabulary ----------------------------------------------------------

# Measure words, longest first so 人次 wins over 人. Bracketed variants as written.
UNITS: tuple[str, ...] = tuple(
    sorted(
        {
            "场(次)", "场（次）", "人(次)", "人（次）", "件(次)", "件（次）",
            "人次", "场次", "件次", "户次", "批次", "家次", "车次", "架次", "期次", "班次", "课次",
            "万元", "亿元", "元", "%", "‰", "个百分点", "个月", "分钟", "小时", "课时", "学时",
            "次", "场", "件", "起", "宗", "例", "人", "名", "位", "户", "个", "家", "所", "份", "册",
            "本", "张", "项", "条", "期", "篇", "幅", "块", "部", "批", "类", "轮", "支", "套", "台",
            "辆", "处", "座", "堂", "节", "封", "单", "组", "队", "档", "天", "日", "周",
            "亩", "平方米", "平方公里", "公里", "米", "吨", "区", "乡镇", "村", "社区", "年",
        },
        key=len,
        reverse=True,
    )
)

# A measure word followed by these characters is the start of another word
# (部门, 人民, 个人, 条例, 期间, 家庭, 支持...), not a measure word.
_UNIT_BLOCKERS: dict[str, str] = {
    "部": "门署分长",
    "个": "人体性别",
    "条": "例件款线",
    "期": "间限待望盼",
    "家": "庭长属乡",
    "支": "持部付出撑",
    "所": "有以在属长",
    "处": "理置罚长分室置",
    "名": "义称单录额",
    "位": "于置",
    "本": "级地土部着",
    "项": "目",
    "次": "要生",
    "场": "所地景合",
    "单": "位独项",
    "组": "织长成建",
    "队": "伍长员",
    "档": "案次",
    "节": "点日约能",
    "台": "账帐",
    "天": "然",
    "日": "常",
    "周": "边年全",
    "元": "素旦",
    "批": "准评示复",
    "块": "状",
    "座": "谈",
    "起": "草来诉到",
    "例": "会",
    "区": "域县级",
    "村": "民级委务",
    "社区": "矫",
    "米": "",
    "分钟": "圈生政服法便经内",
    "人": "民员大社防小制",
}

# Units that are plain nouns rather than measure words: only after a Chinese
# numeral or an Arabic number directly (十六区, 11乡镇); never after a year.
_NOUN_UNITS = frozenset({"区", "乡镇", "村", "社区"})

QUALIFIER_PREFIXES: tuple[tuple[str, str], ...] = (
    ("将近", "nearly"),
    ("接近", "nearly"),
    ("近", "nearly"),
    ("大约", "approx"),
    ("约", "approx"),
    ("不超过", "less_than"),
    ("不足", "less_than"),
    ("不到", "less_than"),
    ("少于", "less_than"),
    ("不少于", "at_least"),
    ("至少", "at_least"),
    ("超过", "more_than"),
    ("多于", "more_than"),
    ("超", "more_than"),
    ("逾", "more_than"),
)
_PREFIX_RE = re.compile("(?:" + "|".join(sorted((re.escape(p) for p, _ in QUALIFIER_PREFIXES), key=len, reverse=True)) + ")$")
_PREFIX_MAP = dict(QUALIFIER_PREFIXES)

# Clause boundaries (for windows) and sentence ends.

_UNIT_ALT = "|".join(re.escape(u) for u in UNITS)

# One pass over the text: optional 百分之, the number, optional 余/多, the unit
# (or 万/亿 scale then the unit), optional 以上/左右/多.
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_CN = r"[零〇一二两三四五六七八九十百千万亿]+"
QUANTITY_RE = re.compile(
    r"(?P<pct>百分之)(?P<pnum>" + _NUM + "|" + _CN + r")"
    r"|(?P<num>" + _NUM + r"(?:[万亿千](?!元))?|" + _CN + r")"
    r"(?P<mid>余|多)?"
    r"(?: (?=%))?"  # "95 %": normalisation keeps a space between ASCII characters
    r"(?P<unit>" + _UNIT_ALT + r")"
)
_PLACEHOLDER_RE = re.compile(r"(?<![A-Za-z0-9])(?P<ph>[*]{1,4}|[Xx×]{1,4})(?P<mid>余|多)?(?P<unit>" + _UNIT_ALT + r")")

# Spans whose numbers are never quantities.
_BOOK_RE = re.compile(r"《[^《》\n]{1,80}》")
_QUOTE_RE = re.compile(r"[“\"「『‘][^“”\"「」『』‘’\n]{1,24}[”\"」』’]")
# Fixed political formulas and slogans with a numeral (general usage, not one report's words).
_FORMULA_RE = re.compile(
    r"(?:两个维护|两个确立|四个意识|四个自信|四个全面|五位一体|三项制度|三会一课|三重一大|两法衔接|"
    r"三治结合|三治融合|八五普法|七五普法|六五普法|九五普法|[一二三四五六七八九]五规划|十[一二三四五]五|"
    r"[一二三四五六七八九十两]+(?:个|项|大|级|化|张|条)(?:清单|工程|机制|体系|行动|模式|战略|攻坚|专项|理念|工作法|服务|建设|平台|网络|联动|中心|主体|责任|原则|"
    r"[^，。；\d]{0,2}(?:制度|机制|体系|模式|工作法))|"
    r"一[^一\d，。；、]{1,3}一[^一\d，。；、]{1,3}(?:[一二两三四五][^，。；、\d]{1,3})*)"
)
# A frequency: 每 + a time word (+ a count) right before the number.
_FREQ_RE = re.compile(
    r"每(?:[一二两三四五六七八九十半\d]*)?(?:个)?(?:年度|年|季度|季|月度|月|周|星期|天|日|旬|学期|半年|工作日)"
    r"[^，。；,;\n\d]{0,8}$"
)
# A per-unit figure: 每(个) + the thing per which it is counted.
_PER_RE = re.compile(
    r"每(?:一)?(?:个|位|名|家|所|户)?(?P<per>村\(居\)|村（居）|村\(社区\)|村（社区）|村居|村|社区|乡镇|镇|乡|街道|户|人|单位|部门|网格|学校|企业|家庭|小组|组)"
    r"[^，。；,;\n]{0,12}$"
)


@dataclass(frozen=True)
class Quantity:
    """A number with its measure word, qualifier and per-unit, as offsets into the scanned string."""

    start: int  # the number (number_text) span
    end: int
    number_text: str
    value: int | float
    unit: str
    unit_start: int
    unit_end: int
    qualifier: str = "exact"
    per: str | None = None
    span_start: int = 0  # the whole expression: qualifier + number + unit (+ 以上/左右)
    span_end: int = 0


@dataclass(frozen=True)
class Placeholder:
    """A draft placeholder where a number should be ("*次", "XX件")."""

    start: int
    end: int
    text: str


def _excluded_spans(text: str) -> list[tuple[int, int]]:
    spans = [(m.start(), m.end()) for m in _BOOK_RE.finditer(text)]
    spans += [(m.start(), m.end()) for m in _QUOTE_RE.finditer(text)]
    spans += [(m.start(), m.end()) for m in _FORMULA_RE.finditer(text)]
    spans.sort()
    return spans


def _inside(pos: int, spans: list[tuple[int, int]], idx: list[int]) -> bool:
    """Whether ``pos`` falls in one of the sorted ``spans`` (idx[0] is a moving cursor)."""
    i = idx[0]
    while i < len(spans) and spans[i][1] <= pos:
        i += 1
    idx[0] = i
    j = i
    while j < len(spans) and spans[j][0] <= pos:
        if spans[j][0] <= pos < spans[j][1]:
            return True
        j += 1
    return False


def _clause_before(text: str, pos: int, limit: int = 40) -> str:
    lo = max(0, pos - limit)
    seg = text[lo:pos]
    cut = max(seg.rfind(c) for c in CLAUSE_BOUNDARY)
    return seg[cut + 1 :] if cut >= 0 else seg


def find_quantities(text: str) -> list[Quantity]:
    """Every quantity in ``text`` (a normalised string), in order."""
    out: list[Quantity] = []
    excluded = _excluded_spans(text)
    cursor = [0]
    for m in QUANTITY_RE.finditer(text):
        q = _to_quantity(text, m)
        if q is None or _inside(q.start, excluded, cursor):
            continue
        out.append(q)
    return out


_DURATION_BEFORE_RE = re.compile(r"(?:连续|累计|长达|历时)$")
# After a Chinese-numeral count, words that make it the name of a list ("四个方面").
_ENUM_AFTER_RE = re.compile(
    r"[“\"‘「]|方面|领域|重点|环节|要素|原则|意识|自信|维护|确立|务必|坚持|基本|结合|融合|清单|工程|行动|体系|机制|统一|到位|上|下"
)
_LIST_ORDINAL_RE = re.compile(r"(?:第|届)[零〇一二两三四五六七八九十百\d]+[次批期届]?、$")
# Units of events, the only ones a frequency ("每月1次") is written in.
_EVENT_UNITS = frozenset({"次", "场", "期", "场次", "场(次)", "场（次）", "轮", "堂", "节", "课时", "学时"})
# Characters before a number that make it part of a longer token or a date/rank.
_BAD_BEFORE_ASCII = "._-/:· "
_BAD_BEFORE_CJK = frozenset("·〔[第届")
_BAD_BEFORE_CN_NUMERAL = frozenset("数几第初周星礼每逐统唯万前")


def _counts_in_chinese(text: str, num_text: str, unit: str, unit_end: int, before: str, mid: str | None) -> bool:
    """Is a Chinese numeral before a measure word a count (not an article, a name or a slogan)?"""
    # Bare 一 is an article (一个, 一次, 一起), not a count; leading 百/千 only with 余/多 (百余人).
    if num_text in ("一", "〇", "零") or num_text[0] in "万亿" or (num_text[0] in "百千" and not mid):
        return False
    if before in _BAD_BEFORE_CN_NUMERAL:
        return False
    if text[unit_end : unit_end + 1] == "一":
        return False  # paired slogans: 一村一顾问, 两室一厅
    if unit in ("项", "类") or _ENUM_AFTER_RE.match(text, unit_end):
        return False  # 三项制度, 四个方面, 四个“最”: the names of a list, not a count
    if unit != "个" and text[unit_end : unit_end + 1] in ("镇", "乡"):
        return False  # a place name (三张镇, 五里乡)
    return True


def _to_quantity(text: str, m: re.Match[str]) -> Quantity | None:
    start = m.start()
    before = text[start - 1] if start else ""
    if before and ((before.isascii() and (before.isalnum() or before in _BAD_BEFORE_ASCII)) or before in _BAD_BEFORE_CJK):
        return None
    mid: str | None = None
    if m.group("pct"):
        num_text = m.group("pnum")
        num_start, num_end = m.start("pnum"), m.end("pnum")
        unit, unit_start, unit_end = "%", start, start + 3
        is_cn = not num_text[0].isdigit()
    else:
        num_text = m.group("num")
        num_start, num_end = m.start("num"), m.end("num")
        if m.group("unit") is None:
            return None  # a bare number (years, codes, headings, phone numbers...) is not a quantity
        unit, unit_start, unit_end = m.group("unit"), m.start("unit"), m.end("unit")
        mid = m.group("mid")
        is_cn = not num_text[0].isdigit()
        # A Chinese numeral ending in 万/亿 before 元 ("五十万元"): the scale belongs to the unit.
        if is_cn and num_text[-1] in "万亿" and unit == "元" and not mid:
            unit, num_text, num_end, unit_start = num_text[-1] + "元", num_text[:-1], num_end - 1, unit_start - 1
            if not num_text:
                return None
        nxt = text[unit_end : unit_end + 1]
        if nxt and nxt in _UNIT_BLOCKERS.get(unit, ""):
            return None  # the measure word starts another word (部门, 人民, 条例, 期间...)
        if unit == "日":
            return None  # "15日" is a date far more often than a duration
        if unit == "年" and not _DURATION_BEFORE_RE.search(text, max(0, start - 3), start):
            return None  # 2025年 is a date; only "连续5年" counts years
        if unit in _NOUN_UNITS and (mid or num_text in ("一", "两")):
            return None
    if is_cn and not _counts_in_chinese(text, num_text, unit, unit_end, before, mid):
        return None
    if _LIST_ORDINAL_RE.search(text, max(0, start - 8), start):
        return None  # 第二、三批 / 十三届三次、四次: ordinals continued in a list
    try:
        value = parse_number(num_text)
    except ValueError:
        return None
    qualifier = "more_than" if mid else "exact"
    span_start, span_end = start, unit_end
    tail = text[unit_end : unit_end + 2]
    if tail == "以上":
        qualifier, span_end = "more_than", unit_end + 2
    elif tail == "左右":
        qualifier, span_end = "approx", unit_end + 2
    elif tail in ("以下", "以内"):
        qualifier, span_end = "less_than", unit_end + 2
    pm = _PREFIX_RE.search(text, max(0, start - 3), start)
    if pm and qualifier == "exact":
        qualifier = _PREFIX_MAP[pm.group(0)]
        span_start = pm.start()
    clause = _clause_before(text, span_start, 30)
    if unit in _EVENT_UNITS and _FREQ_RE.search(clause):
        return None  # 每两月1次, 每季度召开2次: a frequency, not a count
    if value == 0 and clause.endswith(("未发生", "没有发生", "无", "未有", "未出现")):
        return None
    pr = _PER_RE.search(clause)
    return Quantity(
        start=num_start,
        end=num_end,
        number_text=num_text,
        value=value,
        unit=unit,
        unit_start=unit_start,
        unit_end=unit_end,
        qualifier=qualifier,
        per=pr.group("per") if pr else None,
        span_start=span_start,
        span_end=span_end,
    )


def find_placeholders(text: str) -> list[Placeholder]:
    """Draft placeholders where a number belongs: ``*次``, ``**名``, ``XX件``, ``x名``."""
    out: list[Placeholder] = []
    for m in _PLACEHOLDER_RE.finditer(text):
        unit = m.group("unit")
        if unit in _NOUN_UNITS or unit in ("年", "日", "周"):
            continue  # XX村, XX年: an anonymised name or date, not a missing count
        nxt = text[m.end() : m.end() + 1]
        if nxt and nxt in _UNIT_BLOCKERS.get(unit, ""):
            continue
        out.append(Placeholder(m.start(), m.end(), m.group(0)))
    return out
