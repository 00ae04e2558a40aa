"""Completeness and quality checks: the verdict a county reviewer acts on.

The checklist (``data/checklist.toml``, county-editable) names the five content
items of the 2019 规定 and the quality rules of domain.md 4.1. :func:`check_report`
runs last in the pipeline and sets ``report.completeness``: one
:class:`~pipeline.types.CheckItem` per part and per rule, with the quote that
shows it, a score and a one-line Chinese summary.

The checker reads whatever the earlier stages set (headings, paragraphs and
their categories, metrics, metadata) and falls back on its own light reading
of the text where they are missing, so a verdict never depends on one stage
being perfect: a part counts as present when a heading *or* a substantive
passage says it, anywhere in the report.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from pipeline.config import read_toml, tomllib
from pipeline.dates import (
    FULL_DATE,
    ISSUE_CUE,
    PUBLICATION_CUE,
    YEAR_IN_TEXT,
    YEAR_SPAN,
    date_number,
)
from pipeline.errors import ConfigError
from pipeline.markers import GBT_EXAMPLE, L1_HALF_BRACKET, numbered_heading
from pipeline.normalise import normalise
from pipeline.quantities import COUNTED_QUANTITY
from pipeline.sentences import SENTENCE_END_RE
from pipeline.types import CheckItem, Completeness, Report

SEVERITIES: tuple[str, ...] = ("error", "warning", "info")
PART_IDS: tuple[str, ...] = ("achievements", "shortcomings", "responsibility", "plans", "other")

# ---------------------------------------------------------------------------
# Checklist
# ---------------------------------------------------------------------------

# Keys each rule accepts and their kind; anything else in a checklist is a typo.
_RULE_COMMON = {"label": "str", "severity": "severity", "enabled": "bool"}
_RULE_SCHEMA: dict[str, dict[str, str]] = {
    "R02": {"cues": "patterns", "ignore": "patterns"},
    "R03": {"min_items": "int", "target": "patterns", "date": "patterns", "owner": "patterns"},
    "R03B": {
        "shingle": "int",
        "min_sentence_chars": "int",
        "containment": "ratio",
        "min_share": "ratio",
        "min_sentences": "int",
    },
    "R04": {},
    "R04B": {"allow_before": "strings", "allow_after": "strings"},
    "R05": {"patterns": "patterns"},
    "R06": {"min_share": "ratio", "info_share": "ratio"},
    "R07": {"min_share": "ratio", "info_share": "ratio"},
    "R08": {"levels": "strings", "patterns": "patterns"},
    "R09": {"submission": "monthday", "publication": "monthday", "publication_severity": "severity"},
    "R10": {},
    "R11": {"min_quantities": "int"},
    "R12": {
        "id_numbers": "bool",
        "phones": "bool",
        "surnames": "strings",
        "litigation": "patterns",
        "name_before": "patterns",
        "secrecy": "patterns",
    },
    "R13": {
        "addressee": "patterns",
        "not_addressee": "patterns",
        "addressee_lines": "int",
        "organ": "patterns", "signature_lines": "int"},
    "R14": {"wrong_title": "patterns", "right_title": "patterns"},
}
_PART_KEYS = {
    "label": "str",
    "required": "bool",
    "severity": "severity",
    "heading": "patterns",
    "not_heading": "patterns",
    "body": "patterns",
    "actions": "patterns",
    "preamble": "bool",
}
_EXTRA_KEYS = {
    "id": "str",
    "label": "str",
    "severity": "severity",
    "when": "str",
    "part": "str",
    "patterns": "patterns",
    "enabled": "bool",
}


@dataclass(frozen=True)
class PartSpec:
    """One required (or optional) content item."""

    id: str
    label: str
    required: bool
    severity: str
    heading: tuple[re.Pattern[str], ...]
    body: tuple[str, ...]  # raw: may hold {next_year}, compiled per report
    actions: tuple[re.Pattern[str], ...] = ()
    not_heading: tuple[re.Pattern[str], ...] = ()
    preamble: bool = False  # whether the opening paragraphs (before the first heading) count


@dataclass(frozen=True)
class RuleSpec:
    """One quality rule: its label, severity and options (patterns compiled)."""

    id: str
    label: str
    severity: str
    enabled: bool
    opts: Mapping[str, Any] = field(default_factory=dict)

    def pats(self, key: str) -> tuple[re.Pattern[str], ...]:
        return tuple(self.opts.get(key, ()))


@dataclass(frozen=True)
class ExtraSpec:
    """A county-specific check: a pattern that must (not) occur."""

    id: str
    label: str
    severity: str
    when: str  # present | absent
    part: str | None
    patterns: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class Checklist:
    """The loaded, validated checklist (immutable; share it across reports)."""

    name: str
    source: str
    parts: tuple[PartSpec, ...]
    rules: Mapping[str, RuleSpec]
    extras: tuple[ExtraSpec, ...] = ()
    scoring: Mapping[str, float] = field(default_factory=dict)

    def part(self, part_id: str) -> PartSpec | None:
        return next((p for p in self.parts if p.id == part_id), None)

    def rule(self, rule_id: str) -> RuleSpec | None:
        r = self.rules.get(rule_id)
        return r if r is not None and r.enabled else None


def _default_text() -> str:
    return resources.files("pipeline").joinpath("data/checklist.toml").read_text("utf-8")


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge tables of ``over`` into ``base``; other values replace."""
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, Mapping) and isinstance(out.get(k), Mapping):
            out[k] = _merge(dict(out[k]), v)
        else:
            out[k] = v
    return out


def _value(kind: str, value: Any, where: str, src: str) -> Any:
    """Validate and convert one checklist value."""

    def bad(msg: str) -> ConfigError:
        return ConfigError(f"{where}: {msg}", src)

    if kind == "str":
        if not isinstance(value, str):
            raise bad(f"expected a string, got {value!r}")
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise bad(f"expected true or false, got {value!r}")
        return value
    if kind == "severity":
        if value not in SEVERITIES:
            raise bad(f"severity must be one of {', '.join(SEVERITIES)}, got {value!r}")
        return value
    if kind == "int":
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise bad(f"expected a non-negative integer, got {value!r}")
        return value
    if kind == "ratio":
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= 1:
            raise bad(f"expected a number between 0 and 1, got {value!r}")
        return float(value)
    if kind == "strings":
        if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
            raise bad("expected a list of strings")
        return tuple(value)
    if kind in ("patterns", "raw_patterns"):
        if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
            raise bad("expected a list of regular expressions (strings)")
        out = []
        for s in value:
            try:
                compiled = re.compile(s.replace("{next_year}", "2024"))
            except re.error as exc:
                raise bad(f"invalid regular expression {s!r}: {exc}") from exc
            out.append(s if kind == "raw_patterns" else compiled)
        return tuple(out)
    if kind == "monthday":
        if value == "":
            return None
        m = re.fullmatch(r"(\d{1,2})-(\d{1,2})", value) if isinstance(value, str) else None
        try:
            if not m:
                raise ValueError
            date(2024, int(m.group(1)), int(m.group(2)))
        except ValueError:
            raise bad(f'expected a month-day like "03-01" (or ""), got {value!r}') from None
        return int(m.group(1)), int(m.group(2))
    raise AssertionError(kind)  # pragma: no cover


def _check_keys(table: Any, allowed: Mapping[str, str], where: str, src: str) -> None:
    if not isinstance(table, Mapping):
        raise ConfigError(f"{where}: expected a table", src)
    unknown = sorted(set(table) - set(allowed))
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)} (allowed: {', '.join(sorted(allowed))})", src)


