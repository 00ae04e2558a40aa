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

The candidate names (title, body, signature, place completion, fullest form) are
found by ``entity``; organ names are parsed by ``orgnames``, dates by ``dates``, the
document type is ``doctype``'s; the divisions gazetteer (``gazetteer``) is evidence,
never a gate: it names the county a township's text states, repairs a name with a
word glued before it and tells a county-level city from a city.

Matching runs on ``report.norm``; names are quoted from ``report.text`` so a
traditional-character report keeps its characters (青石鎮). Only the head of
the document (and a few lines at its end for the signature) is read, so the
cost does not grow with the length of the body.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from pipeline.dates import CN_DATE, DATE, DATE_FIELD, cn_iso, cn_years_as_digits, iso_date
from pipeline.dates import REPORT_YEAR as _YEAR
from pipeline.dates import REPORT_YEAR_RANGE as _YEAR_RANGE
from pipeline.doctype import REPORT_SENTENCE, detect_doc_type
from pipeline.entity import (
    Found,
    clean_pinyin,
    complete_place,
    entity_from_body,
    entity_from_signature,
    entity_from_title,
    fullest_name,
    mentioned_place,
    norm_pos,
    org_has_place,
    org_result,
    own_chars,
    repair_name,
    to_simple,
)
from pipeline.gazetteer import Gazetteer, load_gazetteer
from pipeline.orgnames import (
    MUNICIPALITIES,
    NAME_CHARS,
    STOP_CHARS,
    UNIT_CHARS,
    UNIT_RE,
    county_in_chain,
    is_office,
    names_with_unit,
    parse_org,
    scan_org,
)
from pipeline.structure import split_lines
from pipeline.types import Provenance, Report

__all__ = ["extract_metadata"]

_OWN_CHARS_SPAN = 12000  # how much of the document is searched for a name's own characters

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
    body_norm, header, heading_norm = _head(report)
    title_found, title_norm = entity_from_title(report)
    body_found, clean_head = entity_from_body(report, body_norm)
    level_hint = _self_level(clean_head)
    own_level = _first_person(clean_head)
    signed, sig_date = entity_from_signature(report)
    found = _entity_in_text(report, gaz, (title_found, signed, body_found), clean_head, level_hint, own_level)
    if found is None:
        found = _entity_elsewhere(report, header, own_level)
    if found is not None:
        _county_level(gaz, found, clean_head)
        if found.source == "body" and found.level != "department":
            found.entity = repair_name(gaz, found.entity)  # never a phrase's tail glued to the name
        _set_entity(report, gaz, found, header, clean_head)
    elif level_hint is not None:
        # The body is never named, but it speaks of itself ("我乡", "镇党委", "我局").
        report.level = level_hint
        report.provenance.append(Provenance("level", "body", level_hint))
    # Ruby annotations ("區(qū)") sit inside names in some web copies: search without them.
    hay = clean_pinyin(report.norm[:_OWN_CHARS_SPAN])
    report.entity = own_chars(report, report.entity, hay)
    report.entity_full = own_chars(report, report.entity_full, hay)
    report.county = own_chars(report, report.county, hay)
    _set_year_and_issue_date(report, header, sig_date, title_norm, clean_head, heading_norm)
    report.doc_type = detect_doc_type(report, title_norm, clean_head, header)
    report.is_report = report.doc_type == "annual_report"
    report.provenance.append(Provenance("is_report", "title" if title_norm else "body", report.doc_type))


def _head(report: Report) -> tuple[int, str, list[str]]:
    """(where the body starts in ``norm``, the lines above it, the first headings in ``norm``)."""
    body_norm = norm_pos(report, report.title_span[1]) if report.title_span else 0
    if report.title_span is None:
        starts = [x.start for x in report.paragraphs[:1] + report.headings[:1]]  # type: ignore[operator]
        if starts:
            body_norm = norm_pos(report, min(starts))
    # Only the lines above the body: the cost does not grow with the document.
    lines = split_lines(report, stop=body_norm)
    header = "\n".join(ln.text for ln in lines if ln.start < body_norm)[-3000:]
    heading_norm = [report.norm[norm_pos(report, h.start) : norm_pos(report, h.end)] for h in report.headings[:8]]
    return body_norm, header, heading_norm


def _entity_in_text(
    report: Report,
    gaz: Gazetteer,
    candidates: tuple[Found | None, Found | None, Found | None],
    clean_head: str,
    level_hint: str | None,
    own_level: str | None,
) -> Found | None:
    """The reporting body the text names: the title, then the signature, then the body
    (``candidates``, in that order), completed with the place a bare name leaves out."""
    found, signed, body_found = candidates
    if signed is not None and _conflicts(own_level, signed.level):
        signed = None  # the signature never overrides the level the writer gives itself ("我镇")
    if found is None and signed is not None:
        # A title that names nobody: the signature names the body more surely than a body sentence.
        found = signed
    if found is None:
        found = body_found
        if found is not None and _conflicts(own_level, found.level):
            found = None  # "明川县…" in a sentence of a report that speaks as 我镇
        bare = None
        if found is not None and found.level != "department" and not org_has_place(found):
            bare, found = found, None  # "现将省政府…": the level without the place
        if found is None and own_level in ("township", "county"):
            found = mentioned_place(gaz, clean_head, own_level)
        found = complete_place(report, found, clean_head, level_hint, gaz)
        if found is not None and bare is not None and found.full is None and found.level == bare.level:
            found.full = bare.full  # the name the text gives the body ("省政府"), completed elsewhere
    elif found.level == "department" and not re.match(NAME_CHARS + r"{2,}(?:" + UNIT_RE + ")", to_simple(found.entity)):
        found = complete_place(report, found, clean_head, level_hint)
    return found


