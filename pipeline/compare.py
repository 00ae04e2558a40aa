"""Township × year tables per indicator, year-on-year change, ranks among peers, and gaps.

Rules (kept simple so a reviewer can check any cell by hand):

- **One report per township and year.** When the store holds several
  different documents for the same township and year (a draft and a final),
  the one with the highest completeness score is used, then the one with the
  most metrics, then the first by file name.
- **Which metrics count.** Only metrics linked to an indicator (not ``other``)
  and not in the plans part (next year's targets are not results).
- **One value per report and indicator** (:func:`combine`):
  1. values in a scaled unit are converted (万元 → 元 …), measure words that
     count the same thing are merged (名/位 → 人, 场/期 → 次); if a report uses
     several units for one indicator, the unit used most often wins and the
     others are left out (the ``rule`` column says so);
  2. rates (%) and per-something values are never added: the largest is shown;
  3. counts: repeated equal values count once; if the largest value is at least
     the sum of the others it is a total stated with its parts (or the same
     figure restated) and is used alone (``total``); otherwise the distinct
     values count different things and are added (``sum``).
- **Year-on-year** compares with the same township's value of the year
  before, in the same unit.
- **Totals, not per-unit figures.** A figure per village/community
  (``per``: 每个村配备4人) is not the township's value when the report also
  gives a total (全乡共28人); it is used only when no total exists, and then
  shown as such (每村4人) and never ranked.
- **As written.** An approximate value is shown as the report wrote it
  (20余次, 近2000份), never as a bare or "≈" number.
- **Rank** only for indicators with a direction (↑ more is better, ↓ fewer is
  better; ``~`` never ranked), among at least :data:`MIN_PEERS` townships of
  the same level in the same known county and year that reported the
  indicator; ties share a rank (1, 2, 2, 4). Raw counts favour bigger
  townships: a rank is a prompt to read, not a score.
- **Only reports.** Non-reports and the copies of a submission (the same
  report in another file, ``submissions.py``) are never compared.
- **County**: when the store names exactly one county, a report whose county
  was not found is counted in it (a county batch holds its own townships).
- **Gaps**: a township known in the county (a report in any selected year)
  gets a ``no_report`` row for a year without a report, and ``not_stated``
  when its report does not give the indicator.
"""

from __future__ import annotations

import functools
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pipeline import labels
from pipeline.labels import Lang


# The taxonomy of indicators.md (id -> Chinese name, direction): the fallback
# when data/indicators.toml is absent or does not name an indicator.
_BUILTIN: dict[str, tuple[str, str]] = {
    "rol_meetings": ("专题研究部署法治建设的会议", "↑"),
    "central_group_study": ("理论学习中心组学法", "↑"),
    "law_study_sessions": ("会前学法、集体学法、专题学法", "↑"),
    "legal_training_sessions": ("法治培训、法治讲座", "↑"),
    "training_participants": ("参训人次", "↑"),
    "legal_exam_rate": ("学法考试参考率、合格率", "↑"),
    "warning_education_sessions": ("警示教育、旁听庭审", "↑"),
    "major_decisions": ("重大行政决策", "~"),
    "legality_reviews": ("合法性审查（决策、文件、合同）", "↑"),
    "normative_documents": ("行政规范性文件（制定、备案、清理）", "~"),
    "legal_advisers": ("法律顾问", "↑"),
    "certified_enforcement_staff": ("持行政执法证人员", "↑"),
    "enforcement_cases": ("行政执法、行政处罚案件", "~"),
    "enforcement_inspections": ("执法检查、行政检查", "~"),
    "penalty_amount": ("罚没款金额", "~"),
    "admin_reconsideration_cases": ("行政复议案件", "~"),
    "admin_litigation_cases": ("行政诉讼（应诉）案件", "~"),
    "head_court_appearance_rate": ("负责人出庭应诉（率、次数）", "↑"),
    "gov_info_disclosures": ("政府信息公开", "↑"),
    "mediation_organizations": ("调解组织（调委会、调解室）", "↑"),
    "disputes_screened": ("排查矛盾纠纷", "~"),
    "disputes_resolved": ("化解、调处矛盾纠纷", "↑"),
    "mediation_success_rate": ("调解成功率、化解率", "↑"),
    "petitions_handled": ("信访事项", "~"),
    "hotline_requests": ("热线诉求工单（12345 等）", "~"),
    "security_patrols": ("治安巡防（次数、人员）", "↑"),
    "grid_workers": ("网格员", "~"),
    "legal_service_points": ("公共法律服务室（站、点）", "↑"),
    "legal_consultations": ("法律咨询、公共法律服务接待", "↑"),
    "legal_aid_cases": ("法律援助", "~"),
    "community_corrections": ("社区矫正对象、安置帮教", "~"),
    "publicity_events": ("普法宣传活动", "↑"),
    "publicity_materials": ("发放宣传资料", "↑"),
    "publicity_reach": ("宣传受众", "↑"),
    "legal_literates": ("法律明白人、法治带头人", "↑"),
    "demonstration_villages": ("民主法治示范村（社区）", "↑"),
    "model_households": ("学法用法示范户", "↑"),
    "other": ("其他", "~"),
}