def _build(data: Mapping[str, Any], src: str) -> Checklist:
    parts_t = data.get("parts")
    if not isinstance(parts_t, Mapping) or not parts_t:
        raise ConfigError("[parts] is missing or empty", src)
    parts: list[PartSpec] = []
    for pid, t in parts_t.items():
        where = f"[parts.{pid}]"
        _check_keys(t, _PART_KEYS, where, src)
        for key in ("label", "heading"):
            if key not in t:
                raise ConfigError(f"{where}: missing key {key!r}", src)
        parts.append(
            PartSpec(
                id=pid,
                label=_value("str", t["label"], f"{where}.label", src),
                required=_value("bool", t.get("required", True), f"{where}.required", src),
                severity=_value("severity", t.get("severity", "error"), f"{where}.severity", src),
                heading=_value("patterns", t["heading"], f"{where}.heading", src),
                body=_value("raw_patterns", t.get("body", []), f"{where}.body", src),
                actions=_value("patterns", t.get("actions", []), f"{where}.actions", src),
                not_heading=_value("patterns", t.get("not_heading", []), f"{where}.not_heading", src),
                preamble=_value("bool", t.get("preamble", False), f"{where}.preamble", src),
            )
        )
    rules_t = data.get("rules", {})
    if not isinstance(rules_t, Mapping):
        raise ConfigError("[rules] must be a table", src)
    rules: dict[str, RuleSpec] = {}
    for rid, t in rules_t.items():
        where = f"[rules.{rid}]"
        if rid not in _RULE_SCHEMA:
            raise ConfigError(f"{where}: unknown rule (known: {', '.join(_RULE_SCHEMA)})", src)
        schema = {**_RULE_COMMON, **_RULE_SCHEMA[rid]}
        _check_keys(t, schema, where, src)
        opts = {k: _value(schema[k], v, f"{where}.{k}", src) for k, v in t.items() if k not in _RULE_COMMON}
        rules[rid] = RuleSpec(
            id=rid,
            label=_value("str", t.get("label", rid), f"{where}.label", src),
            severity=_value("severity", t.get("severity", "warning"), f"{where}.severity", src),
            enabled=_value("bool", t.get("enabled", True), f"{where}.enabled", src),
            opts=opts,
        )
    extras: list[ExtraSpec] = []
    extra_t = data.get("extra", [])
    if not isinstance(extra_t, list):
        raise ConfigError("[[extra]] must be an array of tables", src)
    part_ids = {p.id for p in parts}
    for i, t in enumerate(extra_t):
        where = f"[[extra]] #{i + 1}"
        _check_keys(t, _EXTRA_KEYS, where, src)
        for key in ("id", "label", "patterns"):
            if key not in t:
                raise ConfigError(f"{where}: missing key {key!r}", src)
        when = t.get("when", "present")
        if when not in ("present", "absent"):
            raise ConfigError(f'{where}.when: expected "present" or "absent", got {when!r}', src)
        part = t.get("part")
        if part is not None and part not in part_ids:
            raise ConfigError(f"{where}.part: unknown part {part!r}", src)
        if not t.get("enabled", True):
            continue
        extras.append(
            ExtraSpec(
                id=_value("str", t["id"], f"{where}.id", src),
                label=_value("str", t["label"], f"{where}.label", src),
                severity=_value("severity", t.get("severity", "warning"), f"{where}.severity", src),
                when=when,
                part=part,
                patterns=_value("patterns", t["patterns"], f"{where}.patterns", src),
            )
        )
    scoring_t = data.get("scoring", {})
    _check_keys(scoring_t, {"missing_required": "", "error": "", "warning": "", "info": ""}, "[scoring]", src)
    scoring = {k: _value("ratio", v, f"[scoring].{k}", src) for k, v in scoring_t.items()}
    return Checklist(
        name=str(data.get("name", "")),
        source=src,
        parts=tuple(parts),
        rules=rules,
        extras=tuple(extras),
        scoring=scoring,
    )


@lru_cache(maxsize=1)
def _default_checklist() -> Checklist:
    data = tomllib.loads(_default_text())
    return _build(data, "pipeline/data/checklist.toml")


def load_checklist(path: Path | None = None) -> Checklist:
    """The packaged checklist, or a county file merged over it.

    A malformed file raises :class:`~pipeline.errors.ConfigError` naming the
    file and the problem.
    """
    if path is None:
        return _default_checklist()
    path = Path(path)
    user = read_toml(path, "checklist")
    merged = _merge(tomllib.loads(_default_text()), user)
    return _build(merged, str(path))


# ---------------------------------------------------------------------------
# A light reading of the document
# ---------------------------------------------------------------------------

_QUOTED = re.compile(r"《[^》\n]{0,80}》|“[^”\n]{0,40}”")



@dataclass
class Unit:
    """A heading or paragraph as the checker sees it (offsets into ``norm``)."""

    kind: str  # heading | paragraph
    start: int
    end: int
    text: str  # normalised text
    level: int = 1
    category: str = "other"
    category_source: str = "inherited"
    marker: str | None = None
    heading_like: bool = False  # a short paragraph that reads as an unnumbered heading


@dataclass
class Doc:
    """What the checks share about one report."""

    report: Report
    norm: str
    units: list[Unit]
    title: str | None
    title_span: tuple[int, int] | None  # norm offsets
    body_start: int  # norm offset where the body starts (after the title)
    regions: dict[str, list[Unit]] = field(default_factory=dict)
    part_heads: dict[str, list[int]] = field(default_factory=dict)  # unit indexes of part headings
    year: int | None = None  # the reported year the checks use
    body_year: int | None = None
    title_year: int | None = None

    def quote(self, start: int, end: int, *, limit: int = 80) -> str:
        """User-visible text behind a norm span, clipped."""
        q = self.report.text_of(start, end) if self.report.norm else self.norm[start:end]
        # A line break inside Chinese text (a title broken over lines) is no space at all.
        q = _CJK_GAP.sub("", q)
        q = " ".join(q.split())
        return q if len(q) <= limit else q[: limit - 1] + "…"

    def text_pos(self, norm_pos: int) -> int:
        return self.report.to_text_pos(norm_pos) if self.report.norm_map else norm_pos

    def body_units(self, part: str) -> list[Unit]:
        """The part's units without its own part heading(s): sub-headings often carry the items."""
        own = {id(self.units[i]) for i in self.part_heads.get(part, [])}
        return [u for u in self.regions.get(part, []) if id(u) not in own and u.start >= self.body_start]


def _text_to_norm(report: Report, start: int, end: int) -> tuple[int, int]:
    """Inverse of ``norm_map``: the norm span covering a text span."""
    if not report.norm_map:
        return start, end
    return bisect_left(report.norm_map, start), bisect_left(report.norm_map, end)


def _fallback_units(norm: str, body_start: int) -> list[Unit]:
    """Headings and paragraphs from the lines of ``norm`` when the structure stage set none."""
    units: list[Unit] = []
    pos = 0
    for line in norm.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        s = line.strip()
        if not s or start < body_start:
            continue
        start += len(line) - len(line.lstrip())
        end = start + len(s)
        lv = numbered_heading(s)
        if lv is not None:
            level, marker = lv
            stop = re.search(r"[。！？]", s)
            if stop is None and len(s) <= 60:
                units.append(Unit("heading", start, end, s, level=level, marker=marker))
                continue
            if stop is not None and stop.start() <= 45 and stop.end() < len(s):
                # A run-in heading: up to the first full stop.
                units.append(Unit("heading", start, start + stop.end(), s[: stop.end()], level=level, marker=marker))
                units.append(Unit("paragraph", start + stop.end(), end, s[stop.end() :]))
                continue
        units.append(Unit("paragraph", start, end, s))
    return units


