"""The reporting body's name: found in the title, the body, the signature block.

The entity finders of the metadata stage (:mod:`pipeline.metadata` orchestrates them):
each returns a :class:`Found` (short name with its level word, the fullest form the
source states, level, county, source, evidence) or None. ``complete_place`` adds the
place a bare name leaves out ("区司法局" + 卫滨区), ``fullest_name`` finds the fullest
form the text states, ``own_chars`` quotes a name in the document's own characters
(青石鎮), ``repair_name`` drops a word glued before a name the divisions know.

Matching runs on ``report.norm``; names are quoted from ``report.text``.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from pipeline.dates import CLOSING_DATE, CN_DATE, cn_iso, iso_date
from pipeline.doctype import REPORT_SENTENCE
from pipeline.gazetteer import Gazetteer
from pipeline.normalise import RUBY
from pipeline.orgnames import (
    BAD_IN_NAME,
    GOV_SUFFIX,
    MUNICIPALITIES,
    NAME_CHARS,
    ORGAN_SUFFIX,
    PARTY_TAIL,
    PROVINCES,
    STOP_CHARS,
    TRAD_UNIT,
    UNIT_CHARS,
    UNIT_RE,
    Org,
    names_with_unit,
    organs_in_line,
    parse_org,
    place_at,
)
from pipeline.types import Report

__all__ = [
    "Found",
    "clean_pinyin",
    "complete_place",
    "entity_from_body",
    "entity_from_signature",
    "entity_from_title",
    "fullest_name",
    "mentioned_place",
    "norm_pos",
    "org_has_place",
    "org_result",
    "own_chars",
    "repair_name",
    "to_simple",
]

_HEAD_CHARS = 3000  # how much of the body the subject search reads
_NAME_JUNK = re.compile("[\\s\u200b\u200c\u200d\u2060\ufeff\u00ad]")

_SUBJECT_STOP = re.compile(
    r"坚持|在|深入|始终|紧紧|认真|全面|围绕|按照|以|立足|紧扣|聚焦|扎实|着力|积极|不断|锚定|高度|严格|持续|切实|"
    r"大力|结合|通过|进一步|全力|牢牢|注重|依法|主动|根据|贯彻|落实|统筹|推进|领导班子|各项|全体|上下|法治|"
    r"工作|按|得益|2\d{3}|一年|今年|本年|年度|$"
)
# What else opens the predicate of the opening sentence's subject ("2024年，柳溪乡将…"): trusted
# in the first sentence only, where the writer names itself; later a district so named is an example.
_OPENING_VERB = re.compile(r"将|把|对|从|强化|加强|采取|健全|完善|建立|全年|先后|多措并举")
# Time words that open a clause before its subject ("今年青石镇…", "近年来，…").
_TIME_WORD = r"(?:今年|去年|全年|当年|本年|近年)"
_TIME_LEAD = re.compile(_TIME_WORD + r"(?:以来|来)?[，,]?")
_TITLE_LEAD = re.compile(r"(?:关于)?(?:20\d\d年度?)?")
# The verb of the report sentence ("现将省政府…报告如下", "兹就…汇报如下"): its subject starts after it,
# so a clause that opens with it never makes "现将省" a place.
_REPORT_VERB = re.compile(r"(?:现|兹|特|谨)(?:将|就)")
# A government named by its level alone ("省政府", "县人民政府", "街道办事处"): in the report
# sentence ("现将省政府…报告如下") it is the writer naming itself without its place.
# Only when what follows is the report's topic (a year, 关于…, 法治…): "市政府办公室" is a department.
_BARE_ORGAN = re.compile(
    r"(自治区|街道|省|市|县|区|旗|乡|镇)(?:人民政府|政府|办事处)(?=20\d\d|二〇|[〇零一二三四五六七八九]{4}年|关于|有关|法治|依法|本年|今年|全年|年度)"
)
_BARE_LEVEL = {"自治区": "province", "省": "province", "市": "city", "县": "county", "区": "county", "旗": "county"}
# The party committee and the government named together as the subject ("柳溪乡党委、政府坚持…").
# A county's or city's committee is 县委/区委/市委 ("明川县委、县政府坚持…"), a township's 党委/党工委.
_JOINT_ORGAN = re.compile(r"(?:党工委|党委|委)?[、和与及]\s*(?:乡|镇|街道|县|区|市|旗)?(?:人民政府|政府|办事处)")

_FAZHI_NAME = re.compile(r"法治(" + NAME_CHARS + r"{2,3}?)(?:建设|”)")
# Two-character words that follow 法治 but are not places ("法治意识", "法治保障").
_NOT_PLACE = frozenset(
    "意识 环境 保障 政府 社会 国家 中国 思维 方式 素养 宣传 文化 理念 精神 氛围 轨道 道路 体系 能力 水平 实践 教育 "
    "队伍 人才 建设 工作 思想 信仰 观念 需求 服务 乡村 基层 城市 营商 护航 引领 根基 力量 保护 监督 督察 考核 示范".split()
)


def norm_pos(report: Report, text_pos: int) -> int:
    """The ``norm`` offset of a ``text`` offset."""
    if not report.norm_map:
        return text_pos
    return bisect.bisect_left(report.norm_map, text_pos)


def _is_traditional(report: Report) -> bool:
    """Whether the text writes traditional characters: each normalised character is compared with
    the one it came from (through ``norm_map``: dropped spaces and line ends must not shift them)."""
    diff = 0
    for i in range(min(len(report.norm), 2000)):
        p = report.to_text_pos(i)
        if p < len(report.text) and (a := report.text[p]) != report.norm[i] and "\u4e00" <= a <= "\u9fff":
            diff += 1
    return diff > 10


_PINYIN = RUBY  # ruby annotations ("區(qū)"): normalise deletes them from norm; names quoted from text drop them too


@dataclass
class Found:
    """A candidate reporting body: its name, fullest form, level and county, where it was found."""

    entity: str
    full: str | None
    level: str
    county: str | None
    source: str
    evidence: str
    # The place was added from elsewhere ("区司法局" + 卫滨区): the text never states this full name.
    bare: bool = False


def org_result(
    report: Report, base: int, s: str, org: Org, source: str, evidence: str, idx: list[int] | None = None
) -> Found:
    """Turn a parsed organ (offsets into ``s``; ``s[k]`` is norm ``base + idx[k]``) into quoted values."""
    def quote(a: int, b: int) -> str:
        if base < 0:
            return s[a:b]
        if idx is not None:
            return _quote_name(report, base + idx[a], base + idx[b - 1] + 1)
        return _quote_name(report, base + a, base + b)

    entity = quote(*org.entity)
    full = quote(*org.full)
    county = None
    # The county: the county-level unit right above the entity.
    for a, b, lvl in reversed(org.places):
        if (a, b) == org.entity or a >= org.entity[0] and org.level != "department":
            continue
        if lvl == "county" or (lvl == "city" and org.level == "township" and s[b - 1] == "市"):
            county = quote(a, b)
            break
        if lvl in ("city", "province"):
            break
    if org.level == "department":
        for a, b, lvl in org.places:
            if lvl == "county":
                county = quote(a, b)
    return Found(entity, full, org.level, county, source, evidence)


_DROP_WITH_SPACE = re.compile(_PINYIN.pattern + r"|[\n \t]")


def clean_pinyin(s: str, drop_space: bool = False) -> tuple[str, list[int]]:
    """Drop ruby annotations such as "區(qū)" left in some web copies; map back to ``s``.

    Runs between two dropped pieces are copied whole (no loop over characters).
    """
    pat = _DROP_WITH_SPACE if drop_space else _PINYIN
    out: list[str] = []
    idx: list[int] = []
    pos = 0
    for m in pat.finditer(s):
        if m.start() > pos:
            out.append(s[pos : m.start()])
            idx.extend(range(pos, m.start()))
        pos = m.end()
    if pos == 0:
        return s, list(range(len(s)))
    out.append(s[pos:])
    idx.extend(range(pos, len(s)))
    return "".join(out), idx


# --------------------------------------------------------------------------- extraction


def entity_from_title(report: Report) -> tuple[Found | None, str]:
    """(the organ the title names, the title in ``norm`` without ruby annotations)."""
    if not report.title or report.title_span is None:
        return None, ""
    ns = norm_pos(report, report.title_span[0])
    ne = norm_pos(report, report.title_span[1])
    t, idx = clean_pinyin(report.norm[ns:ne], drop_space=True)
    # Two issuers ("中共X委员会 X人民政府关于…"): the government is the reporting body.
    # "关于明川县…的报告", "2024年明川县…报告": the organ follows the preposition or the year.
    pos = m0.end() if (m0 := _TITLE_LEAD.match(t)) else 0
    m = re.match(r"中共" + NAME_CHARS + r"{2,20}?(?:委员会|党委|党工委|委(?!员会))(?=" + NAME_CHARS + ")", t)
    if m and (parse_org(t, m.end()) is not None):
        pos = m.end()
    org = parse_org(t, pos)
    if org is None and pos:
        org = parse_org(t, 0)
    if org is None:
        # A province by its short name ("2025年南岭政府工作报告"): the unit is implied.
        name = next((n for n in PROVINCES if t.startswith(n, pos)), None)
        if name is None:
            return None, t
        unit = PROVINCES[name].translate(TRAD_UNIT) if _is_traditional(report) else PROVINCES[name]
        return Found(_quote_name(report, ns + idx[pos], ns + idx[pos + len(name) - 1] + 1) + unit, None,
                     "province", None, "title", report.title), t
    # A bare unit ("州民宗局") names no place: leave it to the body.
    if org.level != "department" and not org.places:
        return None, t
    return org_result(report, ns, t, org, "title", report.title, idx), t


def _subjects(head: str) -> list[int]:
    """Offsets in ``head`` where a clause begins (candidate subjects)."""
    starts = [0]
    for m in re.finditer(r"[，,。；;：:\n]|20\d\d年(?:以来|度)?[，,]?|一年来[，,]?|今年以来[，,]?", head):
        starts.append(m.end())
    return starts


def entity_from_body(report: Report, body_start: int) -> tuple[Found | None, str]:
    """(the subject of the report sentence or of an opening clause, the head of the body searched)."""
    raw = report.norm[body_start : body_start + _HEAD_CHARS]
    head, idx = clean_pinyin(raw)

    def base_quote(a: int, b: int) -> str:
        return _quote_name(report, body_start + idx[a], body_start + idx[b - 1] + 1)

    best: tuple[int, Org] | None = None
    m = REPORT_SENTENCE.search(head)
    cands: list[tuple[int, int]] = []
    if m:
        cands.append((0, m.start(1)))
    for k, st in enumerate(_subjects(head[:800])):
        cands.append((k + 1, st))
    bare: Found | None = None
    for prio, st in cands:
        p = st
        if t := _TIME_LEAD.match(head, p):
            p = t.end()
        if v := _REPORT_VERB.match(head, p):
            p = v.end()
        if prio > 0 and (s := _SUBJECT_STOP.match(head, p)) and s.end() > p:
            continue  # a clause that opens with its verb ("认真落实国务院部署…") names no subject
        if prio == 0 and (g := _BARE_ORGAN.match(head, p)):
            # The writer gives its level, not its place: a later subject is the writer only
            # when it has that level (a department or a superior named later is not).
            unit = g.group(1)
            bare = Found(base_quote(g.start(1), g.end(1)), base_quote(g.start(), g.end()),
                         _BARE_LEVEL.get(unit, "township"), None, "body", head[g.start() : g.end() + 20])
            continue
        if head.startswith(("原", "我", "全"), p) and not head.startswith(("全国",), p):
            p += 1
        org = parse_org(head, p, max_name=5)
        if org is None:
            continue
        if org.level != "department" and not org.places:
            continue
        if bare is not None and org.level != bare.level:
            continue
        # The subject must be followed by what a subject is followed by.
        after = head[org.full[1] : org.full[1] + 6]
        # Party committee and government together: the pair must be followed by a predicate,
        # as in "明川县委、县政府坚持…" (not "按照明川县委、县政府部署").
        jm = _JOINT_ORGAN.match(head, org.full[1])
        joint = jm and (PARTY_TAIL.search(head, org.full[0], org.full[1]) or jm.group(0)[0] == "委"
                        and _SUBJECT_STOP.match(head, jm.end()))
        opening = _OPENING_VERB.match(after) and "。" not in head[:st]
        if prio > 0 and not (_SUBJECT_STOP.match(after) or GOV_SUFFIX.match(after) or joint or opening):
            continue
        # A bare department ("司法部", "区司法局") is kept; a place may be added later.
        best = (prio, org)
        break
    if best is None:
        return bare, head
    org = best[1]
    ent = base_quote(*org.entity)
    full = base_quote(*org.full)
    f = org_result(report, -1, head, org, "body", head[org.full[0] : org.full[1] + 20])
    f.entity, f.full = ent, full
    # county spans were taken from ``head``: requote them.
    for a, b, lvl in org.places:
        if f.county is not None and head[a:b] == f.county:
            f.county = base_quote(a, b)
    return f, head


_SIG_SPAN = 1500  # how far from the end the signature is searched (a page footer may follow it)


def entity_from_signature(report: Report) -> tuple[Found | None, str | None]:
    """The signature block: (the organ on the line(s) right above the closing date, that date).

    Only the last ``_SIG_SPAN`` characters are read; the last date line wins, so
    a page footer after the signature does not hide it.
    """
    base = max(0, len(report.norm) - _SIG_SPAN)
    tail = report.norm[base:]
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in tail.split("\n"):
        a, b = pos, pos + len(line)
        pos = b + 1
        while a < b and tail[a] in " \t\r\u3000":
            a += 1
        while b > a and tail[b - 1] in " \t\r\u3000":
            b -= 1
        if b > a:
            spans.append((a, b))
    for k in range(len(spans) - 1, -1, -1):
        a, b = spans[k]
        m = CLOSING_DATE.search(tail, a, b)
        if m is None or m.start() - a > 40:
            continue
        cn = CN_DATE.match(m.group(0))
        iso = cn_iso(cn) if cn else iso_date(m.group(0))
        # The organ: before the date on its line, else the one or two lines above.
        owners = [(a, m.start())] if m.start() > a else [spans[j] for j in range(k - 1, max(-1, k - 3), -1)]
        gov: list[tuple[int, Org]] = []
        party: list[tuple[int, Org]] = []
        for oa, ob in owners:
            if ob - oa > 40:
                break
            parsed = organs_in_line(tail[oa:ob])
            if parsed is None:
                break
            gov += [(oa, o) for o in parsed[0]]
            party += [(oa, o) for o in parsed[1]]
        if not gov and not party:
            if m.start() > a:
                continue  # a line that ends in a date but is no signature
            return None, iso
        oa, org = gov[0] if gov else party[0]
        if not gov:
            # A party committee alone names its township or county: the place, not the committee.
            org = Org(org.places, org.entity, (org.places[0][0], org.places[-1][1]), org.level)
        line = tail[oa : spans[k][1]]
        f = org_result(report, base + oa, tail[oa:], org, "issuer", line)
        return f, iso
    return None, None


def complete_place(
    report: Report, found: Found | None, head: str, level_hint: str | None, gaz: Gazetteer | None = None
) -> Found | None:
    """Add the place a bare name leaves out: "区司法局" + 明川区, "我乡" + "法治柳溪建设", "南岭坚持" → 南岭省.

    With ``gaz``, "法治X" followed by any punctuation names the writer when the divisions
    know X with a unit of the writer's level ("全市…法治江州、法治政府建设" → 江州市)."""
    trad = _is_traditional(report)
    if found is not None and found.level == "department":
        m = re.match(r"(县|区|市|州)", to_simple(found.entity))
        if m:
            unit = m.group(1)
            names = names_with_unit(head, unit)
            if names:
                top = max(dict.fromkeys(names), key=names.count)  # a tie goes to the first seen, not to hash order
                found.entity = top[:-1] + found.entity
                found.bare = True
                if unit in "县区":
                    found.county = top
            else:
                fz = next((m for m in _FAZHI_NAME.finditer(head) if not BAD_IN_NAME.search(m.group(1)) and m.group(1)[:2] not in _NOT_PLACE), None)
                if fz:
                    found.entity = fz.group(1) + found.entity
                    found.bare = True
        return found
    if found is not None:
        return found
    # Province named without its unit.
    for name, unit in PROVINCES.items():
        pos = head.find(name)
        if pos < 0 or level_hint not in ("province", None, "city"):
            continue
        if level_hint == "city" and name not in MUNICIPALITIES:
            continue
        if pos < 1500 and (level_hint is not None or pos < 60):
            u = unit.translate(TRAD_UNIT) if trad else unit
            # "2024年，南岭坚持…": the opening sentence's subject is the name the writer gives itself.
            first = head[: head.find("。") + 1 or len(head)]
            subj = re.search(r"(?:^|[，,；;\n])" + name + r"(?=" + _SUBJECT_STOP.pattern + r")", first)
            full = name if subj and subj.end() < len(first) else None
            return Found(name + u, full, "province", None, "body", head[pos : pos + 20])
    if level_hint in ("township", "county", "city"):
        fz = next((m for m in _FAZHI_NAME.finditer(head) if not BAD_IN_NAME.search(m.group(1)) and m.group(1)[:2] not in _NOT_PLACE), None)
        if fz and not set(fz.group(1)) & STOP_CHARS:
            unit = {"township": _guess_township_unit(head), "county": "县", "city": "市"}[level_hint]
            u = unit.translate(TRAD_UNIT) if trad else unit
            return Found(fz.group(1) + u, None, level_hint, None, "body", fz.group(0))
        if gaz is not None and (known := _fazhi_known(gaz, head, level_hint)):
            x, unit, evidence = known
            u = unit.translate(TRAD_UNIT) if trad else unit
            return Found(x + u, None, level_hint, None, "body", evidence)
    return None