# unit -> (base unit, factor): values are compared in the base unit. Measure
# words that count the same thing are one unit (名/位 people are 人; 场/期
# events are 次), so "持证人员12名" and "持证人员10人" compare and rank together.
_SCALED_UNITS: dict[str, tuple[str, float]] = {
    "万元": ("元", 1e4), "亿元": ("元", 1e8), "千元": ("元", 1e3),
    "万人次": ("人次", 1e4), "万人": ("人", 1e4), "万份": ("份", 1e4), "万册": ("册", 1e4), "万件": ("件", 1e4),
    "名": ("人", 1.0), "位": ("人", 1.0), "万名": ("人", 1e4), "场": ("次", 1.0), "期": ("次", 1.0),
}


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str  # Chinese name; the id when unknown
    direction: str  # ↑ ↓ ~


_LEXICON_DIRECTION = {"up": "↑", "down": "↓", "context": "~"}


@functools.lru_cache(maxsize=4)
def indicator_catalogue(path: Path | None = None) -> Mapping[str, Indicator]:
    """Every known indicator: the lexicon's names and directions over the built-in taxonomy.

    The lexicon (pipeline/data/indicators.toml, or a reviewer's copy) is read by
    the indicators module, the one owner of its format; if it cannot be read, names
    fall back to the taxonomy of indicators.md (the metrics stage reports the error).
    """
    from pipeline.errors import ConfigError
    from pipeline.indicators import load_lexicon

    out = {k: Indicator(k, name, d) for k, (name, d) in _BUILTIN.items()}
    try:
        lexicon = load_lexicon(path)
    except ConfigError:
        return MappingProxyType(out)
    for key, ind in lexicon.indicators.items():
        base = out.get(key, Indicator(key, key, "~"))
        out[key] = Indicator(key, ind.name or base.name, _LEXICON_DIRECTION.get(ind.direction, base.direction))
    return MappingProxyType(out)  # cached and shared: read-only


def indicator_name(indicator_id: str) -> str:
    info = indicator_catalogue().get(indicator_id)
    return info.name if info else indicator_id


# Fewer peers than this and a rank says nothing (#1/1, #2/2): none is given.
MIN_PEERS = 3


@dataclass(frozen=True)
class Combined:
    value: float
    unit: str
    rule: str  # single | total | sum | max (+ "; other units left out")
    n_values: int
    approx: bool
    quotes: tuple[str, ...]
    per: str | None = None  # the value counts per village/community... (no total was given)
    value_text: str | None = None  # the value as written, when one figure of the report is the value
    corrected: bool = False  # a reviewer's value went into it (pipeline/corrections.py)


