"""Organ names: place names with their unit words, and the government or department after them.

``parse_org("明川县柳溪乡人民政府")`` gives the place chain (明川县 → 柳溪乡), the
reporting body (柳溪乡), its fullest form and its level. This is the one home of
the unit words (省 市 县 区 旗 乡 镇 街道 苏木 …), of the organ suffixes (人民政府,
办事处, 局, 委员会 …) and of the words that stop a name from swallowing a verb.
Everything here reads simplified text (``report.norm``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ['BAD_IN_NAME', 'GOV_SUFFIX', 'MUNICIPALITIES', 'NAME_CHARS', 'ORGAN_SUFFIX', 'Org', 'PARTY_TAIL', 'PROVINCES', 'STOP_CHARS', 'TRAD_UNIT', 'UNIT_CHARS', 'UNIT_RE', 'county_in_chain', 'is_office', 'names_with_unit', 'organs_in_line', 'parse_org', 'place_at', 'scan_org']

# Administrative units, longest first; (unit, level, minimum length of the name before it).
_UNITS: tuple[tuple[str, str, int], ...] = (
    ("特别行政区", "province", 2), ("维吾尔自治区", "province", 2), ("壮族自治区", "province", 2),
    ("回族自治区", "province", 2), ("自治区", "province", 2), ("自治州", "city", 2), ("自治县", "county", 2),
    ("自治旗", "county", 2), ("民族乡", "township", 2), ("经开区", "county", 2), ("开发区", "county", 2),
    ("高新区", "county", 2), ("新区", "county", 2), ("街道", "township", 2), ("苏木", "township", 2),
    ("地区", "city", 2), ("省", "province", 2), ("市", "city", 2), ("州", "city", 2), ("盟", "city", 2),
    ("县", "county", 1), ("区", "county", 2), ("旗", "county", 2), ("乡", "township", 2), ("镇", "township", 2),
)

UNIT_RE = "|".join(re.escape(u) for u, _, _ in _UNITS)

_UNIT_INFO = {u: (lvl, mn) for u, lvl, mn in _UNITS}

MUNICIPALITIES = ("北京", "上海", "天津", "重庆")

# Provincial names, to recognise "广东坚持…" / "为上海加快建设…" (the unit is implied).
PROVINCES: dict[str, str] = {
    **{n: "市" for n in MUNICIPALITIES},
    **{n: "省" for n in (
        "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西", "山东", "河南", "湖北",
        "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "台湾")},
    "内蒙古": "自治区", "广西": "壮族自治区", "西藏": "自治区", "宁夏": "回族自治区", "新疆": "维吾尔自治区",
}

# Characters that cannot be part of a place name: function words and the
# verbs that follow a subject. They stop a name from swallowing "在县".
NAME_CHARS = r"[\u4e00-\u9fff]"

STOP_CHARS = set("在的了是我该等被按据即而或也所")

# A one-character county name ("渠县") cannot be one of these ("全县", "本县").
_BAD_SINGLE = set("全本我该各每此外邻市州省区县乡镇其两一二三四五六七八九十多个")

# Words that never sit inside a place name: a match containing one is running text.
BAD_IN_NAME = re.compile(
    r"法治|政府|思想|推进|全面|召开|举办|深入|建设|工作|党委|党工委|主持|会议|委员|领导|学习|开展|落实|贯彻|"
    r"依法|执法|司法|管理|服务|社会|组织|人民|群众|干部|机关|部门|单位|自治|推动|提升|加强|围绕|国家|中心|持续|关于|中共|"
    r"完善|新建|农村|各级|紧紧|"
    r"[委府党局厅处科室组员记想议召举]"
)

_BAD_BEFORE_QU = set("社园辖校片景营站")

UNIT_CHARS = set("省市州盟县区旗乡镇")

GOV_SUFFIX = re.compile(r"(?:街道办事处|办事处|人民政府|政府|党工委|党委)")

# What may follow the name in entity_full: the government, not the party committee.
ORGAN_SUFFIX = re.compile(r"(?:街道办事处|办事处|人民政府|政府)")

PARTY_TAIL = re.compile(r"(?:党工委|党委|黨工委|黨委)$")

_DEPT_SUFFIX = re.compile(
    r"[\u4e00-\u9fff]{1,14}?(?:分局|局|委员会|委|厅|办公室|部|署|中心|院|办)(?![\u4e00-\u9fff]{0,2}(?:书记|主任|局长|会议|成员))"
)

TRAD_UNIT = str.maketrans({"区": "區", "县": "縣", "乡": "鄉", "镇": "鎮", "苏": "蘇", "维": "維", "吾": "吾", "尔": "爾", "壮": "壯", "门": "門"})


@dataclass
class Org:
    """A parsed organ name: its place chain, the reporting body, and the level."""

    places: list[tuple[int, int, str]]  # (start, end, level) of each place component, in order
    entity: tuple[int, int]  # span of the short name (place + unit, or place + department)
    full: tuple[int, int]  # span of the fullest form (places + organ suffix)
    level: str


def place_at(s: str, i: int, max_name: int = 8) -> tuple[int, str] | None:
    """A place name starting exactly at ``i``: (end, level), shortest name that ends in a unit."""
    n = len(s)
    for length in range(1, max_name + 1):
        j = i + length
        if j >= n:
            return None
        ch = s[j - 1]
        if ch in STOP_CHARS or not ("\u4e00" <= ch <= "\u9fff"):
            return None
        for unit, (lvl, mn) in _UNIT_INFO.items():
            if length >= mn and s.startswith(unit, j):
                name = s[i:j]
                if BAD_IN_NAME.search(name) or (unit == "区" and name[-1] in _BAD_BEFORE_QU):
                    return None
                if length == 1 and name in _BAD_SINGLE or name[-1] in "本全我各该此":
                    return None
                # "石镇市" (a county-level city): 镇 needs a two-character name, so 石镇 is not a township.
                return j + len(unit), lvl
    return None


def parse_org(s: str, i: int = 0, end: int | None = None, max_name: int = 8) -> Org | None:
    """Parse an organ name that starts at ``s[i]``: places, then 人民政府/办事处 or a department."""
    end = len(s) if end is None else end
    sub = s[:end]
    places: list[tuple[int, int, str]] = []
    pos = i
    gov_end: int | None = None
    while True:
        g = GOV_SUFFIX.match(sub, pos)
        if g and places:
            pos = gov_end = g.end()
            continue
        hit = place_at(sub, pos, max_name)
        if hit is None:
            break
        e, lvl = hit
        name = sub[pos:e]
        if gov_end is not None and _RANK[lvl] >= _RANK[places[-1][2]]:
            break  # "X市人民政府关于Y市…": after the organ, a new name is not part of it
        # Unit words inside a municipality name: 北京市 is a province-level unit.
        if lvl == "city" and name[:-1] in MUNICIPALITIES:
            lvl = "province"
        places.append((pos, e, lvl))
        pos = e
        gov_end = None
    if gov_end is not None and places:
        last = places[-1]
        return Org(places, (last[0], last[1]), (places[0][0], gov_end), last[2])
    dept = _DEPT_SUFFIX.match(sub, pos)
    if dept and _dept_ok(dept.group(0)):
        start = places[-1][0] if places else pos
        return Org(places, (start, dept.end()), (places[0][0] if places else pos, dept.end()), "department")
    if places:
        last = places[-1]
        return Org(places, (last[0], last[1]), (places[0][0], last[1]), last[2])
    return None

_RANK = {"township": 0, "county": 1, "city": 2, "province": 3, "department": -1}

_DEPT_BAD = re.compile(r"围绕|干部|全部|内部|外部|局部|各部|部分|牵头|承担|负责|开展|组织|召开|举办|学习|深入|推进|思想")


def _dept_ok(text: str) -> bool:
    """A department name, not a phrase that happens to end in 局/委/部 ("机关干部", "省委")."""
    if len(text) < 3 or GOV_SUFFIX.fullmatch(text) or text.endswith(("党委", "党工委")):
        return False
    if re.fullmatch(r"[省市县区州乡镇]?(?:委|政府|党委)", text) or _DEPT_BAD.search(text):
        return False
    return not any(c in STOP_CHARS for c in text)

_BOUNDARY = set("在的了是和与及对为将把从向于以被按据经、。，,《》“”\"()（）:：;；!！?？ \n")

# Verbs before a place name; "照" is what 按照 leaves once 按 ends the scan.
# Verbs and time words that stand before an organisation in running text
# ("根据明川县…", "全年邀请县司法局…", "联合区市场监管局…"): never the start of a place name.
_VERB_PREFIX = re.compile(
    r"^(?:印发|制发|出台|制定|推动|助力|打造|服务|围绕|建设|学习|参照|依照|依据|根据|落实|执行|结合|"
    r"全年|今年|年内|年初|年底|邀请|组织|联合|协调|配合|会同|参加|参与|协助|依托|通过|按照|对照|争取|"
    r"积极|主动|及时|先后|共同|分别|多次|上报|报送|提请|接受|迎接|聘请|申请|照|为|对|向|经)+"
)


def names_with_unit(head: str, unit: str, max_len: int = 4) -> list[str]:
    """Place names ending in ``unit`` ("卫滨区"), each extended back to a word boundary."""
    out: list[str] = []
    start = 0
    while True:
        k = head.find(unit, start)
        if k < 0:
            return out
        start = k + 1
        a = k
        while a > 0 and k - a < max_len and head[a - 1] not in _BOUNDARY and "\u4e00" <= head[a - 1] <= "\u9fff":
            a -= 1
        name = _VERB_PREFIX.sub("", head[a:k])
        if len(name) < 2 or k - a >= max_len and a > 0 and head[a - 1] not in _BOUNDARY:
            continue
        if BAD_IN_NAME.search(name) or name[-1] in _BAD_BEFORE_QU or name[-1] in "本全我各该此":
            continue
        if head.startswith(("委", "政府", "党委"), k + len(unit)):
            continue
        out.append(name + unit)

_PARTY_AFTER = re.compile(r"委员会|党工委|党委|委")


def organs_in_line(s: str) -> tuple[list[Org], list[Org]] | None:
    """(government or department organs, party committees) when ``s`` is nothing but organ
    names ("中共柳溪乡委员会柳溪乡人民政府"); None for any other line."""
    gov: list[Org] = []
    party: list[Org] = []
    pos = 0
    while pos < len(s):
        is_party = s.startswith("中共", pos)
        org = parse_org(s, pos + 2 if is_party else pos)
        if org is None or not org.places:
            return None
        end = org.full[1]
        if re.search(r"(?:党工委|党委)$", s[org.full[0] : end]):
            is_party = True
        elif (m := _PARTY_AFTER.match(s, end)) and (is_party or m.group(0) != "委"):
            is_party, end = True, m.end()
        (party if is_party else gov).append(org)
        pos = end
    return (gov, party) if gov or party else None


def is_office(s: str, org: Org) -> bool:
    """An office or a unit of the organ ("明川县人民政府办公室", "…依法治县办"): it publishes
    or files the report, it is not the body that reports."""
    rest = s[org.full[1] :]
    if org.level == "department":
        return bool(re.search(r"办公室$|办$", s[org.full[0] : org.full[1]]))
    return rest.startswith("办") or bool((d := _DEPT_SUFFIX.match(rest)) and _dept_ok(d.group(0)))


def county_in_chain(full: str, entity: str) -> str | None:
    """The county-level place right above ``entity`` in a full name, or None."""
    org = parse_org(full)
    if org is None:
        return None
    above = [(a, b, lvl) for a, b, lvl in org.places if full[a:b] != entity]
    if not above or len(above) == len(org.places):
        return None
    a, b, lvl = above[-1]
    return full[a:b] if lvl == "county" else None


def scan_org(s: str) -> Org | None:
    """The first organ name anywhere in a short string (file name, page title)."""
    for i in range(len(s)):
        org = parse_org(s, i)
        if org is not None and org.places and org.level in ("township", "county", "city", "province", "department"):
            return org
    return None