# "法治X" in any position ("法治X、法治政府建设", "法治X“八大抓手”"): X is a place only when the
# divisions know X with a unit word of the level the writer gives itself (全市 → X市).
_FAZHI_ANY = re.compile(r"法治(" + NAME_CHARS + r"{2,4}?)(?=建设|[、“”\"，,。；;（(）)])")
_FAZHI_UNITS = {"township": ("镇", "乡", "街道", "苏木"), "county": ("县", "区", "市", "旗"), "city": ("市", "州", "盟")}


def _fazhi_known(gaz: Gazetteer, head: str, level: str) -> tuple[str, str, str] | None:
    """(X, its unit, the evidence) for the place of ``level`` that "法治X" names most often,
    when the divisions know it; a tie goes to the first named."""
    known = {"township": gaz.townships, "county": gaz.counties, "city": gaz.cities}[level]
    seen: dict[tuple[str, str], str] = {}
    counts: dict[tuple[str, str], int] = {}
    for m in _FAZHI_ANY.finditer(to_simple(head)):
        x = m.group(1)
        if BAD_IN_NAME.search(x) or x[:2] in _NOT_PLACE or set(x) & STOP_CHARS:
            continue
        unit = next((u for u in _FAZHI_UNITS[level] if x + u in known), None)
        if unit is not None:
            seen.setdefault((x, unit), m.group(0))
            counts[(x, unit)] = counts.get((x, unit), 0) + 1
    if not counts:
        return None
    x, unit = max(counts, key=lambda k: counts[k])  # max keeps the first of equals (dict order)
    return x, unit, seen[(x, unit)]