def _units_from_report(report: Report) -> list[Unit]:
    units: list[Unit] = []
    for h in report.headings:
        s, e = _text_to_norm(report, h.start, h.end)
        units.append(
            Unit(
                "heading",
                s,
                e,
                report.norm[s:e],
                level=h.level,
                category=h.category,
                category_source=h.category_source,
                marker=h.marker,
            )
        )
    for p in report.paragraphs:
        s, e = _text_to_norm(report, p.start, p.end)
        units.append(Unit("paragraph", s, e, report.norm[s:e], category=p.category, category_source=p.category_source))
    units.sort(key=lambda u: (u.start, 0 if u.kind == "heading" else 1))
    return units


_CJK_GAP = re.compile(r"(?<=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])\s+(?=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])")


def _find_title(report: Report, norm: str) -> tuple[str | None, tuple[int, int] | None]:
    """The title from the structure stage, or the first report-like line(s)."""
    if report.title_span:
        s, e = _text_to_norm(report, *report.title_span)
        # A title broken over lines spans a line break: quote the joined title, not the raw span.
        return (normalise(report.title).text if report.title else norm[s:e]), (s, e)
    if report.title:
        t = normalise(report.title).text
        i = norm.find(t)
        return t, ((i, i + len(t)) if i >= 0 else None)
    lines: list[tuple[int, str]] = []
    pos = 0
    for line in norm.split("\n"):
        if line.strip():
            lines.append((pos, line.strip()))
        pos += len(line) + 1
        if len(lines) >= 25:
            break
    for i, (start, s) in enumerate(lines):
        if len(s) > 80 or re.search(r"[。]", s) or s.startswith(("-", "•", "[", "【", "名称", "名 称")):
            continue
        if not re.search(r"法治|依法行政|依法治|报告|总结", s) or not re.search(r"\d{4}|关于|年度|报告", s):
            continue
        if re.search(r"(报告|总结|汇报|通知|方案|规划|意见|解读|要点)$", s) or i + 1 >= len(lines):
            return s, (start, start + len(s))
        nstart, nxt = lines[i + 1]
        if len(s) + len(nxt) <= 80 and re.search(r"(报告|总结|汇报)$", nxt) and "。" not in nxt:
            return s + nxt, (start, nstart + len(nxt))
        if re.search(r"(报告|总结)", s):
            return s, (start, start + len(s))
    return None, None


def _year_of(text: str) -> int | None:
    m = YEAR_IN_TEXT.search(text)
    return int(m.group(1)) if m else None


def _masked_years(text: str) -> list[tuple[int, int, int]]:
    """(year, start, end) of every year mention outside ranges and quoted names."""
    blocked = [(m.start(), m.end()) for m in YEAR_SPAN.finditer(text)] + [
        (m.start(), m.end()) for m in _QUOTED.finditer(text)
    ]
    out = []
    for m in YEAR_IN_TEXT.finditer(text):
        if any(s <= m.start() < e for s, e in blocked):
            continue
        out.append((int(m.group(1)), m.start(1), m.end(1)))
    return out


def _matches(patterns: Iterable[re.Pattern[str]], text: str) -> re.Match[str] | None:
    best: re.Match[str] | None = None
    for p in patterns:
        m = p.search(text)
        if m and (best is None or m.start() < best.start()):
            best = m
    return best


@lru_cache(maxsize=256)
def _compile_body(raw: str, next_year: int | None) -> re.Pattern[str]:
    return re.compile(raw.replace("{next_year}", str(next_year) if next_year else r"20\d\d"))


def _is_heading_like(u: Unit) -> bool:
    """A short unnumbered paragraph without final punctuation reads as a heading."""
    s = u.text.strip()
    return (
        u.kind == "paragraph"
        and 2 <= len(s) <= 30
        and not re.search(r"[。，,；;！？]", s)
        and not re.search(r"[:：]$", s)
    )


def _heading_text(u: Unit) -> str:
    """A heading without its marker and trailing punctuation."""
    s = u.text.strip()
    lv = numbered_heading(s)
    if lv:
        s = s[len(lv[1]) :]
    return s.strip().rstrip("。：:；;，,")


def _infer_year(doc: Doc) -> None:
    """The reported year: metadata's, else the title's, else the body's; keep each for R04."""
    r = doc.report
    doc.title_year = _year_of(doc.title) if doc.title else None
    votes: Counter[int] = Counter()
    plans = {id(u) for u in doc.regions.get("plans", [])}
    for u in doc.units:
        if u.start < doc.body_start:
            continue
        for y, s, _e in _masked_years(u.text):
            before = u.text[max(0, s - 3) : s]
            after = u.text[_e : _e + 4]
            if any(c in before for c in ("较", "比", "自", "从", "截至")) or after.startswith(("年以来", "年起")):
                continue
            if id(u) in plans or re.match(r"年?(度)?(工作)?(的)?(主要)?(安排|打算|计划|思路)", after[1:]):
                votes[y - 1] += 1
            else:
                weight = (
                    2
                    if (s == 0 or u.text[max(0, s - 1)] in "，。：；\n")
                    and after.startswith(("年，", "年,", "年度，", "年是"))
                    else 1
                )
                votes[y] += weight
    # The preamble (before the first heading) is part of the body too.
    first = doc.units[0].start if doc.units else len(doc.norm)
    pre = doc.norm[doc.body_start : first]
    for y, _s, _e in _masked_years(pre):
        votes[y] += 1
    if votes:
        (best, n), *rest = votes.most_common(2) + [(0, 0)]
        second = rest[0][1]
        if n >= 2 and n >= 1.5 * second:
            doc.body_year = best
    if doc.title_year is not None and doc.title_year == doc.body_year:
        # Title and body agree: that is the year, whatever metadata guessed.
        doc.year = doc.title_year
    else:
        doc.year = r.year or doc.body_year or doc.title_year


def _assign_regions(doc: Doc, checklist: Checklist) -> None:
    """Units of each part: by the classifier's categories and by part headings."""
    units = doc.units
    regions: dict[str, list[Unit]] = {p.id: [] for p in checklist.parts}
    heads: dict[str, list[int]] = {p.id: [] for p in checklist.parts}
    for i, u in enumerate(units):
        if u.kind == "heading" or u.heading_like:
            ht = _heading_text(u)
            if len(ht) > 40:
                # A long run-in heading is a sentence about the work, not a part title.
                continue
            for p in checklist.parts:
                if _matches(p.heading, ht) and not _matches(p.not_heading, ht):
                    heads[p.id].append(i)
                    if p.id in ("responsibility", "other", "shortcomings", "plans"):
                        # A heading is one part; earlier parts in the list are the more specific cues.
                        break
    for pid, idxs in heads.items():
        for i in idxs:
            level = units[i].level
            regions[pid].append(units[i])
            for u in units[i + 1 :]:
                if (u.kind == "heading" or u.heading_like) and u.level <= level:
                    break
                regions[pid].append(u)
    # Category labels from the classify stage (when it ran) add what the headings miss.
    # Identity sets keep this linear: a scan of each region per unit was quadratic on long reports.
    members = {pid: {id(x) for x in region} for pid, region in regions.items()}
    for u in units:
        if u.category in regions and u.category != "other" and id(u) not in members[u.category]:
            regions[u.category].append(u)
            members[u.category].add(id(u))
    for region in regions.values():
        region.sort(key=lambda u: u.start)
    doc.regions, doc.part_heads = regions, heads


def build_doc(report: Report, checklist: Checklist) -> Doc:
    """The checker's view of ``report`` (exposed for the similarity module and tests)."""
    norm = report.norm or normalise(report.text).text
    title, tspan = _find_title(report, norm)
    body_start = tspan[1] if tspan else 0
    units = _units_from_report(report) if (report.headings or report.paragraphs) else _fallback_units(norm, body_start)
    for u in units:
        u.heading_like = _is_heading_like(u)
        if u.heading_like:
            u.level = 1
    doc = Doc(report=report, norm=norm, units=units, title=title, title_span=tspan, body_start=body_start)
    _assign_regions(doc, checklist)
    _infer_year(doc)
    return doc