def combine(metrics: Sequence[dict[str, Any]]) -> Combined | None:
    """One value for the metrics a report gives for one indicator (module docstring, rule 3).

    Per-unit figures (``per``) count only when the report gives no total.
    """
    metrics = [m for m in metrics if m.get("value") is not None]
    totals = [m for m in metrics if not m.get("per")]
    per_unit = not totals and bool(metrics)
    if per_unit:
        pers = Counter(str(m["per"]) for m in metrics)
        per = pers.most_common(1)[0][0]
        metrics = [m for m in metrics if m["per"] == per]
    else:
        metrics = totals
    scaled: list[tuple[float, str, dict[str, Any]]] = []
    for m in metrics:
        unit = m.get("unit") or ""
        base, factor = _SCALED_UNITS.get(unit, (unit, 1.0))
        scaled.append((float(m["value"]) * factor, base, m))
    if not scaled:
        return None
    by_unit: dict[str, list[tuple[float, str, dict[str, Any]]]] = defaultdict(list)
    for item in scaled:
        by_unit[item[1]].append(item)
    # Most used unit; ties go to the unit of the first metric in the report.
    order = {u: i for i, (_, u, _) in reversed(list(enumerate(scaled)))}
    unit = max(by_unit, key=lambda u: (len(by_unit[u]), -order[u]))
    chosen = by_unit[unit]
    values = [v for v, _, _ in chosen]
    distinct = sorted(set(values), reverse=True)
    is_rate = unit == "%" or per_unit
    if len(distinct) == 1:
        value, rule = distinct[0], "single"
    elif is_rate:
        value, rule = distinct[0], "max"
    elif distinct[0] >= sum(distinct[1:]):
        value, rule = distinct[0], "total"
    else:
        value, rule = float(sum(distinct)), "sum"
    if len(by_unit) > 1:
        rule += "; other units left out"
    if per_unit:
        rule += "; per " + per
    # The figure as written, when one figure is the value (a sum is no figure of the report).
    source = next((m for v, _, m in chosen if v == value), None) if not rule.startswith("sum") else None
    used = [source] if source is not None else [m for _, _, m in chosen]
    approx = any((m.get("qualifier") or "exact") != "exact" for m in used)
    quotes = tuple(dict.fromkeys(str(m.get("quote") or "") for _, _, m in chosen if m.get("quote")))
    written = None
    own_unit = (source.get("unit") or "") if source is not None else ""
    if source is not None and source.get("value_text") and _SCALED_UNITS.get(own_unit, ("", 1.0))[1] == 1.0:
        # "20余次" -> "20余": the unit has its own column (a scaled unit, 1.2万元, would change the number).
        written = str(source["value_text"]).replace(own_unit, "", 1).strip() if own_unit else str(source["value_text"])
    corrected = any(m.get("origin") == "corrected" for _, _, m in chosen)
    return Combined(value, unit, rule, len(chosen), approx, quotes, per if per_unit else None, written, corrected)


@dataclass
class CompareRow:
    indicator: str
    indicator_name: str
    direction: str
    county: str
    level: str
    township: str
    year: int
    status: str  # reported | not_stated | no_report
    value: float | None = None
    unit: str | None = None
    approx: bool = False
    rule: str | None = None
    n_values: int = 0
    previous: float | None = None
    change: float | None = None
    change_pct: float | None = None
    rank: int | None = None
    peers: int | None = None
    source: str | None = None
    quotes: list[str] = field(default_factory=list)
    per: str | None = None  # a per-unit value (每村4人): no total was given
    value_text: str | None = None  # the value as written in the report (20余次, 近2000份)
    value_source: str | None = None  # extracted | corrected (a reviewer's value went into it)

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["quotes"] = " | ".join(self.quotes)
        return d


def parse_years(spec: str | None) -> tuple[int, int] | None:
    """``"2022-2024"`` or ``"2024"`` -> (first, last); raise ValueError for anything else."""
    if not spec:
        return None
    parts = spec.replace("–", "-").replace("~", "-").split("-")
    if len(parts) == 1:
        parts = [parts[0], parts[0]]
    if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
        raise ValueError(f"--years wants A-B or A (e.g. 2022-2024), not {spec!r}")
    a, b = int(parts[0]), int(parts[1])
    if a > b:
        raise ValueError(f"--years {spec}: the first year is after the last")
    return a, b


def _pick_documents(documents: Iterable[dict[str, Any]], level: str | None,
                    years: tuple[int, int] | None) -> dict[tuple[str, str, str, int], dict[str, Any]]:
    best: dict[tuple[str, str, str, int], dict[str, Any]] = {}
    counties = {d["county"] for d in documents if d.get("status") == "ok" and d.get("county")}
    # A county's batch holds its own townships: when exactly one county is named
    # in the store, a report whose county was not found is taken to be of it.
    only_county = next(iter(counties)) if len(counties) == 1 else ""
    for d in documents:
        if d.get("status") != "ok" or d.get("is_report") == 0 or not d.get("entity") or not d.get("year"):
            continue
        if level and d.get("level") != level:
            continue
        if years and not years[0] <= int(d["year"]) <= years[1]:
            continue
        key = (d.get("county") or only_county, d.get("level") or "", d["entity"], int(d["year"]))
        rank = (-(d.get("completeness_score") or 0.0), -(d.get("n_metrics") or 0), (d.get("sources") or [""])[0])
        if key not in best or rank < best[key]["_rank"]:
            best[key] = {**d, "_rank": rank}
    return best