def _guess_township_unit(head: str) -> str:
    counts = {u: len(re.findall(r"(?:我|全|本)" + u, head)) for u in ("乡", "镇", "街道")}
    return max(counts.items(), key=lambda kv: kv[1])[0]


def to_simple(s: str) -> str:
    """``s`` in simplified characters (names are compared in this form)."""
    from pipeline.normalise import to_simplified

    return to_simplified(s)


# The unit words of the levels a report names itself by in the first person (我镇, 我县).
_LEVEL_UNIT = {"township": re.compile(r"街道|苏木|乡|镇"), "county": re.compile(r"自治县|自治旗|县|区|旗|市")}


# What follows a place when the writer speaks of its own government or its own rule of law
# ("强化柳溪乡法治建设", "青石镇党委"), not of a neighbour's office ("青石镇司法所").
_OWN_AFTER = re.compile(r"法治|党委|党工委|人民政府|政府|办事处")


def mentioned_place(gaz: Gazetteer, head: str, level: str) -> Found | None:
    """A report that speaks as 我镇/我县 but never names itself as a subject: the place of
    that level the divisions know that its opening names most, at least twice and more
    than any other; or the only one it names, once, before its 法治/党委/政府."""
    known = gaz.townships if level == "township" else gaz.counties
    counts: dict[str, int] = {}
    own: set[str] = set()
    for m in _LEVEL_UNIT[level].finditer(head[:_HEAD_CHARS]):
        for n in range(5, 1, -1):  # the longest known name ending here
            a = m.start() - n
            if a >= 0 and (name := head[a : m.end()]) in known:
                counts[name] = counts.get(name, 0) + 1
                if _OWN_AFTER.match(head, m.end()):
                    own.add(name)
                break
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    if len(ranked) == 1 and ranked[0][0] in own:
        return Found(ranked[0][0], None, level, None, "body", ranked[0][0])
    if not ranked or ranked[0][1] < 2 or len(ranked) > 1 and ranked[1][1] * 2 > ranked[0][1]:
        return None
    return Found(ranked[0][0], None, level, None, "body", ranked[0][0])