def _sentences(u: Unit) -> list[tuple[int, int]]:
    """Norm spans of the sentences of a unit."""
    out, s = [], 0
    for m in SENTENCE_END_RE.finditer(u.text):
        if m.end() - s > 1:
            out.append((u.start + s, u.start + m.end()))
        s = m.end()
    if len(u.text) - s > 1:
        out.append((u.start + s, u.start + len(u.text)))
    return out


def _sentence_around(doc: Doc, u: Unit, pos: int) -> tuple[int, int]:
    for s, e in _sentences(u):
        if s <= pos < e:
            return s, e
    return u.start, u.end


# ---------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------


def _item(
    spec: RuleSpec,
    fired: bool,
    message: str,
    *,
    doc: Doc | None = None,
    span: tuple[int, int] | None = None,
    where: str | None = None,
) -> CheckItem:
    item = CheckItem(
        id=spec.id,
        label=spec.label,
        status=spec.severity if fired else "ok",
        severity=spec.severity,
        message=message,
        where=where,
    )
    if doc is not None and span is not None:
        item.evidence = doc.quote(*span)
        item.start = doc.text_pos(span[0])
    return item


def _skipped(spec: RuleSpec, why: str) -> CheckItem:
    return CheckItem(id=spec.id, label=spec.label, status="info", severity=spec.severity, message=f"未检查：{why}")


def _check_part(doc: Doc, part: PartSpec) -> CheckItem:
    """Is the part there: a heading, a substantive passage or the classifier's label."""
    item = CheckItem(id=part.id, label=part.label, status="ok", present=False, severity=part.severity)
    units = doc.units
    found: tuple[str, Unit, tuple[int, int]] | None = None
    if doc.part_heads.get(part.id):
        u = units[doc.part_heads[part.id][0]]
        found = ("heading", u, (u.start, u.end))
    # "other" is also the classifier's label for anything else: only cues find that part.
    by_category = part.id != "other"
    if found is None and by_category:
        for u in units:
            if u.kind == "heading" and u.category == part.id and u.category_source != "inherited":
                found = ("heading", u, (u.start, u.end))
                break
    if found is None and part.body:
        # The opening summary ("…取得积极成效。现将…报告如下") is not the part itself.
        first_heading = next((u.start for u in units if u.kind == "heading" or u.heading_like), 0)
        pats = [_compile_body(raw, doc.year + 1 if doc.year else None) for raw in part.body]
        for u in units:
            if u.kind != "paragraph" and not (u.kind == "heading" and len(u.text) > 30):
                continue
            if u.start < doc.body_start or (u.start < first_heading and not part.preamble):
                continue
            m = _matches(pats, u.text)
            if m:
                found = ("paragraph", u, _sentence_around(doc, u, u.start + m.start()))
                break
    if found is None and by_category:
        for u in units:
            if (
                u.kind == "paragraph"
                and u.category == part.id
                and u.category_source in ("rules", "model")
                and len(u.text) >= 20
            ):
                found = ("paragraph", u, _sentence_around(doc, u, u.start))
                break
    if found is None:
        item.present = False
        if part.required:
            item.status = "missing"
            item.message = f"未找到“{part.label}”部分"
        else:
            item.status = "info"
            item.message = f"未单列“{part.label}”（可选）"
        return item
    where, u, span = found
    item.present, item.where, item.own_section = True, where, where == "heading"
    item.evidence, item.start = doc.quote(*span), doc.text_pos(span[0])
    item.message = "单列为标题" if where == "heading" else "在正文段落中报告，未单列标题"
    if where == "heading" and u.level > 1:
        item.message = f"作为第{u.level}级标题报告"
    if part.actions:
        # Thin content: a bare statement of the duty without one concrete action, looking at
        # the section (found as a heading) or the paragraph and the one after it.
        if where == "heading":
            text = "".join(x.text for x in doc.regions.get(part.id, []) if x is not u)
        else:
            text = u.text
            if len(u.text) - (span[1] - span[0]) < 15:
                # The duty stated as a paragraph of its own: the details follow in the next one.
                i = next(k for k, x in enumerate(units) if x is u)
                nxt = next((x for x in units[i + 1 :] if x.kind in ("paragraph", "heading")), None)
                text += nxt.text if nxt else ""
        # Too little text to judge (a truncated copy): no verdict on thinness.
        if len(text) >= 25 and not _matches(part.actions, text):
            item.status = "warning"
            item.severity = "warning"
            item.message += "；只有原则性表述，没有具体履职行动"
    return item


def _check_causes(doc: Doc, spec: RuleSpec, present: bool) -> CheckItem:
    if not present:
        return _skipped(spec, "没有找到问题部分")
    units = doc.body_units("shortcomings")
    ignore = spec.pats("ignore")
    for u in units:
        text = u.text
        for m in (p.search(text) for p in spec.pats("cues")):
            if m is None:
                continue
            if any(ig.search(text[max(0, m.start() - 4) : m.end() + 2]) for ig in ignore):
                continue
            span = _sentence_around(doc, u, u.start + m.start())
            return _item(spec, False, "问题部分分析了原因", doc=doc, span=span, where="paragraph")
    if not units:
        # Found only through a passage: look at that paragraph.
        return _skipped(spec, "问题部分没有可检查的正文")
    first = next((u for u in units if u.kind == "paragraph"), units[0])
    return _item(
        spec,
        True,
        "问题部分只列举问题，没有分析原因（无“原因、由于、导致”等表述）",
        doc=doc,
        span=(first.start, min(first.end, first.start + 60)),
        where="paragraph",
    )


def _check_plans_concrete(doc: Doc, spec: RuleSpec, present: bool) -> CheckItem:
    if not present:
        return _skipped(spec, "没有找到下一年度安排")
    units = doc.body_units("plans")
    if not units:
        return _skipped(spec, "下一年度安排没有可检查的正文")
    year_only = re.compile(r"^(19|20)\d\d$")
    concrete: list[tuple[int, int]] = []
    for u in units:
        for s, e in _sentences(u):
            sent = doc.norm[s:e]
            hit = None
            for key in ("target", "date", "owner"):
                for p in spec.pats(key):
                    for m in p.finditer(sent):
                        if (
                            key == "target"
                            and year_only.match(re.sub(r"\D", "", m.group(0)))
                            and "年" in sent[m.end() : m.end() + 1]
                        ):
                            continue
                        hit = m
                        break
                    if hit:
                        break
                if hit:
                    break
            if hit:
                concrete.append((s, e))
    need = int(spec.opts.get("min_items", 2))
    if len(concrete) >= need:
        return _item(
            spec,
            False,
            f"有{len(concrete)}项具体措施（目标、时限、责任单位或数量）",
            doc=doc,
            span=concrete[0],
            where="paragraph",
        )
    u = units[0]
    msg = f"下一年度安排缺少具体措施：只有{len(concrete)}项写明目标、时限、责任单位或数量（要求至少{need}项）"
    return _item(
        spec,
        True,
        msg,
        doc=doc,
        span=concrete[0] if concrete else (u.start, min(u.end, u.start + 60)),
        where="paragraph",
    )


def _shingles(text: str, k: int) -> set[str]:
    t = re.sub(r"[\W_]+", "", text)
    return {t[i : i + k] for i in range(max(0, len(t) - k + 1))}