def compare(
    documents: Sequence[dict[str, Any]],
    metrics: Sequence[dict[str, Any]],
    *,
    indicators: Sequence[str] | None = None,
    years: tuple[int, int] | None = None,
    level: str | None = "township",
) -> list[CompareRow]:
    """The comparison rows (see the module docstring) from the store's documents and metric rows."""
    catalogue = indicator_catalogue()
    picked = _pick_documents(documents, level, years)
    by_sha = {d["sha256"]: key for key, d in picked.items()}
    grouped: dict[tuple[str, tuple[str, str, str, int]], list[dict[str, Any]]] = defaultdict(list)
    for m in metrics:
        key = by_sha.get(m.get("sha256", ""))
        if key is None or m.get("indicator") in (None, "other") or m.get("category") == "plans":
            continue
        if indicators and m["indicator"] not in indicators:
            continue
        grouped[(m["indicator"], key)].append(m)
    wanted = list(indicators) if indicators else sorted({ind for ind, _ in grouped})
    # Townships and years known per county+level, for the gaps.
    towns: dict[tuple[str, str], set[str]] = defaultdict(set)
    years_of: dict[tuple[str, str], set[int]] = defaultdict(set)
    for county, lvl, town, year in picked:
        towns[(county, lvl)].add(town)
        years_of[(county, lvl)].add(year)
    rows: list[CompareRow] = []
    for ind in wanted:
        info = catalogue.get(ind, Indicator(ind, ind, "~"))
        for (county, lvl), names in sorted(towns.items()):
            ys = sorted(years_of[(county, lvl)])
            span = range(years[0], years[1] + 1) if years else range(ys[0], ys[-1] + 1)
            for town in sorted(names):
                for year in span:
                    key = (county, lvl, town, year)
                    row = CompareRow(ind, info.name, info.direction, county, lvl, town, year, "no_report")
                    if key in picked:
                        row.status = "not_stated"
                        row.source = (picked[key].get("sources") or [None])[0]
                        comb = combine(grouped.get((ind, key), []))
                        if comb is not None:
                            row.status, row.value, row.unit, row.approx = "reported", comb.value, comb.unit, comb.approx
                            row.rule, row.n_values, row.quotes = comb.rule, comb.n_values, list(comb.quotes)
                            row.per, row.value_text = comb.per, comb.value_text
                            row.value_source = "corrected" if comb.corrected else "extracted"
                    rows.append(row)
    _year_on_year(rows)
    _rank(rows)
    return rows


def _year_on_year(rows: list[CompareRow]) -> None:
    at = {(r.indicator, r.county, r.level, r.township, r.year): r for r in rows if r.status == "reported"}
    for r in at.values():
        prev = at.get((r.indicator, r.county, r.level, r.township, r.year - 1))
        if prev is None or prev.unit != r.unit or prev.per != r.per or prev.value is None or r.value is None:
            continue
        r.previous = prev.value
        r.change = r.value - prev.value
        r.change_pct = round(100.0 * r.change / prev.value, 1) if prev.value else None


def _rank(rows: list[CompareRow]) -> None:
    """Ranks among peers: a known county, totals only, at least :data:`MIN_PEERS` of them."""
    groups: dict[tuple[str, str, str, int, str | None], list[CompareRow]] = defaultdict(list)
    for r in rows:
        if r.status == "reported" and r.direction in ("↑", "↓") and r.value is not None and r.county and not r.per:
            groups[(r.indicator, r.county, r.level, r.year, r.unit)].append(r)
    for members in groups.values():
        if len(members) < MIN_PEERS:
            continue
        sign = -1.0 if members[0].direction == "↑" else 1.0
        ordered = sorted(members, key=lambda r: sign * (r.value or 0.0))
        for r in members:
            # competition ranking: 1 + the number of peers strictly better
            r.rank = 1 + sum(1 for o in ordered if sign * (o.value or 0.0) < sign * (r.value or 0.0))
            r.peers = len(members)


