"""Metadata stage: what the document is, who wrote it, about which year.

Sets ``is_report``/``doc_type``, ``entity`` (short name with its level word:
青石镇, 云岭街道, 明川县, 明川县司法局), ``entity_full``, ``county``,
``level``, ``year`` (the year reported on), ``issue_date`` and a provenance
record per value. Sources are trusted in this order: the title, the signature
block (the organ above the closing date), the body ("2023年，在县委…领导下，我乡…",
"现将柳溪乡2024年…报告如下"), the publisher field, the file name, the page title.
An issuing organ never overrides the level the writer gives itself ("我镇"), and
an office that publishes the report (…办公室) is not the body that reports. The
year is the one the text states; a date (issue, then publication) is the last
resort and stands for the year before it unless written in October or later.

Organ names are parsed by ``orgnames``, dates by ``dates``, the document type is
``doctype``'s; the divisions gazetteer (``gazetteer``) is evidence, never a gate: it
names the county a township's text states, repairs a name with a word glued before
it and tells a county-level city from a city.

Matching runs on ``report.norm``; names are quoted from ``report.text`` so a
traditional-character report keeps its characters (羅店鎮). Only the head of
the document (and a few lines at its end for the signature) is read, so the
cost does not grow with the length of the body.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from pathlib import PurePath

from pipeline.dates import CLOSING_DATE, CN_DATE, DATE, DATE_FIELD, cn_iso, cn_years_as_digits, iso_date
from pipeline.dates import REPORT_YEAR as _YEAR
from pipeline.dates import REPORT_YEAR_RANGE as _YEAR_RANGE
from pipeline.doctype import REPORT_SENTENCE, detect_doc_type
from pipeline.gazetteer import Gazetteer, load_gazetteer
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
    county_in_chain,
    is_office,
    names_with_unit,
    organs_in_line,
    parse_org,
    place_at,
    scan_org,
)
from pipeline.structure import split_lines
from pipeline.types import Provenance, Report

__all__ = ["extract_metadata"]

_HEAD_CHARS = 3000  # how much of the body the subject/year search reads
_NAME_JUNK = re.compile("[\\s\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_OWN_CHARS_SPAN = 12000  # how much of the document is searched for a name's own characters

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
# The party committee and the government named together as the subject ("柳溪乡党委、政府坚持…").
_JOINT_ORGAN = re.compile(r"[、和与及]\s*(?:乡|镇|街道|县|区|市)?(?:人民政府|政府|办事处)")
_SELF_LEVEL: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?:我|全|本)(?:乡|镇)|(?:乡|镇)(?:党委|政府|人民政府)|街道(?:党工委|办事处)|我街道|全街道?|本街道"), "township"),
    (re.compile(r"(?:我|全|本)(?:县|区)(?!域外)|(?:县|区)(?:委|政府|人民政府)(?!办)"), "county"),
    (re.compile(r"(?:我|全|本)市|市(?:委|政府|人民政府)(?!办)"), "city"),
    (re.compile(r"(?:我|全|本)省|省(?:委|政府|人民政府)(?!办)"), "province"),
    (re.compile(r"我(?:局|委|厅|办|部)|本(?:局|委|厅|部)|(?:局|委)党组"), "department"),
)
_FIRST_PERSON: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"我(?:乡|镇|街道)"), "township"),
    (re.compile(r"我(?:县|区)"), "county"),
    (re.compile(r"我市"), "city"),
    (re.compile(r"我省"), "province"),
    (re.compile(r"我(?:局|委|厅|办|部)"), "department"),
)

_PUBLISHER_FIELD = re.compile(r"(?:发布机构|发文机关|发文机构|发布单位|信息来源|来源)[:：\]】|\s]*([\u4e00-\u9fff、]{2,40})")
_LEADERSHIP = re.compile(r"在(" + NAME_CHARS + r"{1,10}?(?:县|区|旗|市))(?:委|党委)")
_ADDRESSEE = re.compile(r"(?:^|\n)(?:中共)?(" + NAME_CHARS + r"{1,10}?(?:县|区|旗|市))(?:县|区|市)?(?:委|委员会)")
_PLAN_MENTION = re.compile(r"(?:《|^|[，,。、])(" + NAME_CHARS + r"{2,6}?(?:县|区|旗|市))(?:20\d\d|实施|全面依法|法治|“|\")")
_FAZHI_NAME = re.compile(r"法治(" + NAME_CHARS + r"{2,3}?)(?:建设|”)")
# Two-character words that follow 法治 but are not places ("法治意识", "法治保障").
_NOT_PLACE = frozenset(
    "意识 环境 保障 政府 社会 国家 中国 思维 方式 素养 宣传 文化 理念 精神 氛围 轨道 道路 体系 能力 水平 实践 教育 "
    "队伍 人才 建设 工作 思想 信仰 观念 需求 服务 乡村 基层 城市 营商 护航 引领 根基 力量 保护 监督 督察 考核 示范".split()
)



















# --------------------------------------------------------------------------- helpers


def _norm_pos(report: Report, text_pos: int) -> int:
    if not report.norm_map:
        return text_pos
    return bisect.bisect_left(report.norm_map, text_pos)


def _is_traditional(report: Report) -> bool:
    head = report.text[:2000]
    diff = sum(1 for a, b in zip(head, report.norm[:2000]) if a != b and "\u4e00" <= a <= "\u9fff")
    return diff > 10




_PINYIN = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6}\)")


@dataclass
class _Found:
    entity: str
    full: str | None
    level: str
    county: str | None
    source: str
    evidence: str
    # The place was added from elsewhere ("区司法局" + 卫滨区): the text never states this full name.
    bare: bool = False


def _org_result(
    report: Report, base: int, s: str, org: Org, source: str, evidence: str, idx: list[int] | None = None
) -> _Found:
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
    return _Found(entity, full, org.level, county, source, evidence)


_DROP_WITH_SPACE = re.compile(_PINYIN.pattern + r"|[\n \t]")


def _clean_pinyin(s: str, drop_space: bool = False) -> tuple[str, list[int]]:
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


def _from_title(report: Report) -> tuple[_Found | None, str]:
    if not report.title or report.title_span is None:
        return None, ""
    ns = _norm_pos(report, report.title_span[0])
    ne = _norm_pos(report, report.title_span[1])
    t, idx = _clean_pinyin(report.norm[ns:ne], drop_space=True)
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
        return None, t
    # A bare unit ("州民宗局") names no place: leave it to the body.
    if org.level != "department" and not org.places:
        return None, t
    return _org_result(report, ns, t, org, "title", report.title, idx), t


def _subjects(head: str) -> list[int]:
    """Offsets in ``head`` where a clause begins (candidate subjects)."""
    starts = [0]
    for m in re.finditer(r"[，,。；;：:\n]|20\d\d年(?:以来|度)?[，,]?|一年来[，,]?|今年以来[，,]?", head):
        starts.append(m.end())
    return starts


def _from_body(report: Report, body_start: int) -> tuple[_Found | None, str]:
    raw = report.norm[body_start : body_start + _HEAD_CHARS]
    head, idx = _clean_pinyin(raw)

    def base_quote(a: int, b: int) -> str:
        return _quote_name(report, body_start + idx[a], body_start + idx[b - 1] + 1)

    best: tuple[int, Org] | None = None
    m = REPORT_SENTENCE.search(head)
    cands: list[tuple[int, int]] = []
    if m:
        cands.append((0, m.start(1)))
    for k, st in enumerate(_subjects(head[:800])):
        cands.append((k + 1, st))
    for prio, st in cands:
        p = st
        if t := _TIME_LEAD.match(head, p):
            p = t.end()
        if head.startswith(("原", "我", "全"), p) and not head.startswith(("全国",), p):
            p += 1
        org = parse_org(head, p, max_name=5)
        if org is None:
            continue
        if org.level != "department" and not org.places:
            continue
        # The subject must be followed by what a subject is followed by.
        after = head[org.full[1] : org.full[1] + 6]
        joint = PARTY_TAIL.search(head, org.full[0], org.full[1]) and _JOINT_ORGAN.match(after)
        opening = _OPENING_VERB.match(after) and "。" not in head[:st]
        if prio > 0 and not (_SUBJECT_STOP.match(after) or GOV_SUFFIX.match(after) or joint or opening):
            continue
        # A bare department ("司法部", "区司法局") is kept; a place may be added later.
        best = (prio, org)
        break
    if best is None:
        return None, head
    org = best[1]
    ent = base_quote(*org.entity)
    full = base_quote(*org.full)
    f = _org_result(report, -1, head, org, "body", head[org.full[0] : org.full[1] + 20])
    f.entity, f.full = ent, full
    # county spans were taken from ``head``: requote them.
    for a, b, lvl in org.places:
        if f.county is not None and head[a:b] == f.county:
            f.county = base_quote(a, b)
    return f, head


_SIG_SPAN = 1500  # how far from the end the signature is searched (a page footer may follow it)






def _signature(report: Report) -> tuple[_Found | None, str | None]:
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
        f = _org_result(report, base + oa, tail[oa:], org, "issuer", line)
        return f, iso
    return None, None


def _conflicts(own_level: str | None, level: str) -> bool:
    """A place of another level than the one the writer gives itself ("我镇" against 明川县).
    A department speaks of its county as 我县, so a department never conflicts."""
    return own_level not in (None, "department", level) and level != "department"


def _first_person(head: str) -> str | None:
    """The level the writer gives itself ("我镇", "我局"), when it does."""
    counts = {lvl: len(p.findall(head[:1500])) for p, lvl in _FIRST_PERSON}
    best = max(counts.items(), key=lambda kv: kv[1])
    return best[0] if best[1] > 0 else None


def _self_level(head: str) -> str | None:
    head = head[:1500]
    if "自治区" in head:
        head = re.sub(r"自治区|(?<=[我全本])区", "省", head)
    # The first person ("我局") names the writer; "全区", "区委" may name its superior.
    own = {lvl: len(p.findall(head)) for p, lvl in _FIRST_PERSON}
    best = max(own.items(), key=lambda kv: kv[1])
    if best[1] > 0:
        return best[0]
    counts = {lvl: len(p.findall(head)) for p, lvl in _SELF_LEVEL}
    best = max(counts.items(), key=lambda kv: kv[1])
    return best[0] if best[1] > 0 else None


def _complete_place(report: Report, found: _Found | None, head: str, level_hint: str | None) -> _Found | None:
    """Add the place a bare name leaves out: "区司法局" + 卫滨区, "我乡" + 法治舒桥, "广东坚持" → 广东省."""
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
            return _Found(name + u, None, "province", None, "body", head[pos : pos + 20])
    if level_hint in ("township", "county", "city"):
        fz = next((m for m in _FAZHI_NAME.finditer(head) if not BAD_IN_NAME.search(m.group(1)) and m.group(1)[:2] not in _NOT_PLACE), None)
        if fz and not set(fz.group(1)) & STOP_CHARS:
            unit = {"township": _guess_township_unit(head), "county": "县", "city": "市"}[level_hint]
            u = unit.translate(TRAD_UNIT) if trad else unit
            return _Found(fz.group(1) + u, None, level_hint, None, "body", fz.group(0))
    return None


def _guess_township_unit(head: str) -> str:
    counts = {u: len(re.findall(r"(?:我|全|本)" + u, head)) for u in ("乡", "镇", "街道")}
    return max(counts.items(), key=lambda kv: kv[1])[0]


def to_simple(s: str) -> str:
    from pipeline.normalise import to_simplified

    return to_simplified(s)


def _county_from_text(report: Report, header: str, head: str) -> tuple[str | None, str | None]:
    """A county named as the leader ("在XX县委…领导下"), addressee ("中共XX县委") or in a plan name."""
    for pat, src in ((_LEADERSHIP, "body"), (_ADDRESSEE, "body"), (_PLAN_MENTION, "body")):
        for text in (header + "\n" + head[:1500],):
            for m in pat.finditer(text):
                name = m.group(1)
                if set(name) & STOP_CHARS or len(name) < 2:
                    continue
                org = parse_org(name)
                if org is None or len(org.places) != 1 or org.places[0][1] != len(name):
                    continue
                if name[:-1] in MUNICIPALITIES or name.endswith("市") and pat is _PLAN_MENTION:
                    continue
                return name, src
    # A township cites its county's plans and rules ("按照明川县…方案", "《明川县…制度》"):
    # the one county named in the head, when no other county competes with it.
    text = header + "\n" + head[:1500]
    names: list[str] = []
    for unit in ("县", "区", "旗"):
        for name in names_with_unit(text, unit):
            if set(name[:-1]) & UNIT_CHARS:
                continue  # "省市县" lists levels, it names no place
            if not re.search(re.escape(name) + r"(?![域级内外属])", text):
                continue  # "促进区域…": the unit word is the start of another word
            org = parse_org(name)
            if org is not None and len(org.places) == 1 and org.places[0][1] == len(name) and org.level == "county":
                names.append(name)
    # "照明川县" (from "按照明川县") is 明川县 with a verb's tail: count it as the shorter name.
    names = [next((m for m in names if m != n and n.endswith(m)), n) for n in names]
    if names:
        ranked = sorted(dict.fromkeys(names), key=names.count, reverse=True)  # stable: ties keep text order
        if len(ranked) == 1 or names.count(ranked[0]) >= 2 * names.count(ranked[1]):
            return ranked[0], "body"
    return None, None


def _year(
    report: Report, title_norm: str, head: str, headings_norm: list[str], latest: int | None = None
) -> tuple[int | None, str, str]:
    """The year reported on: the title, the "现将…报告如下" sentence, the opening; then weaker
    mentions (headings, any year in the head), which must not be later than ``latest``
    (the year the issue/publication date implies): a later year is a plan or a page link."""
    title_norm, head = cn_years_as_digits(title_norm), cn_years_as_digits(head)
    headings_norm = [cn_years_as_digits(h) for h in headings_norm]

    def first_year(s: str) -> int | None:
        for rng in _YEAR_RANGE.finditer(s):
            s = s[: rng.start()] + " " * (rng.end() - rng.start()) + s[rng.end():]
        s = re.sub(r"《[^》]{0,60}》", lambda m: " " * len(m.group(0)), s)
        m = _YEAR.search(s)
        return int(m.group(1)) if m else None

    if title_norm and not re.search(r"[五三十]年", title_norm):
        y = first_year(title_norm)
        if y:
            return y, "title", title_norm
    m = REPORT_SENTENCE.search(head[:2000])
    if m:
        y = first_year(m.group(1))
        if y:
            return y, "body", m.group(0)
    opening = head[:200]
    m2 = re.match(r"[\s\S]{0,40}?(20\d\d)年(?:度|以来|是|[，,])", opening)
    if m2:
        return int(m2.group(1)), "body", opening[:60]
    def plausible(y: int | None) -> bool:
        return y is not None and (latest is None or y <= latest)

    for h in headings_norm[:6]:
        y = first_year(h)
        if plausible(y):
            return y, "body", h
    y = first_year(head[:600])
    if plausible(y):
        return y, "body", head[:60]
    # Last resort: the year of a plan the body names ("《2022年度…学习计划》").
    for m3 in _YEAR.finditer(head[:1000]):
        if plausible(int(m3.group(1))):
            return int(m3.group(1)), "body", head[max(0, m3.start() - 10) : m3.end() + 10]
    return None, "", ""


def _dates(report: Report, header: str, sig_date: str | None = None) -> tuple[str | None, str | None]:
    """(issue date from the signature line/成文日期, publication date) as ISO strings."""
    issue = pub = None
    for m in DATE_FIELD.finditer(header):
        d = iso_date(m.group(2))
        if d is None:
            continue
        if m.group(1).startswith(("成文", "公文生成", "发文")):
            issue = issue or d
        else:
            pub = pub or d
    if sig_date:
        return sig_date, pub
    tail = report.norm[-400:]
    sig = None
    for m in DATE.finditer(tail):
        line_start = tail.rfind("\n", 0, m.start()) + 1
        line_end = tail.find("\n", m.end())
        line = tail[line_start : line_end if line_end >= 0 else len(tail)]
        if len(line) <= 16 and "发布" not in line:  # a publication date is not the issue date
            sig = iso_date(m.group(0))
    for m in CN_DATE.finditer(tail):
        sig = cn_iso(m)
    return sig or issue, pub








def extract_metadata(report: Report, gazetteer: Gazetteer | None = None) -> None:
    """Set is_report, doc_type, entity, entity_full, county, level, year, issue_date and provenance.

    ``gazetteer`` (default: the bundled divisions) is evidence for names: it repairs
    a name that swallowed a word before it and finds the county the text names.
    """
    gaz = gazetteer or load_gazetteer()
    report.provenance = []
    if not report.norm:
        return
    body_norm = _norm_pos(report, report.title_span[1]) if report.title_span else 0
    if report.title_span is None:
        starts = [x.start for x in report.paragraphs[:1] + report.headings[:1]]  # type: ignore[operator]
        if starts:
            body_norm = _norm_pos(report, min(starts))
    # Only the lines above the body: the cost does not grow with the document.
    lines = split_lines(report, stop=body_norm)
    header = "\n".join(ln.text for ln in lines if ln.start < body_norm)[-3000:]
    heading_norm = [report.norm[_norm_pos(report, h.start) : _norm_pos(report, h.end)] for h in report.headings[:8]]

    found, title_norm = _from_title(report)
    body_found, clean_head = _from_body(report, body_norm)
    level_hint = _self_level(clean_head)
    own_level = _first_person(clean_head)
    signed, sig_date = _signature(report)
    if signed is not None and _conflicts(own_level, signed.level):
        signed = None  # the signature never overrides the level the writer gives itself ("我镇")
    if found is None and signed is not None:
        # A title that names nobody: the signature names the body more surely than a body sentence.
        found = signed
    if found is None:
        found = body_found
        if found is not None and _conflicts(own_level, found.level):
            found = None  # "明川县…" in a sentence of a report that speaks as 我镇
        if found is not None and found.level != "department" and not _org_has_place(found):
            found = None
        if found is None and own_level in ("township", "county"):
            found = _mentioned_place(gaz, clean_head, own_level)
        found = _complete_place(report, found, clean_head, level_hint)
    elif found.level == "department" and not re.match(NAME_CHARS + r"{2,}(?:" + UNIT_RE + ")", to_simple(found.entity)):
        found = _complete_place(report, found, clean_head, level_hint)
    if found is None:
        for m in _PUBLISHER_FIELD.finditer(header):
            org = parse_org(m.group(1))
            if org is None or not org.places or is_office(m.group(1), org):
                continue  # an office publishes the report, it is not the body that reports
            if _conflicts(own_level, org.level):
                continue  # a publisher line never overrides the level the body states
            found = _org_result(report, -1, m.group(1), org, "issuer", m.group(0))
            break
    if found is None:
        stem = PurePath(report.source).stem
        org = scan_org(to_simple(stem))
        if org is not None:
            found = _Found(stem[org.entity[0] : org.entity[1]], None, org.level, None, "filename", stem)
    if found is None and report.html_title:
        org = scan_org(to_simple(report.html_title))
        if org is not None:
            found = _Found(report.html_title[org.entity[0] : org.entity[1]], None, org.level, None, "html_title", report.html_title)

    # County-level city: "明川市" under "在江州市委…领导下", or one the gazetteer lists as such.
    if found is not None and found.level == "city" and _county_level_city(gaz, to_simple(found.entity)):
        found.level = "county"
    if found is not None and found.level == "city" and to_simple(found.entity).endswith("市"):
        for m in _LEADERSHIP.finditer(clean_head[:800]):
            sup = parse_org(m.group(1))
            if sup is None or len(sup.places) != 1 or sup.places[0][1] != len(m.group(1)):
                continue
            if m.group(1).endswith("市") and m.group(1) != to_simple(found.entity):
                found.level = "county"
                break

    if found is not None and found.source == "body" and found.level != "department":
        found.entity = _repair_name(gaz, found.entity)  # never a phrase's tail glued to the name
    if found is not None:
        report.entity, report.level = found.entity, found.level
        report.entity_full = _fullest(report, found, header, clean_head)
        report.provenance.append(Provenance("entity", found.source, found.evidence))
        report.provenance.append(Provenance("level", found.source, found.entity))
        county = found.county
        csrc = found.source
        if county is None and found.level in ("township", "department"):
            for m in _PUBLISHER_FIELD.finditer(header):
                org = parse_org(m.group(1))
                if org is not None:
                    f = _org_result(report, -1, m.group(1), org, "issuer", m.group(0))
                    if f.county and to_simple(f.entity) == to_simple(found.entity):
                        county, csrc = f.county, "issuer"
                        break
        if county is None and found.level == "township" and report.entity_full:
            # The full name states the chain: "江州市明川区柳溪乡" -> 明川区.
            county = county_in_chain(to_simple(report.entity_full), to_simple(found.entity))
            csrc = "body"
        if county is None and found.level == "township":
            county, csrc = _county_from_text(report, header, clean_head)
            county = county and _repair_name(gaz, county)
        if county is None and found.level == "township":
            # The text names the county somewhere (a footer, a publisher line below the title).
            county = _named_county(gaz, to_simple(found.entity), report.norm[:_OWN_CHARS_SPAN])
            csrc = "body"
        if county is None and found.level == "township":
            # Last: the county of the publisher ("明川县人民政府办公室" publishes its township's report).
            county, csrc = _publisher_county(header)
        if county is None and found.level == "county" and found.source == "title":
            county, csrc = found.entity, "title"
        if county is not None:
            report.county = county
            report.provenance.append(Provenance("county", csrc or "body", county))
        elif found.level == "township":
            # Not stated, so not set; the reviewer still sees where the divisions put it.
            note = _inferred_county(gaz, to_simple(found.entity), report.norm[:_OWN_CHARS_SPAN])
            if note is not None:
                report.provenance.append(Provenance("county", "gazetteer", note))

    if found is None and level_hint is not None:
        # The body is never named, but it speaks of itself ("我乡", "镇党委", "我局").
        report.level = level_hint
        report.provenance.append(Provenance("level", "body", level_hint))
    # Ruby annotations ("區(qū)") sit inside names in some web copies: search without them.
    hay = _clean_pinyin(report.norm[:_OWN_CHARS_SPAN])
    report.entity = _own_chars(report, report.entity, hay)
    report.entity_full = _own_chars(report, report.entity_full, hay)
    report.county = _own_chars(report, report.county, hay)

    issue, pub = _dates(report, header, sig_date)
    report.issue_date = issue
    ref = issue or pub
    # The year a date implies: reports are due by 1 March/1 April, so a date early in
    # year Y is about Y-1; only one written at the end of a year is about that year.
    dated = None if ref is None else (int(ref[:4]) if int(ref[5:7]) >= 10 else int(ref[:4]) - 1)
    year, ysrc, yev = _year(report, title_norm, clean_head, heading_norm, dated)
    if year is None and dated is not None:
        kind = "issue" if issue else "publication"
        year, ysrc, yev = dated, "issuer", f"{kind} date {ref}; no year stated, the year before it is due"
    if year is not None:
        report.year = year
        report.provenance.append(Provenance("year", ysrc, yev))
    if issue:
        report.provenance.append(Provenance("issue_date", "issuer", issue))

    report.doc_type = detect_doc_type(report, title_norm, clean_head, header)
    report.is_report = report.doc_type == "annual_report"
    report.provenance.append(Provenance("is_report", "title" if title_norm else "body", report.doc_type))


# The unit words of the levels a report names itself by in the first person (我镇, 我县).
_LEVEL_UNIT = {"township": re.compile(r"街道|苏木|乡|镇"), "county": re.compile(r"自治县|自治旗|县|区|旗|市")}


def _mentioned_place(gaz: Gazetteer, head: str, level: str) -> _Found | None:
    """A report that speaks as 我镇/我县 but never names itself as a subject: the place of
    that level the divisions know that its opening names most, at least twice and more
    than any other."""
    known = gaz.townships if level == "township" else gaz.counties
    counts: dict[str, int] = {}
    for m in _LEVEL_UNIT[level].finditer(head[:_HEAD_CHARS]):
        for n in range(5, 1, -1):  # the longest known name ending here
            a = m.start() - n
            if a >= 0 and (name := head[a : m.end()]) in known:
                counts[name] = counts.get(name, 0) + 1
                break
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    if not ranked or ranked[0][1] < 2 or len(ranked) > 1 and ranked[1][1] * 2 > ranked[0][1]:
        return None
    return _Found(ranked[0][0], None, level, None, "body", ranked[0][0])


def _county_level_city(gaz: Gazetteer, name: str) -> bool:
    """A 市 the divisions list only as a county-level area (县级市), never as a city."""
    return name.endswith("市") and name in gaz.counties and name not in gaz.cities


def _named_county(gaz: Gazetteer, township: str, text: str) -> str | None:
    """The one county-level area that has a township of this name and that the text names.

    Only a county the text states counts (the county field's rule); see ``_inferred_county``
    for the one the divisions imply.
    """
    named = {c for c in gaz.counties_of(township) if len(c) >= 3 and c in text}
    return named.pop() if len(named) == 1 else None


def _inferred_county(gaz: Gazetteer, township: str, text: str) -> str | None:
    """A note naming the county the divisions give a township when the text does not: the
    township's name is unique in the country, or in the city or province the text names."""
    chains = gaz.townships.get(township, ())
    if len({ch[2] for ch in chains}) == 1:
        return f"{chains[0][2]}（推断：区划名录中唯一的{township}，文中未写明县区）"
    for level, what in ((1, "市"), (0, "省")):
        inside = {ch[2] for ch in chains if len(ch[level]) >= 3 and ch[level] in text}
        if len(inside) == 1:
            where = next(ch[level] for ch in chains if ch[2] in inside)
            return f"{inside.pop()}（推断：文中所写{where}内唯一的{township}，文中未写明县区）"
    return None


# What a clause puts before a name ("2021年明川县…", "按照明川县…"): function characters and
# time words; a name that starts with them is the real name with a word glued before it.
_GLUED_BEFORE = re.compile(r"(?:" + _TIME_WORD + r"|[年月日照据于在和与及对为将把从向以由经的是了])+")


def _repair_name(gaz: Gazetteer, name: str) -> str:
    """``name`` without a glued word before it when the divisions know the rest ("年明川县" → 明川县)."""
    key = to_simple(name)
    if gaz.is_place(key) or len(key) != len(name):
        return name
    for k in range(1, len(key) - 1):
        if _GLUED_BEFORE.fullmatch(key[:k]) and gaz.is_place(key[k:]):
            return name[k:]
    return name


def _publisher_county(header: str) -> tuple[str | None, str | None]:
    """The county a publisher line names ("发布机构：明川县人民政府办公室" → 明川县)."""
    for m in _PUBLISHER_FIELD.finditer(header):
        org = parse_org(m.group(1))
        if org is None:
            continue
        if org.level == "county":
            a, b, _ = org.places[-1]
            return m.group(1)[a:b], "issuer"
        f = _org_result(Report(source=""), -1, m.group(1), org, "issuer", m.group(0))
        if f.county:
            return f.county, "issuer"
    return None, None




def _quote_name(report: Report, norm_start: int, norm_end: int) -> str:
    """A name as the text writes it, without what normalise dropped inside it (spaces,
    zero-width characters) or ruby annotations ("區(qū)")."""
    return _NAME_JUNK.sub("", _PINYIN.sub("", report.text_of(norm_start, norm_end)))


def _own_chars(report: Report, value: str | None, hay_idx: tuple[str, list[int]]) -> str | None:
    """``value`` in the document's own characters (羅湖區, not 罗湖區).

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


def _org_has_place(f: _Found) -> bool:
    return bool(re.match(NAME_CHARS + r"{2,}?(?:" + UNIT_RE + ")", to_simple(f.entity)))




def _fullest(report: Report, found: _Found, header: str, head: str) -> str | None:
    """The fullest form of the body's name the text states (places before it, 人民政府/办事处 after)."""
    ent = to_simple(found.entity)
    if found.bare:
        # "区司法局" completed with a place found elsewhere: the full name counts only
        # where the text states it (searched below), or as the title names it ("州民宗局…报告").
        best = found.full if found.source == "title" and found.full else None
    else:
        best = found.full if found.source in ("title", "body", "issuer") else None
    if best:
        # The party committee is another body: "长寿镇党委" names 长寿镇.
        best = PARTY_TAIL.sub("", best)
    best_norm = to_simple(best) if best else ""
    pool = (report.title and to_simple(report.title) or "") + "\n" + header + "\n" + head[:2000]
    pool = _clean_pinyin(pool)[0]
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
        if len(cand) > len(best_norm):
            best_norm = cand
            best = cand
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