# What a clause puts before a name ("2021年明川县…", "按照明川县…"): function characters and
# time words; a name that starts with them is the real name with a word glued before it.
_GLUED_BEFORE = re.compile(r"(?:" + _TIME_WORD + r"|[年月日照据于在和与及对为将把从向以由经的是了])+")


def repair_name(gaz: Gazetteer, name: str) -> str:
    """``name`` without a glued word before it when the divisions know the rest ("年明川县" → 明川县)."""
    key = to_simple(name)
    if gaz.is_place(key) or len(key) != len(name):
        return name
    for k in range(1, len(key) - 1):
        if _GLUED_BEFORE.fullmatch(key[:k]) and gaz.is_place(key[k:]):
            return name[k:]
    return name


def _quote_name(report: Report, norm_start: int, norm_end: int) -> str:
    """A name as the text writes it, without what normalise dropped inside it (spaces,
    zero-width characters) or ruby annotations ("區(qū)")."""
    return _NAME_JUNK.sub("", _PINYIN.sub("", report.text_of(norm_start, norm_end)))


def own_chars(report: Report, value: str | None, hay_idx: tuple[str, list[int]]) -> str | None:
    """``value`` in the document's own characters (明川區, not 明川区).

    Names are matched on ``norm`` or built from lists; each longest piece of the
    name that occurs in ``hay_idx`` (the head of ``norm`` without ruby annotations,
    and its map to ``norm``) is quoted from ``text``, other characters are kept.
    """
    if not value:
        return value
    value = _NAME_JUNK.sub("", value)
    key = to_simple(value)
    hay, idx = hay_idx
    out: list[str] = []
    i = 0
    while i < len(key):
        # The longest piece from ``i`` that the text has ("内蒙古", then "自治区").
        for n in range(len(key) - i, 1, -1):
            pos = hay.find(key[i : i + n])
            if pos >= 0:
                out.append(_quote_name(report, idx[pos], idx[pos + n - 1] + 1))
                i += n
                break
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