def _check_plans_copied(doc: Doc, spec: RuleSpec, present_s: bool, present_p: bool) -> CheckItem:
    if not (present_s and present_p):
        return _skipped(spec, "缺少问题部分或下一年度安排")
    k = int(spec.opts.get("shingle", 4))
    short = set().union(*(_shingles(u.text, k) for u in doc.body_units("shortcomings")), set())
    plans = doc.body_units("plans")
    if not short or not plans:
        return _skipped(spec, "问题部分或下一年度安排没有正文")
    copied: list[tuple[int, int]] = []
    total = copied_chars = 0
    for u in plans:
        for s, e in _sentences(u):
            sh = _shingles(doc.norm[s:e], k)
            n = len(re.sub(r"[\W_]+", "", doc.norm[s:e]))
            total += n
            if n < int(spec.opts.get("min_sentence_chars", 10)) or not sh:
                continue
            if len(sh & short) / len(sh) >= float(spec.opts.get("containment", 0.7)):
                copied.append((s, e))
                copied_chars += n
    share = copied_chars / total if total else 0.0
    fired = bool(copied) and (
        share >= float(spec.opts.get("min_share", 0.3)) or len(copied) >= int(spec.opts.get("min_sentences", 2))
    )
    if fired:
        return _item(
            spec,
            True,
            f"下一年度安排有{len(copied)}句照抄问题部分（占{share:.0%}），没有提出改进措施",
            doc=doc,
            span=copied[0],
            where="paragraph",
        )
    return _item(spec, False, "下一年度安排没有照抄问题部分")


def _check_title_year(doc: Doc, spec: RuleSpec) -> CheckItem:
    if not doc.title or doc.title_year is None:
        return _skipped(spec, "没有找到带年份的标题")
    # The body's own years are independent of the title; metadata's year may come from the title.
    others = [(doc.body_year, "正文所述年度")] if doc.body_year is not None else []
    if not others and doc.report.year is not None:
        others = [(doc.report.year, "报告年度")]
    for y, src in others:
        if y != doc.title_year:
            span = doc.title_span or (0, 0)
            msg = f"标题年份{doc.title_year}年与{src}{y}年不一致"
            return _item(spec, True, msg, doc=doc, span=span if doc.title_span else None, where="title")
    if not others:
        return _skipped(spec, "正文没有足够的年份可以核对")
    return _item(spec, False, f"标题年份{doc.title_year}年与报告年度一致", doc=doc, span=doc.title_span, where="title")


def _check_stray_years(doc: Doc, spec: RuleSpec) -> CheckItem:
    """Years that betray a copied report: last year's opener, a wrong year in a part heading, plans for the reported year."""
    r = doc.year
    if r is None:
        return _skipped(spec, "不知道报告年度")
    allow_before = tuple(spec.opts.get("allow_before", ()))
    allow_after = tuple(spec.opts.get("allow_after", ()))
    hits: list[tuple[int, int, str]] = []
    plans = {id(u) for u in doc.regions.get("plans", [])}
    heads = {i: pid for pid, idxs in doc.part_heads.items() for i in idxs}
    first = doc.units[0].start if doc.units else len(doc.norm)
    pre = Unit("paragraph", doc.body_start, first, doc.norm[doc.body_start : first])
    for i, u in [(-1, pre), *enumerate(doc.units)]:
        if u.start < doc.body_start:
            continue
        for y, s, e in _masked_years(u.text):
            before, after = u.text[max(0, s - 4) : s], u.text[e:]
            if (
                before.endswith(allow_before)
                or after.lstrip("年度").startswith(allow_after)
                or re.match(r"\s*年\s*\d{1,2}\s*月", after)
                and y == r + 1
            ):
                continue
            pid = heads.get(i)
            if pid in ("achievements", "shortcomings", "responsibility") and y != r:
                hits.append((u.start + s, u.start + e, f"“{_heading_text(u)}”的年份是{y}年"))
            elif pid == "plans" and y != r + 1:
                hits.append((u.start + s, u.start + e, f"下一年度安排标题的年份是{y}年"))
            elif id(u) in plans:
                if y <= r and re.match(r"年度?[，,]?\s*(我|全)?[^。]{0,8}(将|要|计划|拟)", after):
                    hits.append((u.start + s, u.start + e, f"下一年度安排写的是{y}年"))
            elif pid is None:
                opener = s == 0 or u.text[s - 1] in "，。：；:;"
                report_line = re.search(r"现将[^。]{0,30}$", u.text[:s]) is not None
                if (y < r or y > r + 1) and (
                    report_line or (opener and re.match(r"年度?(，|,|以来，|是|我|全)", after))
                ):
                    hits.append((u.start + s, u.start + e, f"正文出现{y}年（报告年度为{r}年）"))
    if hits:
        s, e, why = hits[0]
        u = next((x for x in doc.units if x.start <= s < x.end), None)
        span = _sentence_around(doc, u, s) if u else (s, e)
        more = f"等{len(hits)}处" if len(hits) > 1 else ""
        return _item(spec, True, f"{why}{more}，疑为沿用旧报告", doc=doc, span=span, where="paragraph")
    return _item(spec, False, "正文年份与报告年度一致")


def _check_placeholders(doc: Doc, spec: RuleSpec) -> CheckItem:
    found: list[tuple[int, int]] = []
    for p in spec.pats("patterns"):
        for m in p.finditer(doc.norm, doc.body_start if doc.title_span else 0):
            found.append((m.start(), m.end()))
    if doc.title_span:
        for p in spec.pats("patterns"):
            for m in p.finditer(doc.norm, doc.title_span[0], doc.title_span[1]):
                found.append((m.start(), m.end()))
    # Placeholder defects recorded by the metrics stage count as well.
    for d in doc.report.defects:
        kind = str(d.get("kind") or d.get("type") or d.get("code") or "")
        if "placeholder" in kind and isinstance(d.get("start"), int):
            s, e = _text_to_norm(doc.report, d["start"], int(d.get("end", d["start"] + 1)))
            found.append((s, max(e, s + 1)))
    if not found:
        return _item(spec, False, "未发现占位符")
    found = sorted(set(found))
    s, e = found[0]
    ctx = (max(doc.body_start if s >= doc.body_start else 0, s - 12), min(len(doc.norm), e + 12))
    samples = "、".join(dict.fromkeys(doc.quote(a, b) for a, b in found[:5]))
    return _item(
        spec, True, f"含{len(found)}处草稿占位符（{samples}），数据或名称未填写", doc=doc, span=ctx, where="paragraph"
    )


def guess_entity(title: str | None) -> str | None:
    """The reporting body's short name from a title, when the metadata stage set none."""
    if not title:
        return None
    head = re.split(r"关于|(?:19|20)\d\d|法治", title.replace(" ", ""))[0]
    head = head.split("人民政府")[0]
    head = re.sub(r"(办事处|党工委|党委|委员会|政府)$", "", head)
    head = re.sub(r"^中共.*?(委员会|党委|党工委)", "", head) or head
    m = re.search(r"(?:.*(?:省|自治区|市|州|盟|地区|县|区|旗))?(.{1,10}?(?:乡|镇|街道|苏木))$", head)
    if m:
        return m.group(1)
    m = re.search(r"(?:.*(?:省|自治区|州|盟))?(.{1,10}?(?:县|区|市|旗))$", head)
    return m.group(1) if m else None


def _township_like(doc: Doc) -> str | None:
    r = doc.report
    if r.level:
        return r.level
    head = (doc.title or "")[:40]
    head = re.split(r"关于|\d{4}", head)[0]
    if re.search(r"(乡|镇|街道|苏木)(人民政府|办事处|党委|委员会|党工委)?$", head):
        return "township"
    return None


def _check_level(doc: Doc, spec: RuleSpec) -> CheckItem:
    level = _township_like(doc)
    levels = tuple(spec.opts.get("levels", ("township",)))
    if level not in levels:
        return _skipped(spec, f"只检查{'、'.join(levels)}层级的报告")
    for u in doc.units:
        if u.start < doc.body_start:
            continue
        m = _matches(spec.pats("patterns"), u.text)
        if m:
            span = _sentence_around(doc, u, u.start + m.start())
            return _item(
                spec,
                True,
                f"出现“{m.group(0)}”等乡镇无权开展的工作，疑为照搬上级模板",
                doc=doc,
                span=span,
                where=u.kind,
            )
    return _item(spec, False, "未发现超出乡镇职权的内容")