# -- terminal table -------------------------------------------------------------


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _pad(s: str, width: int) -> str:
    return s + " " * max(0, width - _width(s))


def fmt_number(v: float | None) -> str:
    if v is None:
        return ""
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}".rstrip("0").rstrip(".")


def value_text(r: CompareRow, lang: Lang = "zh") -> str:
    """The value as a reviewer reads it: as written when approximate (20余, 近2000), per unit as such (每村4)."""
    if r.value is None:
        return ""
    if r.value_text and (r.approx or r.per):
        shown = r.value_text
    else:
        shown = ("约" if lang == "zh" else "≈") * r.approx + fmt_number(r.value)
    if r.per:
        return f"{labels.text('per_prefix')}{r.per}{shown}" if lang == "zh" else f"{shown} per {r.per}"
    return shown


def cell_text(r: CompareRow, lang: Lang = "zh") -> str:
    """What a table cell shows: value, change, rank; or the gap."""
    if r.status == "no_report":
        return labels.text("no_report") if lang == "zh" else "· no report"
    if r.status == "not_stated":
        return labels.text("not_stated") if lang == "zh" else "— not stated"
    text = value_text(r, lang) + ("✎" if r.value_source == "corrected" else "")
    if r.change is not None:
        sign = "+" if r.change >= 0 else "−"
        pct = f", {sign}{abs(r.change_pct):g}%" if r.change_pct is not None else ""
        text += f" ({sign}{fmt_number(abs(r.change))}{pct})"
    if r.rank is not None:
        text += " " + (labels.text("rank", rank=r.rank, peers=r.peers) if lang == "zh" else f"#{r.rank}/{r.peers}")
    return text


def format_tables(rows: Sequence[CompareRow], lang: Lang = "zh") -> str:
    """Township × year tables, one per indicator and county/level, as plain text for a terminal."""
    blocks: list[str] = []
    groups: dict[tuple[str, str, str], list[CompareRow]] = defaultdict(list)
    for r in rows:
        groups[(r.indicator, r.county, r.level)].append(r)
    for (ind, county, lvl), members in groups.items():
        years = sorted({r.year for r in members})
        towns = sorted({r.township for r in members})
        units = sorted({r.unit for r in members if r.unit})
        first = members[0]
        head = f"{ind}  {first.indicator_name}  {first.direction}" + (f"  [{'/'.join(units)}]" if units else "")
        if lang == "zh":
            head = f"{first.indicator_name}（{ind}）  {first.direction}" + (f"  [{'/'.join(units)}]" if units else "")
            head += f"  — {county or labels.text('unknown_county')} {labels.value(lvl) if lvl else ''}".rstrip()
        else:
            head += f"  — {county or '?'} {lvl or '?'}"
        cells = {(r.township, r.year): cell_text(r, lang) for r in members}
        corner = labels.column("township", lang)
        w0 = max([_width(corner)] + [_width(t) for t in towns]) + 2
        wy = {y: max([_width(str(y))] + [_width(cells.get((t, y), "")) for t in towns]) + 2 for y in years}
        lines = [head, ("  " + _pad(corner, w0) + "".join(_pad(str(y), wy[y]) for y in years)).rstrip()]
        for t in towns:
            lines.append("  " + _pad(t, w0) + "".join(_pad(cells.get((t, y), ""), wy[y]) for y in years).rstrip())
        blocks.append("\n".join(lines))
    if not blocks:
        return labels.text("no_metrics") if lang == "zh" else (
            "no comparable metrics (no report with township, year and linked indicators in the store)")
    legend = labels.text("legend") + "；✎ 审核人更正" if lang == "zh" else (
        "(change) = against the year before; #rank/peers among the same level in the county and year, "
        f"only for indicators with a direction and at least {MIN_PEERS} peers; ≈ approximate; ✎ corrected by a reviewer")
    return "\n\n".join(blocks) + "\n\n" + legend


def compare_store(store: Any, *, indicators: Sequence[str] | None = None, years: tuple[int, int] | None = None,
                  level: str | None = "township") -> list[CompareRow]:
    """:func:`compare` over a :class:`pipeline.store.Store`, reviewers' corrections applied."""
    from pipeline.corrections import reviewed_metrics

    return compare(store.documents(), reviewed_metrics(store), indicators=indicators, years=years, level=level)