def _entity_elsewhere(report: Report, header: str, own_level: str | None) -> Found | None:
    """The reporting body from outside the text: the publisher field, the file name, the page title."""
    for m in _PUBLISHER_FIELD.finditer(header):
        org = parse_org(m.group(1))
        if org is None or not org.places or is_office(m.group(1), org):
            continue  # an office publishes the report, it is not the body that reports
        if _conflicts(own_level, org.level):
            continue  # a publisher line never overrides the level the body states
        return org_result(report, -1, m.group(1), org, "issuer", m.group(0))
    stem = PurePath(report.source).stem
    org = scan_org(to_simple(stem))
    if org is not None:
        return Found(stem[org.entity[0] : org.entity[1]], None, org.level, None, "filename", stem)
    if report.html_title:
        org = scan_org(to_simple(report.html_title))
        if org is not None:
            return Found(report.html_title[org.entity[0] : org.entity[1]], None, org.level, None, "html_title", report.html_title)
    return None


def _county_level(gaz: Gazetteer, found: Found, clean_head: str) -> None:
    """County-level city: "明川市" under "在江州市委…领导下", or one the gazetteer lists as such."""
    if found.level == "city" and _county_level_city(gaz, to_simple(found.entity)):
        found.level = "county"
    if found.level == "city" and to_simple(found.entity).endswith("市"):
        for m in _LEADERSHIP.finditer(clean_head[:800]):
            sup = parse_org(m.group(1))
            if sup is None or len(sup.places) != 1 or sup.places[0][1] != len(m.group(1)):
                continue
            if m.group(1).endswith("市") and m.group(1) != to_simple(found.entity):
                found.level = "county"
                break


def _set_entity(report: Report, gaz: Gazetteer, found: Found, header: str, clean_head: str) -> None:
    """Set entity, level, entity_full and county with their provenance."""
    report.entity, report.level = found.entity, found.level
    report.entity_full = fullest_name(report, found, header, clean_head)
    report.provenance.append(Provenance("entity", found.source, found.evidence))
    report.provenance.append(Provenance("level", found.source, found.entity))
    county, csrc = _county(report, gaz, found, header, clean_head)
    if county is not None:
        report.county = county
        report.provenance.append(Provenance("county", csrc or "body", county))
    elif found.level == "township":
        # Not stated, so not set; the reviewer still sees where the divisions put it.
        note = _inferred_county(gaz, to_simple(found.entity), report.norm[:_OWN_CHARS_SPAN])
        if note is not None:
            report.provenance.append(Provenance("county", "gazetteer", note))


def _county(report: Report, gaz: Gazetteer, found: Found, header: str, clean_head: str) -> tuple[str | None, str | None]:
    """(the county the text states for the reporting body, its source), strongest evidence first."""
    county = found.county
    csrc: str | None = found.source
    if county is None and found.level in ("township", "department"):
        for m in _PUBLISHER_FIELD.finditer(header):
            org = parse_org(m.group(1))
            if org is not None:
                f = org_result(report, -1, m.group(1), org, "issuer", m.group(0))
                if f.county and to_simple(f.entity) == to_simple(found.entity):
                    county, csrc = f.county, "issuer"
                    break
    if county is None and found.level == "township" and report.entity_full:
        # The full name states the chain: "江州市明川区柳溪乡" -> 明川区.
        county = county_in_chain(to_simple(report.entity_full), to_simple(found.entity))
        csrc = "body"
    if county is None and found.level == "township":
        county, csrc = _county_from_text(report, header, clean_head)
        county = county and repair_name(gaz, county)
    if county is None and found.level == "township":
        # The text names the county somewhere (a footer, a publisher line below the title).
        county = _named_county(gaz, to_simple(found.entity), report.norm[:_OWN_CHARS_SPAN])
        csrc = "body"
    if county is None and found.level == "township":
        # Last: the county of the publisher ("明川县人民政府办公室" publishes its township's report).
        county, csrc = _publisher_county(header)
    if county is None and found.level == "county" and found.source == "title":
        county, csrc = found.entity, "title"
    return county, csrc


def _set_year_and_issue_date(
    report: Report, header: str, sig_date: str | None, title_norm: str, clean_head: str, heading_norm: list[str]
) -> None:
    """Set issue_date and year with their provenance; a date stands for a year only as the last resort."""
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



def _publisher_county(header: str) -> tuple[str | None, str | None]:
    """The county a publisher line names ("发布机构：明川县人民政府办公室" → 明川县)."""
    for m in _PUBLISHER_FIELD.finditer(header):
        org = parse_org(m.group(1))
        if org is None:
            continue
        if org.level == "county":
            a, b, _ = org.places[-1]
            return m.group(1)[a:b], "issuer"
        f = org_result(Report(source=""), -1, m.group(1), org, "issuer", m.group(0))
        if f.county:
            return f.county, "issuer"
    return None, None