def _find_dates(doc: Doc) -> tuple[tuple[date, int] | None, tuple[date, int] | None]:
    """(issue date, publication date), each with its norm offset, from the text."""
    issue = pub = None
    norm = doc.norm

    def parse(m: re.Match[str]) -> date | None:
        y, mo, d = (date_number(g) for g in m.groups())
        try:
            return date(y, mo, d) if y and mo and d else None  # type: ignore[arg-type]
        except ValueError:
            return None

    for m in FULL_DATE.finditer(norm):
        lead = norm[max(0, m.start() - 12) : m.start()].split("\n")[-1]
        dt = parse(m)
        if dt is None:
            continue
        if ISSUE_CUE.search(lead) and issue is None:
            issue = (dt, m.start())
        elif PUBLICATION_CUE.search(lead) and pub is None and m.start() < doc.body_start + 400:
            pub = (dt, m.start())
    if issue is None:
        # The signature date: a line of its own near the end.
        tail_start = max(0, len(norm) - 400)
        for m in FULL_DATE.finditer(norm, tail_start):
            line_start = norm.rfind("\n", 0, m.start()) + 1
            line_end = norm.find("\n", m.end())
            line = norm[line_start : line_end if line_end >= 0 else len(norm)].strip()
            if len(line) <= 16 and m.start() > doc.body_start:
                dt = parse(m)
                if dt:
                    issue = (dt, m.start())
    if doc.report.issue_date:
        try:
            issue = (date.fromisoformat(doc.report.issue_date), issue[1] if issue else 0)
        except ValueError:
            pass
    return issue, pub


def _check_deadline(doc: Doc, spec: RuleSpec) -> CheckItem:
    if doc.year is None:
        return _skipped(spec, "不知道报告年度")
    issue, pub = _find_dates(doc)
    if issue is None and pub is None:
        return _skipped(spec, "没有找到成文或发布日期")
    problems: list[tuple[str, str, int]] = []
    y1 = doc.year + 1
    sub, pubd = spec.opts.get("submission"), spec.opts.get("publication")
    if issue and sub and issue[0] > date(y1, *sub):
        problems.append(
            (spec.severity, f"成文日期{issue[0].isoformat()}晚于报送截止日期{date(y1, *sub).isoformat()}", issue[1])
        )
    if issue and issue[0].year < doc.year:
        problems.append((spec.severity, f"成文日期{issue[0].isoformat()}早于报告年度{doc.year}年", issue[1]))
    if pub and pubd and pub[0] > date(y1, *pubd):
        sev = str(spec.opts.get("publication_severity", "warning"))
        problems.append((sev, f"发布日期{pub[0].isoformat()}晚于公开截止日期{date(y1, *pubd).isoformat()}", pub[1]))
    if problems:
        order = {s: i for i, s in enumerate(SEVERITIES)}
        problems.sort(key=lambda p: order[p[0]])
        sev, _msg, pos = problems[0]
        item = CheckItem(
            id=spec.id,
            label=spec.label,
            status=sev,
            severity=sev,
            message="；".join(p[1] for p in problems),
            where="date",
        )
        item.evidence, item.start = doc.quote(pos, min(len(doc.norm), pos + 12)), doc.text_pos(pos)
        return item
    parts = []
    if issue:
        parts.append(f"成文日期{issue[0].isoformat()}")
    if pub:
        parts.append(f"发布日期{pub[0].isoformat()}")
    pos = (issue or pub)[1]  # type: ignore[index]
    item = _item(
        spec,
        False,
        "，".join(parts) + "，未超过截止日期",
        doc=doc,
        span=(pos, min(len(doc.norm), pos + 12)),
        where="date",
    )
    return item




def _check_heading_format(doc: Doc, spec: RuleSpec) -> CheckItem:
    issues: list[tuple[Unit, str]] = []
    prev_level = 0
    brackets: set[str] = set()
    for u in doc.units:
        if u.kind != "heading":
            continue
        s = u.text.strip()
        if L1_HALF_BRACKET.match(s):
            issues.append((u, "一级标题应为“一、”，缺少顿号或多了括号"))
        elif re.match(r"^\d{1,2}、", s):
            issues.append((u, "三级标题应为“1.”而不是“1、”"))
        elif re.match(r"^[一二三四五六七八九十]+\.", s):
            issues.append((u, "一级标题应为“一、”"))
        elif re.match(r"^[（(][一二三四五六七八九十\d]+[）)][、.，]", s):
            issues.append((u, "括号序号后不应再加标点"))
        m = re.match(r"^([（(])[一二三四五六七八九十\d]+([）)])", s)
        if m:
            brackets.add("half" if m.group(1) == "(" or m.group(2) == ")" else "full")
        if numbered_heading(s) and prev_level and u.level > prev_level + 1:
            issues.append((u, f"标题层级跳级：{GBT_EXAMPLE.get(prev_level, '')}之后直接使用{GBT_EXAMPLE.get(u.level, '')}"))
        if numbered_heading(s):
            prev_level = u.level
    if len(brackets) > 1:
        first = next(u for u in doc.units if u.kind == "heading" and re.match(r"^[（(]", u.text.strip()))
        issues.append((first, "全角与半角括号混用"))
    if not issues:
        return _item(spec, False, "标题层级符合公文格式")
    u, why = issues[0]
    more = f"等{len(issues)}处" if len(issues) > 1 else ""
    item = CheckItem(
        id=spec.id, label=spec.label, status="info", severity="info", message=f"{why}{more}", where="heading"
    )
    item.evidence, item.start = doc.quote(u.start, u.end, limit=40), doc.text_pos(u.start)
    return item


def _check_quantities(doc: Doc, spec: RuleSpec, present: bool) -> CheckItem:
    if not present:
        return _skipped(spec, "没有找到成效部分")
    units = doc.regions.get("achievements", [])
    n_metrics = [m for m in doc.report.metrics if m.category == "achievements"]
    if not units and not n_metrics:
        return _skipped(spec, "成效部分没有正文")
    lo = min((u.start for u in units), default=0)
    hi = max((u.end for u in units), default=0)
    in_region = [m for m in doc.report.metrics if lo <= _text_to_norm(doc.report, m.start, m.end)[0] < hi]
    found: list[tuple[int, int]] = []
    for u in units:
        for m in COUNTED_QUANTITY.finditer(u.text):
            found.append((u.start + m.start(), u.start + m.end()))
    n = max(len({id(m) for m in n_metrics + in_region}), len(found))
    need = int(spec.opts.get("min_quantities", 1))
    if n >= need:
        if found:
            return _item(spec, False, f"成效部分有{n}处量化数据", doc=doc, span=found[0], where="paragraph")
        m0 = (n_metrics + in_region)[0]
        item = _item(spec, False, f"成效部分有{n}处量化数据", where="paragraph")
        item.evidence, item.start = m0.quote, m0.start
        return item
    u = units[0]
    return _item(
        spec,
        True,
        "成效部分没有任何量化数据，成效无法核实",
        doc=doc,
        span=(u.start, min(u.end, u.start + 40)),
        where="paragraph",
    )


_DOC_TYPES = {
    "notice": "通知",
    "plan": "规划、方案或工作要点",
    "interpretation": "政策解读",
    "news": "新闻报道",
    "work_report": "政府工作报告",
    "work_summary": "工作总结",
    "yearbook": "年鉴条目",
    "template": "模板或范文",
    "info_disclosure_report": "政府信息公开工作年度报告",
    "other": "其他文件",
}