def org_has_place(f: Found) -> bool:
    """Whether the name starts with a place ("柳溪乡…", not "乡政府")."""
    return bool(re.match(NAME_CHARS + r"{2,}?(?:" + UNIT_RE + ")", to_simple(f.entity)))


def fullest_name(report: Report, found: Found, header: str, head: str) -> str | None:
    """The fullest form of the body's name the text states (places before it, 人民政府/办事处 after)."""
    ent = to_simple(found.entity)
    if found.bare:
        # "区司法局" completed with a place found elsewhere: the full name counts only
        # where the text states it (searched below), or as the title names it ("州民宗局…报告").
        best = found.full if found.source == "title" and found.full else None
    else:
        best = found.full if found.source in ("title", "body", "issuer") else None
    if best:
        # The party committee is another body: "青石镇党委" names 青石镇.
        best = PARTY_TAIL.sub("", best)
    best_norm = to_simple(best) if best else ""
    best_len = len(best_norm)
    pool = (report.title and to_simple(report.title) or "") + "\n" + header + "\n" + head[:2000]
    pool = clean_pinyin(pool)[0]
    for m in re.finditer(re.escape(ent), pool):
        a = m.start()
        # Extend left over place names ("辰溪县" + "小龙门乡").
        while a > 0:
            hit = None
            for ln in range(2, 9):
                if a - ln < 0:
                    break
                cand = pool[a - ln : a]
                org = place_at(pool, a - ln)
                if org is not None and org[0] == a and not set(cand) & STOP_CHARS:
                    hit = a - ln
                    break
            # A one-character county name is the tail of a longer one: "辰溪县", not "溪县".
            if hit is not None and a - hit == 2 and hit > 0 and pool[a - 1] == "县":
                org = place_at(pool, hit - 1)
                if org is not None and org[0] == a and pool[hit - 1] not in UNIT_CHARS | STOP_CHARS:
                    hit -= 1
            if hit is None:
                break
            a = hit
        b = m.end()
        g = ORGAN_SUFFIX.match(pool, b)
        if g and found.level != "department":
            b = g.end()
        cand = pool[a:b]
        if len(cand) > best_len:
            best_norm = cand
            best = cand
            best_len = len(cand)
    if best is None:
        return None
    # A department named by its unit alone in the body ("县司法局") states no full name.
    if found.level == "department" and found.source != "title" and best_norm[:1] in UNIT_CHARS:
        return None
    # Quote with the document's characters when the string is in the text.
    pos = report.norm.find(best_norm)
    if pos >= 0:
        return _quote_name(report, pos, pos + len(best_norm))
    return best