def _check_doc_type(doc: Doc, spec: RuleSpec) -> CheckItem:
    r = doc.report
    if r.is_report is False or (r.doc_type not in (None, "annual_report")):
        kind = _DOC_TYPES.get(r.doc_type or "other", r.doc_type or "其他文件")
        return _item(
            spec, True, f"不是法治政府建设年度报告（识别为：{kind}）", doc=doc, span=doc.title_span, where="title"
        )
    if doc.title:
        m = _matches(spec.pats("wrong_title"), doc.title)
        if m:
            return _item(
                spec,
                True,
                f"标题显示这是“{m.group(0)}”，不是法治政府建设年度报告",
                doc=doc,
                span=doc.title_span,
                where="title",
            )
        if not _matches(spec.pats("right_title"), doc.title):
            return _item(spec, True, "标题未表明是法治政府建设情况报告", doc=doc, span=doc.title_span, where="title")
        return _item(spec, False, "法治政府建设年度报告", doc=doc, span=doc.title_span, where="title")
    if r.is_report:
        return _item(spec, False, "法治政府建设年度报告")
    return _skipped(spec, "没有找到标题")


def _check_extra(doc: Doc, spec: ExtraSpec) -> CheckItem:
    units = doc.regions.get(spec.part, []) if spec.part else [u for u in doc.units if u.start >= doc.body_start]
    hit = None
    for u in units:
        m = _matches(spec.patterns, u.text)
        if m:
            hit = (u, m)
            break
    fired = (hit is not None) == (spec.when == "present")
    item = CheckItem(id=spec.id, label=spec.label, status=spec.severity if fired else "ok", severity=spec.severity)
    if hit:
        u, m = hit
        s, e = _sentence_around(doc, u, u.start + m.start())
        item.evidence, item.start, item.where = doc.quote(s, e), doc.text_pos(s), u.kind
    item.message = ("出现" if hit else "未出现") + f"“{spec.label}”相关内容"
    return item


# -- R12: personal data and secrecy cues ---------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# Digits glued to other digits or letters are part of a longer code, not an ID or phone number.
_ID_CAND = re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")
_PHONE_CAND = re.compile(r"(?<![\dA-Za-z.])1[3-9]\d{9}(?![\dA-Za-z])")
# Given-name characters that show the name is anonymised (张某某, 李X) or is no name at all.
_NOT_GIVEN = re.compile(r"[某XxＸ×*＊○〇\d村镇乡组县区市街家氏姓户方面级年]")


def valid_citizen_id(s: str) -> bool:
    """An 18-character resident ID (GB 11643) whose check character and birth date hold."""
    if not re.fullmatch(r"\d{17}[\dXx]", s):
        return False
    total = sum(int(c) * w for c, w in zip(s[:17], _ID_WEIGHTS))
    if _ID_CHECK[total % 11] != s[17].upper():
        return False
    try:
        born = date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        return False
    return 1900 <= born.year <= 2100


def mask_digits(s: str) -> str:
    """``s`` with the middle of every ID and mobile number starred (never echo one in full)."""

    def star_id(m: re.Match[str]) -> str:
        d = m.group(0)
        return d[:3] + "*" * 11 + d[-4:] if valid_citizen_id(d) else d

    s = _ID_CAND.sub(star_id, s)
    return _PHONE_CAND.sub(lambda m: m.group(0)[:3] + "****" + m.group(0)[-4:], s)


def _name_hits(doc: Doc, spec: RuleSpec) -> list[tuple[int, int, str]]:
    """A private person's full name next to a litigation/petition word (王建国信访)."""
    surnames = frozenset(spec.opts.get("surnames", ()))
    before = spec.pats("name_before")
    norm = doc.norm
    out: list[tuple[int, int, str]] = []
    for p in spec.pats("litigation"):
        for m in p.finditer(norm, doc.body_start):
            end = m.start()
            # A short link may sit between the name and the word (王建国等人信访, 李四因纠纷).
            link = re.search(r"(等人?|因|就|多次|再次|一直)$", norm[max(0, end - 2) : end])
            ends = (end, end - len(link.group(0))) if link else (end,)
            hit = None
            for name_end in ends:
                # Longest name first: 欧阳明辉, 王建国, 王芳.
                for sur_len, given_len in ((2, 2), (2, 1), (1, 2), (1, 1)):
                    start = name_end - sur_len - given_len
                    if start < doc.body_start:
                        continue
                    sur, given = norm[start : start + sur_len], norm[start + sur_len : name_end]
                    if sur not in surnames or not re.fullmatch(r"[\u4e00-\u9fff]+", given):
                        continue
                    if _NOT_GIVEN.search(given):
                        continue
                    prefix = norm[max(0, start - 6) : start]
                    # The name stands at a clause boundary or after a role word (村民, 当事人).
                    at_boundary = not prefix or re.search(r"[，。；：、,;:\n“”\"（(]$", prefix)
                    if not at_boundary and not _matches(before, prefix):
                        continue
                    hit = (start, m.end())
                    break
                if hit:
                    break
            if hit:
                out.append((hit[0], hit[1], norm[hit[0] : hit[1]]))
    return out


def _check_pii(doc: Doc, spec: RuleSpec) -> CheckItem:
    norm = doc.norm
    found: list[tuple[int, int, str]] = []  # (start, end, what) in norm
    if spec.opts.get("id_numbers", True):
        for m in _ID_CAND.finditer(norm):
            if valid_citizen_id(m.group(0)):
                found.append((m.start(), m.end(), f"身份证号码{mask_digits(m.group(0))}"))
    if spec.opts.get("phones", True):
        for m in _PHONE_CAND.finditer(norm):
            found.append((m.start(), m.end(), f"手机号码{mask_digits(m.group(0))}"))
    for s, e, q in _name_hits(doc, spec):
        found.append((s, e, f"当事人姓名“{q}”"))
    for p in spec.pats("secrecy"):
        for m in p.finditer(norm):
            found.append((m.start(), m.end(), f"涉密标识“{m.group(0).strip()}”"))
    if not found:
        return _item(spec, False, "未发现身份证号、手机号、当事人姓名或涉密标识")
    found.sort()
    s, e, _what = found[0]
    u = next((x for x in doc.units if x.start <= s < x.end), None)
    span = _sentence_around(doc, u, s) if u else (max(0, s - 12), min(len(norm), e + 12))
    whats = "、".join(dict.fromkeys(w for _s, _e, w in found[:4]))
    more = f"等{len(found)}处" if len(found) > 1 else ""
    msg = f"疑含个人信息或涉密内容：{whats}{more}，公开前应做保密审查和脱敏"
    item = _item(spec, True, msg, where="paragraph")
    item.evidence, item.start = mask_digits(doc.quote(*span)), doc.text_pos(span[0])
    return item


# -- R13: addressee and sign-off -------------------------------------------------


def _tail_lines(doc: Doc, n: int) -> list[tuple[int, str]]:
    """The last ``n`` non-empty lines after the title, last first, with their norm offsets."""
    out: list[tuple[int, str]] = []
    pos = doc.body_start
    for line in doc.norm[doc.body_start :].split("\n"):
        s = line.strip()
        if s:
            out.append((pos + line.find(s), s))
        pos += len(line) + 1
    return out[::-1][:n]


def _check_sign_off(doc: Doc, spec: RuleSpec) -> CheckItem:
    norm = doc.norm
    # The addressee: a line ending in a colon among the opening lines (web copies put header
    # fields and the title before it), before the first heading.
    addressee: tuple[int, int] | None = None
    first_heading = next((u.start for u in doc.units if u.kind == "heading"), len(norm))
    pos, seen = 0, 0
    while pos < first_heading and seen < int(spec.opts.get("addressee_lines", 12)):
        nl = norm.find("\n", pos)
        nl = len(norm) if nl < 0 else nl
        line = norm[pos:nl].strip()
        if line:
            seen += 1
            if _matches(spec.pats("addressee"), line) and not _matches(spec.pats("not_addressee"), line):
                s = pos + norm[pos:nl].find(line)
                addressee = (s, s + len(line))
                break
        pos = nl + 1
    # The sign-off: organ and date in the last lines; metadata found them already when it could.
    organ: tuple[int, int] | None = None
    dated: tuple[int, int] | None = None
    # Only lines after the first heading: in a short web copy the last lines may be its header fields.
    last = [x for x in _tail_lines(doc, int(spec.opts.get("signature_lines", 6))) if x[0] > first_heading]
    if first_heading == len(norm):
        last = _tail_lines(doc, int(spec.opts.get("signature_lines", 6)))
    for s, line in last:
        m = FULL_DATE.search(line)
        if m and dated is None and len(line) <= 40:
            dated = (s + m.start(), s + m.end())
            line = line[: m.start()]
        if organ is None and line and len(line) <= 40 and _matches(spec.pats("organ"), line):
            organ = (s, s + len(line))
    r = doc.report
    tail = norm[last[-1][0] :] if last else ""
    if organ is None:
        for p in r.provenance:
            if p.source == "issuer" and p.field in ("entity", "county") and p.evidence:
                ev = normalise(p.evidence).text.strip()
                i = tail.find(ev) if ev else -1
                if i < 0:
                    continue
                s = len(norm) - len(tail) + i
                # The issuer's own line, not a sentence or a "发布机构：" field that names it.
                ls, le = norm.rfind("\n", 0, s) + 1, norm.find("\n", s)
                line = norm[ls : le if le >= 0 else len(norm)].strip()
                if len(line) <= 40 and not re.search(r"[，,。；;：:|]", line):
                    organ = (s, s + len(ev))
                    break
    date_known = dated is not None or bool(r.issue_date)
    missing = []
    if addressee is None:
        missing.append("主送机关（县委、县政府）")
    if organ is None:
        missing.append("落款机关")
    if not date_known:
        missing.append("成文日期")
    if missing:
        msg = "缺少" + "、".join(missing) + "（网页公开版常省略，报送版应齐全）"
        item = _item(spec, True, msg, where="layout")
        span = addressee or organ or dated or doc.title_span
        if span:
            item.evidence, item.start = doc.quote(*span), doc.text_pos(span[0])
        return item
    assert addressee is not None
    return _item(spec, False, "有主送机关和落款（机关、日期）", doc=doc, span=addressee, where="layout")


# ---------------------------------------------------------------------------
# Verdict
# ---------------------------------------------------------------------------

_SHORT_LABEL = {
    "achievements": "主要举措和成效",
    "shortcomings": "存在的不足和原因",
    "responsibility": "第一责任人履职情况",
    "plans": "下一年度安排",
    "other": "其他需要报告的情况",
}


def finish(report: Report, checklist: Checklist, *, guess: str | None = None, guess_year: int | None = None) -> None:
    """Recompute score, missing, warnings and summary from ``report.completeness.items``.

    ``guess``/``guess_year`` name the report in the summary when metadata did not.
    """
    comp = report.completeness
    if comp is None:
        return
    part_ids = {p.id for p in checklist.parts}
    required = {p.id for p in checklist.parts if p.required}
    sc = {"missing_required": 0.2, "error": 0.15, "warning": 0.05, "info": 0.0, **checklist.scoring}
    score = 1.0
    comp.missing = [i.id for i in comp.items if i.id in required and i.status == "missing"]
    comp.warnings = []
    problems: list[str] = []
    for i in comp.items:
        if i.status == "missing":
            score -= sc["missing_required"]
        elif i.status in ("error", "warning"):
            score -= sc[i.status]
            comp.warnings.append(f"{i.id} {i.label}：{i.message}" + (f"（“{i.evidence}”）" if i.evidence else ""))
            problems.append(
                i.message.split("，疑为")[0]
                if i.id not in part_ids
                else f"{_SHORT_LABEL.get(i.id, i.label)}{i.message.split('；')[-1]}"
            )
    comp.score = round(max(0.0, score), 2)
    entity, year = report.entity or guess, report.year or guess_year
    who = "".join(x for x in (entity or "", f"{year}年" if year else "") if x) or "本"
    n_req = len(required)
    missing_labels = "、".join(_SHORT_LABEL.get(m, m) for m in comp.missing)
    head = f"{who}法治政府建设情况报告"
    if comp.missing:
        text = f"{head}规定的{n_req}项内容缺{len(comp.missing)}项（{missing_labels}）"
    else:
        text = f"{head}规定内容齐全"
    if problems:
        text += f"；需改进{len(problems)}处：" + "；".join(problems[:4]) + ("等" if len(problems) > 4 else "")
    elif not comp.missing:
        text += "，未发现明显问题"
    comp.summary = text + "。"


def check_report(report: Report, checklist: Checklist) -> None:
    """Set ``report.completeness``: parts present, quality rules, score and summary."""
    if report.status != "ok" or not report.text.strip():
        return
    doc = build_doc(report, checklist)
    items: list[CheckItem] = []
    present: dict[str, bool] = {}
    for part in checklist.parts:
        it = _check_part(doc, part)
        present[part.id] = bool(it.present)
        items.append(it)
    rule = checklist.rule
    if (spec := rule("R02")) is not None:
        items.append(_check_causes(doc, spec, present.get("shortcomings", False)))
    if (spec := rule("R03")) is not None:
        items.append(_check_plans_concrete(doc, spec, present.get("plans", False)))
    if (spec := rule("R03B")) is not None:
        items.append(_check_plans_copied(doc, spec, present.get("shortcomings", False), present.get("plans", False)))
    if (spec := rule("R04")) is not None:
        items.append(_check_title_year(doc, spec))
    if (spec := rule("R04B")) is not None:
        items.append(_check_stray_years(doc, spec))
    if (spec := rule("R05")) is not None:
        items.append(_check_placeholders(doc, spec))
    if (spec := rule("R08")) is not None:
        items.append(_check_level(doc, spec))
    if (spec := rule("R09")) is not None:
        items.append(_check_deadline(doc, spec))
    if (spec := rule("R10")) is not None:
        items.append(_check_heading_format(doc, spec))
    if (spec := rule("R11")) is not None:
        items.append(_check_quantities(doc, spec, present.get("achievements", False)))
    if (spec := rule("R12")) is not None:
        items.append(_check_pii(doc, spec))
    if (spec := rule("R13")) is not None:
        items.append(_check_sign_off(doc, spec))
    if (spec := rule("R14")) is not None:
        items.append(_check_doc_type(doc, spec))
    for extra in checklist.extras:
        items.append(_check_extra(doc, extra))
    report.completeness = Completeness(items=items)
    finish(report, checklist, guess=guess_entity(doc.title), guess_year=doc.year)


_MARK = {"ok": "✓", "missing": "✗", "error": "✗", "warning": "!", "info": "·"}


def format_verdict(report: Report, *, width: int = 60) -> str:
    """A report's verdict as readable lines (the ``govreport check`` table)."""
    if report.status != "ok":
        err = report.error or {}
        return f"✗ {report.source}\n    error [{err.get('code')}]: {err.get('message')}"
    comp = report.completeness
    if comp is None:
        return f"· {report.source}\n    (not checked)"
    lines = [f"{report.source}  score {comp.score:.2f}", f"  {comp.summary}"]
    for i in comp.items:
        ev = f"「{i.evidence if len(i.evidence) <= width else i.evidence[: width - 1] + '…'}」" if i.evidence else ""
        where = f" [{i.where}]" if i.where else ""
        lines.append(
            f"  {_MARK.get(i.status, '?')} {i.id:<14} {i.status:<8} {i.label}：{i.message}{where} {ev}".rstrip()
        )
    return "\n".join(lines)
